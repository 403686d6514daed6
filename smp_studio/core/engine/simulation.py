"""A whole simulation: a photo, a design on it, and every stage between.

Photo -> detection -> corrected segmentation -> scale -> head frame ->
hairline -> zone -> dots -> session dots -> pigment -> image.

Each stage is remembered on exactly the values it reads (see :mod:`memo`), so
assigning a new design recomputes only what the change touched: a slider for
the healed state re-renders, a new density re-places the dots, a dragged
hairline rebuilds the zone. That is what keeps a live preview interactive.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from smp_studio.core.analysis.edits import scalp_with_edits, with_edits
from smp_studio.core.analysis.eye_scale import eyes_scale, photo_scale
from smp_studio.core.analysis.face import Face, find_face
from smp_studio.core.analysis.hairline_rules import (face_template, guides, hairline_warnings, mid_frontal_height_mm,
                                                     outline_top)
from smp_studio.core.analysis.head import HeadFrame, head_frame, side_template, template_hairline
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.lit_scalp import density_skin_show
from smp_studio.core.analysis.scalp import Scalp, treatable_scalp
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, Segmentation, segment
from smp_studio.core.engine.dots import Dots, make_candidates, place_dots
from smp_studio.core.engine.drag import patch_dots, patch_zone
from smp_studio.core.engine.dotshape import DirectionField, direction_field
from smp_studio.core.engine.photolook import PhotoLook, estimate_look, skin_detail_sigma
from smp_studio.core.engine.memo import Memo, per_design
from smp_studio.core.engine.pigment import Pigment, pigment_for
from smp_studio.core.engine.views import Views
from smp_studio.core.engine.zones import Zone, treatment_zone, zone_maps
from smp_studio.core.errors import NoScalpError
from smp_studio.core.model.design import Design
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import SIDE_VIEWS, Settings

#: Views in which the face is usually visible: the scale comes from the eyes, templates from the face.
FACE_VIEWS = ("front", *SIDE_VIEWS)


class Simulation(Views):
    """One client photo and the design on it.

    Parameters
    ----------
    photo : Photo
    settings : Settings, optional
        Shorthand for ``design=Design(settings)``.
    design : Design, optional
        The whole design (settings, hairline, corrections, scar, ...).
    segmentation : Segmentation, optional
        The automatic segmentation to use (default: detected on demand).
    hairline : Hairline, optional
        Default: the settings' template placed on the head.
    scar_mask : ndarray bool, optional
        For the scar treatment.
    face : Face or None, optional
        The client's face, when already found (default: looked for in front and
        side views, where the templates then follow the clinical rules).

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> sim = Simulation(load_photo(sample_photo()), Settings(seed=3))
    >>> after = sim.render()
    >>> after.shape == sim.photo.rgb.shape and bool((after != sim.photo.rgb).any())
    True
    >>> sim.design = sim.design.with_settings(state="fresh")  # a new design: only the image is redone
    >>> _ = sim.render(); sim.stage_runs("dots"), sim.stage_runs("session_dots")
    (1, 1)
    """

    def __init__(self, photo: Photo, settings: Settings | None = None, *, design: Design | None = None,
                 segmentation: Segmentation | None = None, hairline: Hairline | None = None, scar_mask=None,
                 crown_center=None, face=..., draft: bool = False, photo_look: PhotoLook | None = None):
        if design is None:
            scar = Layer.from_array(np.asarray(scar_mask, bool), False) if scar_mask is not None else None
            design = Design(settings or Settings(), hairline, scar=scar, detection=segmentation)
        self.photo = photo
        self.design = design
        self.crown_center = crown_center
        self._face_given = face  # ... = look for it when the view shows a face
        self.draft = draft  # a first look, replaced within moments: its shave's maps are made coarser
        self._photo_look = photo_look  # this photo's blur and grain, when estimated already (beside other work)
        self._memo = Memo()
        self._known: dict = {}  # per stage: (design, face given, value), see memo.per_design

    def prepare(self) -> "Simulation":
        """Compute what the first view needs (dots, the photo's look, the shave preview), e.g. in a
        loading thread, so the first paint does not wait. Returns the simulation."""
        _ = self.session_dots(), self.look, self._visibility_map()
        if self.clips_hair():
            self.shaved()
        return self

    def stage_runs(self, name: str) -> int:
        """How many times a stage has been computed (the benchmark and tests read it)."""
        return self._memo.computed.get(name, 0)

    @property
    def settings(self) -> Settings:
        return self.design.settings

    # --- stages ---------------------------------------------------------------------------
    @property
    @per_design
    def detection(self) -> Segmentation:
        """The automatic segmentation (the design's, or detected once)."""
        if self.design.detection is not None:
            return self.design.detection
        return self._memo.get("detection", lambda s, rgb: segment(rgb), self.settings, self.photo.rgb)

    @property
    @per_design
    def edits(self) -> np.ndarray | None:
        return self._memo.get("edits", lambda s, layer: None if layer is None else layer.array(),
                              self.settings, self.design.edits)

    @property
    @per_design
    def segmentation(self) -> Segmentation:
        """The automatic segmentation with the artist's corrections on top."""
        return self._memo.get("segmentation", lambda s, auto, edits: with_edits(auto, edits),
                              self.settings, self.detection, self.edits)

    @property
    def face(self) -> Face | None:
        """The client's face in front and side views (None in other views, or when not visible)."""
        if self.settings.view not in FACE_VIEWS:
            return None
        if self._face_given is not ...:
            return self._face_given
        return self._memo.get("face", lambda s, rgb: find_face(rgb), self.settings, self.photo.rgb)

    @face.setter
    def face(self, face: Face | None) -> None:
        """What :func:`find_face` found on this photo already (by the view classifier): not looked for again."""
        self._face_given = face

    @property
    @per_design
    def scale(self) -> Scale:
        """Pixels per mm on the scalp (see :func:`~smp_studio.core.analysis.eye_scale.photo_scale`)."""
        if self.settings.px_per_mm is not None and self.settings.scale_source != "iris":
            return self._memo.get("scale", photo_scale, self.settings, None, None, None)
        return self._memo.get("scale", photo_scale, self.settings, self.segmentation, self.face, self.found_scalp)

    @property
    def face_scale(self) -> Scale:
        """The scale at the face, for rules measured on it: the eyes' own, unless the artist drew or typed one."""
        s, face = self.settings, self.face
        if not isinstance(face, Face) or (s.px_per_mm is not None and s.scale_source in ("calibrated", "given")):
            return self.scale
        return eyes_scale(face, s)

    @property
    @per_design
    def head_frame(self) -> HeadFrame:
        return self._memo.get("head_frame", lambda s, seg: head_frame(seg.labels != BACKGROUND),
                              self.settings, self.segmentation)

    @property
    @per_design
    def scalp(self) -> Scalp:
        """Where pigment may go at all: the skull, without face, ears, neck or background; and
        where the artist painted bald skin or thinning, whatever those bounds said."""
        return self._memo.get("scalp", lambda s, auto, edits: scalp_with_edits(auto, edits),
                              self.settings, self.found_scalp, self.edits)

    @property
    @per_design
    def found_scalp(self) -> Scalp:
        """The scalp as found, before the artist's brush: what the head's own frame and scale are
        read from (a patch of bald skin painted off the skull moves neither)."""
        return self._memo.get("found_scalp", lambda s, seg, face, rgb: treatable_scalp(seg, view=s.view, face=face,
                                                                                       photo_rgb=rgb),
                              self.settings, self.segmentation, self.face, self.photo.rgb)

    @property
    @per_design
    def hairline(self) -> Hairline | None:
        """The hairline in use: the artist's, or the settings' template placed on the head."""
        return self._hairline_of(self.design)

    def _hairline_of(self, design: Design) -> Hairline | None:
        if design.hairline is not None:
            return design.hairline
        if design.settings.view == "back":
            return None
        face = self.face
        if isinstance(face, Face):  # placed by the clinical rules against the face
            return self._memo.get("face_template", lambda s, f, sc, top: face_template(f, sc, s, top=top),
                                  design.settings, face, self.face_scale, self._face_top(face))
        if design.settings.view in SIDE_VIEWS:
            # Seen from the side the face lies across the photo, and the skull fit is the frame.
            return self._memo.get("template", self._side_template, design.settings, self.found_scalp, self.segmentation)
        place = lambda s, fr, cut: template_hairline(s.hairline_template, fr, view=s.view, front_cut=cut)  # noqa: E731
        return self._memo.get("template", place, design.settings, self.head_frame, self.found_scalp.front_cut)

    @staticmethod
    def _side_template(s, scalp, seg) -> Hairline:
        if scalp.mask.any():
            return side_template(s.hairline_template, scalp.skull, scalp.face_dir)
        frame = head_frame(seg.labels != BACKGROUND, scalp.face_dir)
        return template_hairline(s.hairline_template, frame, view="side")

    @property
    @per_design
    def scar_mask(self) -> np.ndarray | None:
        return self._memo.get("scar", lambda s, layer: None if layer is None else layer.array(),
                              self.settings, self.design.scar)

    def face_guides(self, hairline: Hairline | None = None) -> dict | None:
        """What the studio draws over a face: guides, the midline's height and warnings.

        None when no face is known (top-down and back views, or not visible).
        Otherwise :func:`~smp_studio.core.analysis.hairline_rules.guides` plus
        ``mid_frontal_cm`` (the hairline's midpoint above the glabella, on the
        forehead) and ``warnings`` (gentle, for the artist), for ``hairline``
        (default: the one in use; pass the one being dragged for a live figure).
        """
        face = self.face
        if not isinstance(face, Face):
            return None

        def stage(s, face, scale, line, top):
            out = guides(face, scale, top=top)
            if line is not None:
                out["mid_frontal_cm"] = round(mid_frontal_height_mm(line, face, scale, top=top) / 10, 1)
                out["warnings"] = hairline_warnings(line, face, scale, s, top=top)
            return out

        # The canvas and the panel both ask after every change: computed once for each.
        return self._memo.get("face_guides", stage, self.settings, face, self.face_scale,
                              hairline if hairline is not None else self.hairline, self._face_top(face))

    def _face_top(self, face: Face) -> float | None:
        """How far the head's outline rises above the glabella: it bounds the forehead model."""
        return self._memo.get("face_top", lambda s, f, seg: outline_top(f, seg.labels != BACKGROUND), self.settings,
                              face, self.segmentation)

    @property
    @per_design
    def zone(self) -> Zone:
        """The treatment zone, always inside the treatable scalp (a painted scar excepted).

        Raises
        ------
        NoScalpError
            When the photo shows no bald or thinning scalp (and no scar is painted).
        """
        scar_only = self.settings.treatment == "scar"
        if not scar_only and not self.scalp.has_scalp:
            raise NoScalpError(f"no bald or thinning scalp found in {self.photo.name}")
        maps = self._zone_maps(None if scar_only else self.scalp)
        scalp = None if scar_only else self.scalp
        show = None
        if self.settings.treatment == "density":
            show = self._memo.get("skin_show", lambda s, rgb, seg, sc, scale: density_skin_show(
                rgb, seg.skin_lab, seg.labels, sc.mask, scale.px_per_mm, s.view), self.settings, self.photo.rgb,
                self.segmentation, self.scalp, self.scale)

        def stage(s, seg, scale, hairline, scar, crown, maps, scalp, show):
            patched = self._dragged("zone", 2, (seg, scale, hairline, scar, crown, maps, scalp, show), s)
            if patched is not None:  # a hairline drag: the zone redone near the line alone
                prev, before = patched
                zone = patch_zone(prev, hairline, self.settings, scale, maps, before.face_dir)
                if zone is not None:
                    return zone
            return treatment_zone(seg, s, scale, hairline=hairline, scar_mask=scar, crown_center=crown, maps=maps,
                                  scalp=scalp, skin_show=show)

        return self._memo.get("zone", stage, self.settings, self.segmentation, self.scale, self.hairline,
                              self.scar_mask, self.crown_center, maps, scalp, show)

    def _zone_maps(self, scalp):
        return self._memo.get("zone_maps", lambda s, seg, scale, sc: zone_maps(seg, s, scale, sc), self.settings,
                              self.segmentation, self.scale, scalp)

    @property
    def has_scalp(self) -> bool:
        """False when the photo has no bald or thinning scalp: the studio says so, and inks nothing."""
        return self.scalp.has_scalp

    @property
    def hint(self) -> str:
        """A message for the artist when nothing can be placed yet (empty string otherwise)."""
        if self.settings.treatment != "scar" and not self.scalp.has_scalp:
            return (f"No bald or thinning scalp found in {self.photo.name}. "
                    "Mark the area with the Bald skin brush to treat it.")
        if self.settings.treatment != "scar" and not self.zone.hint and len(self.dots) == 0:
            return ("Nothing to treat with this design: the scalp it covers is under full hair. "
                    "Move the hairline, or mark bald skin with the Bald skin brush.")
        return self.zone.hint

    @property
    @per_design
    def dots(self) -> Dots:
        """Every impression of the finished treatment (none without a scalp: ``hint`` says why)."""
        if self.settings.treatment != "scar" and not self.has_scalp:
            return place_dots(Zone(np.zeros((1, 1), np.float32), np.zeros((1, 1), np.float32), 1.0, None),
                              self.settings, self.scale)
        zone, scale = self.zone, self.scale
        box = zone.bbox()
        if box is None:
            return place_dots(zone, self.settings, scale)
        # The candidates depend on the zone's box, not on the hairline: a drag only re-chooses among them.
        cands = self._memo.get("candidates", lambda s, b, sc: make_candidates(b, s, sc), self.settings, box, scale)
        def stage(s, z, sc, rgb, field, c):
            patched = self._dragged("dots", 0, (z, sc, rgb, field, c), s)
            if patched is not None and z.patch is not None and patched[0].index is not None \
                    and z.patch[0] == id(patched[1]):  # the zone was patched from the one these dots are on
                return patch_dots(patched[0], z, c, self.settings, sc, photo_rgb=rgb, field=field)
            return place_dots(z, s, sc, photo_rgb=rgb, field=field, candidates=c)

        return self._memo.get("dots", stage, self.settings, zone, scale, self.photo.rgb, self.direction_field, cands)

    def _dragged(self, name: str, varying: int, inputs: tuple, recorder):
        """(last result, its input ``varying``) of a stage whose other inputs and settings are these
        (a hairline drag changes one input); None otherwise. The settings the last run read are
        read again, so the stage cache keeps watching them."""
        prev = self._memo.previous(name)
        if prev is None:
            return None
        read, settings, old, result = prev
        if settings is not self.settings or len(old) != len(inputs) \
                or any(a is not b for i, (a, b) in enumerate(zip(old, inputs)) if i != varying):
            return None
        for k in read:
            getattr(recorder, k)
        return result, old[varying]

    @property
    @per_design
    def direction_field(self) -> DirectionField:
        """Which way the skin's furrows and the hair run, and the head's curvature: shapes the dots."""
        return self._memo.get("direction_field", lambda s, rgb, seg: direction_field(rgb, seg.head_mask),
                              self.settings, self.photo.rgb, self.segmentation)

    @property
    @per_design
    def look(self) -> PhotoLook:
        """The photo's own blur and grain, and how fine its bare skin's detail is (every render reuses them)."""
        # Blur, grain and sharpening depend on the photo alone: estimated once. The skin's detail is read
        # on the automatic segmentation's bare skin (not the artist's edits) at the photo's scale, which a
        # calibration or a brush stroke may move: only that small part is read again then.
        base = self._memo.get("photo look", lambda s, rgb: self._photo_look or estimate_look(rgb), self.settings,
                              self.photo.rgb)
        detail = self._memo.get("skin detail", lambda s, rgb, seg, px: skin_detail_sigma(rgb, seg.labels == BALD,
                                                                                          px_per_mm=px),
                                self.settings, self.photo.rgb, self.detection, self.scale.px_per_mm)
        # One object while both are the same: the stages after it know their input by identity.
        return self._memo.get("look", lambda s, b, d: replace(b, detail_sigma=d), self.settings, base, detail)

    def session_dots(self, settings: Settings | None = None) -> Dots:
        """The impressions placed by the end of the (given or current) session."""
        return self._memo.get("session_dots", lambda s, dots: dots.for_session(s), settings or self.settings,
                              self.dots)

    @property
    def pigment(self) -> Pigment:
        return self._pigment(self.settings)

    def _pigment(self, settings: Settings) -> Pigment:
        return self._memo.get("pigment", lambda s, seg, lit: pigment_for(s, seg.hair_lab, seg.skin_lab, scalp_l=lit),
                              settings, self.segmentation, self._scalp_skin_l())

    # --- headless edits: each makes a new design --------------------------------------------
    def update(self, **changes) -> None:
        """Change settings (a new template or view places its own hairline)."""
        self.design = self.design.with_settings(**changes)

    def set_hairline(self, hairline: Hairline | None) -> None:
        self.design = self.design.with_hairline(hairline)

    def set_scar_mask(self, mask) -> None:
        layer = None if mask is None else Layer.from_array(np.asarray(mask, bool), False)
        self.design = self.design.with_layer("scar", layer)

    # --- output ------------------------------------------------------------------------------
    def figures(self):
        """Area, impressions, density and warnings: the one set every output shows."""
        from smp_studio.core.engine.figures import figures

        return self._memo.get("figures", lambda s, zone, dots, hairline, settings: figures(self), self.settings,
                              self.zone, self.dots, self.hairline, self.settings)

    def treatment_area_cm2(self) -> float:
        """Area receiving pigment, weighted as the zone is (see :func:`figures`); 0 without a scalp."""
        if self.settings.treatment != "scar" and not self.has_scalp:
            return 0.0
        return self.figures().area_cm2
