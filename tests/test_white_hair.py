"""White hair over pink skin is hair, not bald skin to ink."""

import cv2
import numpy as np

from smp_studio.core.analysis.pale_hair import pale_hair_inside
from smp_studio.core.analysis.segmentation import BALD, HAIR, segment


def _head_with_white_fringe(seed=1):
    """A bald pink head on a dim wall with a thick fringe of white hair round its top-left, seen at
    the segmentation's own size: strands finer than its pixels, so the fringe is near-white with a
    fine grain, not the crisp lines hair makes up close. Returns the photo and the fringe's and
    the bald top's masks."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:320, 0:320]
    lab = np.zeros((320, 320, 3), np.float32)
    lab[:] = (35.0, 2.0, 15.0)
    head = ((xx - 160) / 125.0) ** 2 + ((yy - 165) / 140.0) ** 2 <= 1
    lab[head] = (60.0, 12.0, 10.0)
    lab[head, 0] += rng.normal(0, 0.6, head.sum())
    top = head & (((xx - 175) / 95.0) ** 2 + ((yy - 185) / 110.0) ** 2 <= 1)
    fringe = head & ~top & (xx < 210) & (yy < 240)
    lab[fringe] = (80.0, 1.0, 3.0)
    lab[fringe, 0] += rng.normal(0, 2.4, fringe.sum())
    rgb = np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255, 0, 255).astype(np.uint8)
    return rgb, fringe, top & (((xx - 175) / 60.0) ** 2 + ((yy - 185) / 70.0) ** 2 <= 1)


def test_a_white_fringe_over_pink_skin_reads_as_hair_and_the_bald_top_stays_bald():
    """Fine white hair is lighter than the skin and smooth at the working scale, like shine: the
    fringe of an older client came out as bald skin and took pigment over its hair."""
    img, fringe, top = _head_with_white_fringe()
    labels = segment(img).labels
    inner = cv2.erode(fringe.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert (labels[inner] == HAIR).mean() > 0.8
    assert (labels[top] == BALD).mean() > 0.95


def test_shine_and_a_pale_wall_past_the_outline_are_not_white_hair():
    lab = np.zeros((200, 200, 3), np.float32)
    lab[:] = (60.0, 12.0, 10.0)
    head = np.zeros((200, 200), bool)
    head[20:180, 20:180] = True
    lab[~head] = (90.0, 0.5, 1.0)  # a white wall
    lab[80:100, 80:110] = (88.0, 2.0, 3.0)  # a highlight, pale and neutral
    tex = np.full((200, 200), 0.5, np.float32)
    tex[80:100, 80:110] = 1.6  # lit pores
    # All round the outline, the wall's contrast against the head reads as pale, stringy texture (a
    # ring of it larger than any patch of white hair must be).
    rim = head & ~np.pad(np.ones((148, 148), bool), 26)
    lab[rim] = (88.0, 1.0, 2.0)
    tex[rim] = 3.0
    assert not pale_hair_inside(head, lab, tex, skin_lab=(60.0, 12.0, 10.0)).any()
