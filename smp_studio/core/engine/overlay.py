"""Tint a photo by segmentation class, for looking at (and correcting) it."""

from __future__ import annotations

import numpy as np

#: background (untinted), bald skin, thinning, dense hair
CLASS_COLORS = np.array([[0, 0, 0], [255, 70, 70], [255, 210, 0], [0, 150, 255]], np.uint8)
#: The painted scar, and the "exclude" brush (which paints background).
SCAR_COLOR, EXCLUDE_COLOR = (200, 0, 255), (230, 230, 230)


def overlay(rgb: np.ndarray, labels: np.ndarray, opacity: float = 0.45) -> np.ndarray:
    """The photo with each class tinted; background is left as it is.

    >>> out = overlay(np.zeros((2, 2, 3), np.uint8), np.array([[0, 1], [2, 3]], np.uint8), 1.0)
    >>> out[0, 0].tolist(), out[0, 1].tolist()
    ([0, 0, 0], [255, 70, 70])
    """
    a = np.where(labels[..., None] > 0, float(opacity), 0.0)
    out = rgb.astype(np.float32) * (1 - a) + CLASS_COLORS[labels].astype(np.float32) * a
    return (out + 0.5).astype(np.uint8)
