"""Full-size pieces of working-size maps and of seamless tiles, for compositing a photo a band of
rows at a time, and within a band only over the columns that change: the shave preview leaves
most of a 12 MP photo as it is, and brought every map up over whole rows of it.
"""

from __future__ import annotations

import cv2
import numpy as np


class Upsampler:
    """Maps of one working size (h, w) brought up to (W, H) a piece at a time: bilinear, pixel
    centres aligned, exactly as ``cv2.warpAffine`` brings up whole rows of three channels. (Of one
    channel, warpAffine's own arithmetic differs from remap's in the last bit.)

    warpAffine steps its source coordinates in 1/32 pixel, in fixed point from the left of what it
    draws: asked for a piece of a row it rounds differently (a fraction of a level on these maps,
    but not the same image). Its coordinates are worked out here as it does, once a band, and
    ``cv2.remap`` reads any piece of the band with them.

    >>> small = np.random.default_rng(0).random((30, 40, 3)).astype(np.float32)
    >>> up = Upsampler((40, 30), 400, 300)
    >>> M = np.float32([[10, 0, 4.5], [0, 10, 4.5 - 100]])
    >>> whole = cv2.warpAffine(small, M, (400, 20), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    >>> up.band(100, 120)
    >>> bool((up.rows(small, 123, 301) == whole[:, 123:301]).all())
    True
    >>> on = np.zeros((30, 40), bool); on[11, 2:4] = on[11, 20] = True
    >>> up.spans(on)
    [(15, 45), (195, 215)]
    """

    def __init__(self, small_size: tuple[int, int], W: int, H: int):
        w, h = small_size
        self.size = (w, h)
        ax, ay = W / w, H / h
        # The matrix warpAffine was given (float32), inverted as it inverts it (in double).
        self._m = float(np.float32(ax)), float(np.float32(ay))
        self._ay = ay
        D = 1.0 / (self._m[0] * self._m[1])
        self._a22 = self._m[0] * D
        a11 = self._m[1] * D
        b1 = -a11 * float(np.float32(0.5 * ax - 0.5))
        x = (np.rint(a11 * np.arange(W, dtype=np.float64) * 1024).astype(np.int64)
             + int(np.rint(b1 * 1024)) + 16) >> 5  # (1024ths of a pixel, to 32nds)
        self._xi, self._xf = (x >> 5).astype(np.int16), (x & 31).astype(np.uint16)
        self._yi = self._yf = None

    def band(self, y0: int, y1: int) -> None:
        """Take rows ``y0:y1`` from now on."""
        b2 = -self._a22 * float(np.float32(0.5 * self._ay - 0.5 - y0))
        y = (np.rint((self._a22 * np.arange(y1 - y0, dtype=np.float64) + b2) * 1024).astype(np.int64) + 16) >> 5
        self._yi, self._yf = (y >> 5).astype(np.int16), (y & 31).astype(np.uint16)

    def rows(self, small: np.ndarray, xa: int, xb: int) -> np.ndarray:
        """Columns ``xa:xb`` of the band's rows of ``small`` at full size (float32 like ``small``)."""
        n = len(self._yi)
        xy = np.empty((n, xb - xa, 2), np.int16)
        xy[..., 0] = self._xi[xa:xb]
        xy[..., 1] = self._yi[:, None]
        frac = self._yf[:, None] * np.uint16(32) + self._xf[xa:xb]
        return cv2.remap(small, xy, frac, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    def spans(self, nonzero: np.ndarray) -> list[tuple[int, int]]:
        """The runs of columns (xa, xb) of the band that ``nonzero`` (bool, working size) may reach
        brought up: no column outside them has a working pixel of it under its bilinear taps.
        (Apart: the two sides of a head's outline leave its middle out.)"""
        lo, hi = max(int(self._yi[0]), 0), min(int(self._yi[-1]) + 2, nonzero.shape[0])
        if lo >= hi:
            return []
        on = np.zeros(nonzero.shape[1] + 2, np.int8)
        on[1:-1] = nonzero[lo:hi].any(axis=0)
        d = np.diff(on)
        first, last = np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1
        # A full-size column reads working columns xi and xi + 1.
        xa = np.searchsorted(self._xi, first - 1, side="left")
        xb = np.searchsorted(self._xi, last, side="right")
        runs: list[tuple[int, int]] = []
        for a, b in zip(xa.tolist(), xb.tolist()):
            if runs and a <= runs[-1][1]:
                runs[-1] = (runs[-1][0], max(b, runs[-1][1]))
            elif a < b:
                runs.append((a, b))
        return runs


def warped_rows(small: np.ndarray, W: int, H: int, y0: int, y1: int) -> np.ndarray:
    """Rows ``y0:y1`` of ``small`` resized to (W, H), bilinear like ``cv2.resize`` (float32; the same
    to within OpenCV's 1/32-pixel interpolation steps, a fraction of a level on smooth maps).

    >>> warped_rows(np.float32([[0, 1], [2, 3]]), 4, 4, 1, 3).round(2).tolist()
    [[0.5, 0.75, 1.25, 1.5], [1.5, 1.75, 2.25, 2.5]]
    """
    h, w = small.shape[:2]
    ax, ay = W / w, H / h
    M = np.float32([[ax, 0, 0.5 * ax - 0.5], [0, ay, 0.5 * ay - 0.5 - y0]])
    return cv2.warpAffine(small, M, (W, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def nonzero_columns(a: np.ndarray) -> tuple[int, int] | None:
    """The first and one past the last column of ``a`` (2-D) holding anything but zero.

    >>> nonzero_columns(np.array([[0, 0, 1, 0], [0, 2, 0, 0]], np.float32))
    (1, 3)
    """
    lo, hi = cv2.reduce(a, 0, cv2.REDUCE_MIN), cv2.reduce(a, 0, cv2.REDUCE_MAX)
    cols = np.flatnonzero((lo != 0) | (hi != 0))
    return (int(cols[0]), int(cols[-1]) + 1) if len(cols) else None


def span_union(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int]:
    """The span (first, one past the last) covering spans ``a`` and ``b`` (None: none); (0, 0) for none.

    >>> span_union((3, 5), None), span_union((3, 5), (8, 9)), span_union(None, None)
    ((3, 5), (3, 9), (0, 0))
    """
    spans = [v for v in (a, b) if v is not None]
    return (min(v[0] for v in spans), max(v[1] for v in spans)) if spans else (0, 0)


def tiled(tile: np.ndarray, y0: int, y1: int, xa: int, xb: int) -> np.ndarray:
    """Rows ``y0:y1``, columns ``xa:xb`` of the plane tiled with ``tile`` from its corner.

    >>> tiled(np.arange(6).reshape(2, 3), 1, 3, 2, 7).tolist()
    [[5, 3, 4, 5, 3], [2, 0, 1, 2, 0]]
    """
    th, tw = tile.shape[:2]
    s = xa % tw
    rows = tile[np.arange(y0, y1) % th]
    return np.tile(rows, (1, -(-(s + xb - xa) // tw)))[:, s:s + xb - xa]


#: Side of the grain tile: tiled, its period is far above the grain's size and never seen.
GRAIN_TILE = 512


def grain_tile(rng, *, sigma: float, level: float) -> np.ndarray:
    """A seamless tile of fine skin grain of about ``level`` grey levels (float32).

    >>> t = grain_tile(np.random.default_rng(0), sigma=1.0, level=3.0)
    >>> t.shape, round(float(t.std()), 2)
    ((512, 512), 3.0)
    """
    t = rng.normal(0, 1, (GRAIN_TILE, GRAIN_TILE)).astype(np.float32)
    m = int(np.ceil(4 * sigma)) + 1  # blurred with its own wrapped edges: seamless
    t = cv2.GaussianBlur(np.pad(t, m, mode="wrap"), (0, 0), sigma)[m:-m, m:-m]
    return t * np.float32(level / max(float(t.std()), 1e-6))
