"""Principle 3 / issue 10: a dark backdrop touching dark hair is no head: never hair, never inked or clipped."""

import numpy as np

from smp_studio.core.analysis.backdrop import without_backdrop, without_skin_coloured_wall
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.segmentation import HAIR_FROM, THINNING_FROM
from smp_studio.core.io.opening import open_simulation


def _head_with_a_tab(tab_ab):
    """Working-size maps of a head the graph cut kept with a dark tab running from its crown out of the frame:
    bald skin ringed by textured brown hair; the tab smooth, dark, of Lab (a*, b*) ``tab_ab``."""
    rng = np.random.default_rng(1)
    h, w = 320, 320
    yy, xx = np.mgrid[0:h, 0:w]
    skull = ((xx - 160) / 140.0) ** 2 + ((yy - 175) / 150.0) ** 2 < 1
    bald = ((xx - 160) / 110.0) ** 2 + ((yy - 185) / 120.0) ** 2 < 1
    tab = (np.abs(xx - 160) < 60) & (yy < 40) & ~skull
    head = skull | tab
    lab = np.zeros((h, w, 3), np.float32)
    lab[...] = (45.0, 5.0, 7.0)  # brown hair
    lab[bald] = (65.0, 14.0, 16.0)  # skin
    lab[tab] = (33.0, *tab_ab)
    texture = np.where(skull & ~bald, rng.uniform(0.5, 1.0, (h, w)), 0.3).astype(np.float32)
    texture[tab] = rng.uniform(0.2, 0.4, tab.sum())
    density = np.where(bald, 0.0, 1.0).astype(np.float32)
    return head, density, texture, lab, tab, skull & ~bald


def test_a_dark_wall_beside_brown_hair_is_taken_out_of_the_head():
    # (norwood4_topdown_039: a grey-purple wall above the crown, glued to its dark fringe by the graph cut)
    head, density, texture, lab, tab, hair = _head_with_a_tab((4.0, 1.5))
    out = without_backdrop(head, density, texture, lab, hair_from=HAIR_FROM)
    assert out[tab].mean() < 0.05
    assert out[hair].mean() > 0.97  # the fringe stays head


def test_hair_in_shadow_at_the_frame_of_the_hairs_own_hue_stays():
    # (FASSEG faces: hair running out of the frame, darker in shadow, of the same hue)
    head, density, texture, lab, tab, hair = _head_with_a_tab((5.0, 6.0))
    out = without_backdrop(head, density, texture, lab, hair_from=HAIR_FROM)
    assert out[tab].all()


def test_devdata_the_dark_wall_above_a_head_seen_from_above_is_left_as_it_came(devdata):
    # norwood4_topdown_039: the crown nearly touches the frame's top, a dark wall beyond it, which the old
    # segmentation took for hair: the shave preview and the dots ran up it to the frame's edge.
    path = devdata / "scalp_photos" / "norwood4_topdown_039.jpg"
    photo = load_photo(path)
    out = open_simulation(photo).sim.render()
    band = max(int(0.025 * photo.height), 1)  # the frame's top rows: wall, above the head
    diff = np.abs(out[:band].astype(int) - photo.rgb[:band].astype(int)).max(axis=2)
    assert (diff > 8).mean() < 0.01


def test_what_the_artist_marked_as_hair_is_never_taken_for_a_wall():
    """When a dark head of hair is taken for a backdrop, the artist paints it as hair: a piece holding
    their stroke stays head (they had no way to bring it back but a dotted line of strokes)."""
    head, density, texture, lab, tab, hair = _head_with_a_tab((4.0, 1.5))
    stroke = np.zeros_like(head)
    stroke[10:14, 150:170] = True  # a dab on the tab
    out = without_backdrop(head, density, texture, lab, hair_from=HAIR_FROM, keep=stroke)
    assert out[tab].mean() > 0.95


def _head_beside_a_beige_wall(wall_ab):
    """Working-size maps of a head the graph cut kept with a smooth skin-coloured wall that runs from the
    frame's top to its bottom beside it: a bald top ringed by hair, the wall of Lab (a*, b*) ``wall_ab``."""
    h, w = 320, 320
    yy, xx = np.mgrid[0:h, 0:w]
    skull = ((xx - 140) / 110.0) ** 2 + ((yy - 190) / 150.0) ** 2 < 1
    bald = ((xx - 140) / 80.0) ** 2 + ((yy - 200) / 110.0) ** 2 < 1
    wall = (xx > 230) & (xx < 300) & ~skull
    lab = np.zeros((h, w, 3), np.float32)
    lab[...] = (45.0, 5.0, 7.0)  # brown hair
    lab[bald] = (66.0, 20.0, 19.0)  # skin
    lab[wall] = (60.0, *wall_ab)
    density = np.where(bald | wall, 0.0, 1.0).astype(np.float32)
    return skull | wall, density, lab, wall, bald


def test_a_beige_wall_beside_a_head_labelled_skin_is_taken_out_of_the_head():
    # (norwood3_front_001: a beige door frame beside the head, which the cut kept and the skin model took
    # for the client's skin: density dots ran onto it)
    head, density, lab, wall, bald = _head_beside_a_beige_wall((8.0, 10.0))
    out = without_skin_coloured_wall(head, density, lab, thinning_from=THINNING_FROM)
    assert out[wall].mean() < 0.05
    assert out[bald].all() and out[head & ~wall].mean() > 0.99


def test_skin_of_the_heads_own_colour_beside_it_stays():
    # (a shoulder or a bald head cut by the frame, of the scalp's colour: the graph cut's call stands)
    head, density, lab, wall, bald = _head_beside_a_beige_wall((18.0, 17.0))
    assert without_skin_coloured_wall(head, density, lab, thinning_from=THINNING_FROM) is head


def test_skin_from_the_frames_bottom_and_most_of_the_bare_skin_stay():
    # (a neck, shoulders or arms come from below and are the scalp analysis' to cut; a bald crown seen
    # from above may run out of the frame's top, of a shade unlike the rest's, and is most of the skin)
    head, density, lab, wall, bald = _head_beside_a_beige_wall((8.0, 10.0))
    low = head & ~(wall & (np.arange(320)[:, None] < 100))  # the wall from the frame's bottom only
    assert without_skin_coloured_wall(low, density, lab, thinning_from=THINNING_FROM) is low
    small = head & ~(bald & (np.arange(320)[None, :] > 80))  # the head's own bare skin, a third of the wall's
    assert without_skin_coloured_wall(small, np.where(small, density, 1.0), lab,
                                      thinning_from=THINNING_FROM) is small


def test_devdata_no_pigment_on_the_beige_wall_beside_a_head_from_the_front(devdata):
    # norwood3_front_001: the wall right of the head, a rectangle from the frame's top to its bottom, was
    # labelled bald skin: the density treatment laid dots on it above the head's right side.
    path = devdata / "scalp_photos" / "norwood3_front_001.jpg"
    photo = load_photo(path)
    out = open_simulation(photo).sim.render()
    H, W = photo.height, photo.width
    box = np.s_[: int(0.4 * H), int(0.6 * W):]  # the wall right of the hair's top
    diff = np.abs(out[box].astype(int) - photo.rgb[box].astype(int)).max(axis=2)
    assert (diff > 8).mean() < 0.002
