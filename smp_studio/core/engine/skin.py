"""How the skin takes the pigment, from the photo alone: pores and furrows hold
more of it, hair strands lying over the skin hide it. These depend on the photo,
not on the dots, so a render works them out beside placing the dots' lobes."""

from __future__ import annotations

import cv2
import numpy as np


#: Below this many pixels per mm hair strands are sub-pixel: the averaging takes care of them.
STRANDS_FROM_PX = 1.5
#: What a strand lets through, by its strength (the photo's black- or top-hat, 8 bits).
STRAND_KEEP = (1.0 - np.clip((np.arange(256, dtype=np.float32) - 10.0) / 25.0, 0, 1)).reshape(1, 256)


def pigment_hold(settings) -> float:
    """How much more pores and furrows hold (``settings.texture_hold``); none in scar tissue,
    which is smooth (its edge is no furrow)."""
    return 0.0 if settings.treatment == "scar" else settings.texture_hold


def skin_factors(roi, y, y1, *, ctx, px, occlusion, hold) -> list:
    """What scales the pigment at ROI rows ``y:y1``, from the photo alone (``ctx`` rows
    of context around): what hair strands over the skin let through, what pores hold.

    >>> photo = np.full((20, 30, 3), 150, np.uint8)
    >>> photo[:, 15] = 40  # a dark hair strand
    >>> keep, held = skin_factors(photo, 0, 20, ctx=3, px=6.0, occlusion=True, hold=0.5)
    >>> bool(keep[10, 15] < 0.1 and keep[10, 5] == 1.0 and held[10, 15] > held[10, 5])
    True
    """
    out = []
    strands = occlusion and px >= STRANDS_FROM_PX
    if strands or hold > 0:
        c0, c1 = max(y - ctx, 0), min(y1 + ctx, roi.shape[0])
        gray = cv2.cvtColor(roi[c0:c1], cv2.COLOR_RGB2GRAY)
        inner = slice(y - c0, y1 - c0)
        if strands:
            out.append(np.ascontiguousarray(strand_keep(gray, px)[inner]))
        if hold > 0:
            out.append(np.ascontiguousarray(skin_hold(gray, px, hold)[inner]))
    return out


def hold_size(px_per_mm: float) -> int:
    return max(3, int(round(0.6 * px_per_mm)) | 1)


def strand_size(px_per_mm: float) -> int:
    return max(3, int(round(0.45 * px_per_mm)) | 1)


def skin_hold(g: np.ndarray, px_per_mm: float, hold: float) -> np.ndarray:
    """How much more pigment each pixel holds (``g`` the photo's grey): pores and
    furrows (darker than the skin around them) more, raised skin less. The
    photo's own grain rides along, so a dot is no cleaner than the skin it sits in."""
    k = hold_size(px_per_mm)
    around = cv2.blur(g, (k, k)).astype(np.float32)
    rel = cv2.divide(cv2.subtract(around, g.astype(np.float32)), cv2.max(around, 8.0))
    held = cv2.addWeighted(rel, float(hold * 2.5), rel, 0.0, 1.0)
    return cv2.min(cv2.max(held, 0.35), 1.8)


def strand_keep(gray: np.ndarray, px_per_mm: float) -> np.ndarray:
    """0..1: how much of the skin a hair strand leaves visible at each pixel (thin dark
    or light lines in ``gray`` hide it)."""
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (strand_size(px_per_mm),) * 2)
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, ker)
    th = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, ker)
    return cv2.LUT(cv2.max(bh, th), STRAND_KEEP)
