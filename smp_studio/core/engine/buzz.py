"""An existing buzz cut: hair the shave preview leaves as it is.

Clipping a head already buzzed short replaced its own stubble, the best there
is, by a flat fill: pale holes and smooth grey patches in a natural buzz. A
buzz is the skin seen through fine short shafts: it lies between the skin's
lightness and the hair's, evenly, and its texture is short, where long hair's
runs on in strands.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import pieces_with_rings

#: Share of the bare skin's lightness an existing buzz takes off it, read over ``BUZZ_MM``: from the
#: first (no stubble: skin, or a veil of pale strands) to the second, then back down to none at the
#: third and fourth (a mass of dark hair hiding the skin). Devdata's buzzed heads lie 0.2-0.4 below
#: the skin beside them; the long dark ring of the bundled crown sample 0.6 and more.
BUZZ_DARKER = (0.06, 0.16, 0.42, 0.56)
BUZZ_MM = 3.0
BUZZ_WIDE_MM = 20.0  # a buzz kept is at least this wide
#: How unevenly (deviation of that share over ``BUZZ_MM``) it may lie: from the first less of it is a
#: buzz, at the second none. Long strands over skin lie in clumps and partings.
BUZZ_UNEVEN = (0.06, 0.11)
#: Strands (mm): a short and a long line the texture is averaged along. What survives the long line
#: as well as the short one runs on over centimetres: long hair.
LINE_MM = (1.5, 6.0)
#: The texture's share left along ``LINE_MM[1]`` over that along ``LINE_MM[0]`` (in its best way of
#: four), from which it is less a buzz, and at which none: devdata's buzz cuts 0.52-0.64, the bundled
#: fair-hair sample's long strands 0.75 (the crown sample's dark ring, 0.65, is too dark to be a buzz).
LONG_TEXTURE = (0.66, 0.74)
#: A buzz's grain is faint: its shafts are finer than the photo's pixels. Its detail finer than half a
#: millimetre is at most this share of its lightness (devdata's buzz cuts 0.02-0.08), from which it is
#: less one and at which none: coarse strands of the hair's full contrast lie on the skin, long.
FAINT_GRAIN = (0.1, 0.16)


#: The four ways texture is averaged along: across, down and the two diagonals (pixel steps).
WAYS = ((1, 0), (0, 1), (1, 1), (1, -1))


def _along(a: np.ndarray, length_px: float, way: tuple[int, int]) -> np.ndarray:
    """``a`` averaged along a line ``length_px`` long, ``way`` a step of :data:`WAYS` (a sum of shifted
    copies: a line filter of OpenCV is a dense square kernel, many times the work)."""
    dx, dy = way
    n = max(1, int(round((length_px / np.hypot(dx, dy) - 1) / 2)))  # steps either side
    h, w = a.shape
    p = cv2.copyMakeBorder(a, n, n, n, n, cv2.BORDER_REFLECT)
    acc = np.zeros_like(a)
    for i in range(-n, n + 1):
        acc += p[n + i * dy:n + i * dy + h, n + i * dx:n + i * dx + w]
    return acc * np.float32(1.0 / (2 * n + 1))


def long_texture(gray: np.ndarray, mm: float) -> np.ndarray:
    """How far the fine texture of ``gray`` (float32) runs on along its way (0..1, see ``LONG_TEXTURE``);
    ``mm`` pixels per mm.

    >>> rng = np.random.default_rng(0)
    >>> dots = cv2.GaussianBlur(rng.normal(0, 20, (80, 80)).astype(np.float32), (0, 0), 0.7)
    >>> lines = np.repeat(dots[:1], 80, axis=0)  # strands running top to bottom
    >>> bool(long_texture(lines, 2.0)[40, 40] > long_texture(dots, 2.0)[40, 40] + 0.2)
    True
    """
    fine = gray - cv2.GaussianBlur(gray, (0, 0), max(1.0, 0.7 * mm))
    h, w = gray.shape
    half = (max(w // 2, 1), max(h // 2, 1))  # (its energy is read over millimetres: at half size)
    win = max(0.5, BUZZ_MM * mm / 2)
    best = []
    for length in LINE_MM:
        e = [cv2.GaussianBlur(cv2.resize(_along(fine, max(3.0, length * mm), way) ** 2, half,
                                         interpolation=cv2.INTER_AREA), (0, 0), win) for way in WAYS]
        best.append(np.max(e, axis=0))
    return cv2.resize(np.sqrt(best[1] / np.maximum(best[0], 1e-6)), (w, h), interpolation=cv2.INTER_LINEAR)


def buzz_share(darker: np.ndarray, gray: np.ndarray, mm: float) -> np.ndarray:
    """How much hair looks like a buzz cut already (0..1, float32).

    ``darker`` is the share of the bare skin's lightness the photo lies below
    it (at about a millimetre), ``gray`` the photo's lightness at its size,
    ``mm`` pixels per mm there.

    >>> rng = np.random.default_rng(0)
    >>> grain = cv2.GaussianBlur(rng.normal(0, 20, (60, 60)).astype(np.float32), (0, 0), 0.7) + 120
    >>> [round(float(buzz_share(np.full((60, 60), d, np.float32), grain, 2.0)[30, 30]), 2) for d in (0.0, 0.3, 0.7)]
    [0.0, 1.0, 0.0]
    """
    a, b, c, d = BUZZ_DARKER
    h, w = darker.shape
    half = (max(w // 2, 1), max(h // 2, 1))  # (all of it is read over millimetres: at half size)
    s = max(0.5, BUZZ_MM * mm / 2)
    fine = np.abs(gray - cv2.GaussianBlur(gray, (0, 0), max(0.5, 0.5 * mm)))
    mean, sq, grain, light = (cv2.GaussianBlur(cv2.resize(x, half, interpolation=cv2.INTER_AREA), (0, 0), s)
                              for x in (darker, darker * darker, fine, gray))
    spread = np.sqrt(np.maximum(sq - mean * mean, 0.0))
    share = np.clip((mean - a) / (b - a), 0, 1) * np.clip((d - mean) / (d - c), 0, 1)
    lo, hi = BUZZ_UNEVEN
    share *= np.clip((hi - spread) / (hi - lo), 0, 1)
    lo, hi = FAINT_GRAIN
    share *= np.clip((hi - grain / np.maximum(light, 1.0)) / (hi - lo), 0, 1)
    share = cv2.resize(share, (w, h), interpolation=cv2.INTER_LINEAR)
    lo, hi = LONG_TEXTURE
    share *= np.clip((hi - long_texture(gray, mm)) / (hi - lo), 0, 1)
    return share.astype(np.float32)


#: A clipped patch smaller than this (cm²) with little bare skin round it (under ``LONE_BALD`` of a
#: ring ``LONE_RING_MM`` wide) lies in hair the preview leaves standing (a buzz, mostly): clippers
#: take a whole head, so alone it would only be a pale hole in that hair.
LONE_CM2, LONE_RING_MM, LONE_BALD = 12.0, 5.0, 0.4


def lone_patches(clipped: np.ndarray, bald: np.ndarray, mm: float) -> np.ndarray:
    """1 over each small patch of ``clipped`` (0..1, clipped from 0.5) that hair left standing
    surrounds, else 0 (float32); ``bald`` (bool) is the bare skin, ``mm`` pixels per mm.

    >>> clipped = np.zeros((100, 100), np.float32); clipped[40:55, 40:55] = 1  # 2.25 cm² at 1 px/mm
    >>> bald = np.zeros((100, 100), bool)
    >>> bool(lone_patches(clipped, bald, 1.0)[47, 47])  # a hole in the hair around it
    True
    >>> bald[25:70, 25:70] = True; bool(lone_patches(clipped, bald, 1.0)[47, 47])  # a tuft on bare skin
    False
    """
    on = clipped > 0.5
    out = np.zeros(clipped.shape, np.float32)
    k = 2 * max(1, int(round(LONE_RING_MM * mm))) + 1
    for box, piece, _, ring in pieces_with_rings(on, k, below=LONE_CM2 * (10 * mm) ** 2):
        if ring.any() and bald[box][ring].mean() < LONE_BALD:
            out[box][piece] = 1.0
    return out
