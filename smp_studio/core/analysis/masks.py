"""Whole-mask operations: the largest piece, the holes inside it, a dilation by a disc, the ring round each piece."""

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


def dilate_disc(a: np.ndarray, d: int) -> np.ndarray:
    """``cv2.dilate`` of ``a`` by ``cv2.MORPH_ELLIPSE`` of ``d`` (odd) pixels across, exactly, as a
    cascade of thin rectangles: OpenCV dilates by a wide ellipse point by point (50 ms at 69
    pixels on a working-size map), by a rectangle a row and a column at a time.

    The ellipse is the union of rectangles, one for each width of its rows, as tall as the rows
    that wide; the widest is the flattest. From the tallest (narrowest) on: widen, lower by the
    difference in height, take the larger; last, the flattest's height.

    >>> a = np.random.default_rng(0).random((60, 80)).astype(np.float32)
    >>> k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (21, 21))
    >>> bool((dilate_disc(a, 21) == cv2.dilate(a, k)).all())
    True
    """
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d))
    c = d // 2
    tall: dict[int, int] = {}  # half-width of a row -> how far from the middle row it lies, at most
    for i in range(d):
        cols = np.flatnonzero(k[i])
        if len(cols) != cols[-1] - cols[0] + 1 or cols[0] + cols[-1] != 2 * c or d < 9:
            return cv2.dilate(a, k)  # (small, or not the symmetric rows this expects)
        tall[c - int(cols[0])] = max(tall.get(c - int(cols[0]), 0), abs(i - c))
    out, wide, high = None, 0, 0
    for r in sorted(tall):
        h = max(v for w, v in tall.items() if w >= r)  # every row at least this wide
        a = cv2.dilate(a, np.ones((1, 2 * (r - wide) + 1), np.uint8)) if r > wide else a
        if out is None:
            out = a
        else:
            if high > h:
                out = cv2.dilate(out, np.ones((2 * (high - h) + 1, 1), np.uint8))
            out = cv2.max(out, a)
        wide, high = r, h
    return cv2.dilate(out, np.ones((2 * high + 1, 1), np.uint8)) if high else out


def pieces_with_rings(on: np.ndarray, k: int, *, below: float = np.inf):
    """For each 8-connected piece of ``on`` (bool) of fewer than ``below`` pixels: ``(box, piece, grown,
    ring)``, ``box`` the slices it is cut to (its bounds and ``k`` more), ``piece`` it in the box,
    ``grown`` it dilated by a disc ``k`` (odd) pixels across, and ``ring`` what of that lies outside
    ``on``: what a piece is judged by.

    >>> on = np.zeros((30, 30), bool); on[10:14, 10:14] = True
    >>> [(int(p.sum()), int(r.sum())) for _, p, _, r in pieces_with_rings(on, 5)]
    [(16, 40)]
    """
    n, cc, stats, _ = cv2.connectedComponentsWithStats(on.astype(np.uint8), connectivity=8)
    h, w = on.shape
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area >= below:
            continue
        box = (slice(max(y - k, 0), min(y + bh + k, h)), slice(max(x - k, 0), min(x + bw + k, w)))
        piece = cc[box] == i
        grown = dilate_disc(piece.astype(np.uint8), k) > 0  # (whole within the box)
        yield box, piece, grown, grown & ~on[box]
