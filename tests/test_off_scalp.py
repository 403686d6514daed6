"""What the head cut keeps that is not scalp: ears inside the outline, what lies beside a face."""

import numpy as np
import pytest

from smp_studio.core.analysis.scalp import treatable_scalp
from smp_studio.core.analysis.segmentation import from_labels

SKIN, EAR, WALL, HAIR = (190, 150, 130), (205, 105, 95), (225, 220, 205), (50, 40, 35)


def _grid(size):
    return np.mgrid[0:size, 0:size]


def _bald_head(cx, cy, a, b, size=320):
    """A bald head (an ellipse of skin) on a pale wall: grid, photo, labels and the head's mask."""
    yy, xx = _grid(size)
    img = np.empty((size, size, 3), np.uint8)
    img[:] = WALL
    labels = np.zeros((size, size), np.uint8)
    head = ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1
    img[head] = SKIN
    labels[head] = 1
    return yy, xx, img, labels, head


def _side_head(size=320):
    """A bald head seen from the side filling most of the frame, its ear well inside the outline
    at the skull's middle height, the neck running off the bottom. Returns photo, labels, masks."""
    yy, xx, img, labels, head = _bald_head(165, 150, 120.0, 125.0, size)
    neck = (yy > 200) & (np.abs(xx - 150) < 85)
    img[head | neck] = SKIN
    labels[head | neck] = 1
    ear = ((xx - 150) / 16.0) ** 2 + ((yy - 190) / 27.0) ** 2 <= 1
    img[ear] = EAR
    return img, labels, {"ear": ear, "crown": head & (yy < 90), "below": (head | neck) & (yy > 200)}


@pytest.mark.parametrize("view", ["topdown", "back"])
def test_an_ear_inside_the_outline_gets_no_pigment_whatever_view_was_guessed(view):
    """A side view guessed as top-down or back (no face found) put dots on the ear, the cheek and
    the neck: an ear inside the head's outline shows the head is seen from the side, and the scalp
    ends above it."""
    img, labels, parts = _side_head()
    sc = treatable_scalp(from_labels(labels, img), view=view, photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert not (m & parts["ear"]).any()
    assert not (m & parts["below"]).any()
    assert (m & parts["crown"]).sum() > 0.8 * parts["crown"].sum()  # the bald top stays treated


def test_a_bald_head_from_above_without_an_ear_keeps_its_scalp():
    """A red patch (sunburn, a scab) broader than tall on the crown is no ear: the scalp stays whole."""
    img, labels, parts = _side_head()
    yy, xx = _grid(320)
    img[parts["ear"]] = SKIN
    img[((xx - 165) / 30.0) ** 2 + ((yy - 160) / 14.0) ** 2 <= 1] = EAR
    sc = treatable_scalp(from_labels(labels, img), view="topdown", photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert m[200:230, 120:200].mean() > 0.9


class _Face:
    """A frontal face as the scalp reads it (duck-typed like analysis.face.Face)."""

    yaw = 0.0
    direction = (0.0, 1.0)

    def __init__(self, box, brow_y):
        self._box, self.brow_y, self.polygon = box, brow_y, None

    def box(self, margin=0.0):
        return self._box


def test_nothing_beside_a_face_seen_from_the_front_is_scalp():
    """Shelves or a wall the head cut kept beside the face, at the face's height, took dots: beside
    a face found from the front, below the top of its oval, lie temples, ears or the room."""
    yy, xx, img, labels, head = _bald_head(160, 170, 110.0, 150.0)
    img[head & (yy < 120)] = HAIR
    labels[head & (yy < 120)] = 2  # thinning hair on top
    shelf = (yy > 100) & (yy < 200) & (xx > 255)  # kept by the cut, joined to the head
    img[shelf] = (200, 170, 150)
    labels[shelf] = 2
    face = _Face((70.0, 150.0, 180.0, 170.0), 200.0)
    sc = treatable_scalp(from_labels(labels, img), view="front", face=face, photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert not (m & shelf & (yy > 150)).any()
    assert m[60:120, 120:200].mean() > 0.9  # the top of the head stays scalp


def test_a_creased_forehead_seen_from_above_gets_no_pigment():
    """A face bent toward the camera behind glasses shows no brows the labels can read, and its
    bare forehead ran on from the bald scalp: its wrinkles (thin dark lines across the skin below
    the skull's middle) put it off the scalp; the bald top stays treated."""
    yy, xx, img, labels, head = _bald_head(160, 150, 130.0, 140.0)
    creases = np.zeros(labels.shape, bool)
    for y in (200, 213, 226, 239, 252):
        creases[y:y + 2] = True
    creases &= head & (np.abs(xx - 160) < 100)
    img[creases] = (140, 105, 90)
    sc = treatable_scalp(from_labels(labels, img), view="topdown", photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert not m[195:].any()
    assert m[40:150, 100:220].mean() > 0.9


def test_a_head_seen_from_behind_but_guessed_top_down_is_not_inked_down_the_neck():
    """Both ears on the outline of a bald head read as top-down: the head is seen from behind (or
    bent far down), and below the ear lobes lie the neck (or the forehead), not scalp."""
    cx, cy, a, b = 160, 130, 100, 115
    yy, xx, img, labels, skull = _bald_head(cx, cy, a, b)
    neck = (yy > cy) & (np.abs(xx - cx) < 70)
    ears = np.zeros(labels.shape, bool)
    for ex in (cx - a - 4, cx + a + 4):
        ears |= ((xx - ex) / 14.0) ** 2 + ((yy - cy - 10) / 28.0) ** 2 <= 1
    rim = skull & ~(((xx - cx) / (a - 12)) ** 2 + ((yy - cy) / (b - 12)) ** 2 <= 1) & (yy > cy - 30)
    # The fringe round the sides keeps the ears apart from the scalp's skin.
    for part, colour, label in ((skull | neck, SKIN, 1), (rim, HAIR, 3), (ears, SKIN, 1)):
        img[part] = colour
        labels[part] = label
    sc = treatable_scalp(from_labels(labels, img), view="topdown", photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert not (m & neck & (yy > cy + 45)).any()
    assert m[40:110, 110:210].mean() > 0.9


def test_a_forehead_with_three_wrinkles_seen_from_above_gets_no_pigment():
    """A young forehead bent toward the camera shows three long wrinkles, not four: it ran on from
    the bald scalp below a fringe and took dots down to the brows."""
    yy, xx, img, labels, head = _bald_head(160, 150, 130.0, 140.0)
    for y in (205, 220, 235):
        img[y:y + 2][head[y:y + 2] & (np.abs(xx[y:y + 2] - 160) < 100)] = (140, 105, 90)
    sc = treatable_scalp(from_labels(labels, img), view="topdown", photo_rgb=img)
    m = sc.resized(labels.shape) > 0.5
    assert not m[200:].any()
    assert m[40:150, 100:220].mean() > 0.9


@pytest.mark.devdata
def test_the_scalp_fades_out_where_the_upper_arc_ends_it_not_along_a_ruled_line(devdata):
    """Seen from above, the upper arc's fit (no shoulders in the skull) ends the scalp across the
    head's front, where the photo shows no outline: pigment stopped dead along a straight line."""
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.engine.simulation import Simulation
    from smp_studio.core.model.settings import Settings

    sim = Simulation(load_photo(devdata / "scalp_photos" / "norwood5_topdown_006.jpg"), Settings(view="topdown"))
    room = sim.scalp.resized(sim.segmentation.labels.shape)
    col = room[:, int(sim.scalp.skull[0][0])]
    lo = np.flatnonzero(col > 0.95).max()  # the full scalp's lowest row
    ramp = np.flatnonzero((col > 0.05) & (col < 0.95))
    ramp = ramp[ramp > lo]  # below it, toward the head's front
    assert sim.scale.px_to_mm(len(ramp)) >= 8  # fades out over about a transition zone (8 mm by default)


def test_beside_a_face_seen_from_the_front_the_clippers_blend_out_instead_of_a_squared_corner(samples_dir):
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.engine.simulation import Simulation
    from smp_studio.core.model.settings import Settings

    # Below the top of the face's oval, beside it, lie sideburns and ears: not scalp. The shave
    # preview clipped right down to that cut, leaving a squared corner of clipped hair at each temple.
    sim = Simulation(load_photo(samples_dir / "front-norwood4-hairline.jpg"), Settings(view="front"))
    x, y, w, _ = sim.face.box()
    b = sim.scalp.skull[1][1]
    _, clipped = sim.shaved()
    yy, xx = np.mgrid[0:clipped.shape[0], 0:clipped.shape[1]]
    beside = ((xx < x) | (xx > x + w)) & sim.segmentation.head_mask
    at_the_cut = clipped[beside & (yy > y - 0.05 * b) & (yy <= y)].mean()
    above_it = clipped[beside & (yy > y - 0.4 * b) & (yy <= y - 0.3 * b)].mean()
    assert at_the_cut < 0.6 * above_it
