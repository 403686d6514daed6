"""A whole simulation, stage by stage, recomputing only what a change touches.

Photo -> segmentation -> scale -> hairline -> zone -> dots -> pigment -> image.
Changing the state, session or tone re-renders only; changing the density or
seed re-places the dots; moving the hairline rebuilds the zone. This is what
keeps a live preview interactive.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from smp_studio.core.engine.dots import Dots, place_dots
from smp_studio.core.analysis.face import Face, face_scale, find_face
from smp_studio.core.analysis.hairline_rules import face_template, guides, hairline_warnings, mid_frontal_height_mm
from smp_studio.core.analysis.head import head_frame, template_hairline
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.engine.pigment import Pigment, pigment_for
from smp_studio.core.engine.render import View, render
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.segmentation import BACKGROUND, Segmentation, segment
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.zones import Zone, treatment_zone

VISIBILITY_SIZE = 2048  # long side of the cached skin-visibility map

#: Settings that only change how dots are drawn, not where they are.
RENDER_ONLY = {"state", "aged_years", "session", "hair_color", "dilution", "session_darkness", "sessions",
               "session_density", "hairline_step_mm", "scale_source"}
#: Settings the zone depends on (the seed too: it draws the hairline's waves).
#: Anything else that is not render-only changes the dots alone.
#: Views in which the face is usually visible: the scale comes from the eyes, templates from the face.
FACE_VIEWS = ("front", "left", "right", "side")
ZONE_KEYS = {"treatment", "view", "juvenile_height_mm", "mature_height_mm", "conservative_height_mm",
             "feminine_height_mm", "iris_diameter_mm", "interpupillary_mm", "blend_mm", "hairline_band_mm", "crown_radius_mm", "macro_irregularity_mm",
             "macro_wavelength_mm", "px_per_mm", "hairline_template", "seed"}


class Simulation:
    """One client photo and the design on it.

    Parameters
    ----------
    photo : Photo
    settings : Settings, optional
    segmentation : Segmentation, optional
        A corrected segmentation (default: computed automatically).
    hairline : Hairline, optional
        Default: the settings' template placed on the head.
    scar_mask : ndarray bool, optional
        For the scar treatment.
    face : Face or None, optional
        The client's face, when already found (default: looked for in front
        and side views, where the scale then comes from the eyes and the
        templates from the clinical rules).

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> sim = Simulation(load_photo(sample_photo()), Settings(seed=3))
    >>> after = sim.render()
    >>> after.shape == sim.photo.rgb.shape and bool((after != sim.photo.rgb).any())
    True
    """

    def __init__(self, photo: Photo, settings: Settings | None = None, *, segmentation: Segmentation | None = None,
                 hairline: Hairline | None = None, scar_mask=None, crown_center=None, face=...):
        self.photo = photo
        self._face = face  # ... = not looked for yet
        self.settings = settings or Settings()
        self._seg = segmentation
        self._hairline = hairline
        self.scar_mask = scar_mask
        self.crown_center = crown_center
        self._zone: Zone | None = None
        self._dots: Dots | None = None
        self._visibility: tuple[np.ndarray, float] | None = None
        self._view_cache: tuple | None = None  # (view, size, base, visibility) of the last view
        self._session_cache: tuple | None = None  # (layout, session key, that session's dots)

    # --- stages ---------------------------------------------------------------
    @property
    def segmentation(self) -> Segmentation:
        if self._seg is None:
            self._seg = segment(self.photo.rgb)
        return self._seg

    @property
    def face(self) -> Face | None:
        """The client's face in front and side views (None in other views, or when not visible)."""
        if self.settings.view not in FACE_VIEWS:
            return None if self._face is ... else self._face
        if self._face is ...:
            self._face = find_face(self.photo.rgb)
        return self._face

    @property
    def scale(self) -> Scale:
        """Pixels per mm: given or calibrated, else from the eyes, else from the head's breadth."""
        if self.settings.px_per_mm is not None:
            return Scale(self.settings.px_per_mm, self.settings.scale_source)
        if self.face is not None:
            return face_scale(self.face, iris_diameter_mm=self.settings.iris_diameter_mm,
                              interpupillary_mm=self.settings.interpupillary_mm)
        return self.segmentation.estimated_scale()

    @property
    def hairline(self) -> Hairline | None:
        """The hairline in use (a template until the artist sets one)."""
        if self._hairline is None and self.settings.view != "back":
            if self.face is not None:
                self._hairline = face_template(self.face, self.scale, self.settings)
                return self._hairline
            frame = head_frame(self.segmentation.labels != BACKGROUND)
            self._hairline = template_hairline(self.settings.hairline_template, frame, view=self.settings.view)
        return self._hairline

    def face_guides(self, hairline: Hairline | None = None) -> dict | None:
        """What the studio draws over a face: guides, the midline's height and warnings.

        None when no face is known (top-down and back views, or not visible).
        Otherwise :func:`~smp_studio.core.analysis.hairline_rules.guides` plus
        ``mid_frontal_cm`` (the hairline's midpoint above the glabella, on the
        forehead) and ``warnings`` (gentle, for the artist), for ``hairline``
        (default: the one in use; pass the one being dragged for a live figure).
        """
        face = self.face
        if face is None:
            return None
        out = guides(face, self.scale)
        line = hairline if hairline is not None else self.hairline
        if line is not None:
            out["mid_frontal_cm"] = round(mid_frontal_height_mm(line, face, self.scale) / 10, 1)
            out["warnings"] = hairline_warnings(line, face, self.scale, self.settings)
        return out

    @property
    def zone(self) -> Zone:
        if self._zone is None:
            self._zone = treatment_zone(self.segmentation, self.settings, self.scale, hairline=self.hairline,
                                        scar_mask=self.scar_mask, crown_center=self.crown_center)
        return self._zone

    @property
    def dots(self) -> Dots:
        """Every impression of the finished treatment."""
        if self._dots is None:
            self._dots = place_dots(self.zone, self.settings, self.scale, photo_rgb=self.photo.rgb)
        return self._dots

    def visibility(self, view: View, out_size) -> np.ndarray:
        """How much bare skin shows (1) versus hair over it (0), for a view."""
        if self._visibility is None:
            dens = self.segmentation.hair_density
            f = min(1.0, VISIBILITY_SIZE / max(dens.shape))
            small = cv2.resize(dens, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else dens
            # Dense hair hides the skin, thinning hair lets most of it through.
            vis = 1.0 - np.clip((small - 0.25) / 0.7, 0, 1) ** 1.5 * 0.97
            self._visibility = (vis.astype(np.float32), small.shape[1] / dens.shape[1])
        vis, f = self._visibility
        return View(view.x0 * f, view.y0 * f, view.scale / f).crop(vis, out_size)

    @property
    def pigment(self) -> Pigment:
        seg = self.segmentation
        return pigment_for(self.settings, seg.hair_lab, seg.skin_lab)

    # --- edits -----------------------------------------------------------------
    def update(self, **changes) -> None:
        """Change settings; keeps every stage the change does not touch."""
        new = replace(self.settings, **changes)
        changed = {k for k in changes if getattr(self.settings, k) != getattr(new, k)}
        self.settings = new
        if changed & {"hairline_template", "view", "juvenile_height_mm", "mature_height_mm", "conservative_height_mm",
                      "feminine_height_mm"}:
            self._hairline = None
        if changed & ZONE_KEYS:
            self._zone = None
        if changed - RENDER_ONLY:
            self._dots = None

    def set_hairline(self, hairline: Hairline | None) -> None:
        self._hairline = hairline
        self._zone = None
        self._dots = None

    def set_segmentation(self, seg: Segmentation) -> None:
        self._seg = seg
        self._visibility = None
        self._view_cache = None
        self._zone = None
        self._dots = None

    def set_scar_mask(self, mask) -> None:
        self.scar_mask = mask
        self._zone = None
        self._dots = None

    # --- output ------------------------------------------------------------------
    def session_dots(self, settings: Settings | None = None) -> Dots:
        """The impressions placed by the end of the (given or current) session.

        Remembered for the last layout and session: a repaint, the panel and the
        status bar all ask for them after every change.
        """
        settings = settings or self.settings
        dots = self.dots
        key = (settings.session_fraction, settings.hairline_offset_mm)
        # The layout itself, not its id(): a freed layout's id can be reused by the next.
        c = self._session_cache
        if c is None or c[0] is not dots or c[1] != key:
            self._session_cache = c = (dots, key, dots.for_session(settings))
        return c[2]

    def render(self, view: View | None = None, out_size: tuple[int, int] | None = None, **overrides) -> np.ndarray:
        """The simulated photo (whole, full resolution) or a view of it.

        ``overrides`` are render-only settings (state, session, ...) for this
        image alone, e.g. ``render(state="fresh", session=1)``.
        """
        settings = replace(self.settings, **overrides) if overrides else self.settings
        if overrides and set(overrides) - RENDER_ONLY:
            raise ValueError(f"only render settings can be overridden here: {sorted(set(overrides) - RENDER_ONLY)}")
        view = view or View()
        if out_size is None:
            out_size = (int(round(self.photo.width * view.scale)), int(round(self.photo.height * view.scale)))
        key = (view, tuple(out_size))
        if self._view_cache is None or self._view_cache[0] != key:
            # Resampling the photo for a view is the same until the view changes: a slider
            # drag re-renders the dots only.
            self._view_cache = (key, view.crop(self.photo.rgb, out_size), self.visibility(view, out_size))
        _, base, vis = self._view_cache
        dots = self.session_dots(settings)
        seg = self.segmentation
        pig = pigment_for(settings, seg.hair_lab, seg.skin_lab)
        return render(base, dots, pigment=pig, settings=settings, scale=self.scale, view=view, visibility=vis)

    def treatment_area_cm2(self) -> float:
        return self.scale.px_area_to_cm2(self.zone.area_px())
