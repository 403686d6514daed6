"""The skull's outline: an axis-aligned ellipse fitted to the head's outline.

GrabCut's head holds whatever it kept (ears, neck, shoulders, a bit of wall);
the skull is what pigment can reach. Seen from behind or the side the fit
reads the upper arc, which ears and shoulders do not touch; seen from above it
trims the whole outline down to the points that agree with one ellipse.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.segmentation import HAIR


def skull_radius(xx, yy, cx, cy, a, b) -> np.ndarray:
    """Each point's distance from the skull fit's centre, as a share of the fit's radius that way
    (1 on its edge). The fit is widened a little down its length (0.99 a by 1.03 b), where the
    skull's own outline runs on past the arc it was fit to.

    >>> round(float(skull_radius(130.0, 100.0, 100, 100, 30, 40)), 3)  # on the width's edge: just past 1
    1.01
    """
    return np.sqrt(((xx - cx) / (0.99 * a)) ** 2 + ((yy - cy) / (1.03 * b)) ** 2)


def skull_fit(head: np.ndarray, *, whole: bool = False, strict: bool = False) -> tuple | None:
    """Axis-aligned ellipse through the head's upper outline (the skull's arc), or None.

    ``whole``: seen from above, the whole outline is skull (ears and shoulders
    are the minority that the trimmed refit drops). ``strict``: None rather
    than a rough box-shaped guess when the arc does not fit.

    Returns ``((cx, cy), (a, b))`` in the mask's pixels.

    Examples
    --------
    >>> m = np.zeros((200, 200), np.uint8)
    >>> _ = cv2.ellipse(m, (100, 110), (60, 70), 0, 0, 360, 1, -1)
    >>> _ = cv2.rectangle(m, (75, 150), (125, 199), 1, -1)  # a neck
    >>> (cx, cy), (a, b) = skull_fit(m > 0)
    >>> bool(abs(cx - 100) < 2 and abs(cy - 110) < 3 and abs(a - 60) < 2 and abs(b - 70) < 3)
    True
    """
    h, w = head.shape
    if whole:
        fit = whole_outline_fit(head)
        if fit is not None:
            return fit
    rows = np.flatnonzero(head.any(axis=1))
    y0 = rows[0]
    left = np.array([np.argmax(r) if r.any() else -1 for r in head])
    right = np.array([w - 1 - np.argmax(r[::-1]) if r.any() else -1 for r in head])
    width = np.where(left >= 0, right - left + 1, 0).astype(np.float32)
    # Shoulders are wider than any skull: measure the breadth in the upper half of the outline.
    upper = rows[: max(len(rows) // 2, 1)]
    widest = float(np.percentile(width[upper], 90))
    span = _arc_rows(left, right, y0, w, widest)
    span = max(span, 6)
    pts = []
    for y in range(y0, min(y0 + span, h)):
        for x in (left[y], right[y]):
            if 0 < x < w - 1 and x >= 0:
                pts.append((x, y))
    cols = np.flatnonzero(head.any(axis=0))
    top = np.array([np.argmax(head[:, c]) for c in cols])
    for c, t in zip(cols, top):
        if 0 < t and t < y0 + span:
            pts.append((c, t))
    pts = np.array(pts, np.float32)
    if len(pts) < 12 or len(pts) < 0.3 * span:
        return None  # the "head" fills the frame: no outline, no skull
    fallback = ((cols[0] + cols[-1]) / 2.0, y0 + 0.5 * widest), (widest / 2.0, 0.55 * widest)
    if len(pts) < 12:
        return None if strict else fallback
    fit = _ellipse(pts)
    if fit is None:
        return None if strict else fallback
    # Ears, a collar or hair tufts pull the outline off the skull: refit on the points near it.
    (cx, cy), (a, b) = fit
    r = np.hypot((pts[:, 0] - cx) / a, (pts[:, 1] - cy) / b)
    keep = np.abs(r - 1) < 0.04
    if keep.sum() >= 12:
        fit = _ellipse(pts[keep]) or fit
    (cx, cy), (a, b) = fit
    # A fit wildly off the head's own size means the outline was no skull: keep to the mask.
    if not (0.3 * widest < 2 * a < 1.6 * widest and 0.2 * widest < b < 1.2 * widest and abs(cx - (cols[0] + cols[-1]) / 2) < 0.4 * widest):
        return None if strict else fallback
    return (float(cx), float(cy)), (float(a), float(b))


def whole_outline_fit(head, upper: bool = False):
    c, _ = cv2.findContours(head.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not c:
        return None
    p = max(c, key=len)[:, 0].astype(np.float32)
    h, w = head.shape
    p = p[(p[:, 0] > 0) & (p[:, 0] < w - 1) & (p[:, 1] > 0) & (p[:, 1] < h - 1)]
    if upper:  # the outline above the head's middle row (a bit below it): skull, not face or neck
        ys = np.flatnonzero(head.any(axis=1))
        p = p[p[:, 1] < ys[0] + 0.6 * (ys[-1] - ys[0])]
    if len(p) < 0.15 * 2 * (h + w) / 2:
        return None
    fit = None
    for tol in (None, 0.12, 0.06):
        q = p if tol is None else p[np.abs(np.hypot((p[:, 0] - cx) / a, (p[:, 1] - cy) / b) - 1) < tol]
        if len(q) < 20:
            break
        fit = _ellipse(q) or fit
        if fit is None:
            return None
        (cx, cy), (a, b) = fit
    if fit is None:
        return None
    (cx, cy), (a, b) = fit
    ys, xs = np.nonzero(head)
    # The fit must describe this head: about its size and inside its extent.
    if not (0.25 * (xs.max() - xs.min()) < a < 0.75 * (xs.max() - xs.min() + 1) and
            xs.min() - 0.1 * a < cx < xs.max() + 0.1 * a):
        return None
    return fit


def _arc_rows(left, right, y0, w, widest) -> int:
    """How many rows below the top the skull's own outline runs before ears, shoulders or the frame."""
    n = len(left)
    hw = np.where(left >= 0, (right - left) / 2.0, 0.0)
    hw = np.convolve(hw, np.ones(5) / 5, mode="same")
    slope = np.gradient(hw)
    lo = np.inf
    limit = min(n - 3, y0 + int(1.2 * widest))
    for y in range(y0 + 3, limit):
        if min(left[y - 3 : y + 4]) <= 0 or max(right[y - 3 : y + 4]) >= w - 1:
            lo = np.inf
            continue  # the frame cuts the outline here: its other rows still show the skull
        if slope[y] <= 0.1:
            return y - y0  # about the widest row: the arc so far pins the ellipse down
        lo = min(lo, slope[y])
        if slope[y] > lo + 0.6 and slope[y] > 0.4 and y - y0 > 0.15 * widest:
            return y - y0 - 4  # a sudden widening: ears or shoulders begin
    return limit - y0


def _ellipse(pts):
    """Least-squares axis-aligned ellipse ``((cx, cy), (a, b))`` through points, or None."""
    m = pts.mean(0)
    sc = max(float(pts.std()), 1.0)
    x, y = ((pts - m) / sc).T.astype(np.float64)
    # a x² + c y² + d x + e y = 1: an ellipse without tilt.
    A = np.column_stack([x * x, y * y, x, y])
    try:
        (ca, cc, d, e), *_ = np.linalg.lstsq(A, np.ones_like(x), rcond=None)
    except np.linalg.LinAlgError:
        return None
    if ca <= 0 or cc <= 0:
        return None
    cx, cy = -d / (2 * ca), -e / (2 * cc)
    g = 1 + ca * cx * cx + cc * cy * cy
    if g <= 0:
        return None
    return (float(cx * sc + m[0]), float(cy * sc + m[1])), (float(np.sqrt(g / ca) * sc), float(np.sqrt(g / cc) * sc))


def breadth_above_ears(head, cx, cy, a, b) -> float:
    """The skull's half-breadth read from the outline above the ears (ears stick out below).

    Each row between half-way up the skull and just above the ears gives the
    half-breadth its width implies on an ellipse of height ``b``; the median wins
    when it is narrower than the fit (a fit pulled wide by the ears).
    """
    h, w = head.shape
    est = []
    for y in range(int(max(cy - 0.6 * b, 0)), int(max(cy - 0.25 * b, 0))):
        xs = np.flatnonzero(head[y])
        if xs.size == 0 or xs[0] == 0 or xs[-1] == w - 1:
            continue
        k = np.sqrt(max(1.0 - ((y - cy) / b) ** 2, 1e-3))
        est.append((xs[-1] - xs[0] + 1) / 2.0 / k)
    if len(est) < 5:
        return a
    return float(min(a, np.median(est) * 1.02))


#: Seen from behind, the nape hairline lies at most this far below the skull's widest row (in
#: skull half-heights): about the ear lobes' lower end, where the neck's creases begin, never down
#: the neck (as where no fringe shows). At 0.5 (mid-lobe) an SMP artist judged the nape too high:
#: its fade (``scalp.NAPE_FADE``) ends here, so the pigment seen stops a little above it.
NAPE_MAX = 0.65


def nape_row(lab, cx, cy, a, b) -> float:
    """Row of the nape hairline behind the head (``lab``: segmentation labels): where the
    occipital fringe ends, and never below about the ear lobes.

    >>> lab = np.full((100, 100), 1, np.uint8); lab[60:75, 20:80] = 3  # a fringe across the back
    >>> nape_row(lab, 50.0, 40.0, 40.0, 80.0)
    76.0
    >>> lab[60:95, 50:80] = 3  # shade down one side reads as hair there only
    >>> nape_row(lab, 50.0, 40.0, 40.0, 80.0)
    76.0
    >>> nape_row(np.ones((100, 100), np.uint8), 50.0, 40.0, 40.0, 80.0)  # no fringe: the ear lobes
    92.0
    """
    h, w = lab.shape
    c0, c1 = int(max(cx - 0.45 * a, 0)), int(min(cx + 0.45 * a, w))
    r0, r1 = int(max(cy - 0.2 * b, 0)), int(min(cy + 1.0 * b, h))
    band = lab[r0:r1, c0:c1] == HAIR
    if band.size == 0:
        return cy + NAPE_MAX * b
    # The occipital fringe runs across the back of the head: hair on both sides of the midline.
    # Shade down one side of a bald head reads as hair too, on that side only.
    mid = int(round(cx)) - c0
    share = np.minimum(band[:, :max(mid, 1)].mean(axis=1), band[:, min(max(mid, 0), band.shape[1] - 1):].mean(axis=1))
    rows = np.flatnonzero(share > 0.3)
    if rows.size == 0:
        return cy + NAPE_MAX * b  # no fringe: stop at about the ears' lower end
    return float(min(r0 + rows[-1] + 2, cy + NAPE_MAX * b))
