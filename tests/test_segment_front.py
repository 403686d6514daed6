"""Above the brows of a front or side view: hair, bare forehead and the wall told apart.

Each case is one FASSEG showed the segmentation getting wrong, rebuilt synthetically.
"""

import cv2
import numpy as np

from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, HAIR, THINNING, segment


def _head(size=320):
    yy, xx = np.mgrid[0:size, 0:size]
    head = ((xx - size / 2) / (0.36 * size)) ** 2 + ((yy - size * 0.55) / (0.42 * size)) ** 2 < 1
    return yy, xx, head


def test_the_hairline_sits_where_dark_hair_meets_the_forehead_not_a_band_below():
    """The hairline's own contrast reads as strands: the hair's edge crept several pixels onto
    the forehead (FASSEG's skin above the brows lost a band all along the hairline)."""
    size = 400
    yy, xx, head = _head(size)
    line = int(size * 0.36)
    hair = head & (yy < line)
    rng = np.random.default_rng(5)
    img = np.empty((size, size, 3), np.float32)
    img[:] = (196, 198, 202)  # a pale wall
    img[head] = (205, 160, 138)  # a forehead
    strands = np.zeros((size, size), np.float32)
    for _ in range(4000):  # dark strands, combed down to a clean edge
        x0, y0 = rng.uniform(0, size), rng.uniform(0, line)
        cv2.line(strands, (int(x0), int(y0)), (int(x0 + rng.uniform(-3, 3)), int(y0 + 10)), 1.0, 1)
    strands = np.clip(strands + 0.6, 0, 1) * hair
    img = img * (1 - strands[..., None]) + np.array((48, 36, 30), np.float32) * strands[..., None]
    img = cv2.GaussianBlur(np.clip(img + rng.normal(0, 2, img.shape), 0, 255).astype(np.uint8), (0, 0), 1.0)
    seg = segment(img)
    cols = range(int(size * 0.35), int(size * 0.65))
    # The hair's lowest row in each column near the middle (hair or thinning both count).
    found = [np.flatnonzero((seg.labels[:, c] == HAIR) | (seg.labels[:, c] == THINNING)).max() for c in cols]
    assert abs(np.median(found) - (line - 1)) <= 0.01 * size
    assert (seg.labels[line + 2: line + 40, cols.start:cols.stop] == BALD).mean() > 0.97


def test_lit_brown_hair_beside_the_face_is_hair_not_skin():
    """Lit brown hair in a soft photo: as smooth as the skin, 10 L darker, hardly greyer; only
    duller red than skin (blood). FASSEG's side views had it all labelled bare skin."""
    size = 320
    yy, xx, head = _head(size)
    hair = head & (yy < size * 0.45)
    lab = np.empty((size, size, 3), np.float32)
    lab[:] = (80.0, 0.5, 1.0)  # the wall
    lab[head] = (50.0, 9.0, 8.0)  # the skin
    lab[hair] = (40.0, 3.0, 6.0)  # the hair, lit
    rgb = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    rng = np.random.default_rng(1)
    img = np.clip(255 * rgb + rng.normal(0, 1.0, rgb.shape), 0, 255).astype(np.uint8)
    seg = segment(img)
    found_hair = (seg.labels == HAIR) | (seg.labels == THINNING)
    inner = cv2.erode(hair.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert found_hair[inner].mean() > 0.9
    skin = cv2.erode((head & ~hair).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert (seg.labels[skin] == BALD).mean() > 0.9


def test_a_lit_temple_beside_a_pale_wall_stays_in_the_head():
    """Beside a face, what is smooth and near the wall's colour is wall; a lit temple is as light,
    but redder. FASSEG lost the temple and brow of men lit from the side to the background."""
    from smp_studio.core.analysis.beside_face import beside_the_face

    lab = np.zeros((100, 100, 3), np.float32)
    lab[:] = (72.0, 0.5, 1.0)  # a pale grey wall all round
    lab[10:95, 20:80] = (45.0, 9.0, 7.0)  # the head: skin in shade ...
    lab[10:30, 20:80] = (25.0, 2.0, 4.0)  # ... dark hair on top ...
    lab[30:60, 20:32] = (74.0, 8.0, 5.0)  # ... and a lit temple at its edge, 8 ΔE from the wall
    texture = np.full((100, 100), 0.5, np.float32)
    head = np.zeros((100, 100), bool)
    head[8:95, 18:82] = True  # the graph cut's head, with a halo of wall
    out = beside_the_face(head, lab, texture, (30, 35, 40, 40))
    assert out[31:59, 21:31].all()  # the temple
    assert not out[8:9, 18:82].any() and not out[40:60, 18:19].any()  # the wall's halo goes
    assert out[12:28, 22:78].all()  # the hair


def test_the_bundled_front_sample_keeps_its_forehead_bare(samples_dir):
    """The fixes above move the hair's edge and the wall's: the front sample's forehead must
    stay bare skin and its hair hair."""
    from smp_studio.core.analysis.photo import load_photo

    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    seg = segment(rgb)
    counts = np.bincount(seg.labels.ravel(), minlength=4)
    head = counts[1:].sum()
    assert counts[BALD] > 0.2 * head and counts[HAIR] > 0.2 * head and counts[BACKGROUND] > 0


def test_a_shaded_forehead_beside_a_kept_face_stays_skin():
    """Where the face is kept in the head (a profile, or a frontal face only the profile detector
    found), shade under the hair darkens the forehead with the skin's own colour: it is skin,
    not hair (FASSEG's near-frontal men lost their upper forehead to the hair)."""
    from smp_studio.core.analysis.beside_face import hair_by_colour

    rng = np.random.default_rng(4)
    lab = np.empty((120, 100, 3), np.float32)
    lab[:] = (25.0, 2.0, 4.0)  # dark hair, lit and shaded strands
    lab[:35] += rng.normal(0, 1, (35, 100, 3)) * np.array((6.0, 1.5, 1.5), np.float32)
    lab[35:, 15:85] = (65.0, 10.0, 9.0)  # the forehead and face
    lab[35:45, 15:85] = (45.0, 8.0, 7.0)  # shade under the hair: darker, the skin's hue
    lab[35:, 15:85] += rng.normal(0, 1, (85, 70, 3)) * np.array((2.0, 1.0, 1.0), np.float32)
    dens = np.where(np.arange(120)[:, None] < 35, 1.0, 0.1) * np.ones((1, 100))
    face = (15, 40, 70, 70)  # its cheeks lie in the head: the face is kept
    out = hair_by_colour(lab, np.ones((120, 100), bool), dens.astype(np.float32), face, hair_from=0.58)
    assert (out[36:44, 20:80] < 0.58).mean() > 0.95  # the shaded forehead
    assert (out[5:30] > 0.58).mean() > 0.95  # the hair
