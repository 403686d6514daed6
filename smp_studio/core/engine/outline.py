"""The clipped head's outline: where the background shows once long hair at the head's edge is clipped.

Long hair stands off the skull: clipped, the head's outline moves in, and the
background is seen where the hair stood. The head's mask follows the fuzz of
that hair; the skull beneath has a smooth outline.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import dilate_disc, pieces_with_rings
from smp_studio.core.engine.bare_skin import mask_bytes
from smp_studio.core.engine.smoothing import wide_blur

#: Long hair lying on the head stands off the skull by about this (mm): clipped to the guard, the
#: head's outline moves in by the difference, and the background shows where the hair stood.
OUTLINE_HAIR_MM = 3.0
TIPS_MM = 1.5  # hair tips past the head's mask (its edge cuts through them) go with the hair
SILHOUETTE_MM = 0.7  # the clipped head's outline is this soft (a curved skull, seen through the photo's blur)
EDGE_ON_MM = 2.5  # stubble seen edge-on darkens toward the clipped outline over this (shave.EDGE_ON_DEPTH)
OUTLINE_SMOOTH_MM = 10.0  # the clipped skull's outline has no bite or bump narrower than this


def past_outline(small: np.ndarray, head_mask, region: np.ndarray, mm: float, *, guard_mm: float):
    """What clipping the hair at the head's outline does there, at the working size of ``small`` and
    ``region`` (``mm`` pixels per mm), float32: three maps in one image, where the background shows
    once the clipped head's outline moved in (0..1), what is clipped out past the head's mask (its
    edge cuts through the hair tips, which go with the hair) and how edge-on the clipped scalp is
    seen (1 at its new outline, 0 from ``EDGE_ON_MM`` in); and where to find that background (x, y, 0:
    the offset, in pixels at this size, to the background beside the head mirrored across the hair's
    fringe, :func:`beyond`). None without a head, or without background beside it."""
    if head_mask is None:
        return None
    h, w = region.shape
    raw = cv2.resize(mask_bytes(head_mask), (w, h), interpolation=cv2.INTER_NEAREST)
    if raw.all() or not raw.any():
        return None
    # The mask's edge follows the fuzz of the long hair (the background seen through it, tufts standing
    # off): clipped, the skull beneath shows a smooth outline, never the fuzz's bites and blobs.
    head = _smooth_outline(raw, OUTLINE_SMOOTH_MM * mm)
    # The frame's edge is no outline: nothing is known past it.
    inside = cv2.distanceTransform(np.pad(head, 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    outside = cv2.distanceTransform(np.pad(1 - head, 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    tip_px = max(TIPS_MM * mm, 1.0)
    raw_out = cv2.distanceTransform(np.pad(1 - raw, 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    teach = (outside > 2 * tip_px) & (raw_out > 2 * tip_px)  # background, clear of the hair's fringe
    if np.count_nonzero(teach) < 10:
        return None
    background = _mirror_offsets(teach)
    depth = inside - outside - max(OUTLINE_HAIR_MM - guard_mm, 0.0) * mm  # from the clipped head's outline
    beyond = np.clip(0.5 - depth / max(SILHOUETTE_MM * mm, 0.5), 0, 1).astype(np.float32)
    # The hair's own clipped share reaches out to its tips (the feathered region halves at the mask),
    # and over what the smooth outline took from the mask or gave it, beside what is clipped.
    n = max(1, int(round(tip_px)))
    near = cv2.dilate(region, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * n + 1, 2 * n + 1)))
    raw_in = cv2.distanceTransform(np.pad(raw, 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    edge = np.minimum(np.maximum(outside, inside), np.maximum(raw_out, raw_in))  # (either outline's tips)
    reach = (near * np.clip(1.5 - edge / tip_px, 0, 1)).astype(np.float32)
    moved = (head != raw).astype(np.uint8)
    if moved.any():  # (by how deep into what moved: a pixel's jitter of the outline is not a bite)
        deep = np.clip((cv2.distanceTransform(moved, cv2.DIST_L2, 5) - 1.0) / tip_px, 0, 1)
        d = 2 * int(round(OUTLINE_SMOOTH_MM * mm / 2)) + 1
        reach = np.maximum(reach, dilate_disc(region, max(d, 3)) * deep).astype(np.float32)
    edge_on = np.clip(1.0 - depth / max(EDGE_ON_MM * mm, 1.0), 0, 1).astype(np.float32)
    return cv2.merge([beyond, reach, edge_on]), background


def _smooth_outline(mask: np.ndarray, size_px: float) -> np.ndarray:
    """``mask`` (uint8 0/1) without bites into its outline or tufts off it about ``size_px`` wide or less
    (its outline's curvature flattened, as a blur and a threshold do: no corner where a coarse disc
    turned). The frame's edge is no outline: the mask goes on past it."""
    s = max(size_px / 2.0, 1.0)
    m = int(np.ceil(3 * s))
    blurred = wide_blur(np.pad(mask.astype(np.float32), m, mode="edge"), s)[m:-m, m:-m]
    return (blurred > 0.5).astype(np.uint8)


def _mirror_offsets(clear: np.ndarray) -> np.ndarray:
    """Per pixel, the offset (x, y, 0; float32) to its mirror image across the nearest pixel of ``clear``
    (bool): the background there, as far beyond the clear edge as the pixel lies inside it."""
    h, w = clear.shape
    _, labels = cv2.distanceTransformWithLabels((~clear).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    ys, xs = np.nonzero(clear)
    lut = np.zeros((int(labels.max()) + 1, 2), np.float32)
    lut[labels[ys, xs]] = np.column_stack([xs, ys])
    q = lut[labels]
    off = np.zeros((h, w, 3), np.float32)
    off[..., 0] = 2.0 * (q[..., 0] - np.arange(w, dtype=np.float32)[None, :])
    off[..., 1] = 2.0 * (q[..., 1] - np.arange(h, dtype=np.float32)[:, None])
    return off


def beyond(rgb: np.ndarray, offsets: np.ndarray, *, origin: tuple[int, int], k: float) -> np.ndarray:
    """The background the clipped head's outline uncovers, for the pixels of ``rgb`` from ``origin``
    (x, y) on that ``offsets`` (``past_outline``'s (dx, dy), brought up to them; in pixels at ``1 / k``
    of ``rgb``'s size on both axes) covers, float32 RGB: the photo's own background mirrored across
    the hair's fringe, with its texture (a smooth fill there read as a pale band round the head)."""
    h, w = offsets.shape[:2]
    x0, y0 = origin
    mx = np.arange(x0, x0 + w, dtype=np.float32)[None, :] + k * offsets[..., 0]
    my = np.arange(y0, y0 + h, dtype=np.float32)[:, None] + k * offsets[..., 1]
    return cv2.remap(rgb, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT).astype(np.float32)


#: The head's outline runs through hair (a fringe the segmentation left out of the head, often white or
#: grey) where the photo past it is within this colour distance (CIE76) of the clipped hair beside it.
SAME_HAIR_DE = 10.0
RUNS_ON_MM = 3.0  # the photo this far past the head's outline is compared with the clipped hair within twice it
RUNS_ON_SHARE = 0.2  # a clipped patch with more of its rim than this where the hair runs on is that hair's


def hair_runs_on(small: np.ndarray, head: np.ndarray, clipped: np.ndarray, *, mm: float) -> np.ndarray:
    """Where clipping may reach (float32 0 or 1, at the working size of ``small``, ``mm`` pixels per mm):
    not over a clipped patch (``clipped`` from 0.5) the head's outline runs along, round more than
    ``RUNS_ON_SHARE`` of its rim, through the same hair as is clipped in it.

    There the outline is no silhouette, only where the segmentation stopped (a white or grey fringe
    left out of the head): the hair goes on past it, and the patch clipped alone inside it was a flat
    skin fill with a hard edge in the middle of the hair (norwood5_right_022). Past a real silhouette
    lies a background of another colour; a head clipped whole has little of its rim there.

    >>> small = np.full((60, 90, 3), 150, np.uint8); small[:, :30] = 200; small[:, 60:] = 40  # hair, head, wall
    >>> head = np.zeros((60, 90), bool); head[:, 30:60] = True  # the head's mask left out the hair at the left
    >>> clipped = np.zeros((60, 90), np.float32); clipped[20:40, 30:38] = clipped[20:40, 52:60] = 1
    >>> small[20:40, 30:38] = 200  # that hair goes on into the head, and is clipped there
    >>> m = hair_runs_on(small, head, clipped, mm=1.0)
    >>> float(m[30, 33]), float(m[30, 56])  # the patch the hair runs on from is left; the one at the wall not
    (0.0, 1.0)
    """
    on = clipped > 0.5
    if not on.any() or head.all():
        return np.ones(head.shape, np.float32)
    r = max(1, int(round(RUNS_ON_MM * mm)))
    k = 2 * r + 1  # a patch's ring: what lies within r of it
    past = dilate_disc(head.astype(np.float32), k) > 0.5
    past &= ~head
    past[[0, -1], :] = past[:, [0, -1]] = False  # (the frame's edge is no outline)
    if not (on & (dilate_disc(past.astype(np.float32), k + 2) > 0.5)).any():
        return np.ones(head.shape, np.float32)  # (nothing clipped near the outline: the usual case, kept cheap)
    lab = cv2.cvtColor(np.asarray(small, np.float32) * np.float32(1 / 255), cv2.COLOR_RGB2Lab)
    s = max(1.0, 2 * RUNS_ON_MM * mm)
    weight = cv2.GaussianBlur(on.astype(np.float32), (0, 0), s)
    mean = cv2.GaussianBlur(lab * on[..., None], (0, 0), s) / np.maximum(weight, 1e-3)[..., None]
    same = past & (weight > 0.05) & (np.linalg.norm(lab - mean, axis=2) < SAME_HAIR_DE)
    if not same.any():
        return np.ones(head.shape, np.float32)
    keep = np.ones(head.shape, np.float32)
    for box, _, grown, ring in pieces_with_rings(on, k):
        if ring.any() and same[box][ring].mean() > RUNS_ON_SHARE:
            keep[box][grown] = 0.0
    return keep
