"""What the head cut keeps that is not scalp, found on the segmentation's labels.

Skin-coloured shoulders and arms join a bald head in the graph cut, a face
bent toward the camera hides from the face detectors, and a head seen from the
side may be guessed as seen from above. Each is told from the scalp by its
place, shape or colour: shoulders by widening the outline below the skull's
arc; a face by the band of brows and closed eyes across the skull's lower half,
its brows, or its forehead's wrinkles; an ear inside the outline by its redness
and shape.

Tried and not kept: skin past a band of hair at the sides, walking out from the
skull's centre (shoulders and arms past the fringe): on every 3rd devdata photo
it took off a sliver of the shoulders on two photos and changed the edges of
17 others; arm hair and shade break the rule. Redness against the median of
the bald skin rather than the whole head, for ears: found fewer ears. A higher
redness threshold, for an ear joined to a red neck and shoulder: the side of a
sunburnt neck is as red as the ear. An ear as a bald island ringed by hair: the
ring is open below, into the neck. The MediaPipe face detector on top-down and
back photos, for a face bent down: it "finds" level eyes on a bald crown or the
back of a head about as often as a real face.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import largest_component
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, HAIR, THINNING
from smp_studio.core.analysis.skull import skull_fit, skull_radius

#: A face looking down shows its brows and closed eyes as one band of "hair" across the skull's
#: middle (at least this share of the row), with only the nose's narrow skin below it: below the
#: band, skin fills at least ``NOSE_SKIN`` of the midline columns but under ``NECK_SKIN`` of the
#: row (a neck below an occipital fringe is skin all across).
EYE_BAND, NOSE_SKIN, NECK_SKIN = 0.9, 0.5, 0.5
#: Seen from above, a skull fit on the upper arc alone wins over the whole outline's when its area
#: is under this share of it: shoulders or arms widened the outline, or a face looking down
#: lengthened it.
SHOULDERS = 0.8


def without_shoulders(head, fit):
    """The skull fit of a top-down photo, not pulled wide by shoulders or arms.

    Seen from above, skin-coloured shoulders and arms join the head's outline and
    the whole-outline fit takes them for skull (ears, a neck, or a face bent
    toward the camera lengthen it the same way). The upper arc (above the ears
    and shoulders) pins the skull alone: where it gives a clearly smaller skull
    that still holds most of the head's top, it wins.

    Examples
    --------
    >>> import cv2, numpy as np
    >>> m = np.zeros((200, 200), np.uint8)
    >>> _ = cv2.ellipse(m, (100, 80), (50, 55), 0, 0, 360, 1, -1)  # the dome
    >>> m[120:, :] = 1                                           # shoulders across the frame
    >>> (cx, cy), (a, b) = without_shoulders(m > 0, skull_fit(m > 0, whole=True))
    >>> bool(abs(a - 50) < 6)
    True
    """
    arc = skull_fit(head, strict=True)
    if arc is None:
        return fit
    (_, (a, b)), (_, (aa, ab)) = fit, arc
    if aa * ab < SHOULDERS * a * b and aa > 0.5 * a:  # clearly smaller, yet not a tuft
        return arc
    return fit


def lower_arc_fade(xx, yy, cx, cy, a, b, *, width: float = 0.3) -> np.ndarray:
    """1 inside the skull fit, fading out toward the lower half of its edge over ``width`` of it.

    Where the upper arc's fit (:func:`without_shoulders`) ends the scalp, no outline of the
    photo does: its lower edge is a nearly straight line across the head, which pigment
    stopping dead along it made into a ruled hairline.

    >>> yy, xx = np.mgrid[0:200, 0:200].astype(np.float32)
    >>> f = lower_arc_fade(xx, yy, 100, 100, 80, 60)
    >>> float(f[50, 100]), bool(0 < f[155, 100] < 1), float(f[100 + 62, 100])
    (1.0, True, 0.0)
    """
    edge = np.clip((1.0 - skull_radius(xx, yy, cx, cy, a, b)) / width, 0, 1)
    below = np.clip((yy - cy) / (0.3 * b), 0, 1)  # the upper arc is the outline's own: it stays
    return (1.0 - below * (1.0 - edge)).astype(np.float32)


def eye_band_row(lab, cx, cy, a, b) -> float | None:
    """Top row of the brows of a face looking down, seen as one band with the eyes, or None.

    A face bent toward the camera (a front photo taken from above, or a top-down
    photo reaching the brows) hides from the face detectors, and its brows and
    closed eyes merge into one band across the skull's lower half: bare forehead
    above it, and below it the nose, a narrow column of skin between shaded
    eye sockets and cheeks. An occipital fringe is a band too, but a neck below
    it is skin all across, and a shirt or the background no skin at all.

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.ones((100, 100), np.uint8)     # a bald head filling the grid ...
    >>> lab[70:76] = 3                          # ... brows and eyes across it ...
    >>> lab[76:, :44] = lab[76:, 56:] = 3       # ... shaded cheeks beside the nose
    >>> eye_band_row(lab, 50.0, 45.0, 45.0, 50.0)
    67.5
    >>> lab[76:] = 1                            # skin all across below: a neck under a fringe
    >>> eye_band_row(lab, 50.0, 45.0, 45.0, 50.0) is None
    True
    """
    h, w = lab.shape
    c0, c1 = int(max(cx - 0.6 * a, 0)), int(min(cx + 0.6 * a, w))
    m0, m1 = int(max(cx - 0.12 * a, 0)), int(min(cx + 0.12 * a, w))
    if c1 - c0 < 5 or m1 - m0 < 2:
        return None
    hair = (lab[:, c0:c1] >= THINNING).mean(axis=1)
    skin = (lab[:, c0:c1] == BALD).mean(axis=1)
    mid_skin = (lab[:, m0:m1] == BALD).mean(axis=1)
    above, below = max(int(0.1 * b), 2), max(int(0.25 * b), 3)
    for y in range(int(cy) + 1, int(min(cy + 1.1 * b, h - 1))):
        if hair[y] < EYE_BAND:
            continue
        top = y
        while top > cy and hair[top - 1] >= 0.15:
            top -= 1
        if top <= cy or skin[max(top - above, 0):top].mean() <= 0.6:
            return None  # the first full band has no bare forehead above it: a fringe, not brows
        end = y
        while end < h and hair[end] >= EYE_BAND:
            end += 1
        if end >= h - 2 or end - top > 0.4 * b:
            return None
        under = slice(end, min(end + below, h))
        if mid_skin[under].mean() >= NOSE_SKIN and skin[under].mean() < NECK_SKIN:
            return float(top - 0.05 * b)
        return None
    return None


def brow_row(lab, cx, cy, a, b) -> float | None:
    """Top row of the brows, when a face turned down hides from the face detector.

    The brows are the first thin band of hair, going down the skull fit's
    lower half, with bare skin (the forehead) above it, skin (the eyelids)
    below it and the bare glabella between its two halves. None when there
    is no such band.

    Examples
    --------
    >>> import numpy as np
    >>> lab = np.ones((200, 200), np.uint8)  # a bald forehead and face
    >>> lab[150:156, 45:90] = lab[150:156, 110:155] = THINNING  # two brows, the glabella between
    >>> brow_row(lab, 100.0, 100.0, 80.0, 90.0)
    145.5
    >>> lab[150:156, 90:110] = THINNING  # one band right across: not brows
    >>> brow_row(lab, 100.0, 100.0, 80.0, 90.0) is None
    True
    """
    h, w = lab.shape
    c0, c1 = int(max(cx - 0.6 * a, 0)), int(min(cx + 0.6 * a, w))
    rows = lab[:, c0:c1]
    if rows.size == 0:
        return None
    hair = (rows >= THINNING).mean(axis=1)  # brows are thin: often only "thinning"
    skin = (rows == BALD).mean(axis=1)
    above, below, thick = max(int(0.1 * b), 2), max(int(0.04 * b), 1), max(int(0.14 * b), 2)
    for y in range(int(cy) + 1, int(min(cy + 1.1 * b, h - below - 1))):
        if hair[y] < 0.15 or hair[y - 1] >= 0.15:
            continue  # the band's top row: hair here, none right above
        y1 = y
        while y1 < h and hair[y1] >= 0.15:
            y1 += 1
        if y1 - y > thick:
            continue  # a fringe or a beard, not brows
        if not (skin[max(y - above, 0):y].mean() > 0.6 and y1 + below < h and skin[y1:y1 + below].mean() > 0.3):
            continue
        # Two brows with the bare glabella between them, not a band of hair across the head.
        band = lab[y:y1] >= THINNING
        part = lambda lo, hi: band[:, int(max(cx + lo * a, 0)):int(min(cx + hi * a, w))].mean()  # noqa: E731
        left, mid, right = part(-0.6, -0.15), part(-0.08, 0.08), part(0.15, 0.6)
        if min(left, right) > 0.2 and mid < 0.5 * min(left, right):
            return float(y - 0.05 * b)  # brows tilt: start a little above the band's top
    return None


#: An ear is redder than the scalp around it (thin, well-supplied skin, often lit through): the
#: redness (a* over L + 16) of its pixels is at least this many times the head's median.
EAR_RED = 1.5
#: Its size as a share of the skull fit's area, and the least share of its bounding box it fills.
EAR_AREA, EAR_SOLID = (0.01, 0.09), 0.45
#: An ear is skin: the shade in its folds reads as hair over at most this share of it.
EAR_HAIR = 0.75


def inner_ear(rgb, labels, cx, cy, a, b) -> tuple | None:
    """An ear well inside the head's outline, ``(x0, y0, x1, y1)``, or None.

    Seen from above or behind, ears stick out at the outline's sides, level with
    the skull's middle; an ear *inside* the outline, at or below its middle,
    means the head is seen from the side (whatever view was guessed), and
    everything below its top is sideburn, cheek and neck. The ear is told by
    its colour and shape: a compact patch of skin clearly redder than the head,
    taller than it is broad, with the head all round it.

    ``rgb``: the photo at the grid of ``labels`` (the segmentation's, the head their
    largest piece); the skull fit in its pixels.

    Examples
    --------
    >>> import cv2, numpy as np
    >>> rgb = np.zeros((200, 200, 3), np.uint8); rgb[:] = (185, 160, 145)  # a bald head seen from the side
    >>> _ = cv2.ellipse(rgb, (95, 120), (13, 20), 0, 0, 360, (200, 110, 100), -1)  # ... and its ear
    >>> labels = np.full((200, 200), 1, np.uint8)  # bald skin all over
    >>> inner_ear(rgb, labels, 100.0, 100.0, 80.0, 80.0)
    (80, 98, 111, 143)
    >>> labels[:] = 3; inner_ear(rgb, labels, 100.0, 100.0, 80.0, 80.0) is None  # a redder patch of hair
    True
    >>> rgb[:] = (185, 160, 145); inner_ear(rgb, np.ones_like(labels), 100.0, 100.0, 80.0, 80.0) is None
    True
    """
    head = largest_component(labels != BACKGROUND)
    lab = cv2.cvtColor(np.asarray(rgb, np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    red = cv2.GaussianBlur(lab[..., 1] / (lab[..., 0] + 16.0), (0, 0), 1.5)
    if not head.any():
        return None
    med = float(np.median(red[head]))
    if med < 0.03:  # a grey or green cast: no redness to compare
        return None
    blob = ((red > EAR_RED * med) & head).astype(np.uint8)
    blob = cv2.morphologyEx(blob, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, cc, stats, cent = cv2.connectedComponentsWithStats(blob, connectivity=8)
    skull = np.pi * a * b
    best = None
    for i in range(1, n):
        x0, y0, bw, bh, area = (int(v) for v in stats[i])
        x, y = cent[i]
        if (EAR_AREA[0] < area / skull < EAR_AREA[1] and area > EAR_SOLID * bw * bh and bh >= bw
                and abs(x - cx) < 0.6 * a and -0.15 * b < y - cy < 0.8 * b and _ringed(head, stats[i], a)
                and (labels[cc == i] == HAIR).mean() < EAR_HAIR):
            if best is None or area > best[0]:
                best = (area, (x0, y0, x0 + bw, y0 + bh))
    return None if best is None else best[1]


def _ringed(head, box, a) -> bool:
    """Whether the head surrounds the box on every side (an ear does; an arm or a shoulder the
    fit took in borders the background)."""
    x0, y0, bw, bh = (int(v) for v in box[:4])
    r = max(int(0.12 * a), 2)
    h, w = head.shape
    if x0 - r < 0 or y0 - r < 0 or x0 + bw + r > w or y0 + bh + r > h:
        return False
    return bool(head[y0 - r:y0 + bh + r, x0 - r:x0 + bw + r].mean() > 0.97)


#: A forehead's wrinkles: at least ``CREASES`` thin dark lines running across the head below the
#: skull's middle, each over at least ``CREASE_SPAN`` of the skull's central columns. Three: a young
#: forehead bent toward the camera shows three long ones (on all 186 devdata front and top-down
#: photos, three rather than four moved the cut on seven; where no face decided, it took off a
#: forehead or arms, never scalp).
CREASES, CREASE_SPAN = 3, 0.2


def forehead_creases_row(rgb, lab, cx, cy, a, b) -> float | None:
    """Row of the highest of a forehead's wrinkles, seen from above or the front, or None.

    A face bent toward the camera may show no brows the labels can read (glasses,
    a brow as pale as the skin), but its forehead is creased: several thin dark
    lines running across the bare skin, one above the other, below the skull's
    middle. A bald scalp has no such lines (hair strands are not bare skin).

    Examples
    --------
    >>> import numpy as np
    >>> rgb = np.full((200, 200, 3), (200, 160, 140), np.uint8)
    >>> lab = np.ones((200, 200), np.uint8)
    >>> forehead_creases_row(rgb, lab, 100.0, 80.0, 80.0, 90.0) is None
    True
    >>> for y in (120, 132, 144, 156, 168):
    ...     rgb[y:y + 2, 40:160] = (150, 110, 95)  # creases across the lower half
    >>> forehead_creases_row(rgb, lab, 100.0, 80.0, 80.0, 90.0)
    120.0
    """
    h, w = lab.shape
    grey = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)
    # Thin dark lines running across, not up and down (hair strands and pores go every way).
    across = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((7, 1), np.uint8)).astype(np.int16) - grey
    along = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((1, 7), np.uint8)).astype(np.int16) - grey
    lines = cv2.blur(np.clip(across - along, 0, 255).astype(np.float32), (15, 1)) > 4
    c0, c1 = int(max(cx - 0.6 * a, 0)), int(min(cx + 0.6 * a, w))
    if c1 - c0 < 10:
        return None
    share = np.convolve((lines & (lab == BALD))[:, c0:c1].mean(axis=1), np.ones(3) / 3, mode="same")
    peaks = []
    for y in range(int(max(cy, 1)), int(min(cy + 1.1 * b, h - 1))):
        if share[y] > CREASE_SPAN and share[y] >= share[y - 1] and share[y] >= share[y + 1]:
            if not peaks or y - peaks[-1] >= 3:
                peaks.append(y)
    if len(peaks) < CREASES or peaks[CREASES - 1] - peaks[0] > 0.6 * b:
        return None
    return float(peaks[0])


def face_cut(face, f: float, shape, *, beside: bool = False, ramp=(1.0, 1.0)) -> tuple[np.ndarray, np.ndarray | None]:
    """What of a grid of ``shape`` (``f`` grid pixels per photo pixel) a found face rules out,
    and how the scalp fades out toward it.

    ``face`` is used duck-typed: ``box()`` (x, y, w, h in photo pixels; with ``beside``,
    nothing below its top outside its width is scalp), ``brow_y`` and ``polygon``. The fade
    (float32, 0 at the cut beside the face to 1 at ``ramp`` (x, y) grid pixels from it) is None
    when there is no cut beside the face.

    Examples
    --------
    >>> class F:
    ...     def box(self): return (40.0, 50.0, 20.0, 30.0)
    >>> cut, fade = face_cut(F(), 1.0, (100, 100), beside=True, ramp=(10.0, 10.0))
    >>> bool(cut[60, 10]), bool(cut[60, 50]), bool(cut[40, 10])  # beside the face, on it, above it
    (True, False, False)
    >>> float(fade[49, 10]) < 0.2 < 0.9 < float(fade[30, 10])  # thinning out toward the cut
    True
    """
    h, w = shape
    m = np.zeros((h, w), bool)
    box = getattr(face, "box", None)
    fade = None
    if beside and callable(box):
        # Beside a face seen from the front, below its oval's top: temples, ears, or a wall. The
        # pigment thins out toward that cut, as a sideburn does, never ending in a squared corner.
        x, y, bw, _ = (v * f for v in box())
        m[int(max(y, 0)):, :int(max(x, 0))] = True
        m[int(max(y, 0)):, int(max(x + bw, 0)):] = True
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        inside = np.minimum(xx - x, x + bw - xx) / max(ramp[0], 1.0)
        fade = np.clip(np.maximum(inside, (y - yy) / max(ramp[1], 1.0)), 0, 1).astype(np.float32)
    brow = getattr(face, "brow_y", None)
    if brow is not None:
        m[int(max(brow * f, 0)):, :] = True
    poly = getattr(face, "polygon", None)
    if poly is not None and len(poly) >= 3:
        img = np.zeros((h, w), np.uint8)
        cv2.fillPoly(img, [np.round(np.asarray(poly, np.float64) * f).astype(np.int32)], 1)
        m |= img > 0
    return m, fade
