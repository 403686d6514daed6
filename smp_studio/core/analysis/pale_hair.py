"""Grey and white hair the head/background cut left out.

The graph cut separates the head from the wall by colour. White or grey hair
is as pale and neutral as a white wall, a pillow or a light shirt, so the
fringe of an older client is often cut away with the background: the head
then holds only the bald top, and the hair colour learnt from what is left
(a collar's shadow) is dark. Strands tell the fringe from the background: the
wall and the cloth are smooth at the working scale, a fringe of pale hair is
fine texture throughout.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import dilate_disc

#: Fine texture (L units, as the segmentation measures it) of a fringe of pale strands: a wall
#: or a pillow is smoother than this away from its folds.
STRANDS = 0.8
#: Pale and neutral: lighter than this (L, and than the skin by ``OVER_SKIN``) and within this
#: chroma (Lab a/b distance from grey). A light blue or cream shirt is more coloured than white hair.
PALE_L, OVER_SKIN, NEUTRAL_CHROMA = 60.0, 10.0, 8.0
#: How far beyond the cut a fringe is looked for, in head breadths; a pale patch with more than
#: ``BEYOND`` of itself between one and two reaches away is background.
REACH, BEYOND = 0.12, 0.1
#: Pixels beyond the head's outline where its own edge still shows as texture (working pixels).
EDGE = 4
#: Share of a pale patch (within reach) that must be strands for it to be a fringe.
STRINGY = 0.3
#: Least area of pale hair, as a share of the head, worth adding (stray strands are not a fringe).
LEAST = 0.02
#: Share of the hair that must be pale, with a pale fringe found, for the hair to be pale: the
#: rest is then shadow (a collar, the nape's fold), darker than any strand.
PALE_SHARE = 0.2
#: Bare skin is this saturated at least (chroma over L + 16; bald scalps on devdata 0.17..0.6): a
#: "skin" greyer than this is skin seen through a veil of white or fair hair (diffuse thinning).
VEILED_SAT = 0.12
#: The hair density such veiled skin gets (thinning, clipped whole by the shave preview), and
#: the least share of the head that must be dense hair around it: a bald head in cold light is
#: as grey, but bare.
VEILED_DENSITY, VEILED_HAIR = 0.45, 0.25
#: White hair kept in the head: fine texture (L units) above this, where pale pixels so textured
#: make up at least ``WHITE_SHARE`` of the neighbourhood (shine on a bald scalp: under 0.1), over
#: at least ``WHITE_AREA`` of the head (a lit temple or cheek, or the outline against a white wall,
#: came to under 0.07 on devdata), get ``WHITE_DENSITY``: dense hair.
WHITE_STRANDS, WHITE_SHARE, WHITE_AREA, WHITE_DENSITY = 1.5, 0.3, 0.08, 0.8


def pale_fringe(head: np.ndarray, lab: np.ndarray, texture: np.ndarray, *, skin_lab=None) -> np.ndarray:
    """Pale, neutral, stringy pixels just outside ``head`` that join it: a grey or white fringe.

    Parameters
    ----------
    head : ndarray of bool, (h, w)
        The head as the graph cut found it.
    lab : ndarray of float32, (h, w, 3)
        The photo in CIE Lab.
    texture : ndarray of float32, (h, w)
        Fine-scale contrast in L units (strands).
    skin_lab : tuple, optional, keyword-only
        The client's skin colour: pale hair is also lighter or greyer than it.

    Returns
    -------
    ndarray of bool, (h, w)
        The fringe to add to the head (empty when there is none).

    Examples
    --------
    >>> lab = np.zeros((100, 100, 3), np.float32); lab[...] = (80.0, 0.0, -12.0)  # a light blue shirt
    >>> head = np.zeros((100, 100), bool); head[20:80, 20:80] = True
    >>> lab[head] = (60.0, 15.0, 20.0)                                           # a bald top
    >>> lab[30:70, 14:20] = (85.0, 0.5, 2.0)                                     # a white fringe
    >>> tex = np.full((100, 100), 0.5, np.float32); tex[30:70, 14:20] = 4.0      # of strands
    >>> m = pale_fringe(head, lab, tex)
    >>> bool(m[50, 17]), bool(m[50, 90]), bool(m[50, 50])
    (True, False, False)
    """
    h, w = head.shape
    cols = np.flatnonzero(head.any(axis=0))
    if cols.size == 0:
        return np.zeros((h, w), bool)
    breadth = cols[-1] - cols[0] + 1

    def ring(reach):
        r = max(int(round(reach * breadth)), 2)
        return dilate_disc(head.astype(np.uint8), 2 * r + 1).astype(bool) & ~head  # (cv2.dilate's, faster)

    near, wide = ring(REACH), ring(2 * REACH)
    pale = _pale(lab, skin_lab)
    # The head's own outline is a contrast too: strands count only a few pixels beyond it.
    off_edge = cv2.distanceTransform((~head).astype(np.uint8), cv2.DIST_L2, 3) > EDGE
    strands = pale & (texture > STRANDS) & off_edge
    # Strands leave gaps between them: close the pale area, then judge each patch of it.
    cand = cv2.morphologyEx((wide & pale).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    n, cc = cv2.connectedComponents(cand & wide.astype(np.uint8), connectivity=8)
    rim = cv2.dilate(head.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    counts = np.bincount(cc[near].ravel(), minlength=n)
    touching = np.bincount(cc[rim].ravel(), minlength=n) > 0
    stringy = np.bincount(cc[strands & near].ravel(), minlength=n) >= STRINGY * counts
    # A fringe hugs the skull; a white wall, pillow or textured wallpaper goes on beyond it, or out
    # of the frame.
    beyond = np.bincount(cc[wide & ~near].ravel(), minlength=n)
    frame = np.zeros((h, w), bool)
    frame[[0, -1], :], frame[:, [0, -1]] = True, True
    framed = np.bincount(cc[frame].ravel(), minlength=n) > 0
    ok = touching & stringy & (beyond <= BEYOND * counts) & ~framed
    ok[0] = False
    joined = ok[cc] & near
    if joined.sum() < LEAST * max(int(head.sum()), 1):
        return np.zeros((h, w), bool)
    return joined


def _pale(lab, skin_lab) -> np.ndarray:
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    pale = (L > PALE_L) & (np.hypot(a, b) < NEUTRAL_CHROMA)
    if skin_lab is not None:
        # Not shine on the skin, which is as neutral as white hair but part of the bald top.
        pale &= L > skin_lab[0] + OVER_SKIN
    return pale


def pale_colour(lab: np.ndarray, hair: np.ndarray, fringe: np.ndarray, skin_lab=None) -> tuple | None:
    """The Lab colour of grey or white hair, or None when the hair is not pale.

    Only with a pale ``fringe`` found (see :func:`pale_fringe`) and enough of the
    ``hair`` pale: the darkest hair pixels of a white-haired head are shadows
    between strands and under a collar, and would make its dots dark.

    >>> lab = np.zeros((10, 10, 3), np.float32); lab[...] = (20.0, 4.0, 4.0)  # shadow
    >>> lab[:, :4] = (82.0, 0.0, 2.0)                                         # white hair
    >>> hair = np.ones((10, 10), bool); fringe = np.zeros((10, 10), bool); fringe[:, :2] = True
    >>> round(pale_colour(lab, hair, fringe)[0])
    82
    >>> pale_colour(lab, hair, np.zeros((10, 10), bool)) is None
    True
    """
    if not fringe.any():
        return None
    pale = (hair & _pale(lab, skin_lab)) | fringe
    if pale.sum() < PALE_SHARE * max(int((hair | fringe).sum()), 1):
        return None
    px = lab[pale]
    # The whiter half: strands, not the skin showing between them.
    sel = px[px[:, 0] >= np.median(px[:, 0])]
    return tuple(float(v) for v in np.median(sel, axis=0))


def pale_strands(L, a, b, strands, skin_lab) -> np.ndarray:
    """Hair evidence (0..1) for grey or white strands over the skin: lighter than it, far less
    saturated, and stringy (``strands``, 0..1). Shine on the skin is as light, but smooth and
    still tinted by it.

    >>> L, a, b = (np.array([80.0, 80.0, 80.0]), np.array([2.0, 2.0, 18.0]), np.array([3.0, 3.0, 22.0]))
    >>> pale_strands(L, a, b, np.array([1.0, 0.0, 1.0]), (55.0, 15.0, 18.0)).round(2).tolist()
    [1.0, 0.0, 0.0]
    """
    Ls, as_, bs = skin_lab
    sat_skin = np.hypot(as_, bs) / (Ls + 16.0)
    sat = np.hypot(a, b) / (L + 16.0)
    lighter = np.clip((L - Ls - 8.0) / 8.0, 0, 1)
    greyer = np.clip((0.45 * sat_skin - sat) / (0.15 * sat_skin + 1e-3), 0, 1)
    return lighter * greyer * np.clip(strands * 2.5, 0, 1)


def veiled_skin(density: np.ndarray, head: np.ndarray, skin_lab, *, hair_from: float) -> bool:
    """Whether the only "skin" seen is skin through fine pale hair: greyer than any bare skin, with
    denser hair around it (a diffuse-thinning crown). Such skin takes ``VEILED_DENSITY``.

    >>> dens = np.zeros((10, 10), np.float32); dens[:, :4] = 1.0; head = np.ones((10, 10), bool)
    >>> veiled_skin(dens, head, (78.0, 7.0, 3.0), hair_from=0.58)
    True
    >>> veiled_skin(dens, head, (65.0, 14.0, 15.0), hair_from=0.58)  # bare skin
    False
    """
    if skin_lab is None or not head.any():
        return False
    L, a, b = skin_lab
    return bool(np.hypot(a, b) / (L + 16.0) < VEILED_SAT and (density[head] > hair_from).mean() > VEILED_HAIR)


def pale_hair_inside(head: np.ndarray, lab: np.ndarray, texture: np.ndarray, *, skin_lab) -> np.ndarray:
    """White or grey hair the head kept that reads as bald skin: pale, neutral and stringy, over a
    patch of at least ``WHITE_AREA`` of the head.

    The hair rules weigh strands against the skin's colour, and white hair over pink skin is
    neither darker nor more coloured; strands finer than the working pixels leave it lighter than
    the skin and nearly smooth, which is how shine looks: a thick white fringe came out "bald"
    and took pigment over its hair. Shine on bald skin is as pale and neutral but smoother still,
    and comes in small patches; the head's outline against a white wall is left out.

    Examples
    --------
    >>> lab = np.zeros((100, 100, 3), np.float32); lab[...] = (60.0, 15.0, 15.0)   # bald skin
    >>> lab[10:50, 10:90:2] = (88.0, 0.5, 2.0)                                      # white strands
    >>> tex = np.full((100, 100), 0.5, np.float32); tex[10:50, 10:90] = 3.0
    >>> m = pale_hair_inside(np.ones((100, 100), bool), lab, tex, skin_lab=(60.0, 15.0, 15.0))
    >>> bool(m[30, 50]), bool(m[80, 50])
    (True, False)
    """
    if skin_lab is None or not head.any():
        return np.zeros(head.shape, bool)
    # The head's own outline against a pale wall is a contrast too: strands count only inside it.
    inside = cv2.distanceTransform(np.pad(head, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1] > 2 * EDGE
    strands = (_pale(lab, skin_lab) & (texture > WHITE_STRANDS) & inside).astype(np.float32)
    share = cv2.GaussianBlur(strands, (0, 0), 4.0)
    cand = ((share > WHITE_SHARE) & head).astype(np.uint8)
    n, cc, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= WHITE_AREA * head.sum()
    return keep[cc]


def white_hair(density: np.ndarray, head: np.ndarray, lab: np.ndarray, texture: np.ndarray, *, skin_lab) -> np.ndarray:
    """``density`` with the white hair :func:`pale_hair_inside` finds raised to ``WHITE_DENSITY``.

    >>> dens = np.zeros((10, 10), np.float32)
    >>> float(white_hair(dens, np.ones((10, 10), bool), np.zeros((10, 10, 3), np.float32), dens, skin_lab=None).max())
    0.0
    """
    white = pale_hair_inside(head, lab, texture, skin_lab=skin_lab)
    return np.where(white, np.maximum(density, WHITE_DENSITY), density).astype(np.float32)
