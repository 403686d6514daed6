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
