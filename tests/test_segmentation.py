import numpy as np
import pytest

from conftest import synthetic_head
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.segmentation import (BACKGROUND, BALD, HAIR, HAIR_FROM, HINT_HAIR, HINT_SKIN, THINNING,
                                                   THINNING_FROM, from_labels, segment)


def iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


@pytest.mark.parametrize(
    "skin,hair,bg,bald_iou,hair_iou",
    [
        ((214, 168, 140), (45, 35, 30), (70, 95, 140), 0.7, 0.6),  # light skin, dark hair, blue shirt
        ((110, 72, 50), (25, 20, 18), (200, 200, 195), 0.7, 0.6),  # dark skin, black hair, pale wall
        # Sparse light-grey strands over light skin differ from it mostly in colour: the
        # hardest case, with a lower floor (a known weakness; the artist's brush fixes it).
        ((225, 185, 165), (200, 200, 198), (40, 60, 90), 0.5, 0.3),
    ],
)
def test_synthetic_head_classes_match_truth(skin, hair, bg, bald_iou, hair_iou):
    img, truth = synthetic_head(skin=skin, hair=hair, bg=bg)
    seg = segment(img)
    assert iou(seg.labels == BACKGROUND, truth == 0) > 0.85
    assert iou(seg.labels == BALD, truth == 1) > bald_iou
    found_hair = (seg.labels == HAIR) | (seg.labels == THINNING)
    assert iou(found_hair, truth == 3) > hair_iou


def test_density_map_is_soft_and_ordered():
    img, truth = synthetic_head()
    seg = segment(img)
    d = seg.hair_density
    assert d.dtype == np.float32 and d.min() >= 0 and d.max() <= 1
    assert d[truth == 3].mean() > d[truth == 1].mean() + 0.3
    assert np.all(d[seg.labels == BACKGROUND] == 0)


def test_scale_estimate_from_head_breadth():
    img, truth = synthetic_head(size=400)  # head diameter 0.84 * 400 = 336 px
    s = segment(img).estimated_scale()
    assert s.source == "head"
    assert s.px_per_mm == pytest.approx(336 / 150, rel=0.12)


def test_hints_correct_a_region():
    img, truth = synthetic_head()
    seg = segment(img)
    hints = np.zeros(truth.shape, np.uint8)
    hints[190:210, 190:210] = HINT_HAIR  # the artist says: this bald patch is hair
    hints[60:70, 195:205] = HINT_SKIN
    seg2 = segment(img, hints=hints)
    assert (seg2.labels[195:205, 195:205] == HAIR).all()
    assert seg2.hair_density[200, 200] > seg.hair_density[200, 200] + 0.5
    assert seg2.labels[65, 200] == BALD


def test_labels_are_photo_sized_for_any_resolution():
    img, _ = synthetic_head(size=300)
    big = np.repeat(np.repeat(img, 3, 0), 2, 1)  # 900 x 600, not square
    seg = segment(big)
    assert seg.labels.shape == big.shape[:2] and seg.labels.dtype == np.uint8


def test_from_labels_measures_colours_from_the_photo():
    img, truth = synthetic_head()
    seg = from_labels(truth, img)
    assert seg.skin_lab[0] > 60  # the light skin
    assert seg.hair_lab is not None and seg.hair_lab[0] < 35
    with pytest.raises(ValueError, match="0 \\(background\\)"):
        from_labels(np.full_like(truth, 7), img)


@pytest.mark.parametrize(
    "name,at_least_bald",
    [("topdown-norwood7-fair-skin.jpg", 0.8), ("topdown-norwood7-dark-skin.jpg", 0.7), ("topdown-norwood6-shaved-look.jpg", 0.7)],
)
def test_bald_samples_are_mostly_bald(samples_dir, name, at_least_bald):
    seg = segment(load_photo(samples_dir / name).rgb)
    assert seg.bald_fraction() >= at_least_bald
    c = seg.labels[280:360, 280:360]  # crown centre of a top-down photo
    assert (c == BALD).mean() > 0.8


def test_thinning_crown_is_thinning_under_denser_hair(samples_dir):
    """The sample's crown shows pink skin through fine white hair: thinning hair's density (as
    bare skin it was inked over the hair and never clipped by the shave preview)."""
    seg = segment(load_photo(samples_dir / "crown-norwood4-diffuse-thinning.jpg").rgb)
    centre = seg.hair_density[250:350, 280:380].mean()
    rim = seg.hair_density[60:120, 200:440].mean()
    assert rim > centre + 0.15
    assert THINNING_FROM < seg.hair_density[250:350, 280:380].min() < HAIR_FROM


def test_skin_seen_through_white_hair_is_thinning():
    """A crown under a veil of fine white hair (greyer than any bare skin) inside darker hair is
    thinning; the same crown with the skin bare stays bald."""
    import cv2

    def head(colour):
        img = np.full((240, 240, 3), (70, 90, 140), np.uint8)  # a blue shirt or wall
        cv2.circle(img, (120, 120), 95, (60, 52, 48), -1)  # dark hair around the crown ...
        rng = np.random.default_rng(0)
        for _ in range(400):  # ... of strands
            x, y = rng.integers(30, 210, 2)
            cv2.line(img, (int(x), int(y)), (int(x) + 6, int(y) + 9), (120, 105, 95), 1)
        cv2.circle(img, (120, 120), 62, colour, -1)
        return np.clip(img + rng.normal(0, 1.5, img.shape), 0, 255).astype(np.uint8)

    veiled = segment(head((214, 194, 194)))  # pink skin seen through white strands: greyish pink
    bare = segment(head((224, 178, 160)))
    assert THINNING_FROM < veiled.hair_density[90:150, 90:150].min() < HAIR_FROM
    assert bare.hair_density[90:150, 90:150].max() < THINNING_FROM


@pytest.mark.devdata
def test_devdata_face_parsing_iou(devdata):
    """Sanity bars on a slice of the development set (full figures: tools/eval_segmentation.py)."""
    import sys

    from pathlib import Path

    tools = Path(__file__).resolve().parents[1] / "tools"
    sys.path.insert(0, str(tools))
    from eval_segmentation import face_parsing_iou

    r = face_parsing_iou(devdata, limit=40, region="whole")
    assert r["skin"] > 0.58 and r["background"] > 0.55 and r["hair"] > 0.4, r


@pytest.mark.devdata
def test_devdata_above_the_brows_beats_a_colour_threshold(devdata):
    """Where a hairline goes (above the brows), every pose: hair, skin and wall told apart,
    and hair better than a plain colour threshold does (full figures: tools/eval_segmentation.py)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from eval_segmentation import baseline_labels, face_parsing_iou

    ours = face_parsing_iou(devdata, step=6)
    base = face_parsing_iou(devdata, step=6, method=baseline_labels)
    assert ours["background"] > 0.78 and ours["skin"] > 0.78 and ours["hair"] > 0.88, ours
    assert ours["hair"] > base["hair"] + 0.04 and ours["skin"] > base["skin"] + 0.05, (ours, base)


@pytest.mark.devdata
def test_devdata_bald_fraction_tracks_norwood(devdata):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from eval_segmentation import norwood_tracking

    r = norwood_tracking(devdata, step=5, views=("topdown",))
    assert r["topdown"]["spearman"] > 0.4, r


def test_same_photo_same_segmentation(samples_dir):
    import cv2

    rgb = load_photo(samples_dir / "topdown-norwood6-grey-hair.jpg").rgb
    a = segment(rgb)
    cv2.randu(np.zeros((10, 10), np.float32), 0, 1)  # disturb OpenCV's global RNG in between
    b = segment(rgb)
    assert np.array_equal(a.labels, b.labels) and np.array_equal(a.hair_density, b.hair_density)


def test_a_rerun_with_strokes_changes_only_their_neighbourhood(samples_dir):
    import cv2

    rgb = load_photo(samples_dir / "crown-norwood4-diffuse-thinning.jpg").rgb
    first = segment(rgb)
    for value, pts in ((HINT_SKIN, [(100, 300), (110, 360)]), (HINT_HAIR, [(200, 560), (240, 590)])):
        hints = np.zeros(rgb.shape[:2], np.uint8)
        cv2.polylines(hints, [np.array(pts, np.int32)], False, value, thickness=24)
        again = segment(rgb, hints=hints, previous=first)
        far = cv2.dilate((hints > 0).astype(np.uint8), np.ones((81, 81), np.uint8)) == 0
        assert (again.labels[far] == first.labels[far]).all()
        assert again.head_breadth_px == first.head_breadth_px  # the estimated scale stays
        assert (again.labels[hints == value] == (BALD if value == HINT_SKIN else HAIR)).all()


def _front_head(hair, *, size=400, skin=(226, 188, 165), wall=(200, 203, 208), seed=0):
    """A face-on head against a wall: a skin oval under a cap of strand-textured hair."""
    import cv2

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size]
    img = np.empty((size, size, 3), np.float32)
    img[:] = wall
    head = ((xx - size / 2) / (0.36 * size)) ** 2 + ((yy - size * 0.55) / (0.45 * size)) ** 2 < 1
    face = ((xx - size / 2) / (0.27 * size)) ** 2 + ((yy - size * 0.62) / (0.40 * size)) ** 2 < 1
    img[head] = skin
    strands = np.zeros((size, size), np.float32)
    for _ in range(size * 14):
        x0, y0, ang, ln = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(1.2, 1.9), rng.uniform(6, 18)
        cv2.line(strands, (int(x0), int(y0)), (int(x0 + ln * np.cos(ang)), int(y0 + ln * np.sin(ang))), 1.0, 1)
    hair_px = np.array(hair, np.float32) * (0.8 + 0.35 * strands[..., None])
    img[head & ~face] = hair_px[head & ~face]
    img += rng.normal(0, 2.0, img.shape)
    truth = np.zeros((size, size), np.uint8)
    truth[head] = 1
    truth[head & ~face] = 3
    return np.clip(img, 0, 255).astype(np.uint8), truth


@pytest.mark.parametrize("hair", [(150, 70, 40), (190, 160, 110), (170, 170, 168)], ids=["auburn", "fair", "grey"])
def test_auburn_fair_and_grey_hair_over_a_forehead_count_as_hair(hair):
    img, truth = _front_head(hair)
    seg = segment(img)
    found_hair = (seg.labels == HAIR) | (seg.labels == THINNING)
    assert iou(found_hair, truth == 3) > 0.75
    assert iou(seg.labels == BALD, truth == 1) > 0.8
    assert iou(seg.labels == BACKGROUND, truth == 0) > 0.9


def test_hair_by_colour_takes_smooth_auburn_hair_for_hair_and_keeps_the_forehead():
    from smp_studio.core.analysis.beside_face import hair_by_colour

    rng = np.random.default_rng(1)
    lab = np.empty((120, 100, 3), np.float32)
    lab[:] = (42.0, 24.0, 30.0)  # auburn: as warm as skin, darker
    lab[35:, 20:80] = (68.0, 15.0, 17.0)  # forehead and face
    lab += rng.normal(0, 1.5, lab.shape).astype(np.float32)
    dens = np.zeros((120, 100), np.float32)
    dens[:8] = 1.0  # only the crown's edge reads as hair by texture
    out = hair_by_colour(lab, np.ones((120, 100), bool), dens, (20, 40, 60, 70), hair_from=0.58)
    assert (out[10:30, :] > 0.58).mean() > 0.95  # the smooth auburn fringe and temples
    assert (out[45:70, 30:70] < 0.2).mean() > 0.95  # the forehead stays skin
    # With no hair seen at all there is nothing to learn hair from: the density is unchanged.
    none = hair_by_colour(lab, np.ones((120, 100), bool), np.zeros_like(dens), (20, 40, 60, 70), hair_from=0.58)
    assert not none.any()


def test_beside_the_face_keeps_long_dark_hair_and_drops_the_wall():
    from smp_studio.core.analysis.beside_face import beside_the_face

    lab = np.empty((100, 100, 3), np.float32)
    lab[:] = (85.0, 0.0, 2.0)  # a pale wall all round
    lab[5:100, 15:85] = (18.0, 2.0, 4.0)  # long dark hair reaching the frame's bottom
    lab[25:100, 30:70] = (68.0, 15.0, 17.0)  # the face
    texture = np.full((100, 100), 0.5, np.float32)
    head = np.zeros((100, 100), bool)
    head[20:100, 28:72] = True  # what a graph cut fooled by dark edges kept: the face only
    out = beside_the_face(head, lab, texture, (30, 25, 40, 45))
    assert out[10:60, 18:28].all() and out[8, 50]  # the hair beside and above the face
    assert not out[:60, :12].any() and not out[:4].any()  # the wall


def test_beside_the_face_drops_a_pale_wall_when_the_shirt_fills_the_frame_edge():
    """A head looking down at the camera: its shirt fills the bottom and sides of the frame, a
    pale wall shows above and beside the hair. The wall is no head (it was shaved to stubble)."""
    from smp_studio.core.analysis.beside_face import beside_the_face

    lab = np.empty((100, 100, 3), np.float32)
    lab[:] = (28.0, 22.0, 2.0)  # a maroon shirt, the commonest colour of the frame's edge
    lab[:45] = (88.0, 0.0, 4.0)  # the pale wall above the shoulders
    lab[8:40, 22:78] = (20.0, 2.0, 4.0)  # dark hair on top ...
    lab[20:75, 28:72] = (68.0, 15.0, 17.0)  # ... of a bald forehead and face
    texture = np.full((100, 100), 0.5, np.float32)
    head = np.zeros((100, 100), bool)
    head[8:75, 22:78] = True  # the graph cut's head
    out = beside_the_face(head, lab, texture, (30, 20, 40, 40))
    assert not out[:44, :20].any() and not out[:6].any()  # the wall
    assert out[10:40, 23:77].all()  # the hair and the forehead


@pytest.mark.parametrize("offset", [4, -4])
def test_refine_edge_puts_a_coarse_outline_back_on_a_soft_hair_edge(offset):
    """The graph cut's coarse grid leaves a halo of wall round the hair, or bites into it."""
    import cv2

    from smp_studio.core.analysis.beside_face import refine_edge

    rgb = np.full((120, 120, 3), (200, 203, 208), np.uint8)
    cv2.circle(rgb, (60, 70), 40, (60, 40, 30), -1)  # dark hair against a pale wall
    rgb = cv2.GaussianBlur(rgb, (0, 0), 1.5)  # a camera's soft edge
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    coarse = np.zeros((120, 120), np.uint8)
    cv2.circle(coarse, (60, 70), 40 + offset, 1, -1)
    truth = np.zeros((120, 120), np.uint8)
    cv2.circle(truth, (60, 70), 40, 1, -1)
    out = refine_edge(coarse.astype(bool), lab)
    assert (out != truth.astype(bool)).sum() < 0.25 * (coarse != truth).sum()


def test_smooth_brown_hair_in_dim_light_is_hair_and_shaded_skin_stays_skin():
    """Soft, dim light: the hair is neither stringy nor much darker than the skin (L 36 vs 42),
    only greyer; and half the skin is in shade, as dark and no less warm."""
    size = 320
    yy, xx = np.mgrid[0:size, 0:size]
    head = ((xx - size / 2) / (0.36 * size)) ** 2 + ((yy - size * 0.5) / (0.44 * size)) ** 2 < 1
    hair = head & (yy < size * 0.38)
    lin = np.empty((size, size, 3), np.float32)  # linear light, so the shade is physical
    lin[:] = (np.array((205, 207, 210), np.float32) / 255) ** 2.2
    lin[head] = (np.array((120, 95, 84), np.float32) / 255) ** 2.2
    lin[hair] = (np.array((90, 84, 78), np.float32) / 255) ** 2.2
    # Lit from the left: the head's right side gets half the light (the wall is lit evenly).
    shade = np.clip(1.0 - 0.5 * (xx - size * 0.14) / (0.72 * size), 0.5, 1.0)
    lin[head] *= shade[head][:, None]
    rng = np.random.default_rng(3)
    img = np.clip(255 * lin ** (1 / 2.2) + rng.normal(0, 1.5, lin.shape), 0, 255).astype(np.uint8)
    seg = segment(img)
    found_hair = (seg.labels == HAIR) | (seg.labels == THINNING)
    assert iou(found_hair, hair) > 0.75
    skin = head & ~hair
    assert (seg.labels[skin] == BALD).mean() > 0.85
    assert (seg.labels[skin & (xx > size * 0.6)] == BALD).mean() > 0.8  # the shaded side


def test_hair_by_colour_learns_hair_the_texture_rules_only_half_saw_beside_a_cut_away_face():
    """A frontal face is cut from the head (never scalp): the skin comes from its cheeks by
    colour, and hair the density put only in the thinning range is far enough from it."""
    from smp_studio.core.analysis.beside_face import hair_by_colour

    rng = np.random.default_rng(2)
    lab = np.empty((120, 100, 3), np.float32)
    lab[:] = (33.0, 1.3, 3.2)  # dull brown hair, soft light
    lab[35:, 20:80] = (45.0, 7.4, 6.3)  # forehead and face, only 12 L lighter
    lab += rng.normal(0, 1.0, lab.shape).astype(np.float32)
    head = np.ones((120, 100), bool)
    head[61:, 15:85] = False  # the face below the brows, cut away
    dens = np.where(lab[..., 1] < 4.0, 0.3, 0.05).astype(np.float32)  # hair: thinning at best
    face = (20, 40, 60, 70)
    out = hair_by_colour(lab, head, dens, face, hair_from=0.58, skin_lab=(45.0, 7.4, 6.3))
    assert (out[5:30, :] > 0.58).mean() > 0.95  # the hair above and beside the face
    assert (out[40:58, 30:70] < 0.22).mean() > 0.95  # the forehead stays bare
    # Without the skin's colour, cheeks outside the head teach nothing: the density is kept.
    assert np.array_equal(hair_by_colour(lab, head, dens, face, hair_from=0.58), dens)


def test_white_hair_cut_away_with_a_pale_background_still_gives_the_hair_colour(samples_dir):
    # The grey-haired sample's white fringe is as pale as the shirt and sheet beside it; the
    # hair left in the head is shadow. Its dots must not be coloured as dark hair's.
    grey = segment(load_photo(samples_dir / "topdown-norwood6-grey-hair.jpg").rgb)
    assert grey.hair_lab is not None and grey.hair_lab[0] > 65 and np.hypot(*grey.hair_lab[1:]) < 8
    # ... while dark hair beside white, textured wallpaper stays dark.
    dark = segment(load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb)
    assert dark.hair_lab[0] < 30


def test_lit_hair_is_hair_but_a_bald_crown_stays_bald():
    """Small "skin" patches inside hair are its sheen (FASSEG profiles had lit brown hair labelled
    skin); a glimpse of scalp in thinning hair stays thinning (still treated), and a bald crown
    ringed by hair, or a forehead joining the face, stays bare skin."""
    from smp_studio.core.analysis.patches import sheen_in_hair

    dens = np.ones((200, 200), np.float32)
    dens[120:, 60:140] = 0.0  # the forehead and face
    dens[20:26, 40:46] = 0.0  # a lit patch of hair
    dens[30:70, 120:190] = 0.4  # thinning hair ...
    dens[45:50, 150:155] = 0.0  # ... with scalp showing
    dens[60:110, 20:80] = 0.0  # a bald crown
    head = np.ones((200, 200), bool)
    out = sheen_in_hair(dens, head, None, thinning_from=0.22)
    assert out[23, 43] == 1.0 and out[47, 152] == pytest.approx(0.4)
    assert out[85, 50] == 0.0 and out[150, 100] == 0.0
