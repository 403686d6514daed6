"""What the head cut keeps that is not scalp, found on the segmentation's labels.

Skin-coloured shoulders and arms join a bald head in the graph cut, and a face
bent toward the camera hides from the face detectors. Each is told from the
scalp by its place and shape: shoulders by widening the outline below the
skull's arc, a face by the band of brows and closed eyes across the skull's
lower half.
"""

from __future__ import annotations

from smp_studio.core.analysis.segmentation import BALD, THINNING
from smp_studio.core.analysis.skull import skull_fit

#: A face looking down shows its brows and closed eyes as one band of "hair" across the skull's
#: middle (at least this share of the row), with only the nose's narrow skin below it: below the
#: band, skin fills at least ``NOSE_SKIN`` of the midline columns but under ``NECK_SKIN`` of the
#: row (a neck below an occipital fringe is skin all across).
EYE_BAND, NOSE_SKIN, NECK_SKIN = 0.9, 0.5, 0.5
#: Seen from above, a skull fit on the upper arc alone wins over the whole outline's when its area
#: is under this share of it: shoulders or arms widened the outline, or a face looking down
#: lengthened it.
SHOULDERS = 0.8


def without_shoulders(head, fit):
    """The skull fit of a top-down photo, not pulled wide by shoulders or arms.

    Seen from above, skin-coloured shoulders and arms join the head's outline and
    the whole-outline fit takes them for skull (ears, a neck, or a face bent
    toward the camera lengthen it the same way). The upper arc (above the ears
    and shoulders) pins the skull alone: where it gives a clearly smaller skull
    that still holds most of the head's top, it wins.

    Examples
    --------
    >>> import cv2, numpy as np
    >>> m = np.zeros((200, 200), np.uint8)
    >>> _ = cv2.ellipse(m, (100, 80), (50, 55), 0, 0, 360, 1, -1)  # the dome
    >>> m[120:, :] = 1                                           # shoulders across the frame
    >>> (cx, cy), (a, b) = without_shoulders(m > 0, skull_fit(m > 0, whole=True))
    >>> bool(abs(a - 50) < 6)
    True
    """
    arc = skull_fit(head, strict=True)
    if arc is None:
        return fit
    (_, (a, b)), (_, (aa, ab)) = fit, arc
    if aa * ab < SHOULDERS * a * b and aa > 0.5 * a:  # clearly smaller, yet not a tuft
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

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.ones((100, 100), np.uint8)     # a bald head filling the grid ...
    >>> lab[70:76] = 3                          # ... brows and eyes across it ...
    >>> lab[76:, :44] = lab[76:, 56:] = 3       # ... shaded cheeks beside the nose
    >>> eye_band_row(lab, 50.0, 45.0, 45.0, 50.0)
    67.5
    >>> lab[76:] = 1                            # skin all across below: a neck under a fringe
    >>> eye_band_row(lab, 50.0, 45.0, 45.0, 50.0) is None
    True
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
