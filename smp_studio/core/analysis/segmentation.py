"""Find the head, bald skin, thinning and dense hair on a scalp photo.

Classical and training-free: it works at a fixed working resolution (so hair
texture is measured at a head-relative scale whatever the camera), learns the
client's own skin colour from the photo, and scores hair by fine texture,
darkness and colour difference from that skin. The result is a first draft the
artist corrects; their strokes come back in as ``hints``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from smp_studio.core.analysis.backdrop import without_backdrop, without_skin_coloured_wall
from smp_studio.core.analysis.beside_face import (beside_the_face, frontal_face_box, hair_by_colour, profile_face_box,
                                                    refine_edge)
from smp_studio.core.analysis.hair_colour import shaft_colour
from smp_studio.core.analysis.masks import fill_holes, largest_component
from smp_studio.core.analysis.patches import hairline_by_colour, ringed_skin, sheen_in_hair, spots_on_forehead
from smp_studio.core.analysis.pale_hair import VEILED_DENSITY, pale_colour, pale_fringe, pale_strands, veiled_skin, white_hair
from smp_studio.core.analysis.strokes import HINT_EXCLUDE, HINT_HAIR, HINT_SKIN, apply_hints
from smp_studio.core.model.scale import Scale

BACKGROUND, BALD, THINNING, HAIR = 0, 1, 2, 3
CLASS_NAMES = {BACKGROUND: "background", BALD: "bald skin", THINNING: "thinning", HAIR: "dense hair"}


WORK_SIZE = 320  # long side of the working image, in pixels
GRABCUT_SIZE = 160  # long side of the grid the head/background cut runs on
SMOOTH_MAX = 1.2  # fine texture (L units) below which skin counts as smooth
#: Skin under a cool white balance is trusted only over this share of the head.
COOL_SKIN_SHARE = 0.10
#: Beside a face, smooth warm colours this far apart in lightness (L units) are hair and skin.
SKIN_HAIR_MODES = 15.0
#: Saturation (chroma over L + 16) below this share of the skin's, and darker, reads as hair.
GREYER = 0.6
THINNING_FROM, HAIR_FROM = 0.22, 0.58  # hair-density thresholds between the classes
#: How far a re-run with strokes may change the previous result, as a share of the head's
#: breadth (about 1 cm on an adult head): a stroke corrects its neighbourhood, never the far side.
HINT_REACH = 0.06
FACE_CUT = 0.3  # eyes and below, in face-box heights from its top: never scalp
#: Redness (a* over L + 16, which shade leaves alone) below this share of the skin's, and darker,
#: reads as hair: blood reddens skin, not brown, black or fair hair (lit brown hair beside a face
#: is as light and smooth as its skin, only duller; red hair is caught by its colour).
LESS_RED = 0.6
#: How far (working pixels) the edge between hair and bare skin may move to where the colour
#: changes: the hairline's own contrast reads as strands for about this far onto the skin.
HAIRLINE_BAND = 5
#: The soft hair density that stands for each class where a class is all we know.
CLASS_DENSITY = np.array([0.0, 0.0, 0.4, 1.0], np.float32)


@dataclass(frozen=True, eq=False)
class Segmentation:
    """Per-pixel classes and a soft hair-density map, at the photo's size.

    Attributes
    ----------
    labels : ndarray of uint8, (H, W)
        0 background, 1 bald skin, 2 thinning, 3 dense hair.
    hair_density : ndarray of float32, (H, W)
        0 (bare skin) .. 1 (dense hair) inside the head; 0 outside.
    head_breadth_px : float
        Widest horizontal extent of the head, in photo pixels.
    skin_lab, hair_lab : tuple of float
        Robust CIE Lab colours of the client's skin and hair (``hair_lab`` is
        None where no dense hair was found).
    face_cut : bool
        A frontal face's eyes and below were cut away from the head
        (``segment``'s ``face_exclude``); without one, the labels are those a
        segmentation keeping faces would give.
    frontal_face : tuple or None
        The largest frontal face OpenCV's cascade found while segmenting, (x,
        y, w, h) in photo pixels, or None; read only when ``face_searched``
        (labels given or loaded were not searched).
    """

    labels: np.ndarray
    hair_density: np.ndarray
    head_breadth_px: float
    skin_lab: tuple | None
    hair_lab: tuple | None
    face_cut: bool = False
    frontal_face: tuple | None = None
    face_searched: bool = False

    @property
    def head_mask(self) -> np.ndarray:
        return self.labels != BACKGROUND

    def estimated_scale(self) -> Scale:
        """Pixels per mm from the head breadth, assuming a typical adult head."""
        return Scale.from_head_breadth(self.head_breadth_px)

    def class_areas_px(self) -> dict[str, int]:
        counts = np.bincount(self.labels.ravel(), minlength=4)
        return {CLASS_NAMES[k]: int(counts[k]) for k in CLASS_NAMES}

    def bald_fraction(self, within: np.ndarray | None = None) -> float:
        """Share of the head (or of the bool mask ``within``, at the labels' size) that is bald skin plus
        half the thinning area."""
        c = np.bincount((self.labels if within is None else self.labels[within]).ravel(), minlength=4).astype(float)
        head = c[1:].sum()
        return float((c[BALD] + 0.5 * c[THINNING]) / head) if head else 0.0


def segment(rgb, *, hints=None, face_exclude: bool = True, previous: Segmentation | None = None) -> Segmentation:
    """Segment a scalp photo into background, bald skin, thinning and dense hair.

    Parameters
    ----------
    rgb : ndarray (H, W, 3)
        The photo, RGB, any dtype (uint8 expected).
    hints : ndarray (H, W) of uint8, optional, keyword-only
        Artist strokes: 1 skin, 2 hair, 3 exclude (not scalp), 0 nothing.
        Marked pixels keep their meaning and steer the colour models.
    face_exclude : bool, keyword-only
        Treat a detected face (eyes and below) as background.
    previous : Segmentation, optional, keyword-only
        The result being corrected. With ``hints``, only the pixels within
        ``HINT_REACH`` head breadths of a stroke may change, and the head's
        breadth (hence an estimated scale) is kept: a re-run is a local fix.

    Returns
    -------
    Segmentation

    Examples
    --------
    >>> img = np.full((200, 200, 3), 90, np.uint8)
    >>> _ = cv2.circle(img, (100, 100), 70, (215, 170, 150), -1)
    >>> seg = segment(img)
    >>> int(seg.labels[100, 100]), int(seg.labels[5, 5])
    (1, 0)
    """
    rgb = np.asarray(rgb)
    if rgb.dtype != np.uint8:
        from smp_studio.core.analysis.photo import to_rgb8

        rgb = to_rgb8(rgb)
    H, W = rgb.shape[:2]
    f = WORK_SIZE / max(H, W)
    w, h = max(int(round(W * f)), 8), max(int(round(H * f)), 8)
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    small_hints = None
    if hints is not None:
        small_hints = cv2.resize(np.asarray(hints, np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)

    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    L = lab[..., 0]
    texture = _texture(L)
    head, face, face_cut, frontal = _head_mask(small, lab, texture, small_hints, face_exclude)

    skin_lab, skin_core = _skin_model(lab, texture, head, small_hints, beside_a_face=face is not None)
    density = _hair_density(lab, texture, skin_lab, head)
    marked = None if small_hints is None else (small_hints == HINT_SKIN) | (small_hints == HINT_HAIR)
    walled = without_skin_coloured_wall(head, density, lab, thinning_from=THINNING_FROM, keep=marked)
    if walled is not head:  # (the skin's colour was learnt from the wall too: again, from the head alone)
        head = walled
        skin_lab, skin_core = _skin_model(lab, texture, head, small_hints, beside_a_face=face is not None)
        density = _hair_density(lab, texture, skin_lab, head)
    head = without_backdrop(head, density, texture, lab, hair_from=HAIR_FROM, keep=marked)  # (a dark wall by dark hair)
    if skin_lab is None and face is None and small_hints is None:  # a crown's bald spot ringed by hair is skin
        skin_lab, skin_core = ringed_skin(lab, density, head, thinning_from=THINNING_FROM, hair_from=HAIR_FROM)
        if skin_lab is not None:
            density = _hair_density(lab, texture, skin_lab, head)
    # Skin seen only through a veil of fine pale hair keeps its label (the skin that shows, to the view's
    # layout) but takes thinning hair's density: clipped, never inked over.
    veiled = face is None and (small_hints is None or (small_hints == HINT_SKIN).sum() <= 10) and \
        veiled_skin(density, head, skin_lab, hair_from=HAIR_FROM)
    if face is not None:
        density = hair_by_colour(lab, head, density, face, hair_from=HAIR_FROM, skin_lab=skin_lab,
                                 skin_core=skin_core)
    for fix in (sheen_in_hair, spots_on_forehead):  # small patches ringed by the other class
        density = fix(density, head, face, thinning_from=THINNING_FROM)
    density = hairline_by_colour(density, lab, head, thinning_from=THINNING_FROM, band=HAIRLINE_BAND)
    density = white_hair(density, head, lab, texture, skin_lab=skin_lab)  # over pink skin, it passes for shine
    if small_hints is not None:
        density = apply_hints(density, small_hints)
    density *= head

    hair_px = head & (density > HAIR_FROM)
    hair_lab = shaft_colour(lab, hair_px, skin_lab) if hair_px.sum() > 0.015 * max(head.sum(), 1) else None
    # A grey or white fringe is often cut away with a pale background: it still says what colour
    # the hair is (the head is left as it was: a wall beside it must never be inked or clipped).
    hair_lab = pale_colour(lab, hair_px, pale_fringe(head, lab, texture, skin_lab=skin_lab), skin_lab) or hair_lab

    labels_small = np.where(density >= HAIR_FROM, HAIR, np.where(density >= THINNING_FROM, THINNING, BALD))
    labels_small = np.where(head, labels_small, BACKGROUND).astype(np.uint8)
    labels_small = cv2.medianBlur(labels_small, 5)

    if veiled:
        density = np.maximum(density, VEILED_DENSITY) * head
    labels = cv2.resize(labels_small, (W, H), interpolation=cv2.INTER_NEAREST)
    # Clipped at the working size: a bilinear resize stays within [0, 1] (a clip at 12 MP
    # cost more than the whole graph cut).
    dens = cv2.resize(np.clip(density, 0, 1).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    dens[labels == BACKGROUND] = 0
    if hints is not None:
        hints = np.asarray(hints)
        labels[hints == HINT_EXCLUDE] = BACKGROUND
        labels[hints == HINT_SKIN] = BALD
        labels[hints == HINT_HAIR] = HAIR
        dens[hints == HINT_SKIN] = 0
        dens[hints == HINT_HAIR] = 1
        dens[hints == HINT_EXCLUDE] = 0
    cols = np.flatnonzero((labels != BACKGROUND).any(axis=0))
    breadth = float(cols[-1] - cols[0] + 1) if cols.size else float(W)
    frontal = None if frontal is None else (frontal[0] * W / w, frontal[1] * H / h, frontal[2] * W / w, frontal[3] * H / h)
    seg = Segmentation(labels, dens, breadth, skin_lab, hair_lab, face_cut, frontal, True)
    if previous is not None and hints is not None and previous.labels.shape == (H, W):
        seg = _local_to_hints(seg, previous, np.asarray(hints) != 0)
    return seg


def _local_to_hints(new: Segmentation, old: Segmentation, stroked: np.ndarray) -> Segmentation:
    """``new`` near the strokes, ``old`` elsewhere, with the old head breadth (and so scale)."""
    if not stroked.any():
        return old
    reach = max(int(round(HINT_REACH * old.head_breadth_px)), 1)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    near = cv2.dilate(stroked.astype(np.uint8), k).astype(bool)
    labels = np.where(near, new.labels, old.labels).astype(np.uint8)
    dens = np.where(near, new.hair_density, old.hair_density).astype(np.float32)
    return replace(new, labels=labels, hair_density=dens, head_breadth_px=old.head_breadth_px,
                   skin_lab=new.skin_lab or old.skin_lab, hair_lab=new.hair_lab or old.hair_lab)


def _texture(L: np.ndarray) -> np.ndarray:
    """Fine-scale contrast (hair strands), in L units, locally averaged."""
    fine = np.abs(L - cv2.GaussianBlur(L, (0, 0), 1.2))
    return cv2.GaussianBlur(fine, (0, 0), 2.5)


def _head_mask(small, lab, texture, hints, face_exclude) -> tuple[np.ndarray, tuple | None, bool, tuple | None]:
    h, w = lab.shape[:2]
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    r = ((xx - w / 2) / (0.42 * w)) ** 2 + ((yy - h / 2) / (0.42 * h)) ** 2
    mask[r < 1.0] = cv2.GC_PR_FGD
    mask[r < 0.08] = cv2.GC_FGD
    # Borders are only *probably* background: heads often leave the frame.
    b = max(2, int(0.02 * min(h, w)))
    mask[:b, :] = cv2.GC_PR_BGD
    mask[-b:, :] = cv2.GC_PR_BGD
    mask[:, :b] = cv2.GC_PR_BGD
    mask[:, -b:] = cv2.GC_PR_BGD
    frontal = face = frontal_face_box(small)
    found = face if face is not None else profile_face_box(small)
    if found is not None:
        # A face (frontal, or a looser profile box) says where the head is: the forehead and the scalp above the
        # face's box are head whatever their colour (dark hair touching the frame's top would
        # otherwise teach the cut that hair is background), and so are the cheeks and nose.
        x, y, fw, fh = found
        mask[max(y - int(0.15 * fh), 0): y + int(0.25 * fh), x + int(0.25 * fw): x + int(0.75 * fw)] = cv2.GC_FGD
        mask[y + int(0.45 * fh): y + int(0.75 * fh), x + int(0.3 * fw): x + int(0.7 * fw)] = cv2.GC_FGD
    if not face_exclude:
        face = None
    if hints is not None:
        mask[(hints == HINT_SKIN) | (hints == HINT_HAIR)] = cv2.GC_FGD
        mask[hints == HINT_EXCLUDE] = cv2.GC_BGD
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    # The graph cut's time varies wildly with the background; a smaller grid bounds it.
    g = GRABCUT_SIZE / max(h, w)
    gs = (max(int(round(w * g)), 8), max(int(round(h * g)), 8))
    gmask = cv2.resize(mask, gs, interpolation=cv2.INTER_NEAREST)
    # GrabCut seeds its colour models from OpenCV's global RNG: fix it, so the
    # same photo always gives the same segmentation (and the same simulation).
    cv2.setRNGSeed(0x5EED)
    try:
        cv2.grabCut(cv2.resize(small, gs, interpolation=cv2.INTER_AREA), gmask, None, bgd, fgd, 3,
                    cv2.GC_INIT_WITH_MASK)
    except cv2.error:  # a uniform image: nothing to separate
        return r < 1.0, found, False, frontal
    fg = ((gmask == cv2.GC_FGD) | (gmask == cv2.GC_PR_FGD)).astype(np.float32)
    head = cv2.resize(fg, (w, h), interpolation=cv2.INTER_LINEAR) > 0.5
    if found is not None:
        head = beside_the_face(head, lab, texture, found)
    head = refine_edge(head, lab)
    if face is not None:
        # Eyes and below: the face is never treated; the forehead above stays. Cut away after
        # the graph cut, not before: as "background" the face would teach it that skin is
        # background, and the forehead would go with it.
        x, y, fw, fh = face
        head[y + int(FACE_CUT * fh):, max(x - fw // 8, 0): x + fw + fw // 8] = False
    if hints is not None:
        head[hints == HINT_EXCLUDE] = False
    head = largest_component(head)
    head = fill_holes(head)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    head = cv2.morphologyEx(head.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    return head, found, face is not None, frontal


def _skin_model(lab, texture, head, hints, *, beside_a_face: bool = False) -> tuple:
    """Robust Lab colour of the client's bare skin and the pixels it came from, or (None, None)."""
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    if hints is not None and (hints == HINT_SKIN).sum() > 10:
        cand = hints == HINT_SKIN
    else:
        # Bare skin is smooth at the working scale and warmer than hair, shadow and shine.
        cand = head & (texture < SMOOTH_MAX) & (a > 6) & (b > 2) & (L > 22)
        if cand.sum() < 0.03 * max(head.sum(), 1):
            # A cool white balance takes skin's yellow away, not its red: a bare head then still
            # shows as smooth and reddish over much of it (hair glimpses do not).
            cand = head & (texture < SMOOTH_MAX) & (a > 8) & (b > -8) & (L > 22)
            if cand.sum() < COOL_SKIN_SHARE * max(head.sum(), 1):
                return None, None
    # Between-hair glimpses are darker; shine is lighter: keep the middle.
    Lc = L[cand]
    if beside_a_face and (hints is None or (hints == HINT_SKIN).sum() <= 10):
        # Smooth brown hair is as warm as skin and may outnumber it (long hair beside a face):
        # two well-separated lightness modes are hair and skin, and skin is the lighter. Not
        # on a bare scalp, whose shaded side is as far from its lit top.
        t, _ = cv2.threshold(np.clip(Lc, 0, 100).astype(np.uint8).reshape(-1, 1), 0, 100,
                             cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        dark_mode, light_mode = Lc[Lc <= t], Lc[Lc > t]
        if (len(light_mode) > 0.2 * len(Lc) and len(dark_mode) > 0.2 * len(Lc)
                and np.median(light_mode) - np.median(dark_mode) > SKIN_HAIR_MODES):
            cand = cand & (L > t)
            Lc = L[cand]
    lo, hi = np.percentile(Lc, [30, 85])
    core = cand & (L >= lo) & (L <= hi)
    if core.sum() < 10:
        core = cand
    return tuple(float(np.median(c[core])) for c in (L, a, b)), core


def _hair_density(lab, texture, skin_lab, head) -> np.ndarray:
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    # Fine texture in absolute L units at the head-relative working scale: smooth skin
    # stays under ~1.5 even with pores; hair strands and stubble are well above.
    t = np.clip((texture - SMOOTH_MAX) / 3.0, 0, 1)
    if skin_lab is None:  # no bare skin seen: everything textured or dark is hair
        dark = np.clip((55.0 - L) / 30.0, 0, 1)
        d = np.clip(0.7 * t + 0.6 * dark + 0.2, 0, 1)
        return cv2.GaussianBlur(d.astype(np.float32), (0, 0), 2.0)
    Ls, as_, bs = skin_lab
    # Darker than skin beyond what shading does; shading keeps skin's hue and chroma.
    dark = np.clip((Ls - L - 10.0) / max(Ls * 0.45, 12.0), 0, 1)
    chroma = np.hypot(a - as_, b - bs)
    # Colour unlike skin is hair unless it is shine, which is brighter than skin,
    # whitish and smooth; short stubble is smooth too but not brighter.
    not_shine = np.maximum(np.clip(t * 2.5, 0, 1), np.clip((Ls + 6.0 - L) / 6.0, 0, 1))
    colour = np.clip((chroma - 5.0) / 10.0, 0, 1) * not_shine
    # Shaded skin: darker, but with skin's hue and little texture.
    hue_like_skin = np.clip(1.0 - chroma / 12.0, 0, 1) * (t < 0.15)
    dark = dark * (1.0 - 0.8 * hue_like_skin)
    # Greyer than skin and darker: brown or black hair in a soft, dim photo, neither stringy nor
    # dark enough for the rules above. Saturation as chroma over (L + 16) is the same in shade
    # and in light (Lab's L + 16 and chroma both scale by the cube root of the light), so
    # shaded skin is not greyer than lit skin; hair, another pigment, is.
    sat_skin = np.hypot(as_, bs) / (Ls + 16.0)
    greyer = np.clip((GREYER * sat_skin - np.hypot(a, b) / (L + 16.0)) / (0.3 * sat_skin + 1e-3), 0, 1)
    red_skin = max(as_, 1.0) / (Ls + 16.0)
    greyer = np.maximum(greyer, np.clip((LESS_RED * red_skin - a / (L + 16.0)) / (0.3 * red_skin), 0, 1))
    d = np.clip(0.6 * t + 0.6 * dark + 0.6 * colour + greyer * np.clip((Ls - L - 3.0) / 6.0, 0, 1)
                + pale_strands(L, a, b, t, skin_lab), 0, 1)
    # Shine on bare skin: brighter than skin and smooth, or brighter and still warm (a
    # highlight on dark skin shows lit pores; grey hair is brighter but neutral). Graded,
    # so the highlight's rim goes too.
    brighter = np.clip((L - Ls - 2.0) / 8.0, 0, 1)
    warm_or_smooth = np.maximum(np.clip((b - 6.0) / 6.0, 0, 1), (t < 0.3).astype(np.float32))
    d *= 1.0 - 0.85 * brighter * warm_or_smooth
    return cv2.GaussianBlur(d.astype(np.float32), (0, 0), 2.0)


def from_labels(labels, rgb) -> Segmentation:
    """A Segmentation from a (corrected) label image: 0 bg, 1 bald, 2 thinning, 3 hair.

    The soft density follows the classes, softened over a few pixels, and the
    skin and hair colours are measured from the photo under them.
    """
    labels = np.asarray(labels)
    rgb = np.asarray(rgb)
    if labels.shape != rgb.shape[:2]:
        raise ValueError(f"labels are {labels.shape[1]}x{labels.shape[0]} but the photo is {rgb.shape[1]}x{rgb.shape[0]}")
    if labels.dtype.kind not in "ui" or labels.size and labels.max() > 3:
        raise ValueError("labels must hold only 0 (background), 1 (bald), 2 (thinning), 3 (dense hair)")
    labels = labels.astype(np.uint8)
    dens = CLASS_DENSITY[labels]
    sig = max(labels.shape) / WORK_SIZE
    dens = cv2.GaussianBlur(dens, (0, 0), sig) * (labels != BACKGROUND)
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)

    def robust(mask):
        if mask.sum() < 10:
            return None
        return tuple(float(v) for v in np.median(lab[mask], axis=0))

    skin = robust(labels == BALD)
    hair_px = labels == HAIR
    hair = shaft_colour(lab, hair_px, skin) if hair_px.sum() > 0.015 * max((labels != BACKGROUND).sum(), 1) else None
    cols = np.flatnonzero((labels != BACKGROUND).any(axis=0))
    breadth = float(cols[-1] - cols[0] + 1) if cols.size else float(labels.shape[1])
    return Segmentation(labels, np.clip(dens, 0, 1), breadth, skin, hair)
