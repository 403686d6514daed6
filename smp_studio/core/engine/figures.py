"""The figures a client is quoted: one set, from one zone, for every output.

The CLI summary, the studio's status bar, the handout and the price tier all
read :func:`figures`, so the area, the impression count and the density they
show always agree with each other and with the rendered dots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smp_studio.core.analysis.eye_scale import bowed_head
from smp_studio.core.analysis.scalp import HEAD_LENGTH_MM
from smp_studio.core.engine.dots import transition
from smp_studio.core.model.scale import HEAD_BREADTH_MM
from smp_studio.core.model.settings import SIDE_VIEWS, Settings

#: Largest scalp area (cm²) a single photo can show; beyond it the scale is suspect.
MAX_PLAUSIBLE_CM2 = 300.0
#: How much larger than the skull fit's area a zone may be before it is "far larger than the head".
MAX_SKULL_SHARE = 1.2
#: Head breadths (cm) a scale may imply before it is suspect (adults are about 14-16 cm).
BREADTH_CM = (10.0, 22.0)
#: Share of the impressions that may land on the face before it is worth a warning.
FACE_SHARE = 0.005


@dataclass(frozen=True)
class Figures:
    """Treated area, impressions and density of one design.

    Attributes
    ----------
    area_cm2 : float
        Area that receives pigment, each part weighted by its density (a
        fading edge or the sparse hairline band counts in proportion), in cm²
        on the scalp.
    impressions : int
        Impressions of the whole treatment (after the last session).
    per_session : tuple of int
        Impressions placed by the end of each session.
    density : float
        ``impressions / area_cm2``: stays near the chosen density.
    chosen_density : float
        The body density the settings ask for, per cm².
    warnings : tuple of str
        Pigment somewhere unusual (the face; an area larger than the head
        suggests); empty when all is well.
    hint : str
        Why nothing is placed, when nothing is (e.g. no scar painted yet).
    area_note : str
        What a reader of the area should know with it (e.g. that the photo's
        angle makes it read large); empty when nothing.
    """

    area_cm2: float
    impressions: int
    per_session: tuple
    density: float
    chosen_density: float
    warnings: tuple = ()
    hint: str = ""
    area_note: str = ""


def figures(sim) -> Figures:
    """The figures of a :class:`~smp_studio.core.engine.simulation.Simulation`.

    Raises NoScalpError when the photo has no bald or thinning scalp.

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> from smp_studio.core.engine.simulation import Simulation
    >>> fg = figures(Simulation(load_photo(sample_photo()), Settings()))
    >>> 0.8 < fg.impressions / fg.area_cm2 / fg.chosen_density < 1.2
    True
    """
    s = sim.settings
    zone = sim.zone
    scale = sim.scale
    area_px = _weighted_area_px(zone, s)
    area = scale.px_area_to_cm2(area_px)
    per = tuple(sim.dots.count_for_session(s.with_(session=k)) for k in range(1, s.sessions + 1))
    total = per[-1]
    warnings = []
    note = ""
    warnings += _face_warnings(sim)
    (a, b) = sim.scalp.skull[1]
    skull_cm2 = scale.px_area_to_cm2(np.pi * a * b)
    if area > MAX_PLAUSIBLE_CM2:
        warnings.append(f"The treated area ({area:.0f} cm²) is more than any one photo of a scalp can show: "
                        "check the scale (calibrate with a line of known length).")
    elif area > MAX_SKULL_SHARE * skull_cm2 and skull_cm2 > 0:
        warnings.append(f"The treated area ({area:.0f} cm²) is far larger than the head in the photo suggests "
                        f"(about {skull_cm2:.0f} cm²): check the scar or scalp mask.")
    breadth_cm = 2 * a / scale.px_per_mm / 10
    lo, hi = BREADTH_CM
    side = s.view in SIDE_VIEWS  # (the skull fit reads the head's length there)
    adult_cm, size = (HEAD_LENGTH_MM if side else HEAD_BREADTH_MM) / 10, "long" if side else "wide"
    pitch = getattr(sim.face, "pitch", 0.0)  # (None, or a face without a pose: not bowed)
    if scale.source == "head" and bowed_head(sim.face_scale, scale, pitch=pitch) and total:
        # A face was found, yet its eyes would make the head far larger than an adult's: they lie
        # farther from the camera than the bowed scalp (eye_scale.scalp_scale), and the head's own
        # size set the scale instead.
        eyes_cm = 2 * a / sim.face_scale.px_per_mm / 10
        warnings.append(f"The head is bowed toward the camera: its eyes are farther away than its scalp, and at "
                        f"their scale the head would be {eyes_cm:.0f} cm {size} (adults: about {adult_cm:.0f} cm). "
                        f"The area is measured at the head's own size instead; calibrate on the scalp for an "
                        f"exact quote.")
        note = f"the photo looks down on a bowed head: measured at the head's own size (about {adult_cm:.0f} cm {size})"
    elif not lo <= breadth_cm <= hi and total:
        warnings.append(f"At this scale the head would be {breadth_cm:.0f} cm wide (adults: about 15 cm): "
                        "the area and impression count are likely wrong; check the calibration.")
    return Figures(area_cm2=float(area), impressions=int(total), per_session=per,
                   density=float(total / area) if area > 0 else 0.0, chosen_density=float(s.placed_density_per_cm2),
                   warnings=tuple(warnings), hint=sim.hint, area_note=note)


def _weighted_area_px(zone, s: Settings) -> float:
    """The zone's area in photo pixels, each weighted by its share of the full density.

    Only a band along the hairline is partly dense (the transition behind it, the scatter
    ahead); the rest is all or nothing, so the transition is worked out on that band alone.
    """
    box = zone.bbox()
    if box is None:
        return 0.0
    f = zone.factor
    x0, y0 = max(int(box[0] * f) - 1, 0), max(int(box[1] * f) - 1, 0)
    x1, y1 = int(np.ceil(box[2] * f)) + 1, int(np.ceil(box[3] * f)) + 1
    d, w = zone.depth_mm[y0:y1, x0:x1], zone.weight[y0:y1, x0:x1]  # nothing outside has weight
    whole = d >= max(s.transition_mm, 1e-3)  # behind the transition (and everywhere without a line)
    band = ~whole & (d > -s.scatter_mm if s.scatter_mm > 0 else d >= 0)
    area = float(np.sum(w, where=whole, dtype=np.float64))
    if band.any():
        area += float(np.sum(w[band] * transition(d[band], s)["density"], dtype=np.float64))
    return area / zone.factor**2


def _face_warnings(sim) -> list[str]:
    face = sim.scalp.face
    if not face.any():
        return []
    out = []
    dots = sim.dots
    if len(dots):
        f = sim.scalp.factor
        h, w = face.shape
        xi = np.clip((dots.xy[:, 0] * f).astype(int), 0, w - 1)
        yi = np.clip((dots.xy[:, 1] * f).astype(int), 0, h - 1)
        n = int(face[yi, xi].sum())
        if n > FACE_SHARE * len(dots):
            out.append(f"{n:,} impressions would land on the face: check the scar mask or the hairline.")
    hl = sim.hairline
    if hl is not None:
        f = sim.scalp.factor
        h, w = face.shape
        p = hl.points * f
        inside = (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)
        pi = p[inside].astype(int)
        if len(pi) and face[pi[:, 1], pi[:, 0]].mean() > 0.25:
            out.append("The hairline runs onto the face (below the brows): pigment stops at the brows, "
                       "so the design shows higher than drawn.")
    return out
