"""Clipped hair: the cut shafts and the roots under the skin, and the shadow they leave.

A freshly clipped head is never bare skin where hair grew: the stubble and the
roots beneath read as a grey "stubble shadow", darker where the hair grew
denser and the longer the guard leaves it. SMP is designed to match it.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.engine.bare_skin import mask_bytes
from smp_studio.core.engine.smoothing import wide_blur

HAIRS_PER_CM2 = 160.0  # ~80 follicular units per cm², about two hairs each
SHAFT_MM = 0.07  # a hair shaft's width


def stubble_shadow(guard_mm: float) -> float:
    """How far dense clipped hair tints the skin toward the hair's colour (0..1), by guard length.

    Bare follicles (0 mm) still give a shaved scalp its grey cast; a 3 mm
    guard leaves little skin showing.

    >>> [round(stubble_shadow(g), 2) for g in (0.0, 0.5, 1.0, 3.0)]
    [0.17, 0.35, 0.46, 0.58]
    """
    return 0.6 * float(1.0 - np.exp(-(guard_mm + 0.3) / 0.9))


def stubble_cover(region: np.ndarray, rng, px: float, *, guard_mm: float, field, blur_sigma: float,
                  dense: np.ndarray | None = None) -> np.ndarray | None:
    """Coverage of the clipped shafts and the roots beneath, (H, W) uint8 (255: covered), or None.

    Shafts grow where ``region`` (H, W, 0..1) is clipped, ``HAIRS_PER_CM2`` of
    them, placed more where ``dense`` (any size covering the photo, 0..1) says
    the hair grew denser. Memory stays that of two 8-bit images at any size.

    >>> reg = np.zeros((200, 200), np.float32); reg[50:150, 50:150] = 1
    >>> cov = stubble_cover(reg, np.random.default_rng(0), 4.0, guard_mm=1.0, field=None, blur_sigma=0.8)
    >>> bool(cov[60:140, 60:140].mean() > 5 * max(cov[:40].mean(), 0.1))
    True
    """
    H, W = region.shape
    clipped = region > 0.3
    rows, cols = np.flatnonzero(clipped.any(axis=1)), np.flatnonzero(clipped.any(axis=0))
    if not len(rows):
        return None
    if dense is None:
        weight_px = float(np.count_nonzero(clipped))
    else:
        small = cv2.resize(mask_bytes(clipped), (dense.shape[1], dense.shape[0]), interpolation=cv2.INTER_AREA)
        weight_px = float((dense * small).sum()) * (H * W) / dense.size
    n = int(rng.poisson(HAIRS_PER_CM2 * weight_px / (px * 10) ** 2))
    if not n:
        return None
    # Drawn uniformly over the clipped box and kept where clipped (by the density): no index
    # of every clipped pixel, which at 48 MP would be the largest thing in memory.
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    got, have = [], 0
    for _ in range(64):
        k = max(4 * (n - have), 256)
        p = np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)]).astype(np.float32)
        xi, yi = p[:, 0].astype(np.intp), p[:, 1].astype(np.intp)
        keep = clipped[yi, xi]
        if dense is not None:
            dh, dw = dense.shape
            keep &= rng.random(k) < dense[yi * dh // H, xi * dw // W]
        got.append(p[keep])
        have += int(keep.sum())
        if have >= n:
            break
    p = np.concatenate(got)[:n]
    n = len(p)
    if not n:
        return None
    if field is not None:
        d, _, fore, _ = field.sample(p)
    else:
        a = rng.uniform(0, np.pi, n)
        d, fore = np.column_stack([np.cos(a), np.sin(a)]), np.ones(n)
    # Stubble lies along the growth direction, seen shorter where the head turns away.
    wob = rng.normal(0, 0.35, n)
    c, s_ = np.cos(wob), np.sin(wob)
    d = np.column_stack([c * d[:, 0] - s_ * d[:, 1], s_ * d[:, 0] + c * d[:, 1]])
    length = (max(guard_mm, 0.12) * rng.uniform(0.35, 1.15, n) * px * (0.5 + 0.5 * fore))[:, None]
    a0, a1 = p, p + d * length
    width_px = SHAFT_MM * px * (1.0 + 0.6 * min(guard_mm, 1.0))
    val = int(round(255 * float(np.clip(width_px, 0.25, 1.0))))
    thick = max(1, int(round(width_px)))
    shift = 4
    seg = np.round(np.stack([a0, a1], 1) * (1 << shift)).astype(np.int32)
    stubble = np.zeros((H, W), np.uint8)
    cv2.polylines(stubble, list(seg), False, val, thick, cv2.LINE_AA, shift)
    # Roots below the skin give a shaved scalp its grey cast (a natural "SMP").
    roots = np.zeros((H, W), np.uint8)
    root_px = max(1, int(round(0.12 * px)))
    cv2.polylines(roots, list(seg[:, :1].repeat(2, 1)), False, 255, root_px, cv2.LINE_AA, shift)
    # Blurred only around what was drawn (the rest stays zero): at 12 MP the blurs of the whole
    # photo cost more than the drawing. The box keeps twice the blurs' reach of zeros inside its
    # edges, so what they reflect there is zero too, as beyond it.
    s_roots, s_all = max(0.5, 0.1 * px), max(0.5, 0.8 * blur_sigma)
    m = 2 * (int(np.ceil(4 * s_roots)) + int(np.ceil(4 * s_all))) + thick + root_px + 4
    (xa, ya), (xb, yb) = seg.min(axis=(0, 1)) >> shift, (seg.max(axis=(0, 1)) >> shift) + 1
    box = np.s_[max(ya - m, 0):min(yb + m, H), max(xa - m, 0):min(xb + m, W)]
    roots = cv2.GaussianBlur(roots[box], (0, 0), s_roots)
    stubble[box] = cv2.GaussianBlur(cv2.max(stubble[box], cv2.convertScaleAbs(roots, alpha=0.35)), (0, 0), s_all)
    return stubble


FOLLICLE_BLUR_MM = 4.0  # follicle density is read over this: it changes over centimetres


def follicle_share(follicles: np.ndarray, size: tuple[int, int], px_per_mm: float, *,
                   within: np.ndarray | None = None) -> np.ndarray:
    """How densely the clipped hair grew (0..1, float32) at ``size`` (w, h), from the detected hair
    density ``follicles`` (any size); ``px_per_mm`` at ``size``. With ``within`` (bool, any size: the
    head), read over the head alone: the background's zero beyond its outline thinned the stubble
    shadow along it, a pale rim round a clipped head.

    >>> dens = np.zeros((100, 100), np.float32); dens[:, 50:] = 1
    >>> f = follicle_share(dens, (50, 50), 1.0)
    >>> bool(f[25, 45] > 0.9), bool(f[25, 5] < 0.1)
    (True, True)
    """
    dense = cv2.resize(np.asarray(follicles, np.float32), size, interpolation=cv2.INTER_AREA)
    # Follicle density changes over centimetres, never in a step at the detected hair's edge.
    s = max(1.0, FOLLICLE_BLUR_MM * px_per_mm)
    if within is None:
        return wide_blur(np.clip((dense - 0.15) / 0.45, 0, 1), s)
    m = np.minimum(cv2.resize(mask_bytes(within), size, interpolation=cv2.INTER_AREA), 1).astype(np.float32)
    return wide_blur(np.clip((dense - 0.15) / 0.45, 0, 1) * m, s) / np.maximum(wide_blur(m, s), 1e-3)


def stubble_share(dense: np.ndarray, guard_mm: float) -> np.ndarray:
    """How much of the skin the clipped hair's stubble shadow covers, where it grew ``dense`` (0..1,
    :func:`follicle_share`): more for denser hair and a longer guard.

    >>> bool(stubble_share(np.ones(1), 3.0)[0] > stubble_share(np.ones(1), 0.5)[0] > stubble_share(np.zeros(1), 3.0)[0])
    True
    """
    return stubble_shadow(guard_mm) * dense


#: Lab lightness (0..100) by which the hair must lie below the skin to leave a full stubble shadow
#: when clipped: dark brown or black hair on light skin lies 30-50 below it; a veil of fine pale
#: strands under flash, white or blond hair lie about level with it or above.
DARK_HAIR_L = 20.0
TONE_MM = 3.0  # the hair's tone against the skin is read over this (single strands are not it)


def dark_hair_share(rgb: np.ndarray, skin_lab, px_per_mm: float) -> np.ndarray:
    """How much darker than the skin the hair over it is (0..1, float32, at ``rgb``'s size).

    Clipped, dark hair leaves a grey stubble shadow; fine pale strands (a
    thinning crown's veil under flash) or white and blond hair leave next to
    none: the skin shows through as it will once they are cut. ``skin_lab``
    is the skin's CIE Lab colour (L 0..100), ``px_per_mm`` at ``rgb``'s size.

    >>> img = np.full((60, 60, 3), 230, np.uint8); img[:, :30] = 40
    >>> d = dark_hair_share(img, (70.0, 10.0, 10.0), 2.0)
    >>> bool(d[30, 5] > 0.9), bool(d[30, 55] < 0.1)
    (True, True)
    """
    if skin_lab is None:  # no bare skin seen to compare with: hair as dark as it grew
        return np.ones(rgb.shape[:2], np.float32)
    L = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32) * np.float32(100 / 255)
    L = cv2.GaussianBlur(L, (0, 0), max(0.5, TONE_MM * px_per_mm))
    return np.clip((float(skin_lab[0]) - L) / DARK_HAIR_L, 0, 1)


#: The follicles' tile spans at least this (mm): a repeat of its points further apart than the
#: head's features is not seen.
POINTS_TILE_MM = 40.0
POINTS_TILE_MAX = 2048  # px: its side at most (16 MB of float32)


def follicle_points(rng, *, px: float, blur_sigma: float, size: int = 512) -> np.ndarray:
    """A seamless tile of the follicles a clipped head shows: ``HAIRS_PER_CM2`` points per cm², each no
    sharper than ``blur_sigma`` (photo pixels), ``px`` pixels per mm. Zero mean, unit deviation,
    skewed: dark points, with the lighter skin between them.

    The side is at least ``size`` and ``POINTS_TILE_MM``, at most ``POINTS_TILE_MAX`` pixels.

    >>> t = follicle_points(np.random.default_rng(0), px=4.0, blur_sigma=1.0)
    >>> bool(abs(t.mean()) < 1e-6), round(float(t.std()), 3), bool(np.median(t) < 0 < t.max() - 3)
    (True, 1.0, True)
    """
    n = int(min(POINTS_TILE_MAX, max(size, POINTS_TILE_MM * px)))
    k = max(1, int(round(HAIRS_PER_CM2 / 100.0 * (n / px) ** 2)))
    t = np.zeros((n, n), np.float32)
    np.add.at(t, (rng.integers(0, n, k), rng.integers(0, n, k)), 1.0)
    s = max(0.6, 0.06 * px, 0.8 * blur_sigma)  # a follicle's opening, through the photo's blur
    m = int(np.ceil(4 * s)) + 1  # blurred with its own wrapped edges: seamless
    t = cv2.GaussianBlur(np.pad(t, m, mode="wrap"), (0, 0), s)[m:-m, m:-m]
    t -= t.mean()
    return t / max(float(t.std()), 1e-6)


#: Where dense grey or ash hair grew, the clipped scalp takes up to this share of its colour's cast (Lab
#: a, b) from the photo's own there, read over ``CAST_MM``: the skin filled in from the bald scalp or the
#: neck is tan, and turned an ash head brown; the roots and stubble left keep the hair's cast.
HAIR_CAST = 0.85
CAST_MM = 6.0
#: Lab lightness of the photo over that hair from which (none) to which (all of ``HAIR_CAST``) the cast is
#: the hair's with the skin through it: over dark hair the photo shows the hair alone, whose colour the
#: stubble shadow already carries (clipped, dark brown hair is brown stubble on warm skin).
CAST_L = (20.0, 40.0)


def hair_cast(skin: np.ndarray, photo: np.ndarray, dense: np.ndarray, px_per_mm: float) -> np.ndarray:
    """``skin`` (float32 RGB 0..255) with the cast of the hair the ``photo`` (uint8 RGB, same size) shows
    where it grew ``dense`` (0..1, :func:`follicle_share`); ``px_per_mm`` at that size.

    >>> skin = np.full((40, 40, 3), (200, 150, 120), np.float32)
    >>> ash = np.full((40, 40, 3), (110, 110, 112), np.uint8)
    >>> out = hair_cast(skin, ash, np.ones((40, 40), np.float32), 1.0)
    >>> bool(np.ptp(out[20, 20]) < 0.6 * np.ptp(skin[20, 20]))  # greyer: the ash hair's cast
    True
    """
    w = (HAIR_CAST * np.clip(dense, 0, 1)).astype(np.float32)
    if not (w > 0.01).any():
        return skin
    s = max(1.0, CAST_MM * px_per_mm)
    lab_p = cv2.cvtColor(photo.astype(np.float32) * np.float32(1 / 255), cv2.COLOR_RGB2Lab)
    # The hair's own cast, averaged over where it grew (not the shirt or the bald skin beside it).
    d = np.maximum(wide_blur(dense.astype(np.float32), s), 1e-3)
    w *= np.clip((wide_blur(lab_p[..., 0] * dense, s) / d - CAST_L[0]) / (CAST_L[1] - CAST_L[0]), 0, 1)
    if not (w > 0.01).any():
        return skin  # (dark hair, the usual case, casts nothing: its lightness is read first, alone)
    ab = wide_blur(lab_p[..., 1:] * dense[..., None], s) / d[..., None]
    lab_s = cv2.cvtColor(np.clip(skin, 0, 255).astype(np.float32) * np.float32(1 / 255), cv2.COLOR_RGB2Lab)
    lab_s[..., 1:] += (ab - lab_s[..., 1:]) * w[..., None]
    return np.clip(cv2.cvtColor(lab_s, cv2.COLOR_Lab2RGB) * 255.0, 0, 255).astype(np.float32)
