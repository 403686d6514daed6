"""How each healed impression is shaped: direction, elongation, foreshortening.

Real healed dots are not discs. They stretch along the skin's furrows or the
direction the hair grows (where stubble is visible), and near the head's
silhouette the skull turns away from the camera so they are squashed toward
the edge. This module turns a photo and its head mask into a small direction
field, and per-dot axes and elongations from it. All of it is cheap: maps at a
few hundred pixels, sampled at dot positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

FIELD_SIZE = 384  # long side of the direction field's working image


@dataclass(frozen=True, eq=False)
class DirectionField:
    """Local dot direction and the head's foreshortening, at a working size.

    Attributes
    ----------
    c2, s2 : ndarray float32 (h, w)
        ``cos 2θ`` and ``sin 2θ`` of the direction dots stretch along, times
        how sure we are of it (0 = no preferred direction).
    radial : ndarray float32 (h, w, 2)
        Unit vector from the head's centre outward (the foreshortening axis).
    foreshorten : ndarray float32 (h, w)
        1 where the scalp faces the camera, smaller toward the silhouette.
    factor : float
        Field pixels per photo pixel.
    """

    c2: np.ndarray
    s2: np.ndarray
    radial: np.ndarray
    foreshorten: np.ndarray
    factor: float

    def sample(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(direction (N, 2), sureness (N,), foreshortening (N,), radial (N, 2))`` at photo points."""
        q = np.asarray(xy, np.float32).reshape(-1, 2) * self.factor
        h, w = self.c2.shape
        n = len(q)
        cols = 4096  # remap maps must stay under 32767 on a side
        rows = max(-(-n // cols), 1)
        grid = np.zeros((rows * cols, 2), np.float32)
        grid[:n] = q
        mx = np.clip(grid[:, 0], 0, w - 1).reshape(rows, cols)
        my = np.clip(grid[:, 1], 0, h - 1).reshape(rows, cols)
        p = q.reshape(-1, 1, 2)

        def at(m):
            return cv2.remap(m, mx, my, cv2.INTER_LINEAR).reshape(-1)[:n, None]

        if len(p) == 0:
            z = np.zeros(0, np.float32)
            return np.zeros((0, 2), np.float32), z, z, np.zeros((0, 2), np.float32)
        c2, s2, f = at(self.c2)[:, 0], at(self.s2)[:, 0], at(self.foreshorten)[:, 0]
        rx, ry = at(self.radial[..., 0].copy())[:, 0], at(self.radial[..., 1].copy())[:, 0]
        sure = np.hypot(c2, s2)
        th = 0.5 * np.arctan2(s2, c2)
        return (np.column_stack([np.cos(th), np.sin(th)]).astype(np.float32), sure.astype(np.float32),
                f.astype(np.float32), np.column_stack([rx, ry]).astype(np.float32))


def direction_field(rgb: np.ndarray, head_mask: np.ndarray | None = None) -> DirectionField:
    """Where dots stretch (hair or furrow direction) and how the head turns away.

    The structure tensor of the photo's fine detail gives the direction of
    visible stubble or furrows (across the strongest gradients); where the
    skin shows no such order, the dots follow the head's curve (around it).

    Examples
    --------
    >>> img = np.full((120, 120, 3), 180, np.uint8)
    >>> img[:, ::6] = 120  # vertical furrows
    >>> f = direction_field(img)
    >>> d, sure, _, _ = f.sample(np.array([[60.0, 60.0]]))
    >>> bool(abs(d[0, 1]) > 0.9 and sure[0] > 0.5)
    True
    """
    H, W = rgb.shape[:2]
    f = min(1.0, FIELD_SIZE / max(H, W))
    w, h = max(int(round(W * f)), 4), max(int(round(H * f)), 4)
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA) if f < 1 else rgb
    g = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    s = max(3.0, 0.025 * max(h, w))  # integrate over a few mm of scalp
    jxx = cv2.GaussianBlur(gx * gx, (0, 0), s)
    jyy = cv2.GaussianBlur(gy * gy, (0, 0), s)
    jxy = cv2.GaussianBlur(gx * gy, (0, 0), s)
    # Doubled angle of the gradient; the structure runs across it (add pi).
    c2, s2 = -(jxx - jyy), -2 * jxy
    coh = np.hypot(c2, s2) / np.maximum(jxx + jyy, 1e-3)
    sure = np.clip((coh - 0.15) / 0.45, 0, 1)
    mag = np.maximum(np.hypot(c2, s2), 1e-6)
    c2, s2 = c2 / mag, s2 / mag

    if head_mask is not None and np.asarray(head_mask).any():
        m = cv2.resize(np.asarray(head_mask, np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
    else:
        m = np.ones((h, w), np.uint8)
    mo = cv2.moments(m, binaryImage=True)
    cx, cy = (mo["m10"] / mo["m00"], mo["m01"] / mo["m00"]) if mo["m00"] > 0 else (w / 2, h / 2)
    dist = cv2.distanceTransform(np.pad(m, 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    depth = float(dist.max()) or 1.0
    # On a sphere seen along its axis, the surface turns away as sqrt(1 - rho^2);
    # rho from the distance to the silhouette (robust to heads leaving the frame).
    rho = 1.0 - np.clip(dist / depth, 0, 1)
    fore = np.sqrt(np.clip(1.0 - rho**2, 0.0, 1.0))
    fore = np.clip(fore, 0.3, 1.0).astype(np.float32)
    if head_mask is None:  # no head outline known: a flat patch of skin, nothing turns away
        fore[:] = 1.0
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rx, ry = xx - cx, yy - cy
    rn = np.maximum(np.hypot(rx, ry), 1e-3)
    radial = np.dstack([rx / rn, ry / rn]).astype(np.float32)
    # Where the skin shows no direction: around the head (its furrows and curve).
    tc2 = -(radial[..., 0] ** 2 - radial[..., 1] ** 2)
    ts2 = -2 * radial[..., 0] * radial[..., 1]
    c2 = sure * c2 + (1 - sure) * 0.6 * tc2
    s2 = sure * s2 + (1 - sure) * 0.6 * ts2
    return DirectionField(c2.astype(np.float32), s2.astype(np.float32), radial, fore, w / W)


def dot_axes(direction: np.ndarray, elong: np.ndarray, fore: np.ndarray, radial: np.ndarray):
    """Major-axis direction and major/minor ratio after foreshortening.

    A dot of ratio ``elong`` along ``direction`` is squashed by ``fore``
    along ``radial``; returns ``(axis (N, 2), ratio (N,), area_factor (N,))``.

    >>> a, r, k = dot_axes(np.array([[1.0, 0]]), np.array([1.0]), np.array([0.5]), np.array([[1.0, 0]]))
    >>> round(float(r[0]), 2), round(float(abs(a[0, 1])), 2), round(float(k[0]), 2)
    (2.0, 1.0, 0.5)
    """
    d = np.asarray(direction, np.float64)
    e = np.asarray(elong, np.float64)
    # Covariance (in radius units, minor = 1/sqrt(e), major = sqrt(e): area kept).
    a, b = e, 1.0 / e
    cxx = a * d[:, 0] ** 2 + b * d[:, 1] ** 2
    cyy = a * d[:, 1] ** 2 + b * d[:, 0] ** 2
    cxy = (a - b) * d[:, 0] * d[:, 1]
    n = np.asarray(radial, np.float64)
    k = 1.0 - np.asarray(fore, np.float64)
    # M = I - k n n^T, C' = M C M^T
    m00, m11, m01 = 1 - k * n[:, 0] ** 2, 1 - k * n[:, 1] ** 2, -k * n[:, 0] * n[:, 1]
    t00 = m00 * cxx + m01 * cxy
    t01 = m00 * cxy + m01 * cyy
    t10 = m01 * cxx + m11 * cxy
    t11 = m01 * cxy + m11 * cyy
    pxx = t00 * m00 + t01 * m01
    pxy = t00 * m01 + t01 * m11
    pyy = t10 * m01 + t11 * m11
    tr, det = pxx + pyy, np.maximum(pxx * pyy - pxy**2, 1e-9)
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0))
    l1, l2 = tr / 2 + disc, np.maximum(tr / 2 - disc, 1e-9)
    th = 0.5 * np.arctan2(2 * pxy, pxx - pyy)
    axis = np.column_stack([np.cos(th), np.sin(th)])
    return axis.astype(np.float32), np.sqrt(l1 / l2).astype(np.float32), np.sqrt(det).astype(np.float32)


def patch_noise(xy_mm: np.ndarray, wavelength_mm: float, rng: np.random.Generator, waves: int = 12) -> np.ndarray:
    """Smooth, seeded, zero-mean unit-variance noise at points (in mm): a hand's unevenness.

    >>> n = patch_noise(np.random.default_rng(0).uniform(0, 200, (4000, 2)), 15.0, np.random.default_rng(1))
    >>> bool(abs(n.mean()) < 0.15 and 0.7 < n.std() < 1.3)
    True
    """
    ang = rng.uniform(0, np.pi, waves)
    lam = wavelength_mm * rng.uniform(0.7, 1.4, waves)
    k = np.column_stack([np.cos(ang), np.sin(ang)]) * (2 * np.pi / lam)[:, None]
    ph = rng.uniform(0, 2 * np.pi, waves)
    p = np.asarray(xy_mm, np.float64).reshape(-1, 2)

    def exact(q):
        return (np.cos(q @ k.T + ph).sum(1) * np.sqrt(2.0 / waves)).astype(np.float32)

    if len(p) < 20000:
        return exact(p)
    # Many points: the field is smooth, so evaluate it on a grid and interpolate.
    step = wavelength_mm / 16.0
    lo = p.min(0) - step
    gw, gh = (np.ceil((p.max(0) - lo) / step).astype(int) + 2)
    gx, gy = np.meshgrid(np.arange(gw) * step + lo[0], np.arange(gh) * step + lo[1])
    grid = exact(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gh, gw)
    u = (p - lo) / step
    i = np.clip(np.floor(u).astype(np.int64), 0, [gw - 2, gh - 2])
    f = (u - i).astype(np.float32)
    g00, g10 = grid[i[:, 1], i[:, 0]], grid[i[:, 1], i[:, 0] + 1]
    g01, g11 = grid[i[:, 1] + 1, i[:, 0]], grid[i[:, 1] + 1, i[:, 0] + 1]
    top = g00 + (g10 - g00) * f[:, 0]
    bot = g01 + (g11 - g01) * f[:, 0]
    return (top + (bot - top) * f[:, 1]).astype(np.float32)
