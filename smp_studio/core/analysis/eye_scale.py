"""Scale from the eye: pixels per mm from the iris, cross-checked by the pupils' distance."""

from __future__ import annotations

import math

import numpy as np

from smp_studio.core.analysis.face import Face
from smp_studio.core.model.scale import Scale

#: Typical adult visible iris diameter and distance between the pupils (mm); settings override them.
IRIS_DIAMETER_MM = 11.7
INTERPUPILLARY_MM = 63.0
#: The iris and the pupils' distance must agree this well (share) for the iris to count.
IRIS_AGREEMENT = 0.15
#: How much broader than an adult's (about 15 cm) the head may read at the eyes' scale before
#: the eyes are taken to lie farther from the camera than the scalp: 1.3 is a 19.5 cm head,
#: wider than any adult's with short hair.
EYES_BEHIND_SCALP = 1.3
#: ... and only for a face looking down at least this far (degrees of pitch): a head upright in
#: front of the camera has its eyes at the scalp's depth, and a wide outline there is hair, a
#: hood or shoulders in the fit, not a nearer scalp.
BOWED_PITCH = 25.0


def face_scale(face: Face, *, iris_diameter_mm: float = IRIS_DIAMETER_MM,
               interpupillary_mm: float = INTERPUPILLARY_MM) -> Scale:
    """Pixels per mm from the eyes: the iris, cross-checked by the distance between the pupils.

    The iris is a steadier standard across people (11.7 mm +- 0.5) but only a
    dozen pixels across in a small photo; the pupils' distance varies more
    (63 mm +- 4) but is measured over many pixels. When the two agree within
    15 % their mean is used; otherwise the pupils' distance, which a few
    pixels of error cannot throw off.

    Examples
    --------
    >>> import numpy as np
    >>> f = Face(np.zeros((468, 3)), np.array([[0.0, 0.0], [630.0, 0.0]]), (117.0, 117.0), 0.0, 0.0, 0.0, 1.0)
    >>> s = face_scale(f)
    >>> round(s.px_per_mm, 2), s.source
    (10.0, 'iris')
    """
    # Turning the head foreshortens both measures across the face.
    cos_yaw = max(math.cos(math.radians(face.yaw)), 0.5)
    ipd = face.interpupillary_px / cos_yaw / interpupillary_mm
    iris = max(face.iris_diameters_px) / iris_diameter_mm
    if iris > 0 and abs(iris / ipd - 1) < IRIS_AGREEMENT:
        value = (iris + ipd) / 2
    else:
        value = ipd
    return Scale(float(np.clip(value, 0.05, 1000)), "iris")


def scalp_scale(eyes: Scale, head: Scale, *, pitch: float) -> Scale:
    """The scale on the scalp, from the eyes' scale and the head's breadth.

    The eyes set the scale at their own depth. A head bowed toward a close
    camera brings the scalp nearer than the eyes, so the scalp reads larger
    than the eyes' scale says, and so would its area and price: the front
    sample's head would be 23 cm wide at its eyes' scale. When a face looking
    down (``pitch``, degrees, at least :data:`BOWED_PITCH`) makes the head at
    its eyes' scale broader than :data:`EYES_BEHIND_SCALP` times an adult
    head, the head's breadth, measured at the scalp's own depth, sets it.

    Examples
    --------
    >>> scalp_scale(Scale(3.0, "iris"), Scale(3.3, "head"), pitch=70).source
    'iris'
    >>> scalp_scale(Scale(2.3, "iris"), Scale(3.6, "head"), pitch=70).source
    'head'
    >>> scalp_scale(Scale(2.3, "iris"), Scale(3.6, "head"), pitch=5).source  # upright: big hair, a hood
    'iris'
    """
    return head if bowed_head(eyes, head, pitch=pitch) else eyes


def bowed_head(eyes: Scale, head: Scale, *, pitch: float) -> bool:
    """Whether a face looking down ``pitch`` degrees has its eyes farther from the camera than
    its scalp: at the ``eyes``' scale the head would be broader than :data:`EYES_BEHIND_SCALP`
    times the adult head the ``head`` scale assumes (see :func:`scalp_scale`).

    >>> bowed_head(Scale(2.3, "iris"), Scale(3.6, "head"), pitch=70), bowed_head(Scale(3.0), Scale(3.3), pitch=70)
    (True, False)
    """
    return pitch >= BOWED_PITCH and head.px_per_mm > EYES_BEHIND_SCALP * eyes.px_per_mm


def eyes_scale(face: Face, settings) -> Scale:
    """:func:`face_scale` with the iris and the pupils' distance that ``settings`` hold."""
    return face_scale(face, iris_diameter_mm=settings.iris_diameter_mm, interpupillary_mm=settings.interpupillary_mm)


def photo_scale(settings, seg, face, scalp) -> Scale:
    """Pixels per mm on the scalp of one photo.

    The artist's (given or calibrated, in ``settings``) wins; else the eyes'
    when a face is found (:func:`scalp_scale`: not for a bowed head's
    scalp), else the skull fit's breadth, else the head cut's. An eyes' scale
    kept in the settings (a re-detection keeps the scale; older projects
    kept the eyes' for a bowed head too) is checked against the head the same
    way. ``seg``, ``face`` and ``scalp`` may be None when the settings hold
    the artist's scale.
    """
    s = settings
    pinned = None if s.px_per_mm is None else Scale(s.px_per_mm, s.scale_source)
    if pinned is not None and (s.scale_source != "iris" or not isinstance(face, Face)):
        return pinned
    if isinstance(face, Face):
        eyes = pinned or eyes_scale(face, s)
        return scalp_scale(eyes, scalp.estimated_scale(s.view), pitch=face.pitch) if scalp.mask.any() else eyes
    if scalp.mask.any():
        # The skull, not the head cut's outline: ears, neck and shoulders would inflate the breadth.
        return scalp.estimated_scale(s.view)
    return seg.estimated_scale()
