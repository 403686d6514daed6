"""The artist's brush corrections to a segmentation.

An edit layer is a uint8 image at the photo's size holding the class the
artist painted, or ``NO_EDIT``. It goes on top of the automatic result, and
back into detection as hints when the artist asks for a re-run.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from smp_studio.core.model.design import NO_EDIT
from smp_studio.core.analysis.segmentation import (
    BACKGROUND, BALD, CLASS_DENSITY, HAIR, HINT_EXCLUDE, HINT_HAIR, HINT_SKIN, THINNING, Segmentation)
from smp_studio.core.analysis.scalp import Scalp



def with_edits(seg: Segmentation, edits: np.ndarray | None) -> Segmentation:
    """The segmentation with the artist's brush edits on top.

    ``edits`` holds a class (0 exclude/background, 1 bald, 2 thinning, 3 hair)
    where the artist painted and ``NO_EDIT`` elsewhere.
    """
    if edits is None:
        return seg
    painted = edits != NO_EDIT
    if not painted.any():
        return seg
    labels = np.where(painted, edits, seg.labels).astype(np.uint8)
    dens = np.where(painted, CLASS_DENSITY[np.minimum(edits, 3)], seg.hair_density).astype(np.float32)
    cols = np.flatnonzero((labels != BACKGROUND).any(axis=0))
    breadth = float(cols[-1] - cols[0] + 1) if cols.size else seg.head_breadth_px
    # The rest (colours, the face the detection found) is the detection's, as painted over.
    return replace(seg, labels=labels, hair_density=dens, head_breadth_px=breadth)


def hints_from_edits(edits: np.ndarray | None) -> np.ndarray | None:
    """Brush edits as hints for re-running detection (skin, hair, exclude)."""
    if edits is None:
        return None
    lut = np.zeros(256, np.uint8)
    lut[BACKGROUND], lut[BALD], lut[THINNING], lut[HAIR] = HINT_EXCLUDE, HINT_SKIN, 0, HINT_HAIR
    return lut[edits]


def scalp_with_edits(scalp: Scalp, edits: np.ndarray | None) -> Scalp:
    """The treatable scalp with the artist's word on top: painted bald skin or thinning is scalp,
    painted Exclude is not, whatever the automatic bounds (brows, a forehead, a skull fit) said.

    The bounds are a first draft like the rest: an artist who paints bald skin below the
    forehead line the detection drew wants it treated.

    Examples
    --------
    >>> from smp_studio.core.analysis.segmentation import from_labels
    >>> from smp_studio.core.analysis.scalp import treatable_scalp
    >>> lab = np.zeros((200, 200), np.uint8); lab[40:190, 30:170] = BALD
    >>> sc = treatable_scalp(from_labels(lab, np.zeros((200, 200, 3), np.uint8)))
    >>> edits = np.full((200, 200), NO_EDIT, np.uint8); edits[5:25, 80:120] = BALD; edits[100:120, 90:110] = 0
    >>> m = scalp_with_edits(sc, edits).resized((200, 200))
    >>> bool(m[15, 100] > 0.5), bool(m[110, 100] < 0.5), bool(sc.resized((200, 200))[15, 100] < 0.5)
    (True, True, True)
    """
    if edits is None:
        return scalp
    h, w = scalp.mask.shape
    # Sampled on the scalp's own coarse grid: a stroke at 12 MP is read at a few hundred
    # pixels, not compared pixel by pixel.
    cells = cv2.resize(edits, (w, h), interpolation=cv2.INTER_NEAREST)
    if not (cells != NO_EDIT).any():
        return scalp
    skin = (cells == BALD) | (cells == THINNING)
    mask = (scalp.mask | skin) & (cells != BACKGROUND)
    added = mask & ~scalp.mask
    # What was added is skin the artist marked: no automatic bound fades it, no face claims it,
    # and it counts toward the scalp showing skin. (Painted inside a soft edge, the edge stays.)
    fade = None if scalp.fade is None else np.where(added, 1.0, scalp.fade).astype(np.float32)
    n_old, n_new = float(scalp.mask.sum()), float(mask.sum())
    share = (scalp.skin_share * n_old + float(added.sum())) / n_new if n_new else 0.0
    return replace(scalp, mask=mask, face=scalp.face & ~skin, fade=fade, skin_share=min(share, 1.0))


def painted_hair(edits: np.ndarray, room: np.ndarray, scale) -> np.ndarray:
    """Where the artist painted thinning or dense hair on the treatable scalp (``room``, any size),
    softened over a millimetre as clipping is (float32 0..1 at ``edits``' size).

    The shave preview clips what reads as hair beside the bare skin; hair that reads as skin
    (fair strands over a bald top) the artist marks with the brush, and it is clipped too.

    >>> from smp_studio.core.model.scale import Scale
    >>> e = np.full((100, 100), 255, np.uint8); e[40:60, 40:60] = THINNING
    >>> m = painted_hair(e, np.ones((10, 10), np.float32), Scale(2.0))
    >>> bool(m[50, 50] > 0.9), bool(m[10, 10] == 0)
    (True, True)
    """
    H, W = edits.shape
    hair = ((edits == THINNING) | (edits == HAIR)).astype(np.float32)
    if not hair.any():  # (only skin or Exclude painted: no full-size blur of nothing)
        return hair
    hair *= cv2.resize(np.asarray(room, np.float32), (W, H), interpolation=cv2.INTER_LINEAR) > 0.5
    return cv2.GaussianBlur(hair, (0, 0), max(scale.mm_to_px(1.0), 0.5))
