"""Where the head is in the photo, and hairline templates placed on it.

The head frame is the head outline's centre and extent along and across the
direction the face lies in; templates are shapes in that frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smp_studio.core.errors import SettingsError
from smp_studio.core.model.hairline import Hairline, across_dir
from smp_studio.core.model.settings import TEMPLATES

#: Template shapes in head coordinates: u across the head (-1 left .. 1 right),
#: v along the face direction (0 head centre .. 1 front edge of the outline).
#: Per view, because a top-down photo foreshortens the forehead differently from
#: a front one. Points are listed left to right.
TEMPLATE_SHAPES = {
    "juvenile": [(-0.80, 0.50), (-0.55, 0.66), (0.0, 0.74), (0.55, 0.66), (0.80, 0.50)],
    "mature": [(-0.78, 0.30), (-0.52, 0.52), (-0.22, 0.64), (0.0, 0.66), (0.22, 0.64), (0.52, 0.52), (0.78, 0.30)],
    "conservative": [(-0.74, 0.16), (-0.50, 0.40), (-0.20, 0.53), (0.0, 0.55), (0.20, 0.53), (0.50, 0.40), (0.74, 0.16)],
    "feminine": [(-0.84, 0.52), (-0.60, 0.70), (-0.30, 0.77), (0.0, 0.78), (0.30, 0.77), (0.60, 0.70), (0.84, 0.52)],
    "edge-up": [(-0.80, 0.42), (-0.74, 0.66), (-0.35, 0.68), (0.0, 0.68), (0.35, 0.68), (0.74, 0.66), (0.80, 0.42)],
}

#: How far toward the face the template sits in each view (1 = as in TEMPLATES).
VIEW_REACH = {"topdown": 1.0, "front": -0.15, "side": 0.95, "left": 0.95, "right": 0.95, "back": 1.0}



@dataclass(frozen=True)
class HeadFrame:
    """Where the head is: centre, half-breadth and half-length along the face direction."""

    center: tuple
    half_across: float
    half_along: float
    face_dir: tuple = (0.0, 1.0)

    def to_image(self, u, v) -> np.ndarray:
        f = np.array(self.face_dir)
        across = across_dir(f)
        c = np.array(self.center)
        u, v = np.asarray(u, float), np.asarray(v, float)
        return c + np.outer(u * self.half_across, across) + np.outer(v * self.half_along, f)


def head_frame(head_mask: np.ndarray, face_dir=(0.0, 1.0)) -> HeadFrame:
    """The head's frame from its mask (pixels along and across the face direction)."""
    import cv2

    H, W = head_mask.shape
    f = min(1.0, 512 / max(H, W))  # the frame's extent needs no more: 24 MP in milliseconds
    if f < 1.0:
        small = cv2.resize(head_mask.astype(np.uint8), (max(int(W * f), 1), max(int(H * f), 1)),
                           interpolation=cv2.INTER_NEAREST)
        fr = head_frame(small.astype(bool), face_dir)
        sx, sy = W / small.shape[1], H / small.shape[0]
        return HeadFrame((fr.center[0] * sx, fr.center[1] * sy), fr.half_across * sx, fr.half_along * sy, fr.face_dir)
    ys, xs = np.nonzero(head_mask)
    if xs.size == 0:
        h, w = head_mask.shape
        return HeadFrame((w / 2, h / 2), w / 2, h / 2, tuple(face_dir))
    f = np.asarray(face_dir, float)
    f /= np.hypot(*f)
    across = across_dir(f)
    pts = np.stack([xs, ys], 1).astype(np.float64)
    u, v = pts @ across, pts @ f
    ulo, uhi = np.percentile(u, [1, 99])
    vlo, vhi = np.percentile(v, [1, 99])
    cu, cv = (ulo + uhi) / 2, (vlo + vhi) / 2
    center = cu * across + cv * f
    return HeadFrame((float(center[0]), float(center[1])), (uhi - ulo) / 2, (vhi - vlo) / 2, (float(f[0]), float(f[1])))


def template_hairline(name: str, frame: HeadFrame, *, view: str = "topdown",
                      front_cut: float | None = None) -> Hairline:
    """Place a template hairline on the head.

    Parameters
    ----------
    name : {'juvenile', 'mature', 'conservative', 'feminine', 'edge-up'}
    frame : HeadFrame
        From :func:`head_frame` on the segmentation's head mask.
    view : {'topdown', 'front', 'side', 'back'}, keyword-only
    front_cut : float, optional, keyword-only
        The photo row where the scalp ends at a face looking down (``Scalp.front_cut``): a
        line the outline put lower, on the forehead, moves up to it, so the line drawn is
        where the pigment begins.

    Examples
    --------
    >>> fr = HeadFrame((100.0, 100.0), 80.0, 90.0)
    >>> h = template_hairline("mature", fr)
    >>> bool(h.points[3, 1] > h.points[0, 1])  # the midline sits nearer the face than the temples
    True
    """
    if name not in TEMPLATE_SHAPES:
        raise SettingsError(f"unknown hairline template {name!r}; choose one of {', '.join(TEMPLATE_SHAPES)}")
    if view not in VIEW_REACH:
        raise SettingsError(f"unknown view {view!r}; choose one of {', '.join(VIEW_REACH)}")
    uv = np.array(TEMPLATE_SHAPES[name], float)
    reach = VIEW_REACH[view]
    # For a front view the hairline lies above the head's centre (the face fills the rest).
    v = uv[:, 1] * reach if reach >= 0 else (uv[:, 1] - 0.55) * 0.9 + reach
    pts = frame.to_image(uv[:, 0], v)
    if front_cut is not None and frame.face_dir[1] > 0.9:  # (the face below the scalp in the photo)
        pts[:, 1] -= max(float(pts[:, 1].max()) - front_cut, 0.0)
    return Hairline(pts, frame.face_dir, name)


#: Templates seen from the side: (X, Y) per point in the skull fit's frame, X toward the face
#: (1 = the fit's front edge) and Y up (1 = its top; the scalp ends at ``scalp.SIDE_FLOOR``, the
#: ear's top). The line runs up the temple from just below where the scalp ends to the temple's
#: peak, back into the frontotemporal recession, which stays open (shared/domain.md: those angles
#: are not filled in; deeper for the mature and conservative lines, none on the feminine one's
#: rounded corner, squared on the edge-up), and forward over the forehead to end on the outline
#: at the height ``SIDE_ENDS``: a hairline seen in profile. Read off Norwood 2 profiles.
SIDE_SHAPES = {
    "juvenile": [(0.52, 0.22), (0.55, 0.36), (0.53, 0.45), (0.64, 0.52)],
    "mature": [(0.46, 0.22), (0.49, 0.36), (0.42, 0.50), (0.56, 0.58)],
    "conservative": [(0.42, 0.22), (0.45, 0.36), (0.36, 0.54), (0.50, 0.64)],
    "feminine": [(0.57, 0.22), (0.58, 0.32), (0.63, 0.45), (0.73, 0.52)],
    "edge-up": [(0.56, 0.22), (0.56, 0.44), (0.60, 0.50), (0.72, 0.53)],
}
SIDE_ENDS = {"juvenile": 0.56, "mature": 0.63, "conservative": 0.71, "feminine": 0.56, "edge-up": 0.55}


def side_template(name: str, skull, face_dir) -> Hairline:
    """A template hairline in profile, placed on the skull fit ``((cx, cy), (a, b))`` (photo pixels).

    ``face_dir`` is (±1, 0): the side of the photo the face is on. The line
    ends on the fit's outline over the forehead; what lies behind it (away
    from the face) is treated.

    Examples
    --------
    >>> h = side_template("mature", ((200.0, 200.0), (100.0, 110.0)), (1.0, 0.0))
    >>> bool(h.points[-1, 0] > h.points[0, 0] > 200), bool(h.points[-1, 1] < h.points[0, 1])
    (True, True)
    >>> l = side_template("mature", ((200.0, 200.0), (100.0, 110.0)), (-1.0, 0.0))
    >>> bool(abs(l.points[0, 0] - (400 - h.points[0, 0])) < 1e-9)  # mirrored for a face on the left
    True
    """
    if name not in SIDE_SHAPES:
        raise SettingsError(f"unknown hairline template {name!r}; choose one of {', '.join(SIDE_SHAPES)}")
    (cx, cy), (a, b) = skull
    sgn = 1.0 if face_dir[0] >= 0 else -1.0
    end = SIDE_ENDS[name]
    xy = np.array(SIDE_SHAPES[name] + [(np.sqrt(1.0 - end**2), end)], float)
    pts = np.column_stack([cx + sgn * xy[:, 0] * a, cy - xy[:, 1] * b])
    return Hairline(pts, (sgn, 0.0), name)


assert tuple(TEMPLATE_SHAPES) == TEMPLATES == tuple(SIDE_SHAPES) == tuple(SIDE_ENDS), "every template has its shapes here"
