"""The head's outline and the person's, and what they say of the view.

The head's outline from :mod:`~smp_studio.core.analysis.segmentation` ends
where the skin and hair do; MediaPipe's selfie segmentation (Apache-2.0,
shipped in ``resources/models``) also takes in the neck, shoulders and
clothes. From behind, the camera sees a head on a neck and the shoulders
spreading below it, with background around; from above, the head fills the
frame and the body is foreshortened under it, or not seen at all.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import largest_component
from smp_studio.core.analysis.person import person_mask
from smp_studio.core.analysis.segmentation import BACKGROUND

BODY_SIZE = 64  # the person's outline is read on a grid this many cells across
OUTLINE_SIZE = 128  # the head's outline is read on a grid this many cells across


def outline_features(labels: np.ndarray) -> dict:
    """The head's outline (everything not background): a round crown, or a head on a neck.

    ``outline_bottom``: the share of the photo's bottom row it covers (a neck runs off the
    frame; a crown seen from above ends in a forehead). ``outline_solidity``: its area over its
    convex hull's (a head on a neck has hollows beside the neck).

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:128, 0:128]
    >>> crown = ((yy - 56) ** 2 + (xx - 64) ** 2 < 48 ** 2).astype(np.uint8)
    >>> on_neck = ((yy - 48) ** 2 + (xx - 64) ** 2 < 40 ** 2).astype(np.uint8); on_neck[48:, 46:82] = 1
    >>> a, b = outline_features(crown), outline_features(on_neck)
    >>> a["outline_bottom"] < 0.2 < b["outline_bottom"], a["outline_solidity"] > 0.95 > b["outline_solidity"]
    (True, True)
    """
    n = OUTLINE_SIZE
    head = cv2.resize(np.asarray(labels, np.uint8), (n, n), interpolation=cv2.INTER_NEAREST) != BACKGROUND
    head = largest_component(head)
    if not head.any():
        return {}
    hull = cv2.convexHull(cv2.findNonZero(head.astype(np.uint8)))
    return {"outline_bottom": float(head[-2].mean()),
            "outline_solidity": float(head.sum() / max(cv2.contourArea(hull), 1.0))}


def person_grid(rgb: np.ndarray) -> np.ndarray | None:
    """Where the person is (bool, on a :data:`BODY_SIZE` grid over the photo), or None.

    None when the segmentation model is missing or damaged: the view is then
    told from the head's outline alone, as before the model shipped.
    """
    prob = person_mask(rgb)
    return None if prob is None else cv2.resize(prob, (BODY_SIZE, BODY_SIZE), interpolation=cv2.INTER_AREA) > 0.5


def body_features(mask: np.ndarray | None) -> dict:
    """The share of the frame the person leaves to the background, and the shoulders' spread.

    ``body_background``: the share of the photo outside the person.
    ``body_spread``: how much wider (as a share of the photo's width) the
    person is just above the bottom edge than at their narrowest between the
    photo's middle and there: shoulders spreading under a neck. Empty when
    there is no mask.

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:64, 0:64]
    >>> crown = (yy - 30) ** 2 + (xx - 32) ** 2 < 34 ** 2  # a head filling the frame
    >>> back = (yy - 22) ** 2 + (xx - 32) ** 2 < 18 ** 2  # a head on a neck, on shoulders
    >>> back[30:, 24:40] = True; back[52:, 4:60] = True
    >>> a, b = body_features(crown), body_features(back)
    >>> a["body_background"] < 0.2 < b["body_background"], a["body_spread"] < 0.1 < b["body_spread"]
    (True, True)
    """
    if mask is None:
        return {}
    m = np.asarray(mask, bool)
    if m.shape != (BODY_SIZE, BODY_SIZE):
        m = cv2.resize(m.astype(np.uint8), (BODY_SIZE, BODY_SIZE), interpolation=cv2.INTER_NEAREST) > 0
    width = m.mean(axis=1)
    n = BODY_SIZE
    # Three rows above the bottom: clear of a frame edge the segmentation often leaves ragged.
    return {"body_background": float(1.0 - m.mean()),
            "body_spread": float(width[n - 3] - width[n // 2:n - 2].min())}
