"""The artist's strokes on a photo (a hints image): what each value means, and how one steers the hair score."""

from __future__ import annotations

import cv2
import numpy as np

#: Hint values in a hints image (0 = no hint).
HINT_SKIN, HINT_HAIR, HINT_EXCLUDE = 1, 2, 3


def apply_hints(density: np.ndarray, hints: np.ndarray) -> np.ndarray:
    """``density`` (hair, 0..1) pulled to 0 under skin strokes and 1 under hair strokes, spread a little.

    >>> d = apply_hints(np.full((40, 40), 0.5, np.float32), np.pad(np.full((6, 6), HINT_HAIR, np.uint8), 17))
    >>> bool(d[20, 20] > 0.9), bool(abs(d[0, 0] - 0.5) < 0.01)
    (True, True)
    """
    d = density.copy()
    # Spread each stroke's meaning a little, so a few clicks correct a region.
    for value, target in ((HINT_SKIN, 0.0), (HINT_HAIR, 1.0)):
        m = (hints == value).astype(np.float32)
        if not m.any():
            continue
        w = np.clip(cv2.GaussianBlur(m, (0, 0), 4.0) * 4.0, 0, 1)
        d = d * (1 - w) + target * w
    return d
