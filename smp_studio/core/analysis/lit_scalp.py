"""Where skin shows between the hairs, judged against the scalp's own bare skin as well as the face's.

The client's skin colour (``Segmentation.skin_lab``) is read over the whole head, and a face or a
neck in the photo outnumbers a bald top. The top of the head faces the light: its bare skin is
lighter, and often paler, than the face's, far enough from that colour that ``skin_show`` read it
as no skin at all, and a density treatment left a lit bald top bare (issue 10/8: 284 impressions on
a Norwood 5 side view whose front is bald). The scalp's own bare skin, as lit in this photo, is a
second reference: a pixel shows skin when it looks like either.

Only the colour the segmentation already calls bald skin *on the treatable scalp* sets that second
reference, so a forehead or a cheek outside the scalp does not, and strands over it still count
as hair (``skin_show``'s strand test is unchanged).

Not kept, seen from behind: there the treatable scalp reaches down the sides to the nape, and what
the labels call bald skin on it is often the lit edge of short grey hair or the side of the neck;
their colour as a reference put dots along a hair's silhouette and down a neck (3 of 34 Norwood 2-3
back views). Nor where bald skin is under ``MIN_BALD_SHARE`` of the scalp: a few lit strands the
labels took for skin then set it (dots over light brown hair seen from the side).
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.scalp import skin_show
from smp_studio.core.analysis.segmentation import BALD

#: Least share of the treatable scalp labelled bald skin for its colour to be a reference.
MIN_BALD_SHARE = 0.05
#: Least warmth (a* + b*) of that colour: a grey wall, a white cap or silver hair the labels took
#: for skin is no skin reference. Lit skin under a cool light keeps little red but its yellow
#: (a* 2, b* 8 on a Norwood 5 side view's bald top).
MIN_WARMTH = 6.0
#: The reference differs from the face's skin by at least this (Delta E) to be worth a second look.
MIN_APART = 4.0
SAMPLES = 50_000


def scalp_skin_lab(rgb, labels, scalp_mask) -> tuple | None:
    """Median Lab colour of the pixels labelled bald skin on the treatable scalp, or None.

    ``scalp_mask``: bool or 0..1 (any size; resized to the labels').

    >>> rgb = np.zeros((50, 50, 3), np.uint8); rgb[:] = (230, 200, 185)
    >>> lab = np.full((50, 50), BALD, np.uint8)
    >>> [round(v) for v in scalp_skin_lab(rgb, lab, np.ones((10, 10)))]
    [83, 8, 11]
    >>> scalp_skin_lab(rgb, lab * 0, np.ones((10, 10))) is None  # no bald skin on the scalp
    True
    >>> rgb[:] = 200; scalp_skin_lab(rgb, lab, np.ones((10, 10))) is None  # grey: a wall, not skin
    True
    """
    h, w = labels.shape
    on = cv2.resize(np.asarray(scalp_mask, np.float32), (w, h), interpolation=cv2.INTER_LINEAR) > 0.5
    bald = on & (labels == BALD)
    if bald.sum() < MIN_BALD_SHARE * max(int(on.sum()), 1) or not bald.any():
        return None
    rgb = np.asarray(rgb)
    if rgb.shape[:2] != (h, w):
        rgb = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    ref = median_lab(rgb, bald, SAMPLES)
    return ref if ref[1] + ref[2] >= MIN_WARMTH else None


def median_lab(rgb, mask, samples: int) -> tuple:
    """The median Lab colour of ``rgb``'s pixels under ``mask`` (bool, not empty), read from an even
    sample of at most about ``samples`` of them.

    >>> median_lab(np.full((4, 4, 3), 255, np.uint8), np.ones((4, 4), bool), 10)[0]
    100.0
    """
    px = np.asarray(rgb)[mask]
    px = px[:: len(px) // samples + 1].reshape(-1, 1, 3)
    lab = cv2.cvtColor(px.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab).reshape(-1, 3)
    return tuple(float(v) for v in np.median(lab, axis=0))


def density_skin_show(rgb, skin_lab, labels, scalp_mask, px_per_mm: float, view: str = "topdown") -> np.ndarray:
    """``skin_show`` for a density treatment: skin showing like the client's skin, or (but seen from
    behind) like the scalp's own bare skin as lit in this photo (0..1, at most 1600 pixels on its
    long side)."""
    show, _ = skin_show(rgb, skin_lab, px_per_mm)
    ref = None if view == "back" else scalp_skin_lab(rgb, labels, scalp_mask)
    if ref is None or (skin_lab is not None and np.linalg.norm(np.subtract(ref, skin_lab)) < MIN_APART):
        return show
    lit, _ = skin_show(rgb, ref, px_per_mm)
    return np.maximum(show, lit)
