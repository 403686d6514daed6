"""Whole-mask clean-ups: the largest piece, and the holes inside it."""

from __future__ import annotations

import cv2
import numpy as np


def largest_component(mask: np.ndarray) -> np.ndarray:
    """The largest 8-connected piece of ``mask`` (bool).

    >>> m = np.zeros((10, 10), bool); m[1:3, 1:3] = True; m[5:9, 5:9] = True
    >>> int(largest_component(m).sum())
    16
    """
    n, cc, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask.astype(bool)
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return cc == best


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` (bool) with every hole that does not reach the frame's edge filled.

    >>> m = np.zeros((10, 10), bool); m[2:8, 2:8] = True; m[4:6, 4:6] = False
    >>> bool(fill_holes(m)[5, 5])
    True
    """
    inv = (~mask).astype(np.uint8)
    n, cc, stats, _ = cv2.connectedComponentsWithStats(inv, connectivity=4)
    h, w = mask.shape
    out = mask.copy()
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if x > 0 and y > 0 and x + bw < w and y + bh < h:
            out[cc == i] = True
    return out
