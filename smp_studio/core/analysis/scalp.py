"""The treatable scalp: where pigment may go at all, whatever the treatment.

The segmentation's head is whatever the graph cut kept (often ears, neck,
shoulders, a bit of wall). The scalp is narrower: the part of that head inside
a skull-shaped fit of its upper outline, above the nape line in a back view
and the ear/sideburn line in a side view, and never the face. A face found by
a face analysis can be passed in; without one, a profile/frontal detector and
the head's own shape stand in. A person network (analysis/person.py), where
installed, keeps the wall, door or curtain the cut joined to the head off it.

Tried and not kept: fitting the skull on the head cut back to the person. Where
the cut took a sliver of the outline's edge (a corner of wall), the fit on the
upper arc moved by chance: on two of the eight samples and one of ~40 devdata
photos the scalp lost its lower half (and on two others shoulders left it, by
the same chance). The person mask trims the scalp after the fit instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.analysis.beside_face import frontal_face_box
from smp_studio.core.analysis.segmentation import BACKGROUND, THINNING, BALD, Segmentation
from smp_studio.core.analysis.masks import largest_component
from smp_studio.core.analysis.person import on_the_person
from smp_studio.core.analysis.off_scalp import (brow_row, eye_band_row, face_cut, forehead_creases_row, inner_ear,
                                                 lower_arc_fade, without_shoulders)
from smp_studio.core.analysis.side_floor import face_side, profile_ear, side_floor
from smp_studio.core.analysis.skull import breadth_above_ears, nape_row, skull_fit, skull_radius, whole_outline_fit
from smp_studio.core.model.settings import SIDE_VIEWS

WORK = 320  # long side of the grid the scalp is found on
#: Seen from the front, the skull's height above its widest row is at least this share of its half-breadth.
FRONT_ROUND = 0.85
#: Seen from behind, the skull's height above its widest row is at most this share of its
#: half-breadth: a taller fit has taken the neck below a bald head for skull.
BACK_TALL = 1.1
#: Seen from the side, the scalp ends this far (skull half-heights) above the fit's centre, above
#: the ear's top on every development photo; lower, down to the ear's top, where the face detector
#: marks the ear (analysis/side_floor.py). Below lie the sideburn, the ear, the cheek and the neck.
SIDE_FLOOR = 0.28
#: Seen from behind, how far (skull half-heights) the nape line rises from the midline toward the
#: ears (a level cut reads as the rim of a hat), and how far up it fades out.
NAPE_RISE, NAPE_FADE = 0.12, 0.2
#: Least share of the treatable scalp that must show skin (bald or thinning) to treat it.
MIN_SKIN_SHARE = 0.06
HEAD_LENGTH_MM = 195.0
#: Least forehead kept clear above the brows, in skull half-breadths (~5 cm foreshortened).
FOREHEAD_MIN = 0.35  # glabella to the back of the head, a typical adult
#: Seen from behind, the rim (in skull half-breadths) left out when judging whether there is bald scalp.
RIM = 0.1
#: Seen from above, the least forehead kept clear above the brows (skull half-breadths): the
#: forehead is foreshortened further than in a front view, and the frontal scalp behind it is not.
FOREHEAD_MIN_ABOVE = 0.2
#: Forehead kept clear above its highest wrinkle (skull half-heights), when wrinkles are seen.
CREASE_MARGIN = 0.05


@dataclass(frozen=True, eq=False)
class Scalp:
    """The treatable scalp of one photo.

    Attributes
    ----------
    mask : ndarray of bool, (h, w)
        Treatable scalp on a reduced grid (``factor`` grid pixels per photo pixel).
    face : ndarray of bool, (h, w)
        What counts as face (pigment there is a warning), same grid.
    factor : float
    skull : tuple
        ``((cx, cy), (a, b))``: centre and half-axes of the skull fit, photo pixels.
    face_dir : tuple
        Unit vector from the scalp toward the face, photo axes.
    skin_share : float
        Share of the scalp showing bald or thinning skin.
    fade : ndarray of float32, (h, w), optional
        0..1: how far pigment reaches toward a nape or sideburn line, or the brows (a soft
        natural edge rather than a cut); 1 elsewhere.
    front_cut : float, optional
        When a face no detector found ends the scalp (its brows, closed eyes or creased
        forehead seen), the photo row at which the pigment has faded to half toward it.
    """

    mask: np.ndarray
    face: np.ndarray
    factor: float
    skull: tuple
    face_dir: tuple
    skin_share: float
    fade: np.ndarray | None = None
    front_cut: float | None = None

    def resized(self, shape, which: str = "mask") -> np.ndarray:
        """The mask (or face) at another grid size ``(h, w)``, as float32 0..1."""
        m = (self.mask if which == "mask" else self.face).astype(np.float32)
        if which == "mask" and self.fade is not None:
            m = m * self.fade
        h, w = shape
        return cv2.resize(m, (w, h), interpolation=cv2.INTER_LINEAR)

    @property
    def has_scalp(self) -> bool:
        return bool(self.mask.any()) and self.skin_share >= MIN_SKIN_SHARE

    def estimated_scale(self, view: str = "topdown"):
        """Pixels per mm from the skull fit (ears, neck and shoulders left out of it).

        Side views see the head's length (about 19.5 cm), others its breadth.
        """
        from smp_studio.core.model.scale import HEAD_BREADTH_MM, Scale

        a = self.skull[1][0]
        mm = HEAD_LENGTH_MM if view in SIDE_VIEWS else HEAD_BREADTH_MM
        return Scale.from_head_breadth(2 * a, mm)

    def area_px(self) -> float:
        return float(self.mask.sum()) / self.factor**2


def treatable_scalp(seg: Segmentation, *, view: str = "topdown", face=None, photo_rgb=None) -> Scalp:
    """The part of the head that can receive pigment.

    Parameters
    ----------
    seg : Segmentation
    view : {'topdown', 'front', 'side', 'left', 'right', 'back'}, keyword-only
    face : object, optional, keyword-only
        A face analysis in photo pixels. Used duck-typed: ``brow_y`` (the
        brow line's height; everything below it is face), ``polygon`` ((N, 2)
        outline of the face to exclude) and ``direction`` (unit vector toward
        the face), each optional.
    photo_rgb : ndarray (H, W, 3), optional, keyword-only
        Lets a face detector look for the face when none is given.

    Returns
    -------
    Scalp

    Examples
    --------
    >>> from smp_studio.core.analysis.segmentation import from_labels
    >>> lab = np.zeros((200, 200), np.uint8)
    >>> _ = cv2.circle(lab, (100, 100), 70, 1, -1)
    >>> _ = cv2.circle(lab, (30, 100), 12, 1, -1)  # an ear sticking out
    >>> sc = treatable_scalp(from_labels(lab, np.zeros((200, 200, 3), np.uint8)))
    >>> bool(sc.resized((200, 200))[100, 100] > 0.5), bool(sc.resized((200, 200))[100, 22] > 0.5)
    (True, False)
    """
    labels = seg.labels
    H, W = labels.shape
    f = min(1.0, WORK / max(H, W))
    w, h = max(int(round(W * f)), 8), max(int(round(H * f)), 8)
    f = w / W
    lab = cv2.resize(labels, (w, h), interpolation=cv2.INTER_NEAREST)
    head = largest_component(lab != BACKGROUND)
    face_mask = np.zeros((h, w), bool)
    side = view in SIDE_VIEWS
    if not head.any():
        return Scalp(head, face_mask, f, ((W / 2, H / 2), (1.0, 1.0)), (0.0, 1.0), 0.0)
    small = None if photo_rgb is None else cv2.resize(np.asarray(photo_rgb), (w, h), interpolation=cv2.INTER_AREA)
    person = on_the_person(head, small)
    if side:
        # Seen from the side the face and neck crowd the lower outline: fit the upper part.
        fit = whole_outline_fit(head, upper=True) or skull_fit(head)
    else:
        fit = skull_fit(head, whole=(view == "topdown"))
    ear = None
    if fit is not None and view in ("topdown", "back") and face is None and small is not None:
        ear = inner_ear(small, lab, *fit[0], *fit[1])
        if ear is not None:  # an ear inside the outline: the head is seen from the side
            view, side = "side", True
            fit = whole_outline_fit(head, upper=True) or fit
    if fit is None:  # no outline of a head anywhere: a wall, a close-up of something else
        return Scalp(np.zeros((h, w), bool), face_mask, f, ((W / 2, H / 2), (W / 2, H / 2)), (0.0, 1.0), 0.0)
    # The brows are looked for below the fitted outline's own centre (a face looking down is part of it).
    fitted = (*fit[0], *fit[1])
    arc_cut = False
    if view == "topdown":
        arc = without_shoulders(head, fit)
        arc_cut, fit = arc != fit, arc  # the upper arc's fit ends the skull below, not the outline
    (cx, cy), (a, b) = fit
    if view == "front" and b < FRONT_ROUND * a:
        # From the front the fit reads the skull's upper arc alone, which pins its breadth but
        # hardly its height: a flat fit cut the forehead and the top off (the face mask, not
        # the skull, ends the scalp below). A skull is about as tall above the ears as it is broad.
        cy, b = cy - b + FRONT_ROUND * a, FRONT_ROUND * a
    if view == "back":
        a = breadth_above_ears(head, cx, cy, a, b)
        if b > BACK_TALL * a:
            cy, b = cy - b + BACK_TALL * a, BACK_TALL * a  # the top stays where the outline put it
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    skull = skull_radius(xx, yy, cx, cy, a, b) <= 1.0
    mask = head & skull
    face_dir = (0.0, 1.0)
    floor = brow_cut = soft = None
    if side:
        d = getattr(face, "direction", None) if face is not None else None
        sgn = (1 if d[0] > 0 else -1) if d is not None and abs(d[0]) > 0.3 else face_side(lab, head, cx, cy, b, view)
        face_dir = (float(sgn), 0.0)
        # Below the top of the ear: sideburn, ear, cheek and neck.
        floor = cy - SIDE_FLOOR * b if ear is None else ear[1] - 0.05 * b  # an ear seen: its top
        if ear is None and small is not None:  # the ear the face detector marks: down to its top
            floor = side_floor(xx, yy, cx, cy, a, b, sgn, floor, profile_ear(small, sgn, cx, cy, a, b))
        mask &= yy < floor
        # The face in front of the temple: in front of the ear line, below the forehead's top
        # (either side of an ear found in a view guessed otherwise: the face's side is a guess).
        front = sgn * (xx - cx) if ear is None else np.abs(xx - cx)
        face_mask |= (front > 0.55 * a) & (yy > cy - 0.45 * b)
        if ear is not None:  # the scalp cut off behind the ear as well: fade toward the cut, no ruled edge
            notch = np.maximum((0.55 * a - front) / (0.15 * a), (cy - 0.45 * b - yy) / (0.15 * b))
            soft = np.clip(notch, 0, 1).astype(np.float32)
    elif view == "back":
        # Lowest at the midline (never below about the ear lobes), rising toward the ears each side.
        floor = nape_row(lab, cx, cy, a, b) - NAPE_RISE * b * np.clip(((xx - cx) / (0.8 * a)) ** 2, 0, 1)
        mask &= yy < floor
    box = _face_box(seg, photo_rgb, f) if (face is None and view in ("front", "topdown")) else None
    if box is not None:
        x, y, fw, fh = box
        # Brows and below: the forehead above stays scalp-adjacent (the hairline decides).
        face_mask[int(y + 0.18 * fh):, max(int(x - fw * 0.15), 0):int(x + fw * 1.15)] = True
    if face is not None:
        cut, beside = face_cut(face, f, (h, w), beside=view in ("front", "topdown"), ramp=(0.15 * a, 0.15 * b))
        face_mask |= cut
        soft = beside if soft is None else (soft if beside is None else soft * beside)
        d = getattr(face, "direction", None)
        if d is not None:
            face_dir = tuple(float(v) for v in d)
    if face is None and box is None and view in ("front", "topdown"):
        brow = brow_row(lab, *fitted) if view == "front" else None
        if brow is None:
            brow = eye_band_row(lab, *fitted)
        if brow is not None:
            # No face found, but the brows are. A hairline sits at least ~5 cm above them
            # (shared/domain.md: 7-10 cm above the glabella): FOREHEAD_MIN of the skull's
            # half-breadth in a front view, less from above (the forehead foreshortened).
            margin = FOREHEAD_MIN if view == "front" else FOREHEAD_MIN_ABOVE
            brow_cut = brow - margin * a
        creases = forehead_creases_row(small, lab, *fitted) if small is not None else None
        if creases is not None:  # a creased forehead: the hairline lies above its highest wrinkle
            brow_cut = min(creases - CREASE_MARGIN * b, brow_cut if brow_cut is not None else np.inf)
        if brow_cut is not None:
            face_mask[int(max(brow_cut, 0)):, :] = True
    mask &= ~face_mask
    if view in ("back", "topdown"):
        ears = _ears(lab, mask, cx, cy, a, b)
        mask &= ~ears
        ys, xs = np.nonzero(ears)
        if view == "topdown" and (xs < cx).any() and (xs > cx).any():
            # Both ears on the outline: the head is seen from behind or bent far down, and below
            # the ear lobes lie the neck or the forehead, never scalp.
            floor = float(max(ys[xs < cx].max(), ys[xs > cx].max()))
            mask &= yy < floor
    if person is not None:  # after the ears: the cut would change the outline they are looked for on
        mask &= person
    # The photo's bottom edge cuts neck and body, never the skull of an upright head.
    mask[-2:, :] = False
    mask = largest_component(mask)
    skin = mask & ((lab == THINNING) | ((lab == BALD) & _skin_coloured(small, seg.skin_lab)))
    if seg.skin_lab is None:
        skin[:] = False  # no bare skin anywhere: a full head of hair, fur, an object
    counted = mask
    if view == "back":
        # Seen from behind, hair loss shows on the crown; the nape and the sides above the ears are
        # clipped short on most men (a fade reads as thinning) and say nothing about it.
        # Hair seen edge-on along the silhouette reads as thinning too: leave out a rim.
        r = max(int(round(RIM * a)), 1)
        inner = cv2.erode(mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
        counted = inner.astype(bool) & (yy < cy)
    share = float((skin & counted).sum()) / max(float(counted.sum()), 1.0)
    fade = None
    edges = [e for e in (floor, brow_cut) if e is not None]
    if edges:  # a natural nape, sideburn or frontal line is soft, never a ruled edge
        width = (NAPE_FADE if view == "back" else 0.15) * b
        fade = np.clip((np.minimum.reduce(np.broadcast_arrays(*edges)) - yy) / max(width, 1.0), 0, 1).astype(np.float32)
    if arc_cut:  # no outline ends the scalp there, and no ruled line should: it fades out
        soft = lower_arc_fade(xx, yy, cx, cy, a, b) * (1.0 if soft is None else soft)
    if soft is not None:
        fade = soft if fade is None else fade * soft
    # Where a face no detector found ends the scalp: half way down that fade, and not when that lies
    # in the skull's top quarter (creases high up: the line would leave the head; it stays where the
    # outline put it, and the artist moves it). Not where the skull's outline or its lower arc ends
    # it: seen from above, that is often short of the front scalp, and a line moved up to it took
    # the front of upright heads off the design.
    front_cut = None
    if brow_cut is not None and min(edges) - 0.075 * b > cy - 0.5 * b:
        front_cut = (min(edges) - 0.075 * b) / f
    return Scalp(mask, face_mask, f, ((cx / f, cy / f), (a / f, b / f)), face_dir, share, fade, front_cut)


def _skin_coloured(small, skin_lab):
    """Which pixels of the photo at the grid's size have the colour of the client's skin (all,
    without a photo to look at)."""
    if small is None or skin_lab is None:
        return True
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    Ls, as_, bs = skin_lab
    # Shine and shade move lightness a long way, hue little: a white cup is not skin.
    return (np.abs(lab[..., 0] - Ls) < 30) & (np.hypot(lab[..., 1] - as_, lab[..., 2] - bs) < 14)


def _ears(lab, mask, cx, cy, a, b) -> np.ndarray:
    """Ears the skull fit left in, seen from behind or above.

    An ear is a small patch of bare skin on the outline at either side, at the
    skull's middle height, cut off from the scalp's own skin by the fringe.
    """
    h, w = mask.shape
    skin = (mask & (lab == BALD)).astype(np.uint8)
    n, cc, stats, cent = cv2.connectedComponentsWithStats(skin, connectivity=8)
    edge = mask & ~cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    out = np.zeros((h, w), bool)
    total = max(int(mask.sum()), 1)
    for i in range(1, n):
        x, y = cent[i]
        if (stats[i, cv2.CC_STAT_AREA] < 0.04 * total and abs(x - cx) > 0.65 * a
                and cy - 0.35 * b < y < cy + 0.8 * b and (edge & (cc == i)).any()):
            out |= cc == i
    if out.any():  # the ear's rim is often hair-coloured shadow: take a little around it
        out = cv2.dilate(out.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    return out


def _face_box(seg: Segmentation, photo_rgb, f):
    """The largest frontal face, (x, y, w, h) at scale ``f``: the one the segmentation found, or,
    for labels given or loaded, one looked for in ``photo_rgb`` (None without it)."""
    if seg.face_searched:
        return None if seg.frontal_face is None else tuple(v * f for v in seg.frontal_face)
    if photo_rgb is None:
        return None
    H, W = photo_rgb.shape[:2]
    small = cv2.resize(np.asarray(photo_rgb), (max(int(W * f), 8), max(int(H * f), 8)), interpolation=cv2.INTER_AREA)
    return frontal_face_box(small)


def skin_show(rgb, skin_lab, px_per_mm: float, *, radius_mm: float = 1.5, max_side: int = 1600,
              pale: bool = False) -> tuple[np.ndarray, float]:
    """How much skin shows between hairs, at fine scale: 0 (all hair) .. 1 (bare skin).

    A pixel shows skin when its colour is near the client's skin and no thin
    dark or light strand crosses it; the share is averaged over ``radius_mm``.
    Returns the map (at most ``max_side`` on its long side) and its pixels per
    photo pixel.

    Examples
    --------
    >>> img = np.full((100, 100, 3), (200, 160, 140), np.uint8)
    >>> img[::4, 50:] = 30  # dark strands on the right half
    >>> m, f = skin_show(img, (70.0, 12.0, 12.0), 5.0)
    >>> bool(m[50, 20] > 0.8), bool(m[50, 80] < m[50, 20])
    (True, True)
    """
    rgb = np.asarray(rgb)
    H, W = rgb.shape[:2]
    f = min(1.0, max_side / max(H, W))
    small = cv2.resize(rgb, (max(int(W * f), 1), max(int(H * f), 1)), interpolation=cv2.INTER_AREA) if f < 1 else rgb
    f = small.shape[1] / W
    ppm = max(px_per_mm * f, 1e-3)
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    if skin_lab is None:
        skin_lab = (62.0, 14.0, 16.0)
    Ls, as_, bs = skin_lab
    # Shading changes lightness a lot and hue little: weigh lightness loosely.
    dist = np.sqrt(((lab[..., 0] - Ls) / 2.2) ** 2 + (lab[..., 1] - as_) ** 2 + (lab[..., 2] - bs) ** 2)
    like = np.clip(1.0 - (dist - 6.0) / 8.0, 0, 1)
    if pale:
        like = np.maximum(like, np.clip((lab[..., 0] - Ls + 8.0) / 8.0, 0, 1))
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    k = max(3, int(round(0.5 * ppm)) | 1)
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    strands = cv2.max(cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, ker), cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, ker))
    clear = np.clip(1.0 - (strands.astype(np.float32) - 10.0) / 15.0, 0, 1)
    show = (like * clear).astype(np.float32)
    sigma = max(radius_mm * ppm / 2.0, 0.5)
    return cv2.GaussianBlur(show, (0, 0), sigma), f
