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
        small = len(rows) and -32768 <= rows.min() and rows.max() <= 32767
        # By row (16 bits: a radix sort), then stably by bin (8 bits): one gather of the lobes.
        order = np.argsort(rows.astype(np.int16) if small else rows, kind="stable")
        if np.ptp(sig) == 0:  # one width: exact, not snapped to the grid
            out.setdefault(float(sig[0]), []).append((_take(p, order), weight[order], rows[order]))
            continue
        which = np.clip(np.round(np.log2(sig) * BINS_PER_OCTAVE), -120, 120).astype(np.int8)
        order = order[np.argsort(which[order], kind="stable")]
        keys = which[order]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(keys)) + 1])
        p, weight, rows = _take(p, order), weight[order], rows[order]
        for i0, i1 in zip(starts, np.append(starts[1:], len(order))):
            b = float(2.0 ** (keys[i0] / BINS_PER_OCTAVE))
            out.setdefault(b, []).append((p[i0:i1], weight[i0:i1], rows[i0:i1]))
    return out


def _take(a: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``a[order]`` for points: numpy's fancy indexing of rows is several times slower."""
    return np.take(a, order, axis=0)


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
