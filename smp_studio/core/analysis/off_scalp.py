"""What the head cut keeps that is not scalp, found on the segmentation's labels.

Skin-coloured walls, shoulders and arms join a bald head in the graph cut, and
a face bent toward the camera hides from the face detectors. Each is told from
the scalp by its place and shape: a wall by sharing its colour with what lies
beyond the head, shoulders by widening the outline below the skull's arc, a
face by the band of brows and closed eyes across the skull's lower half.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.segmentation import BALD, THINNING
from smp_studio.core.analysis.skull import skull_fit

#: A face looking down shows its brows and closed eyes as one band of "hair" across the skull's
#: middle (at least this share of the row), with only the nose's narrow skin below it: below the
#: band, skin fills at least ``NOSE_SKIN`` of the midline columns but under ``NECK_SKIN`` of the
#: row (a neck below an occipital fringe is skin all across).
EYE_BAND, NOSE_SKIN, NECK_SKIN = 0.9, 0.5, 0.5
#: Background in the head: a patch labelled bald, not skin-coloured, within this colour distance (CIE
#: Lab ΔE) of what lies just outside the head (within ``WALL_RING`` grid pixels) beside it, and of
#: at least ``WALL_LEAST`` grid pixels.
WALL_DELTA_E, WALL_RING, WALL_LEAST = 10.0, 4, 20
#: Seen from above, a skull fit on the upper arc alone wins over the whole outline's when its area is
#: under this share of it: shoulders or arms widened the outline.
SHOULDERS = 0.8


def small_lab(photo_rgb, size):
    """The photo in CIE Lab at ``size`` (w, h), float32."""
    small = cv2.resize(np.asarray(photo_rgb), size, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def wall_in_head(labels, head, coloured, lab) -> np.ndarray:
    """Background the head cut took for bald skin: patches labelled bald but not of the client's
    skin colour (``coloured``) that share their colour with what lies just outside the head
    along their edge. A wall beside the hair goes on beyond the cut; shine on a bald dome is
    unlike the wall behind it, and skin-coloured patches are judged by the skull fit instead.
    """
    h, w = head.shape
    cand = (head & (labels == BALD) & ~coloured).astype(np.uint8)
    out = np.zeros((h, w), bool)
    if not cand.any():
        return out
    ring = cv2.dilate(head.astype(np.uint8), np.ones((2 * WALL_RING + 1,) * 2, np.uint8)).astype(bool) & ~head
    n, cc, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    near = np.ones((2 * WALL_RING + 1,) * 2, np.uint8)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < WALL_LEAST:
            continue
        x, y, bw, bh = stats[i, :4]
        x0, y0 = max(x - WALL_RING - 1, 0), max(y - WALL_RING - 1, 0)
        x1, y1 = min(x + bw + WALL_RING + 1, w), min(y + bh + WALL_RING + 1, h)
        comp = cc[y0:y1, x0:x1] == i
        beside = cv2.dilate(comp.astype(np.uint8), near).astype(bool) & ring[y0:y1, x0:x1]
        if beside.sum() < WALL_LEAST // 4:
            continue
        inside = np.median(lab[y0:y1, x0:x1][comp], axis=0)
        outside = np.median(lab[y0:y1, x0:x1][beside], axis=0)
        if np.linalg.norm(inside - outside) < WALL_DELTA_E:
            out[y0:y1, x0:x1] |= comp
    return out


def without_shoulders(head, fit):
    """The skull fit of a top-down photo, not pulled wide by shoulders or arms.

    Seen from above, skin-coloured shoulders and arms join the head's outline and
    the whole-outline fit takes them for skull. The upper arc (above the ears
    and shoulders) pins the skull alone: where it gives a clearly smaller skull
    that still holds most of the head's top, it wins.
    """
    arc = skull_fit(head, strict=True)
    if arc is None:
        return fit
    (cx, cy), (a, b) = fit
    (ax, ay), (aa, ab) = arc
    if aa * ab < SHOULDERS * a * b and aa > 0.5 * a:  # a clearly smaller skull, yet not a tuft
        return arc
    return fit


def eye_band_row(lab, cx, cy, a, b) -> float | None:
    """Top row of the brows of a face looking down, seen as one band with the eyes, or None.

    A face bent toward the camera (a front photo taken from above, or a top-down
    photo reaching the brows) hides from the face detectors, and its brows and
    closed eyes merge into one band across the skull's lower half: bare forehead
    above it, and below it the nose, a narrow column of skin between shaded
    eye sockets and cheeks. An occipital fringe is a band too, but a neck below
    it is skin all across, and a shirt or the background no skin at all.
    """
    h, w = lab.shape
    c0, c1 = int(max(cx - 0.6 * a, 0)), int(min(cx + 0.6 * a, w))
    m0, m1 = int(max(cx - 0.12 * a, 0)), int(min(cx + 0.12 * a, w))
    if c1 - c0 < 5 or m1 - m0 < 2:
        return None
    hair = (lab[:, c0:c1] >= THINNING).mean(axis=1)
    skin = (lab[:, c0:c1] == BALD).mean(axis=1)
    mid_skin = (lab[:, m0:m1] == BALD).mean(axis=1)
    above, below = max(int(0.1 * b), 2), max(int(0.25 * b), 3)
    for y in range(int(cy) + 1, int(min(cy + 1.1 * b, h - 1))):
        if hair[y] < EYE_BAND:
            continue
        top = y
        while top > cy and hair[top - 1] >= 0.15:
            top -= 1
        if top <= cy or skin[max(top - above, 0):top].mean() <= 0.6:
            return None  # the first full band has no bare forehead above it: a fringe, not brows
        end = y
        while end < h and hair[end] >= EYE_BAND:
            end += 1
        if end >= h - 2 or end - top > 0.4 * b:
            return None
        under = slice(end, min(end + below, h))
        if mid_skin[under].mean() >= NOSE_SKIN and skin[under].mean() < NECK_SKIN:
            return float(top - 0.05 * b)
        return None
    return None
