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
from smp_studio.core.engine.dotshape import DirectionField, direction_field
from smp_studio.core.engine.photolook import PhotoLook, estimate_look
from smp_studio.core.engine.shave import shave, shave_region
from smp_studio.core.analysis.head import head_frame, template_hairline
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.engine.pigment import Pigment, pigment_for
from smp_studio.core.engine.render import View, render
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.segmentation import BACKGROUND, BALD, Segmentation, segment
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.zones import Zone, treatment_zone

VISIBILITY_SIZE = 2048  # long side of the cached skin-visibility map

#: Settings that only change how dots are drawn, not where they are.
RENDER_ONLY = {"state", "aged_years", "session", "hair_color", "dilution", "session_darkness", "sessions",
               "session_density", "hairline_step_mm", "scale_source",
               "texture_hold", "shave_preview", "shave_guard_mm", "shave_around_mm", "helmet_coverage"}
#: Settings the zone depends on (the seed too: it draws the hairline's waves).
#: Anything else that is not render-only changes the dots alone.
ZONE_KEYS = {"treatment", "view", "blend_mm", "hairline_band_mm", "crown_radius_mm", "macro_irregularity_mm",
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
                 hairline: Hairline | None = None, scar_mask=None, crown_center=None):
        self.photo = photo
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
        self._look: PhotoLook | None = None  # the photo's blur and grain: once per photo
        self._field: DirectionField | None = None  # skin direction: once per segmentation
        self._shaved: tuple | None = None  # (key, shaved photo, clipped region)

    # --- stages ---------------------------------------------------------------
    @property
    def segmentation(self) -> Segmentation:
        if self._seg is None:
            self._seg = segment(self.photo.rgb)
        return self._seg

    @property
    def scale(self) -> Scale:
        if self.settings.px_per_mm is not None:
            return Scale(self.settings.px_per_mm, self.settings.scale_source)
        return self.segmentation.estimated_scale()

    @property
    def hairline(self) -> Hairline | None:
        """The hairline in use (a template until the artist sets one)."""
        if self._hairline is None and self.settings.view != "back":
            frame = head_frame(self.segmentation.labels != BACKGROUND)
            self._hairline = template_hairline(self.settings.hairline_template, frame, view=self.settings.view)
        return self._hairline

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
            if self._field is None:
                self._field = direction_field(self.photo.rgb, self.segmentation.head_mask)
            self._dots = place_dots(self.zone, self.settings, self.scale, photo_rgb=self.photo.rgb, field=self._field)
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
    def look(self) -> PhotoLook:
        """The photo's own blur and grain (estimated once; re-renders reuse it)."""
        if self._look is None:
            self._look = estimate_look(self.photo.rgb)
        return self._look

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
        if changed & {"hairline_template", "view"}:
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
        self._field = None
        self._shaved = None
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
        shaved = self.shaved(settings) if settings.shave_on else None
        src = self.photo.rgb if shaved is None else shaved[0]
        key = (view, tuple(out_size))
        # The source itself, not its id(): a freed image's id can be reused by the next.
        if self._view_cache is None or self._view_cache[0] != key or self._view_cache[3] is not src:
            # Resampling the photo for a view is the same until the view changes: a slider
            # drag re-renders the dots only.
            vis = self.visibility(view, out_size)
            if shaved is not None:  # clipped hair no longer hides the skin
                vis = np.maximum(vis, view.crop(shaved[1], out_size))
            self._view_cache = (key, view.crop(src, out_size), vis, src)
        _, base, vis, _ = self._view_cache
        dots = self.session_dots(settings)
        seg = self.segmentation
        pig = pigment_for(settings, seg.hair_lab, seg.skin_lab)
        return render(base, dots, pigment=pig, settings=settings, scale=self.scale, view=view, visibility=vis,
                      look=self.look)

    def shaved(self, settings: Settings | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The photo with remaining hair in and around the zone clipped (shave preview),
        and the clipped region (0..1); computed once per guard length and zone."""
        settings = settings or self.settings
        zone = self.zone
        key = (settings.shave_guard_mm, settings.shave_around_mm, id(zone), settings.seed)
        if self._shaved is None or self._shaved[0] != key or self._shaved[3] is not zone:
            seg = self.segmentation
            # Treated: in the zone and behind the hairline (the zone alone reaches into the face).
            treated = zone.weight * (zone.depth_mm > -settings.scatter_mm)
            behind = cv2.resize((zone.depth_mm > -settings.scatter_mm - settings.shave_around_mm).astype(np.float32),
                                (self.photo.width, self.photo.height), interpolation=cv2.INTER_LINEAR)
            zw = cv2.resize(treated.astype(np.float32), (self.photo.width, self.photo.height),
                            interpolation=cv2.INTER_LINEAR)
            region = shave_region(seg.hair_density, seg.head_mask, zw, self.scale,
                                  around_mm=settings.shave_around_mm, rgb=self.photo.rgb,
                                  bald=seg.labels == BALD) * behind
            if self._field is None:
                self._field = direction_field(self.photo.rgb, seg.head_mask)
            pig = pigment_for(settings, seg.hair_lab, seg.skin_lab)
            img = shave(self.photo.rgb, region, self.scale, guard_mm=settings.shave_guard_mm, hair_rgb=pig.hair_rgb,
                        seed=settings.seed, field=self._field, skin_rgb=pig.skin_rgb, noise=self.look.noise,
                        skin_mask=seg.labels == BALD, blur_sigma=self.look.blur_sigma)
            self._shaved = (key, img, region, zone)
        return self._shaved[1], self._shaved[2]

    def treatment_area_cm2(self) -> float:
        return self.scale.px_area_to_cm2(self.zone.area_px())
