"""Sums of Gaussian lobes on an image: how the impressions' ink is laid down.

Lobes are splatted bilinearly (sub-pixel accurate, ink kept when a lobe is
smaller than a pixel) and blurred by width: binned on a fixed half-octave grid
and blurred as one cascade, widest first, so however many dots there are it
costs a few blur passes; and every part of an image runs the same steps, so a
strip or a crop equals that part of the whole.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.engine.rows import take_rows

MIN_SIGMA = 0.35  # output pixels: below this a dot is a sub-pixel splat
BINS_PER_OCTAVE = 2  # sigma bins (each costs one blur pass); ink is exact, shape within 19%


def saturation(peak: np.ndarray) -> np.ndarray:
    """What a Gaussian of this peak density absorbs over what it would unsaturated:
    ``Ein(d) / d`` with ``Ein(d) = integral_0^d (1 - exp(-t)) / t dt``.

    >>> s = saturation(np.array([0.0, 1.0, 10.0]))
    >>> bool(s[0] == 1.0 and 1.0 > s[1] > s[2] > 0.2)
    True
    """
    return np.interp(peak, _EIN[0], _EIN[1])


def _ein_table(top: float = 60.0, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    d = np.linspace(0.0, top, n + 1)
    t = np.maximum(d, 1e-9)
    f = -np.expm1(-t) / t  # (1 - e^-t) / t
    ein = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) * 0.5 * np.diff(d))])
    return d, np.where(d > 0, ein / t, 1.0)


_EIN = _ein_table()


def bins(layers) -> dict:
    """Lobes binned by blur width: ``{sigma: [(points, weights, rows), ...]}``.

    ``layers`` are ``(points, weights, sigmas)``. Bins sit on a fixed grid (half
    an octave), not on the dots in view, so a crop and the whole image blur each
    dot identically; a layer of one sigma (the halo) is one bin of its own.
    Within a bin, lobes are sorted by the row they land on (``rows``), so a
    strip of the image takes its lobes as one slice.

    Examples
    --------
    >>> p = np.array([[5.0, 9.0], [9.0, 5.0]], np.float32)
    >>> b = bins([(p, np.ones(2, np.float32), np.array([1.0, 1.1]))])
    >>> sorted(b) == [1.0] and b[1.0][0][2].tolist() == [5, 9]
    True
    """
    out = {}
    for p, weight, sigma in layers:
        sig = np.maximum(sigma, MIN_SIGMA)
        rows = np.floor(p[:, 1] + np.float32(0.5)).astype(np.int32)
        if np.ptp(sig) == 0:  # one width: exact, not snapped to the grid
            order = _sorted_by(rows)
            out.setdefault(float(sig[0]), []).append((take_rows(p, order), weight[order], rows[order]))
            continue
        which = np.clip(np.round(np.log2(sig) * BINS_PER_OCTAVE), -120, 120).astype(np.int8)
        # By bin, then by row, stably: one gather of the lobes.
        order = _sorted_by(rows, which)
        keys = which[order]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1])
        p, weight, rows = take_rows(p, order), weight[order], rows[order]
        for i0, i1 in zip(starts, np.append(starts[1:], len(order))):
            b = float(2.0 ** (keys[i0] / BINS_PER_OCTAVE))
            out.setdefault(b, []).append((p[i0:i1], weight[i0:i1], rows[i0:i1]))
    return out


def _sorted_by(rows: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
    """The stable order by ``which`` (int8), then by ``rows``: one radix sort of a 16-bit key
    when both fit in one (a 12 MP photo's rows in a few bins do), else one sort per key.

    >>> _sorted_by(np.array([3, 1, 2, 1]), np.array([1, 0, 0, 0], np.int8)).tolist()
    [1, 3, 2, 0]
    """
    if not len(rows):
        return np.zeros(0, np.intp)
    r0, r1 = int(rows.min()), int(rows.max())
    if which is None:
        w0 = w1 = 0
    else:
        w0, w1 = int(which.min()), int(which.max())
    span = r1 - r0 + 1
    if span * (w1 - w0 + 1) <= 65536:
        key = rows - np.int32(r0)
        if which is not None and w1 > w0:
            key += (which.astype(np.int32) - np.int32(w0)) * np.int32(span)
        return np.argsort(key.astype(np.uint16), kind="stable")
    small = -32768 <= r0 and r1 <= 32767
    order = np.argsort(rows.astype(np.int16) if small else rows, kind="stable")
    return order if which is None else order[np.argsort(which[order], kind="stable")]


def cascade(bins, widths, steps, a0, a1, w) -> np.ndarray:
    """Sum of Gaussians over rows ``a0:a1`` (of ``w`` columns), blurred as a cascade.

    ``bins`` from :func:`bins`, ``widths`` its keys widest first, ``steps`` the blur
    that takes each width to the next (``sqrt(w_i**2 - w_{i+1}**2)``, the last to 0).

    Widest first, each bin is added and the sum blurred on by what takes it to
    the next bin's width (Gaussians compose): one accumulator, and kernels that
    shrink as the cascade goes. Every part of the image runs the same steps, so a
    strip equals that part of the whole.
    """
    h = a1 - a0
    # One pixel of border: every point lies inside, so all four corners land.
    acc, spare = np.zeros((h + 2, w + 2), np.float32), np.empty((h + 2, w + 2), np.float32)
    for width, step in zip(widths, steps):
        for p, weight, rows in bins[width]:
            # Lobes whose corners land on the border or inside.
            i0, i1 = np.searchsorted(rows, (a0, a1 + 1))
            if i1 > i0:
                _bilinear_splat(p[i0:i1] - np.float32((0.0, a0)), weight[i0:i1], acc)
        if step > 0.05:
            k = 2 * int(np.ceil(3.0 * step)) + 1  # 3 sigma: the rest is below a byte
            cv2.GaussianBlur(acc, (k, k), step, dst=spare)  # not in place: that is much slower
            acc, spare = spare, acc
    return acc[1:-1, 1:-1]


def _bilinear_splat(p, weight, acc: np.ndarray) -> None:
    """Add weights bilinearly onto ``acc``, whose one-pixel border holds every corner."""
    w = acc.shape[1]
    x, y = p[:, 0] + np.float32(0.5), p[:, 1] + np.float32(0.5)  # pixel centres at +0.5, one pixel of border
    ix, iy = np.floor(x), np.floor(y)
    fx, fy = x - ix, y - iy
    big = np.int64 if acc.size >= 2**31 else np.int32
    base = iy.astype(big) * big(w) + ix.astype(big)
    gx = 1 - fx
    top, bot = weight * (1 - fy), weight * fy
    idx = np.concatenate([base, base + 1, base + w, base + w + 1])
    np.add.at(acc.reshape(-1), idx, np.concatenate([top * gx, top * fx, bot * gx, bot * fx]))


class Wide:
    """One wide Gaussian layer (the soft spread) drawn on a coarse grid and read back by rows.

    A blur of several pixels needs no full resolution: splatted on a grid ``f``
    times coarser, blurred there and interpolated back, it costs a fraction of one
    full-resolution pass. The grid is aligned to ``origin`` (whole output pixels
    of the view's own frame), so a strip, a crop or a region of the image reads
    the same values as the whole.

    Parameters
    ----------
    points, weights : ndarray
        Lobe centres (in the accumulator's coordinates) and ink.
    sigma : float
        Gaussian sigma in output pixels.
    size : (w, h)
        Of the accumulator.
    origin : (int, int)
        Where the accumulator's pixel (0, 0) lies in the view's own frame.

    Examples
    --------
    >>> p = np.array([[40.0, 30.0]], np.float32)
    >>> wide = Wide(p, np.ones(1, np.float32), 6.0, (80, 60), (3, 7))
    >>> a = wide.rows(0, 60)
    >>> bool(abs(a.sum() - 1) < 0.02) and np.unravel_index(a.argmax(), a.shape) == (30, 40)
    True
    >>> bool(np.abs(wide.rows(20, 40) - a[20:40]).max() < 1e-6)
    True
    """

    def __init__(self, points, weights, sigma: float, size, origin):
        f = max(int(sigma // 2.0), 1)
        w, h = size
        ox, oy = origin
        self.f, self.size = f, size
        # Coarse cell k covers view pixels k*f .. k*f+f-1 (points put pixel centres at +0.5).
        self.k0 = ((ox // f) - 1, (oy // f) - 1)
        self.shift = (ox - self.k0[0] * f, oy - self.k0[1] * f)  # accumulator pixel 0 in the grid's fine frame
        cw, ch = -(-(w + self.shift[0]) // f) + 2, -(-(h + self.shift[1]) // f) + 2
        q = (np.asarray(points, np.float32) + np.float32(self.shift)) / np.float32(f)
        acc = np.zeros((ch + 2, cw + 2), np.float32)
        _bilinear_splat(q, np.asarray(weights, np.float32) / np.float32(f * f), acc)  # ink per fine pixel
        # Splatting and interpolating back each blur by a tent of one cell (variance f**2 / 6).
        s = float(np.sqrt(max(sigma**2 - f * f / 3.0, 0.25))) / f
        k = 2 * int(np.ceil(3.0 * s)) + 1
        self.coarse = cv2.GaussianBlur(acc[1:-1, 1:-1], (k, k), s, borderType=cv2.BORDER_CONSTANT)

    def rows(self, a0: int, a1: int) -> np.ndarray:
        """The layer over accumulator rows ``a0:a1`` (all columns)."""
        f, (w, _), (sx, sy) = self.f, self.size, self.shift
        if f == 1:
            return self.coarse[a0 + sy:a1 + sy, sx:sx + w]
        # Coarse rows around these fine rows, interpolated with cell centres where the grid puts them.
        y0, y1 = a0 + sy, a1 + sy  # in the grid's fine frame
        c0, c1 = max(y0 // f - 1, 0), min(-(-y1 // f) + 1, self.coarse.shape[0])
        block = self.coarse[c0:c1]
        fine = cv2.resize(block, (block.shape[1] * f, block.shape[0] * f), interpolation=cv2.INTER_LINEAR)
        r0 = y0 - c0 * f
        return fine[r0:r0 + (a1 - a0), sx:sx + w]
