"""The artist's brush corrections to a segmentation.

An edit layer is a uint8 image at the photo's size holding the class the
artist painted, or ``NO_EDIT``. It goes on top of the automatic result, and
back into detection as hints when the artist asks for a re-run.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from smp_studio.core.model.design import NO_EDIT
from smp_studio.core.analysis.segmentation import (
    BACKGROUND, BALD, CLASS_DENSITY, HAIR, HINT_EXCLUDE, HINT_HAIR, HINT_SKIN, THINNING, Segmentation)



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
