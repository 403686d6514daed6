"""Small patches the colour and texture rules get wrong, judged by what rings them.

Lit brown or blond hair is as light and warm as skin, so a patch of it reads
as bare skin in the middle of the hair; a shine, a mole or a wrinkle's shade
reads as hair in the middle of a bald forehead. A patch is small, and ringed
by the other class: a bald crown in the hair or a fringe on the forehead is
large, or joins the face.

The hair's edge on bare skin is judged the same way, by the colours either
side of it: the hairline's own step from hair to skin is fine contrast, which
the texture rules read as strands a few pixels onto the forehead.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.beside_face import refine_edge


#: A patch of "skin" inside the hair smaller than this share of the head, and ringed
#: by hair over at least ``RINGED`` of its rim, is the hair's sheen: lit brown or blond hair is as
#: light and warm as skin. A bald patch seen beside a face reaches the forehead or is far larger.
SHEEN_PATCH, RINGED = 0.03, 0.8
#: The same without a face: scalp seen through thinning hair makes small patches too.
SHEEN_PATCH_NO_FACE = 0.02


def sheen_in_hair(density, head, face, *, thinning_from: float) -> np.ndarray:
    """``density`` with small patches of "skin" ringed by hair above a face's lower edge set to hair.

    >>> dens = np.ones((60, 60), np.float32); dens[30:, 15:45] = 0.0   # hair above a face
    >>> dens[10:14, 28:32] = 0.0                                        # a lit patch of hair
    >>> out = sheen_in_hair(dens, np.ones((60, 60), bool), (15, 30, 30, 30),
    ...                     thinning_from=0.22)
    >>> float(out[12, 30]), float(out[40, 30])
    (1.0, 0.0)
    """
    h, w = head.shape
    upper = np.ones((h, w), bool)
    if face is not None:
        x, y, fw, fh = (int(v) for v in face)
        upper[min(y + fh, h):] = False
    out = density.copy()
    limit = (SHEEN_PATCH if face is not None else SHEEN_PATCH_NO_FACE) * max(int(head.sum()), 1)
    for box, comp, rim in _small_patches(head & (density < thinning_from), limit, upper):
        inside = head[box][rim]
        around = density[box][rim]
        hairy = inside & (around >= thinning_from)
        # Ringed by hair, or by hair and the wall (the forehead joins the face's skin): the patch
        # takes the hair's density around it (a glimpse of scalp in thinning hair stays thinning).
        if rim.any() and (hairy | ~inside).mean() >= RINGED and hairy.mean() >= 0.4:
            out[box][comp] = np.maximum(out[box][comp], np.median(around[hairy]))
    return out


def _small_patches(mask, limit: float, within):
    """Each connected patch of ``mask`` of at most ``limit`` pixels lying wholly ``within``:
    (its box as slices, the patch and the ring of pixels around it, both in the box)."""
    h, w = mask.shape
    n, cc, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] > limit:
            continue
        bx, by, bw, bh = stats[i, :4]
        box = (slice(max(by - 2, 0), min(by + bh + 2, h)), slice(max(bx - 2, 0), min(bx + bw + 2, w)))
        comp = cc[box] == i
        if not within[box][comp].all():
            continue
        rim = cv2.dilate(comp.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~comp
        yield box, comp, rim


#: Above the brows (this far down a face box, in box heights), a patch of "hair" smaller than
#: ``FOREHEAD_SPOT`` of the head and ringed by bare skin is a shine, a mole or a wrinkle's shade.
BROWS_FROM, FOREHEAD_SPOT = 0.2, 0.01


def spots_on_forehead(density, head, face, *, thinning_from: float) -> np.ndarray:
    """``density`` with small patches of "hair" ringed by bare skin above a face's brows made bare.

    >>> dens = np.zeros((60, 60), np.float32); dens[:8] = 1.0   # hair above a bald forehead
    >>> dens[14:17, 28:31] = 1.0                                  # a shaded wrinkle
    >>> out = spots_on_forehead(dens, np.ones((60, 60), bool), (15, 10, 30, 40), thinning_from=0.22)
    >>> float(out[15, 29]), float(out[4, 29])
    (0.0, 1.0)
    """
    if face is None:
        return density
    x, y, fw, fh = (int(v) for v in face)
    h, w = head.shape
    above = np.zeros((h, w), bool)
    above[: max(y + int(BROWS_FROM * fh), 0)] = True
    out = density.copy()
    limit = FOREHEAD_SPOT * max(int(head.sum()), 1)
    for box, comp, rim in _small_patches(head & (density >= thinning_from), limit, above):
        bare = head[box][rim] & (density[box][rim] < thinning_from)
        if rim.any() and bare.mean() >= RINGED:
            out[box][comp] = 0.0
    return out


def hairline_by_colour(density, lab, head, *, thinning_from: float, band: int) -> np.ndarray:
    """``density`` with the edge between hair and bare skin moved to where the colour changes.

    Within ``band`` pixels of the edge, a "hair" pixel whose colour is nearer the
    skin nearby than the hair nearby becomes bare. Only towards the hair: the
    colour step is sharp where the texture's is blurred (lit hair beside skin is
    as near it in colour as the skin is, so the other way would eat hair).

    >>> lab = np.zeros((40, 40, 3), np.float32); lab[:] = (65.0, 12.0, 14.0)   # a forehead
    >>> lab[:20] = (25.0, 3.0, 5.0)                                           # under dark hair
    >>> dens = np.zeros((40, 40), np.float32); dens[:24] = 1.0                # edge read 4 px low
    >>> out = hairline_by_colour(dens, lab, np.ones((40, 40), bool), thinning_from=0.22, band=5)
    >>> float(out[10, 20]), float(out[22, 20])
    (1.0, 0.0)
    """
    hairy = head & (density >= thinning_from)
    if not hairy.any() or hairy.sum() == head.sum():
        return density
    moved = refine_edge(hairy, lab, band=band, within=head)
    out = density.copy()
    out[hairy & ~moved] = 0.0
    return out


#: With no colour of bare skin learnt (too little of it smooth and warm, as through thinning hair
#: on a crown), a bare patch is still the scalp where it can be nothing else: at least this share
#: of the head (a smaller one is the hair's sheen, see ``SHEEN_PATCH_NO_FACE``), off the frame's
#: edge (a wall seen past the head reaches it) and ringed by hair over ``RINGED`` of its rim.
RINGED_BALD = 0.02
#: ... and a crown's spot, in a head mostly of hair: at most this share of the head, with dense hair
#: over at least as much of it (a white mug's face, ringed by its outline, is neither).
SPOT_MAX, SPOT_HAIR = 0.4, 0.4


def ringed_bald(bare: np.ndarray, hair: np.ndarray, head: np.ndarray) -> np.ndarray:
    """The patches of ``bare`` (bool) ringed by ``hair`` (bool, thinning or dense) on the ``head``: a
    crown's bald spot seen from above or behind.

    >>> head = np.zeros((60, 60), bool); head[5:55, 5:55] = True
    >>> bare = np.zeros((60, 60), bool); bare[25:35, 25:35] = True   # a bald spot in the hair
    >>> bare[5:12, 5:55] = True                                      # the forehead, at the head's edge
    >>> out = ringed_bald(bare, head & ~bare, head)
    >>> bool(out[30, 30]), bool(out[8, 30])
    (True, False)
    """
    h, w = head.shape
    n, cc, stats, _ = cv2.connectedComponentsWithStats((bare & head).astype(np.uint8), connectivity=8)
    out = np.zeros((h, w), bool)
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if area < RINGED_BALD * head.sum() or x == 0 or y == 0 or x + bw >= w or y + bh >= h:
            continue
        box = (slice(max(y - 2, 0), y + bh + 2), slice(max(x - 2, 0), x + bw + 2))
        comp = cc[box] == i
        rim = cv2.dilate(comp.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~comp
        if rim.any() and (hair[box][rim] & head[box][rim]).mean() >= RINGED:
            out[box] |= comp
    return out


def ringed_skin(lab: np.ndarray, density: np.ndarray, head: np.ndarray, *, thinning_from: float, hair_from: float):
    """The skin's Lab colour and the pixels it came from, learnt from a crown's bald spot
    (:func:`ringed_bald`) in a head of hair, or (None, None) with none: for a head whose bare skin
    showed too little of it smooth and warm to learn from, so that every bare pixel read as
    neither skin nor hair.

    >>> lab = np.zeros((60, 60, 3), np.float32); lab[..., 0] = 20       # dark hair
    >>> head = np.zeros((60, 60), bool); head[5:55, 5:55] = True
    >>> dens = head.astype(np.float32); dens[25:35, 25:35] = 0; lab[25:35, 25:35] = (66, 4, 6)
    >>> ringed_skin(lab, dens, head, thinning_from=0.22, hair_from=0.58)[0]
    (66.0, 4.0, 6.0)
    """
    spot = ringed_bald(density < thinning_from, density >= thinning_from, head)
    n = max(int(head.sum()), 1)
    if not spot.any() or spot.sum() > SPOT_MAX * n or (head & (density >= hair_from)).sum() < SPOT_HAIR * n:
        return None, None
    L = lab[..., 0]
    lo, hi = np.percentile(L[spot], [30, 85])  # (glimpses of hair are darker, shine lighter)
    core = spot & (L >= lo) & (L <= hi)
    return tuple(float(np.median(lab[..., c][core])) for c in range(3)), core
