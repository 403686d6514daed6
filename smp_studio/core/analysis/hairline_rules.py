"""Hairlines placed by the rules artists and surgeons use, against the face.

The mid-frontal point sits a set height above the glabella (juvenile ~7 cm,
mature ~8, conservative ~9.5, feminine ~7: settings); the frontotemporal
corners sit on the verticals through the outer eye corners (Garg's 8-8-8
construction). Heights are measured *on the forehead*, which slopes away
from a camera facing the face: a head model from the face mesh turns
millimetres on the skin into pixels in the photo.

The head model is the mesh's own midline (glabella up to the top of the mesh,
in 3-D) continued as an arc of the skull (radius ``SKULL_RADIUS_MM``) curving
away from the face. The head's outline in the photo bounds it: a model whose
skull rises above the outline over the forehead is squeezed down onto it
(a mesh reading a face squashed by the photo, or bent down, as a forehead
turned to the camera put 8 cm at the top of a bald head, the scalp below it
left bare as "forehead").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from smp_studio.core.analysis.face import Face
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

#: Mesh points up the forehead's midline, from the glabella to the top of the mesh.
MIDLINE = (9, 151, 10)
#: Sagittal radius of the frontal bone beyond the mesh (mm): adults ~ 85-110.
SKULL_RADIUS_MM = 95.0
#: Least share of the model's height above the glabella the head's outline can squeeze it to (a
#: photo stretched 16:9 to a square; an outline lower than that is a segmentation that lost the top).
SQUASH_MIN = 0.55
#: A frontotemporal corner less than this far (mm) above the midline counts as filled in.
FILLED_ANGLE_MM = 3.0

#: Template shapes: (across, height) per point, left to right. ``across`` is a multiple of
#: the half-distance between the outer eye corners (1 = on the vertical through an
#: outer eye corner); ``height`` is mm above the template's mid-frontal height.
SHAPES = {
    # Low and straight-ish, corners barely recessed.
    "juvenile": [(-1.45, -12), (-1.0, 6), (-0.5, 2), (0.0, 0), (0.5, 2), (1.0, 6), (1.45, -12)],
    # Corners recessed 1.5-2 cm above the midline: the frontotemporal angles stay open.
    "mature": [(-1.35, 0), (-1.0, 16), (-0.5, 6), (0.0, 0), (0.5, 6), (1.0, 16), (1.35, 0)],
    "conservative": [(-1.3, 4), (-1.0, 20), (-0.5, 8), (0.0, 0), (0.5, 8), (1.0, 20), (1.3, 4)],
    # Rounded, the temples brought down and forward.
    "feminine": [(-1.5, -22), (-1.0, -2), (-0.5, 1), (0.0, 0), (0.5, 1), (1.0, -2), (1.5, -22)],
    # Straight across, squared corners.
    "edge-up": [(-1.3, -22), (-1.15, 0), (-0.5, 0), (0.0, 0), (0.5, 0), (1.15, 0), (1.3, -22)],
}


@dataclass(frozen=True)
class ForeheadModel:
    """Where a point so many mm up the forehead lands in the photo.

    Built from a face mesh and the photo's scale; see :func:`forehead_model`.
    """

    origin: np.ndarray  # glabella (x, y, z) in px
    path: np.ndarray  # (N, 3) mesh midline from the glabella up, px
    tangent: np.ndarray  # unit 3-D direction up the skin at the top of the mesh
    inward: np.ndarray  # unit 3-D direction into the head there
    across: np.ndarray  # unit 3-D direction from image-left eye to image-right eye
    px_per_mm: float
    up2: tuple = (0.0, -1.0)  # the face's up in the photo
    squash: float = 1.0  # image heights above the glabella scaled by this (the outline's bound)

    def up_point(self, height_mm: float) -> np.ndarray:
        """3-D point ``height_mm`` up the forehead midline from the glabella (px)."""
        return self.up_points(np.array([float(height_mm)]))[0]

    def up_points(self, heights_mm) -> np.ndarray:
        """(N, 3) points at each of ``heights_mm`` up the midline (one pass, no loop per height)."""
        s = np.asarray(heights_mm, float) * self.px_per_mm
        seg = np.diff(self.path, axis=0)
        lens = np.linalg.norm(seg, axis=1)
        cum = np.concatenate([[0.0], np.cumsum(lens)])
        i = np.clip(np.searchsorted(cum, s) - 1, 0, len(seg) - 1)
        on_mesh = self.path[i] + seg[i] * ((s - cum[i]) / np.maximum(lens[i], 1e-9))[:, None]
        r = SKULL_RADIUS_MM * self.px_per_mm
        a = ((s - cum[-1]) / r)[:, None]
        over = self.path[-1] + r * np.sin(a) * self.tangent + r * (1 - np.cos(a)) * self.inward
        return np.where((s <= cum[-1])[:, None], on_mesh, over)

    def image_point(self, height_mm: float, across_px: float = 0.0) -> np.ndarray:
        """Image ``(x, y)`` of the point ``height_mm`` up and ``across_px`` to the side."""
        p = self.up_point(height_mm)
        return self.to_image((p + self.across * across_px)[None])[0]

    def to_image(self, pts) -> np.ndarray:
        """(N, 2) photo points of (N, 3) model points, heights above the glabella squashed."""
        q, up = np.asarray(pts, float)[:, :2] - self.origin[:2], np.asarray(self.up2, float)
        q = q + (self.squash - 1.0) * (q @ up)[:, None] * up
        return q + self.origin[:2]

    def height_of(self, xy):
        """How many mm above the glabella, along the forehead, an image point (or (N, 2) points) sits."""
        proj, hs, up = self._profile
        h = np.interp((np.asarray(xy, float) - self.origin[:2]) @ up, proj, hs)
        return float(h) if h.ndim == 0 else h

    @cached_property
    def _profile(self):
        # Once per model: the warnings measure every curve point near the temples against it.
        hs = np.linspace(-20, 200, 441)
        pts = self.to_image(self.up_points(hs))
        up = pts[-1] - pts[0]
        up /= max(np.linalg.norm(up), 1e-9)
        return (pts - self.origin[:2]) @ up, hs, up


def forehead_model(face: Face, scale: Scale, *, top: float | None = None) -> ForeheadModel:
    """The forehead of this face as a surface to measure on.

    ``top``: how far the head's outline rises above the glabella over the midline (photo px,
    :func:`outline_top`); a model rising higher is squashed down to it.

    Examples
    --------
    >>> import numpy as np
    >>> from smp_studio.core.analysis.face import Face
    >>> lm = np.zeros((468, 3)); lm[:, 0] = 100
    >>> lm[9] = (100, 200, 0); lm[151] = (100, 150, 5); lm[10] = (100, 100, 15)
    >>> lm[33] = (50, 210, 10); lm[263] = (150, 210, 10); lm[152] = (100, 330, 5)
    >>> f = Face(lm, np.array([[65.0, 210], [135.0, 210]]), (12.0, 12.0), 0.0, 0.0, 0.0, 1.0)
    >>> m = forehead_model(f, Scale(2.0))
    >>> y40, y80 = m.image_point(40)[1], m.image_point(80)[1]
    >>> bool(200 - y40 > y40 - y80)  # the second 4 cm climb less in the photo: the head curves away
    True
    >>> bool(forehead_model(f, Scale(2.0), top=150.0).image_point(80)[1] > y80)  # a lower outline
    True
    """
    L = face.landmarks
    path = L[list(MIDLINE)].astype(float)
    across = L[263] - L[33]
    across /= max(np.linalg.norm(across), 1e-9)
    down = L[152] - L[10]
    down -= across * (down @ across)
    down /= max(np.linalg.norm(down), 1e-9)
    back = np.cross(across, down)
    back /= max(np.linalg.norm(back), 1e-9)
    tangent = path[-1] - path[-2]
    tangent -= across * (tangent @ across)
    tangent /= max(np.linalg.norm(tangent), 1e-9)
    inward = back - tangent * (back @ tangent)
    n = np.linalg.norm(inward)
    inward = inward / n if n > 1e-6 else back
    up2 = np.asarray(face.up, float)
    model = ForeheadModel(path[0].copy(), path, tangent, inward, across, float(scale.px_per_mm), tuple(up2))
    if top is None:
        return model
    rise = float(np.max((model.to_image(model.up_points(np.arange(0.0, 301.0, 2.0))) - path[0, :2]) @ up2))
    if rise <= top or rise <= 0:
        return model
    return replace(model, squash=max(top / rise, SQUASH_MIN))


def outline_top(face: Face, head: np.ndarray) -> float | None:
    """How far (px) the head's outline rises above the glabella along the face's up, over the
    forehead's midline (within a quarter of the eyes' half-span); None when the head runs off the
    photo there, its top unseen, or no head lies above the glabella."""
    up = np.asarray(face.up, float)
    half = float(np.linalg.norm(face.outer_eye_corners[1] - face.outer_eye_corners[0])) / 2
    g = np.asarray(face.glabella, float)
    xs, ys = _strip(head.shape, g, np.array([-up[1], up[0]]), 0.25 * half)
    d = np.stack([xs, ys], 1) - g
    on = head[ys, xs]
    if not on.any() or ys[on].min() <= 1:
        return None
    rise = float((d[on] @ up).max())
    return rise if rise > 0 else None


def _strip(shape, g, across, w):
    """The pixels (xs, ys) of an image of ``shape`` less than ``w`` from the line through ``g`` at
    right angles to ``across`` (a unit vector): walked a row (or a column) at a time over the few
    pixels each crosses, not over the whole photo (at 12 MP that took a quarter of a second)."""
    H, W = shape
    k = 0 if abs(across[0]) >= abs(across[1]) else 1  # the axis the strip crosses most squarely
    n_lines, n_along = (H, W) if k == 0 else (W, H)
    lines = np.arange(n_lines)
    t = (lines - g[1 - k]) * across[1 - k]  # the cross offset of each line's start
    ends = np.stack([(-w - t) / across[k], (w - t) / across[k]], 1) + g[k]
    first = np.floor(ends.min(axis=1)).astype(np.int64)
    span = np.arange(int(np.ceil(2 * w / abs(across[k]))) + 3)
    along = first[:, None] + span[None, :]
    line = np.broadcast_to(lines[:, None], along.shape)
    keep = (along >= 0) & (along < n_along)
    along, line = along[keep], line[keep]
    xs, ys = (along, line) if k == 0 else (line, along)
    near = np.abs((np.stack([xs, ys], 1) - g) @ across) < w
    return xs[near], ys[near]


def face_template(face: Face, scale: Scale, settings: Settings, *, top: float | None = None) -> Hairline:
    """The settings' template placed against the face by the clinical rules.

    The midline sits ``settings.template_height_mm`` above the glabella (plus
    the early sessions' offset); the corners on the verticals through the
    outer eye corners. ``top``: see :func:`forehead_model`.
    """
    model = forehead_model(face, scale, top=top)
    up = face.up
    across = np.array([-up[1], up[0]])
    g = face.glabella
    # Across the face: the glabella at 0, the outer eye corners at -1 and 1 (a turned head
    # makes the two sides unequal in the photo).
    left, right = ((c - g) @ across for c in face.outer_eye_corners)
    base = settings.template_height_mm
    shape = SHAPES.get(settings.hairline_template, SHAPES["mature"])
    pts = []
    for u, dh in shape:
        p = model.image_point(base + dh)
        offset = u * (-left if u < 0 else right)
        pts.append(p + across * (offset - (p - g) @ across))
    # The line is on the scalp side; the face lies below it (toward the chin).
    return Hairline(np.array(pts), tuple(-face.up), settings.hairline_template)


def mid_frontal_height_mm(hairline: Hairline, face: Face, scale: Scale, *, top: float | None = None) -> float:
    """How far above the glabella, on the forehead, the hairline crosses the midline (mm)."""
    return _midline_height(*_across_face(hairline, face, scale, top))


def _midline_height(model, c, u) -> float:
    return model.height_of(c[int(np.argmin(np.abs(u)))])


def _across_face(hairline: Hairline, face: Face, scale: Scale, top=None):
    """The forehead model, the hairline's curve, and each curve point's offset across the face from the glabella."""
    model = forehead_model(face, scale, top=top)
    c = hairline.curve()
    up = face.up
    across = np.array([-up[1], up[0]])
    return model, c, (c - face.glabella) @ across


def hairline_warnings(hairline: Hairline, face: Face, scale: Scale, settings: Settings, *,
                      top: float | None = None) -> list[str]:
    """Gentle warnings about a design: too low a midline, filled-in frontotemporal angles."""
    out = []
    model, c, u = _across_face(hairline, face, scale, top)  # (once: the curve and its forehead profile)
    h = _midline_height(model, c, u)
    if h < settings.low_hairline_warning_mm - 0.5:  # a template placed at the limit is not "lower"
        out.append(f"The hairline's midpoint sits {h / 10:.1f} cm above the glabella; designs lower than "
                   f"{settings.low_hairline_warning_mm / 10:.1f} cm often look unnatural with age.")
    half = float(np.linalg.norm(face.outer_eye_corners[1] - face.outer_eye_corners[0])) / 2
    filled = []
    for side in (-1, 1):
        near = np.abs(u - side * half) < 0.08 * half
        if near.any():
            corner = float(np.max(model.height_of(c[near])))
            if corner < h + FILLED_ANGLE_MM:  # an open angle sits above the midline
                filled.append(side)
    # Women keep a rounded hairline: no recession is expected at their temples.
    if filled and settings.hairline_template != "feminine":
        out.append("The frontotemporal angles are filled in: natural hairlines recede a little at the temples, "
                   "above the outer corners of the eyes.")
    return out


def guides(face: Face, scale: Scale, *, heights_mm=(70.0, 80.0, 95.0), top: float | None = None) -> dict:
    """Geometry for the studio's guides, in photo pixels.

    Returns a dict with ``glabella`` (x, y); ``eye_verticals``: two segments
    ``[(x0, y0), (x1, y1)]`` through the outer eye corners, upward; and
    ``thirds``: segments across the face at the glabella and at the nose base
    (the lines between the facial thirds; the top third ends at the hairline),
    ``heights``: {mm: (x, y)} points up the forehead midline. ``top``: see :func:`forehead_model`.
    """
    model = forehead_model(face, scale, top=top)
    up = face.up
    across = np.array([-up[1], up[0]])
    half = float(np.linalg.norm(face.outer_eye_corners[1] - face.outer_eye_corners[0])) / 2
    reach = model.image_point(max(heights_mm) + 20)
    length = float(np.linalg.norm(reach - face.glabella)) + half * 0.3
    verticals = [[tuple(map(float, p)), tuple(map(float, p + up * length))] for p in face.outer_eye_corners]
    thirds = [[tuple(map(float, c - across * half * 1.4)), tuple(map(float, c + across * half * 1.4))]
              for c in (face.glabella, face.nose_base)]
    return {"glabella": tuple(map(float, face.glabella)), "eye_verticals": verticals, "thirds": thirds,
            "heights": {float(h): tuple(map(float, model.image_point(h))) for h in heights_mm}}
