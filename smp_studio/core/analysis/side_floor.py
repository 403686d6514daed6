"""Where the scalp ends seen from the side: the ear's top, found from the face detector's ear mark.

The scalp seen from the side ends at the ear's top (below lie the ear, the sideburn, the cheek and
the neck). The skull fit alone places that row poorly: on the development set's side views the
ear's top lay anywhere from 0.2 skull half-heights above the fit's centre to 0.3 below it, as the
head tilts and the fit reads more or less of the face. A level floor high enough for every one of
them (``scalp.SIDE_FLOOR``) left a band of bald skin above most ears untreated, which read as a
horizontal cut through a shaved look and left the side of a bald top bare (issue 10/8).

The ear itself is hard to find by colour in a profile (the face is as red; ``inner_ear`` found it
on 2 of 29 side views). The face detector does better: on a profile it marks the ears' tragions
(the notch in front of the ear canal) close together on the visible ear, behind the eyes and the
nose. The ear's top lies 2.5-5 cm above that mark; the floor goes there, above and behind
the ear, and rises back to the fit's level line in front of it over the temple (where a lower
floor would reach the temple's skin beside the eye: tried before, and not kept).
"""

from __future__ import annotations

import numpy as np

from smp_studio.core.analysis import face_models as fm
from smp_studio.core.analysis.segmentation import BALD, HAIR

#: The least detector score whose ear marks are used (``view.PROFILE_SCORE``).
MIN_SCORE = 0.55
#: The floor above the ear mark, in skull half-lengths. The mark lies in the concha, by the ear
#: canal; the ear's top was 0.25-0.54 above it on 59 of the development set's side views (0.3 put
#: dots on the helix of two, 0.45 on one), and the floor's fade ends at the floor, so no pigment
#: reaches it. Below the level line the floor goes only as far as ``EAR_ABOVE`` allows; above it
#: (an ear raised past the line by a head tilted back) it rises to ``EAR_ABOVE_RAISE`` above the
#: mark: rising by the wide margin took a band of scalp off four shaved looks whose ears the line
#: had cleared.
EAR_ABOVE, EAR_ABOVE_RAISE = 0.6, 0.45
#: In front of the tragion, the floor rises back to the level line over this (skull half-lengths).
TEMPLE_RAMP = 0.2
#: The ear reaches this far behind its mark (skull half-lengths; 0.3-0.35 on the development set);
#: behind it the floor comes down over ``NAPE_RAMP`` to ``NAPE_DROP`` above the mark: the hairline
#: runs down behind the ear toward the nape, never a level line across the back of the head.
EAR_BACK, NAPE_RAMP, NAPE_DROP = 0.5, 0.3, 0.1


def profile_ear(rgb, face_sign: int, cx, cy, a, b) -> tuple | None:
    """The visible ear's tragion ``(x, y)`` in the pixels of ``rgb``, or None.

    The best face the detector finds on the photo (or on a part of it) must look the way the
    face lies (``face_sign``: +1 toward image-right), its nose ahead of its ears; of the two ear
    marks, the one farther behind the nose is the ear seen. It must lie where an ear can on the
    skull fit ``(cx, cy), (a, b)`` (same pixels): within its length, from a little above its
    centre to its lower half.

    >>> profile_ear(np.full((200, 200, 3), 120, np.uint8), 1, 100.0, 100.0, 80.0, 80.0) is None
    True
    """
    best = fm.best_in_parts(rgb, min_score=MIN_SCORE)  # (as the view's profile cue reads it)
    if best is None:
        return None
    nose, ears = best.keypoints[2], best.keypoints[4:6]
    behind = face_sign * (nose[0] - ears[:, 0])  # how far each ear mark lies behind the nose
    if behind.max() <= 0:
        return None  # the face looks the other way: not this profile
    x, y = ears[int(np.argmax(behind))]
    if abs(x - cx) > 0.7 * a or not (cy - 0.3 * b < y < cy + 0.9 * b):
        return None
    return float(x), float(y)


def side_floor(xx, yy, cx, cy, a, b, face_sign: int, level: float, tragion=None):
    """The row (per column of ``xx``) below which a side view shows no scalp.

    ``level``: the skull fit's level line, kept in front of the ear (over the temple) and wherever
    no ear was found; ``tragion``: the visible ear's mark, from :func:`profile_ear`. Above the ear
    the floor lies at its top, behind it lower.

    >>> xx = np.arange(0.0, 200.0)[None, :]
    >>> f = side_floor(xx, None, 100.0, 100.0, 80.0, 80.0, 1, 78.0, tragion=(110.0, 130.0))
    >>> float(f[0, 100]), float(f[0, 199])  # over the ear: its top; ahead, over the temple: the level
    (82.0, 78.0)
    >>> float(f[0, 30])  # well behind the ear: down toward the nape
    122.0
    >>> float(side_floor(xx, None, 100.0, 100.0, 80.0, 80.0, 1, 78.0)[0, 50])  # no ear: the level
    78.0
    >>> float(side_floor(xx, None, 100.0, 100.0, 80.0, 80.0, 1, 78.0, tragion=(110.0, 90.0))[0, 100])
    54.0
    """
    level_row = np.full(np.broadcast(xx, xx).shape, float(level), np.float32)
    if tragion is None:
        return level_row
    tx, ty = tragion
    # Over the ear, its top, even above the level line: a head tilted back raises the ear past it
    # (a development photo had dots on its helix).
    top = max(ty - EAR_ABOVE * a, min(level, ty - EAR_ABOVE_RAISE * a))
    ahead = face_sign * (np.asarray(xx, np.float32) - tx)  # > 0: toward the face
    t = np.clip(ahead / max(TEMPLE_RAMP * a, 1e-3), 0, 1)
    floor = top + (level - top) * t
    # Behind the ear, eased (a ruled corner would read as a cut).
    u = np.clip((-ahead - EAR_BACK * a) / max(NAPE_RAMP * a, 1e-3), 0, 1)
    low = max(ty - NAPE_DROP * a, top)
    return (floor + (low - top) * (0.5 - 0.5 * np.cos(np.pi * u))).astype(np.float32)


def face_side(lab, head, cx, cy, b, view) -> int:
    """+1 if the face is to the right of the head in the photo, -1 if to the left.

    Three cues vote (each right on about 4 in 5 devdata side views, together on
    5 in 6; a face analysis, when given, decides instead): the occipital fringe
    is hair at the back of the skull's lower half; the face below the skull
    reaches further forward than the neck does backward; bare skin (forehead,
    cheek) lies on the face side.
    """
    if view == "left":
        return -1
    if view == "right":
        return 1
    h, w = lab.shape
    xs = np.arange(w)
    r0, r1 = int(max(cy - 0.2 * b, 0)), int(min(cy + 0.4 * b, h))
    band = lab[r0:r1]
    hair = np.sign((band[:, xs < cx] == HAIR).sum() - (band[:, xs >= cx] == HAIR).sum())
    r0, r1 = int(max(cy + 0.2 * b, 0)), int(min(cy + 0.6 * b, h))
    cols = np.flatnonzero(head[r0:r1].any(axis=0))
    reach = np.sign((cols.max() - cx) - (cx - cols.min())) if cols.size else 0
    band = lab[int(max(cy - 0.1 * b, 0)):int(min(cy + 0.5 * b, h))]
    skin = np.sign((band[:, xs >= cx] == BALD).sum() - (band[:, xs < cx] == BALD).sum())
    return 1 if hair + reach + skin >= 0 else -1
