"""Segmentation where a frontal face shows: the head beside it and the hair above it.

A face found by the segmentation's cheap detector says where the head is and
what the client's skin looks like (cheeks and nose, never covered by hair).
That settles two things the photo alone cannot: dark or long hair at the
frame's edge is head, not background; and hair whose colour is near skin
(auburn, red, light brown) is hair, because it is nearer the hair seen above
the face than the skin seen on it.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

#: The wall behind a face: smoother than this (L units) and within this colour distance (CIE Lab
#: ΔE) of the commonest smooth colour along the frame's edge.
WALL_SMOOTH, WALL_DELTA_E = 1.5, 12.0
#: Share of the edge beside and above a face below which the commonest edge colour is not the
#: wall there (a shirt below the face).
WALL_SHARE = 0.25
#: How much likelier (in log-likelihood units) a pixel's colour must be under the hair's model
#: than under the skin's to count as hair by colour alone.
HAIR_MARGIN = 3.0
#: Beside a face kept in the head (a profile): how much nearer (Mahalanobis units) to the hair's
#: colours than to the skin's a pixel must be to count as hair by colour alone.
KEPT_FACE_MARGIN = 1.0
#: Hair samples beyond the texture rules' own: this far (Mahalanobis units) from the face's skin
#: colours, with at least this hair density (bare-skin shine is pushed below it).
HAIR_SEED_FAR, HAIR_SEED_DENSITY = 4.0, 0.15
#: Cheeks outside the head mask (a frontal face is cut away) count within this ΔE of the skin.
FACE_SKIN_DELTA_E = 15.0
#: The least spread (variance of L, a, b) the skin's colour model has: a face's lit and shaded
#: sides differ most in lightness.
SKIN_SPREAD = (64.0, 4.0, 4.0)
#: Lightness (L units) above the skin's beyond which a colour unlike skin is not taken as hair
#: by colour alone (shine on a forehead is as neutral as grey hair).
SHINE_ABOVE = 5.0
#: Redder than the wall by this much (Lab a*): skin the graph cut put in the head stays there
#: however near the wall it is in lightness (a lit temple beside a pale grey wall).
WALL_REDDER = 4.0


# One classifier per thread: OpenCV's cascades are not safe to share between threads mid-detection
# (the studio finds the view beside the first look's segmentation).
_CASCADES = threading.local()


def cascade_named(name: str):
    """OpenCV's bundled cascade ``name`` for this thread (None if missing)."""
    c = getattr(_CASCADES, name.replace(".", "_"), None)
    if c is None:
        c = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        setattr(_CASCADES, name.replace(".", "_"), c)
    return None if c.empty() else c


def frontal_face_box(small):
    """The largest frontal face, (x, y, w, h) in working pixels, or None."""
    cascade = cascade_named("haarcascade_frontalface_default.xml")
    if cascade is None:
        return None
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    faces = cascade.detectMultiScale(gray, 1.1, 6, minSize=(gray.shape[1] // 6,) * 2)
    if len(faces) == 0:
        return None
    return max(faces, key=lambda f: f[2] * f[3])


def profile_face_box(small):
    """The largest face in profile, (x, y, w, h) in working pixels, or None.

    OpenCV's profile cascade was trained on small faces: on a head filling
    the frame it answers only on a thumbnail about a hundred pixels long.
    """
    cascade = cascade_named("haarcascade_profileface.xml")
    if cascade is None:
        return None
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    found = []
    for size in (100, 140):
        k = size / max(gray.shape)
        g = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        for flipped, img in ((False, g), (True, cv2.flip(g, 1))):
            for x, y, w, h in cascade.detectMultiScale(img, 1.05, 3, minSize=(24, 24)):
                if flipped:
                    x = g.shape[1] - x - w
                found.append(tuple(int(round(v / k)) for v in (x, y, w, h)))
    return max(found, key=lambda f: f[2] * f[3]) if found else None


def beside_the_face(head, lab, texture, face) -> np.ndarray:
    """Above the chin of a frontal face, the head is whatever is not the wall behind it.

    The graph cut learns its background from the frame's edge, where long or
    dark hair often is; the wall is what is smooth and shares the colour of
    most of the smooth frame edge.
    """
    x, y, fw, fh = face
    h, w = head.shape
    above = lab[max(y - int(0.15 * fh), 0): y + int(0.25 * fh), x + int(0.25 * fw): x + int(0.75 * fw)]
    upper = np.zeros((h, w), bool)
    upper[: min(y + fh, h)] = True
    wall = _wall_like(lab, texture, above.reshape(-1, 3), upper)
    if wall is None:
        return head
    # Lit skin beside a pale wall is as light and smooth, but redder: kept where the graph cut
    # already put it in the head.
    wall_a = float(np.median(lab[..., 1][wall]))
    wall &= ~(head & (lab[..., 1] > wall_a + WALL_REDDER))
    grown = head | (upper & ~wall)
    # Only what touches the head joins it: a lamp or a picture on the wall stays out.
    n, cc = cv2.connectedComponents(grown.astype(np.uint8), connectivity=4)
    keep = np.unique(cc[head & (cc > 0)])
    grown = np.isin(cc, keep) & (cc > 0)
    return np.where(upper, grown & ~wall, head)


def _wall_like(lab, texture, head_px, upper=None) -> np.ndarray | None:
    """Pixels that look like the background seen at the frame's edge, or None if unsure.

    ``head_px`` are Lab colours known to be head (forehead and scalp above a
    face): a colour common among them is hair or skin, never the wall, however
    much of the frame's edge it covers (long dark hair often does). ``upper``
    (bool), the rows beside and above a face: where the commonest edge colour
    lies mostly outside them (a shirt), the commonest within them is wall too.
    """
    h, w = texture.shape
    b = max(2, int(0.03 * min(h, w)))
    edge = np.zeros((h, w), bool)
    edge[:b], edge[-b:], edge[:, :b], edge[:, -b:] = True, True, True, True
    smooth = texture < WALL_SMOOTH
    cand = lab[edge & smooth]
    if len(cand) < max(0.2 * edge.sum(), 3):
        return None
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    cv2.setRNGSeed(0x5EED)
    _, lbl, centres = cv2.kmeans(cand.astype(np.float32), 3, None, crit, 2, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(lbl.ravel(), minlength=3)
    # Only the commonest: when it looks like the head, a rarer edge colour is likelier the hair
    # than the wall, and nothing is known.
    k = int(np.argmax(counts))
    if counts[k] < 0.25 * edge.sum():
        return None

    def head_like(c):
        return len(head_px) and np.mean(np.linalg.norm(head_px - c, axis=1) < WALL_DELTA_E) > 0.1

    if head_like(centres[k]):
        return None
    wall = np.linalg.norm(lab - centres[k], axis=2) < WALL_DELTA_E
    if upper is not None:
        # The commonest edge colour is often the shirt below the face; then the wall is the
        # commonest colour of the edge beside and above the face.
        up = upper[edge & smooth]
        if up.any() and np.mean(lbl.ravel()[up] == k) < WALL_SHARE:
            k2 = int(np.argmax(np.bincount(lbl.ravel()[up], minlength=3)))
            if np.sum(lbl.ravel()[up] == k2) >= 0.25 * (edge & upper).sum() and not head_like(centres[k2]):
                wall |= np.linalg.norm(lab - centres[k2], axis=2) < WALL_DELTA_E
    wall &= smooth
    # The wall reaches the frame's edge; a pale forehead of the same colour is enclosed by hair.
    n, cc = cv2.connectedComponents(wall.astype(np.uint8), connectivity=4)
    touching = np.unique(cc[edge & wall])
    return np.isin(cc, touching[touching > 0])


def hair_by_colour(lab, head, density, face, *, hair_from: float, skin_lab=None, skin_core=None) -> np.ndarray:
    """Hair density set where a head pixel's colour is the client's hair, not their skin.

    Two colour models decide: the skin's, learnt from the cheeks and nose of
    the face box (never covered by hair), and the hair's, learnt from what
    the texture-and-darkness density already calls hair above the face. Only
    the head above the face's lower edge changes; without enough of either
    there is nothing to learn and ``density`` comes back as it was.

    Where the face was cut away from the head (a frontal face, which is never
    scalp), ``skin_lab`` (the robust skin colour) lets the cheeks and the
    ``skin_core`` pixels near it teach the skin, with room for shade; and the
    hair is also learnt from what is far from every skin colour and not read
    as bare skin: in a dim or soft photo smooth brown hair is neither dark
    nor stringy enough for the texture rules, yet plainly not the face's
    colour. Where the face is kept (a profile), its eyes, beard and shaded
    side are in the region, and the plain models decide.

    Examples
    --------
    >>> lab = np.zeros((60, 40, 3), np.float32)
    >>> lab[:] = (45.0, 22.0, 28.0)              # auburn hair everywhere ...
    >>> lab[15:, 8:32] = (70.0, 14.0, 16.0)      # ... around a face
    >>> dens = np.zeros((60, 40), np.float32)
    >>> dens[:6] = 1.0                             # the crown already reads as hair
    >>> out = hair_by_colour(lab, np.ones((60, 40), bool), dens, (8, 15, 24, 30), hair_from=0.58)
    >>> float(out[10, 2]), float(out[20, 20])
    (1.0, 0.0)
    """
    x, y, fw, fh = (int(v) for v in face)
    h, w = head.shape
    skin_box = _cheeks(face, (h, w))
    upper = np.zeros((h, w), bool)
    upper[: min(y + fh, h)] = True
    skin_px = face_skin(lab, face, head, skin_lab=skin_lab, skin_core=skin_core)
    if skin_px is None:
        return density
    region = head & upper
    if (skin_box & head).sum() >= 0.5 * skin_box.sum():
        return _beside_a_kept_face(lab, region, density, skin_px, skin_box, hair_from)
    skin = _Gaussian(skin_px, floor=SKIN_SPREAD)
    skin_d = skin.mahalanobis(lab)
    nll_skin = 0.5 * (skin_d ** 2 + skin.logdet)
    # Samples far from the skin but brighter than it are shine more often than grey hair: the
    # texture rules judge those.
    Ls = float(np.median(skin_px[:, 0]))
    not_brighter = lab[..., 0] < Ls + SHINE_ABOVE
    far = (skin_d > HAIR_SEED_FAR) & (density > HAIR_SEED_DENSITY) & not_brighter
    hair_seed = region & ~skin_box & ((density > hair_from) | far)
    if hair_seed.sum() < max(20, 0.03 * region.sum()):
        return density
    hair = _Gaussian(lab[hair_seed])
    nll_hair = hair.nll(lab)
    is_hair = (nll_hair + HAIR_MARGIN < nll_skin) & region & ~skin_box & (not_brighter | (density > hair_from))
    out = density.copy()
    out[is_hair] = np.maximum(out[is_hair], 1.0)
    # And skin-coloured pixels the texture took for hair (a lit forehead's wrinkles) go back.
    # Not what is darker than the skin: a beard or a sideburn is as warm as a shaded cheek.
    is_skin = (nll_skin + HAIR_MARGIN < nll_hair) & (skin_d < 3.0) & region & (lab[..., 0] > Ls - SHINE_ABOVE)
    out[is_skin] = np.minimum(out[is_skin], 0.0)
    return out


def _beside_a_kept_face(lab, region, density, skin_px, skin_box, hair_from) -> np.ndarray:
    """The colour step where the face is part of the head (a profile, or no face cut).

    Its eyes, beard and shaded side are then in the region: hair is learnt
    only from what the texture rules call hair, and plain colour distances
    decide (measured on side-view scalp photos, the wider models above took
    beards and sideburns for skin).
    """
    seed = region & (density > hair_from) & ~skin_box
    if seed.sum() < max(20, 0.03 * region.sum()):
        return density
    # The skin's lightness spread has the same floor as beside a cut-away face: shade under the
    # hair darkens a forehead with the skin's own colour (chroma keeps the beard and sideburns).
    d_skin = _Gaussian(skin_px, floor=SKIN_SPREAD).mahalanobis(lab)
    d_hair = _Gaussian(lab[seed]).mahalanobis(lab)
    out = density.copy()
    is_hair = (d_hair + KEPT_FACE_MARGIN < d_skin) & region & ~skin_box
    out[is_hair] = np.maximum(out[is_hair], 1.0)
    is_skin = (d_skin + KEPT_FACE_MARGIN < d_hair) & (d_skin < 3.0) & region
    out[is_skin] = np.minimum(out[is_skin], 0.0)
    return out


def face_skin(lab, face, head, *, skin_lab=None, skin_core=None) -> np.ndarray | None:
    """Lab colours of the client's skin on the cheeks and nose of a face box, or None.

    The cheeks inside ``head`` count. Where the face was cut away from the
    head (a frontal face, never scalp), given ``skin_lab``, the cheeks and
    the ``skin_core`` pixels within ``FACE_SKIN_DELTA_E`` of that colour
    count instead. Nostrils, the lips' shadow and specular highlights are
    left out.
    """
    cheeks = _cheeks(face, lab.shape[:2])
    keep = cheeks & head
    if keep.sum() < 0.5 * cheeks.sum() and skin_lab is not None:
        near = np.linalg.norm(lab - np.asarray(skin_lab, np.float32), axis=2) < FACE_SKIN_DELTA_E
        keep = cheeks & near
        if skin_core is not None:
            keep |= skin_core & near
    px = lab[keep]
    if len(px) < 20:
        return None
    Ls = px[:, 0]
    lo, hi = np.percentile(Ls, [25, 95])
    return px[(Ls >= lo) & (Ls <= hi)]


def _cheeks(face, shape) -> np.ndarray:
    x, y, fw, fh = (int(v) for v in face)
    m = np.zeros(shape, bool)
    # Under the eyes and above the moustache: cheeks and nose, bare on nearly everyone.
    m[y + int(0.5 * fh): y + int(0.65 * fh), x + int(0.25 * fw): x + int(0.75 * fw)] = True
    return m


class _Gaussian:
    """A colour model: mean and covariance of Lab samples, with a floor on the spread."""

    def __init__(self, px: np.ndarray, floor=(4.0, 4.0, 4.0)):
        self.mean = px.mean(axis=0)
        # A floor: a flat seed must not make every other colour infinitely far.
        cov = np.cov(px.T) + np.diag(np.asarray(floor, float))
        self.inv = np.linalg.inv(cov)
        self.logdet = float(np.log(np.linalg.det(cov)))

    def mahalanobis(self, lab: np.ndarray) -> np.ndarray:
        d = lab.reshape(-1, 3) - self.mean
        return np.sqrt(np.einsum("ij,jk,ik->i", d, self.inv, d)).reshape(lab.shape[:2])

    def nll(self, lab: np.ndarray) -> np.ndarray:
        """Negative log-likelihood (less the constant): a broad model does not win by breadth."""
        return 0.5 * (self.mahalanobis(lab) ** 2 + self.logdet)


def refine_edge(head, lab, *, band: int = 4, within=None) -> np.ndarray:
    """The head's outline moved to where the colour changes, within ``band`` pixels.

    The graph cut runs on a coarse grid and leaves a halo of wall around the
    hair (or bites into it). Each pixel near the outline goes to the side whose
    nearby colour (measured a little inside and a little outside) it is closer to.
    ``within`` (bool), where given, bounds both the pixels that may change and
    the colours measured outside (the hair's edge on the skin, not the wall).

    Examples
    --------
    >>> lab = np.zeros((40, 40, 3), np.float32)
    >>> lab[:, :20] = (20.0, 2.0, 4.0)               # dark hair on the left
    >>> lab[:, 20:] = (80.0, 0.0, 2.0)               # a pale wall on the right
    >>> head = np.zeros((40, 40), bool); head[:, :24] = True   # a cut 4 px too wide
    >>> int(refine_edge(head, lab)[20].sum())
    20
    """
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * band + 1, 2 * band + 1))
    h8 = head.astype(np.uint8)
    inner = cv2.erode(h8, k).astype(np.float32)
    outer = (1 - cv2.dilate(h8, k)).astype(np.float32)
    ring = cv2.dilate(h8, k).astype(bool) & ~cv2.erode(h8, k).astype(bool)
    if within is not None:
        outer *= within
        ring &= within
    if not ring.any():
        return head
    sig = 1.5 * band
    # Only the ring's neighbourhood is needed, as far as OpenCV's float blur reaches (4 sigma):
    # the same result for a fraction of the work.
    ys, xs = np.nonzero(ring)
    reach = int(np.ceil(4 * sig)) + 2
    box = (slice(max(ys.min() - reach, 0), ys.max() + reach + 1),
           slice(max(xs.min() - reach, 0), xs.max() + reach + 1))
    lab_b, ring_b = lab[box], ring[box]

    def near_mean(w):
        den = cv2.GaussianBlur(w, (0, 0), sig)[ring_b]
        num = cv2.GaussianBlur(lab_b * w[..., None], (0, 0), sig)[ring_b]
        return num / np.maximum(den, 1e-6)[:, None], den > 0.02

    m_in, ok_in = near_mean(inner[box])
    m_out, ok_out = near_mean(outer[box])
    px = lab_b[ring_b]
    closer_in = np.linalg.norm(px - m_in, axis=1) < np.linalg.norm(px - m_out, axis=1)
    out = head.copy()
    sub = out[box]
    decided = sub[ring_b]
    decided[ok_in & ok_out] = closer_in[ok_in & ok_out]
    sub[ring_b] = decided
    return out

