"""Where the scalp ends in side and back views: a hairline in profile, a nape line."""

import numpy as np

from test_scalp import HAIR, SKIN, _canvas, _on, _paint, back_view, side_view
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.scalp import treatable_scalp
from smp_studio.core.analysis.segmentation import from_labels
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings


def test_side_view_template_fills_a_receded_front_as_a_profile_hairline():
    """Seen from the side, the template is a hairline in profile: up the temple, turning at the
    frontotemporal corner, forward over the forehead to the outline. The bald front behind it,
    where the client's hair has receded, is treated; in front of it the forehead is not."""
    img, labels, _ = side_view()
    H, W = labels.shape
    yy, xx = np.mgrid[0:H, 0:W]
    cx, cy, a, b = 0.52 * W, 0.45 * H, 0.36 * W, 0.32 * H
    skull = ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1
    X, Y = (cx - xx) / a, (cy - yy) / b  # toward the face (left), up
    rng = np.random.default_rng(5)
    # Hair on the back of the skull up to a line receding from the crown to behind the ear.
    _paint(img, labels, skull & (X < -0.05 - 0.2 * Y) & (Y > -0.35), HAIR, 3, rng, strands=True)
    sim = Simulation(Photo.from_array(img), Settings(view="side", px_per_mm=2.0, hairline_template="mature"),
                     segmentation=from_labels(labels, img))
    line = sim.hairline.points
    (fx, fy), (fa, fb) = sim.scalp.skull
    lx, ly = (fx - line[:, 0]) / fa, (fy - line[:, 1]) / fb
    assert lx[-1] > lx[0] and ly[-1] > ly[0]  # from the temple forward and up
    assert abs(np.hypot(lx[-1], ly[-1]) - 1) < 0.05  # ending on the outline over the forehead
    # The receded front of the top, up to the forehead, is treated (the frontal template turned on
    # its side left all but its back edge).
    assert _on(sim.dots, skull & (X > 0.45) & (Y > 0.6)) > 100
    assert _on(sim.dots, skull & (X > 0.75) & (Y < 0.5)) == 0  # the forehead in front of the line


def test_a_bald_back_ends_in_a_nape_line_not_the_rim_of_a_hat():
    """Seen from behind a shaved head with no fringe to follow, the treated scalp ends in a nape
    line lowest at the midline and rising toward the ears, fading out: not a level cut. Gently: a
    nape rising too steeply or fading too far up leaves the sides above the ears and the lower back
    lighter than the crown, wrong for a full shaved look."""
    img, labels, _ = back_view()
    H, W = labels.shape
    yy, xx = np.mgrid[0:H, 0:W]
    cx, cy, a, b = W / 2, 0.42 * H, 0.30 * W, 0.33 * H
    skull = ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1
    labels[skull] = 1
    img[skull] = SKIN
    sc = treatable_scalp(from_labels(labels, img), view="back")
    m = sc.resized(labels.shape)

    def lowest(x):  # the lowest row of the scalp in a column (fade included)
        return int(np.flatnonzero(m[:, int(x)] > 0.05).max())

    mid, sides = lowest(cx), (lowest(cx - 0.6 * a), lowest(cx + 0.6 * a))
    assert 0.05 * b < mid - max(sides) < 0.1 * b
    # and it fades out over about 2 cm, not a ruled edge
    col = m[:, int(cx)]
    assert 0.15 * b < np.count_nonzero((col > 0.05) & (col < 0.95)) < 0.26 * b
    # Half way out of that fade, at the midline, it sits below the middle of the ear lobes (the
    # nape of a full shaved look, not a cap ending at the ears' middle).
    (_, fy), (_, fb) = sc.skull
    assert int(np.flatnonzero(col > 0.5).max()) > fy + 0.5 * fb

def test_side_view_keeps_to_the_skull_above_the_ear():
    img, labels, parts = side_view()
    sim = Simulation(Photo.from_array(img), Settings(view="side", px_per_mm=2.0),
                     segmentation=from_labels(labels, img))
    dots = sim.dots
    assert _on(dots, parts["top"]) > 300
    assert _on(dots, parts["ear"]) == 0 and _on(dots, parts["face"]) == 0
    assert sim.hairline.face_dir[0] < -0.9  # the face lies to the left, across the photo


def test_a_shaved_head_seen_from_behind_is_not_inked_down_the_neck():
    """Norwood 7 from behind, no fringe left: shade down one side of the head and neck reads as
    hair, which once made a 'fringe' ending at the collar and pigment went down the neck."""
    rng = np.random.default_rng(2)
    size = 400
    img, labels, yy, xx = _canvas(size)
    cx, cy, a, b = size / 2, 0.36 * size, 0.34 * size, 0.32 * size
    skull = ((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1
    neck = (yy > cy) & (np.abs(xx - cx) < 0.62 * a)
    _paint(img, labels, neck | skull, SKIN, 1, rng)
    shade = (neck | skull) & (xx > cx + 0.1 * a)
    _paint(img, labels, shade, (150, 130, 135), 3, rng)  # the shaded side, read as hair
    sim = Simulation(Photo.from_array(img), Settings(view="back", px_per_mm=2.0),
                     segmentation=from_labels(labels, img))
    dots = sim.dots
    assert _on(dots, skull & (yy < cy)) > 500  # the crown is treated
    assert _on(dots, neck & (yy > cy + 0.7 * b)) < 0.002 * len(dots)



def test_a_profile_template_keeps_the_frontotemporal_recession_open_and_starts_where_the_scalp_ends():
    """shared/domain.md: the frontotemporal angles are not filled in. Seen from the side, the mature and
    conservative lines go back into the recession above the temple's peak before running forward over
    the forehead (a wedge filled low and forward into that angle read as too young a design); every
    line starts just below where the side scalp ends, not on the cheek."""
    from smp_studio.core.analysis.head import side_template
    from smp_studio.core.analysis.scalp import SIDE_FLOOR

    skull = ((300.0, 300.0), (120.0, 110.0))
    for name in ("juvenile", "mature", "conservative", "feminine", "edge-up"):
        pts = side_template(name, skull, (1.0, 0.0)).points
        X, Y = (pts[:, 0] - 300.0) / 120.0, (300.0 - pts[:, 1]) / 110.0
        assert SIDE_FLOOR - 0.1 < Y[0] < SIDE_FLOOR, name
        if name in ("mature", "conservative"):
            peak = int(np.argmax(X[:3]))  # the temple's peak, low on the line
            assert X[peak + 1:-1].min() < X[peak] - 0.05, name  # back into the recession above it
