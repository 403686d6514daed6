"""The colour of the client's hair: of the shafts themselves, not the skin between them."""

from __future__ import annotations

import numpy as np


def shaft_colour(lab: np.ndarray, hair_px: np.ndarray, skin_lab) -> tuple | None:
    """Robust Lab colour of the hair shafts (not the skin showing between them).

    The quarter of dense-hair pixels furthest from the skin along the way the
    hair typically differs from it: the darkest for dark hair, the whitest for
    grey or white hair (stray highlights in dark stubble do not count).
    """
    px = lab[hair_px]
    if len(px) < 10:
        return None
    ref = np.array(skin_lab if skin_lab is not None else (60.0, 15.0, 18.0), np.float32)
    direction = np.median(px, axis=0) - ref
    norm = float(np.linalg.norm(direction))
    if norm < 1e-3:
        return tuple(float(v) for v in np.median(px, axis=0))
    along = (px - ref) @ (direction / norm)
    sel = px[along >= np.percentile(along, 75)]
    return tuple(float(v) for v in np.median(sel, axis=0))
