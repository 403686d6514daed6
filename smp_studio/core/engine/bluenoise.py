"""Progressive blue-noise points: any prefix of the ranking is itself blue noise.

One toroidal tile is built by parallel dart throwing on a grid (Poisson-disk
quality), level by level at doubling density; a point's rank says at which
level it arrived. Thinning by rank therefore keeps the even, un-clumped look
at every density, which is what a varying density over a treatment zone, and
session subsets of the final layout, need.
"""

from __future__ import annotations

import functools

import numpy as np

TILE_POINTS = 16384
LEVELS = 6


@functools.cache
def tile(n: int = TILE_POINTS, levels: int = LEVELS, seed: int = 20261121) -> np.ndarray:
    """A progressive Poisson-disk tile on the unit torus.

    Returns
    -------
    ndarray (M, 3) of float64
        ``x, y`` in [0, 1) and ``rank`` in [0, 1); points with
        ``rank < f`` form a blue-noise set of about ``f * M`` points.

    Examples
    --------
    >>> t = tile(1024, 4, seed=1)
    >>> bool(0.8 < len(t) / 1024 < 1.3)
    True
    """
    rng = np.random.default_rng(seed)
    # Maximal Poisson-disk sets fill the torus at about 0.7 / r^2 points.
    r_final = np.sqrt(0.70 / n)
    pts = np.empty((0, 2))
    level_of = np.empty(0, int)
    for k in range(levels):
        r = r_final * np.sqrt(2.0) ** (levels - 1 - k)
        new = _dart_throw(pts, r, rng)
        pts = np.vstack([pts, new])
        level_of = np.concatenate([level_of, np.full(len(new), k)])
    # Rank: by level, random inside a level; levels hold ~1/2^(L-k) of the points.
    counts = np.bincount(level_of, minlength=levels)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(len(pts))
    for k in range(levels):
        idx = np.flatnonzero(level_of == k)
        rank[idx] = start[k] + rng.permutation(len(idx))
    return np.column_stack([pts, (rank + 0.5) / len(pts)])


def _dart_throw(existing: np.ndarray, r: float, rng, rounds: int = 12) -> np.ndarray:
    """Add points at least ``r`` from each other and from ``existing`` (torus)."""
    g = int(np.floor(np.sqrt(2.0) / r))  # cell side <= r / sqrt(2): at most one point per cell
    g -= g % 3  # phases of stride 3 must tile the torus
    g = max(g, 3)
    cell = 1.0 / g
    grid = np.full((g, g, 2), np.nan)
    is_new = np.zeros((g, g), bool)
    if len(existing):
        ij = np.minimum((existing / cell).astype(int), g - 1)
        grid[ij[:, 1], ij[:, 0]] = existing
    offsets = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if (dy, dx) != (0, 0)]
    for _ in range(rounds):
        for py in range(3):
            for px in range(3):
                sub = grid[py::3, px::3]
                empty = np.isnan(sub[..., 0])
                if not empty.any():
                    continue
                jj, ii = np.nonzero(empty)
                cy, cx = jj * 3 + py, ii * 3 + px
                cand = np.column_stack([(cx + rng.random(len(cx))) * cell, (cy + rng.random(len(cy))) * cell])
                ok = np.ones(len(cand), bool)
                for dy, dx in offsets:
                    nb = grid[(cy + dy) % g, (cx + dx) % g]
                    d = np.abs(cand - nb)
                    d = np.minimum(d, 1.0 - d)  # torus
                    close = (d[:, 0] ** 2 + d[:, 1] ** 2) < r * r
                    ok &= ~np.nan_to_num(close, nan=0.0).astype(bool) | np.isnan(nb[:, 0])
                grid[cy[ok], cx[ok]] = cand[ok]
                is_new[cy[ok], cx[ok]] = True
    return grid[is_new]
