"""How a simulation is seen: whole or in a view, band by band, a changed region alone.

A mixin of :class:`~smp_studio.core.engine.simulation.Simulation` (it uses its
cached stages). Large renders go in bands so memory stays that of one band; a
hairline edit re-renders only the box it can have changed; the shave preview
and the skin's visibility are cached like every other stage.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from smp_studio.core.analysis.edits import painted_hair
from smp_studio.core.analysis.lit_scalp import median_lab
from smp_studio.core.analysis.scalp import skin_show
from smp_studio.core.analysis.segmentation import BALD
from smp_studio.core.engine.bare_skin import DRAFT_WORK, WORK, working_size
from smp_studio.core.engine.render import View, render
from smp_studio.core.engine.shave import shave, shave_region
from smp_studio.core.engine.shine import lit_level
from smp_studio.core.engine.smoothing import wide_blur
from smp_studio.core.engine.skin import pigment_hold, skin_factors
from smp_studio.core.engine.stubble import dark_hair_share, follicle_share, stubble_share
from smp_studio.core.engine.zones import moved_part, wavy_line
from smp_studio.core.model.design import Design
from smp_studio.core.model.settings import Settings

VISIBILITY_SIZE = 1024  # long side of the cached skin-visibility map (the density is detected coarser still)
BAND_PIXELS = 4_000_000  # full renders larger than this go band by band
SHAVE_EDGE_MM = 10.0  # the shave preview fades out over this at the scalp's edge
REGION_CONTEXT = 48  # output pixels of photo around a re-rendered region (wider than any render filter)
#: The same when the photo's own filters are known for the whole view: the fresh redness's
#: blur is then the widest thing that looks around a pixel.
REGION_CONTEXT_SKIN_KNOWN = 16
#: Bare treatable scalp under this share of the photo says too little of the light the dots land in.
SCALP_SKIN_MIN = 0.002
SCALP_SKIN_SAMPLES = 100_000  # bare scalp pixels, at most, its lightness is read from


class Views:
    """Rendering for :class:`Simulation` (see there for the stages it reads)."""

    def shaved(self, settings: Settings | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The photo with the remaining hair on the treatable scalp clipped (shave preview), and the
        clipped region (0..1).

        The client buzzes the whole head for the shaved look, so this depends on the scalp and the
        guard length, not on where the hairline is drawn: dragging the line never redoes it.
        """
        def stage(s, seg, maps, scale, look, field, pig, follicles, painted):
            # Clippers stay on the scalp: never the face, ears, neck or clothes around it; and the edge of
            # what they clipped fades over a few millimetres, as real clipping does, never a hard line.
            # (Softened at the zone's working size: a few mm is many pixels at 12 MP.)
            soft = wide_blur(maps.room.astype(np.float32), max(SHAVE_EDGE_MM * maps.px_per_mm, 0.5))
            bald = seg.labels == BALD
            region = shave_region(seg.hair_density, seg.head_mask, maps.room, scale, around_mm=s.shave_around_mm,
                                  rgb=self.photo.rgb, bald=bald, fade=np.clip(soft * 2.0 - 0.5, 0, 1), work=work)
            if painted is not None:  # what the artist marked as hair on the scalp is hair: clipped
                region = np.maximum(region, painted_hair(painted, maps.room, scale))
            img = shave(self.photo.rgb, region, scale, guard_mm=s.shave_guard_mm, hair_rgb=pig.hair_rgb, seed=s.seed,
                        field=field, skin_rgb=pig.skin_rgb, noise=look.noise, skin_mask=bald,
                        blur_sigma=max(look.blur_sigma, look.detail_sigma), follicles=follicles,
                        head_mask=seg.head_mask, work=work)
            return img, region

        work = self._work
        settings = settings or self.settings
        maps = self._zone_maps(None if settings.treatment == "scar" else self.scalp)
        return self._memo.get("shaved", stage, settings, self.segmentation, maps, self.scale, self.look,
                              self.direction_field, self._pigment(settings), self._follicles(), self.edits)

    @property
    def _work(self) -> int:
        """The long side of the shave's working maps: a draft's are coarser."""
        return DRAFT_WORK if self.draft else WORK

    def _lit(self) -> float:
        """The treatable scalp's lit bare skin (``shine.lit_level``), of the whole photo whatever the view
        shows, so a preview and a drag shine as the export does. Not the face's, neck's or ears' (a
        shaded neck set it low, and a side view's face decided it), unless the scalp shows none."""
        def stage(s, seg, on_scalp, rgb):
            return lit_level(rgb, on_scalp if on_scalp.any() else seg.labels == BALD)

        return self._memo.get("lit", stage, self.settings, self.segmentation, self._bare_scalp(), self.photo.rgb)

    def _bare_scalp(self) -> np.ndarray:
        """The treatable scalp's bare skin (bool, photo size): read by the shine and the dilution."""
        def stage(s, seg, scalp):
            return (seg.labels == BALD) & (scalp.resized(seg.labels.shape) > 0.5)

        return self._memo.get("bare scalp", stage, self.settings, self.segmentation, self.scalp)

    def _scalp_skin_l(self) -> float | None:
        """Median lightness (L*) of the treatable scalp's bare skin, where the dots land (None
        with too little of it): the light the pigment's dilution is judged in."""
        def stage(s, on_scalp, rgb):
            if on_scalp.sum() < SCALP_SKIN_MIN * on_scalp.size:
                return None
            return median_lab(rgb, on_scalp, SCALP_SKIN_SAMPLES)[0]

        return self._memo.get("scalp skin L", stage, self.settings, self._bare_scalp(), self.photo.rgb)

    def _follicles(self) -> np.ndarray:
        """Where dark hair grew, and how densely (0..1, at the shave's working size): what leaves a
        stubble shadow once clipped. A veil of fine pale strands or white hair leaves next to none."""
        def stage(s, seg, rgb, scale):
            H, W = rgb.shape[:2]
            w, h = working_size(H, W, self._work)
            small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
            dens = cv2.resize(seg.hair_density, (w, h), interpolation=cv2.INTER_AREA)
            return dens * dark_hair_share(small, seg.skin_lab, scale.px_per_mm * w / W)

        return self._memo.get("follicles", stage, self.settings, self.segmentation, self.photo.rgb, self.scale)

    def clips_hair(self, settings: Settings | None = None) -> bool:
        """Whether the shave preview applies: it is on, and there is something to treat.

        A full head of hair behind the designed line (no impression placed) is left as it is:
        clipping it would show a haircut, not a treatment.
        """
        settings = settings or self.settings
        if not settings.shave_on:
            return False
        return settings.treatment == "scar" or (self.has_scalp and len(self.dots) > 0)

    def _visibility_map(self) -> tuple[np.ndarray, float]:
        def stage(s, seg, scar_mask, rgb):
            dens = seg.hair_density
            f = min(1.0, VISIBILITY_SIZE / max(dens.shape))
            # The density is smooth (detected at a few hundred pixels): linear resampling is enough here,
            # and several times faster than area averaging at 12 MP.
            small = cv2.resize(dens, None, fx=f, fy=f, interpolation=cv2.INTER_LINEAR) if f < 1 else dens
            # Dense hair hides the skin, thinning hair lets most of it through.
            vis = 1.0 - np.clip((small - 0.25) / 0.7, 0, 1) ** 1.5 * 0.97
            if scar_mask is not None and np.any(scar_mask):
                # Inside a scar the skin showing at fine scale decides, not the coarse hair map:
                # a strip scar through hair is seen exactly where it parts the hair.
                scar = cv2.resize(np.asarray(scar_mask, np.uint8), (vis.shape[1], vis.shape[0]),
                                  interpolation=cv2.INTER_NEAREST) > 0
                fine, _ = skin_show(rgb, seg.skin_lab, self.scale.px_per_mm, radius_mm=0.3,
                                    max_side=max(vis.shape), pale=True)
                fine = cv2.resize(fine, (vis.shape[1], vis.shape[0]), interpolation=cv2.INTER_LINEAR)
                vis = np.where(scar, np.maximum(vis, np.clip(fine * 1.3, 0, 1)), vis)
            return vis.astype(np.float32), small.shape[1] / dens.shape[1]

        scar = self.scar_mask if self.settings.treatment == "scar" else None
        return self._memo.get("visibility", stage, self.settings, self.segmentation, scar, self.photo.rgb)

    def visibility(self, view: View, out_size) -> np.ndarray:
        """How much bare skin shows (1) versus hair over it (0), for a view."""
        return self._at_visibility_size(self._visibility_map()[0], view, out_size)

    def _at_visibility_size(self, small: np.ndarray, view: View, out_size) -> np.ndarray:
        f = self._visibility_map()[1]
        return View(view.x0 * f, view.y0 * f, view.scale / f).crop(small, out_size)

    def _clipped_visibility(self, settings: Settings) -> np.ndarray:
        """How much skin shows where the shave preview clipped hair, at the visibility map's size: the long
        hair no longer hides it, but the stubble and roots left cover the share their shadow does, so
        pigment blended over clipped dense hair is not laid on top of its shadow at full strength."""
        def stage(s, follicles, region, vmap, scale):
            h, w = vmap[0].shape
            small = cv2.resize(region, (w, h), interpolation=cv2.INTER_AREA)
            dense = follicle_share(follicles, (w, h), scale.px_per_mm * w / region.shape[1])
            return small * (1.0 - stubble_share(dense, s.shave_guard_mm))

        return self._memo.get("clipped visibility", stage, settings, self._follicles(), self.shaved(settings)[1],
                              self._visibility_map(), self.scale)

    def changed_box(self, old: Design) -> tuple[float, float, float, float] | None:
        """The photo box outside which this design renders exactly as ``old`` did.

        None when the change may reach anywhere. Only a hairline edit that keeps
        the number of points is local: dots move within the transition, the
        scatter and the waves around the part of the line that moved, and
        nowhere else (each segment of the line carries its own waves).
        """
        if self.design.differs_from(old) != ("hairline",) or old.settings is not self.design.settings:
            return None
        before, after = self._hairline_of(old), self.hairline
        if before is None or after is None or len(before.points) < 3 or len(after.points) != len(before.points) \
                or not (np.array_equal(before.points[[0, -1]], after.points[[0, -1]])) \
                or before.face_dir != after.face_dir:
            return None
        s = self.settings
        pts = moved_part(wavy_line(before, s, self.scale), wavy_line(after, s, self.scale))
        if pts is None:
            return None
        if len(pts) == 0:
            return (0.0, 0.0, 0.0, 0.0)
        margin_mm = (s.transition_mm + s.scatter_mm + s.macro_irregularity_mm + s.hairline_offset_mm
                     + (s.hairline_band_mm + 6.0 if s.treatment == "hairline" else 0.0) + 2.0)
        m = self.scale.mm_to_px(margin_mm)
        (x0, y0), (x1, y1) = pts.min(0) - m, pts.max(0) + m
        return float(x0), float(y0), float(x1), float(y1)

    def render(self, view: View | None = None, out_size: tuple[int, int] | None = None, *,
               region: tuple[int, int, int, int] | None = None, **overrides) -> np.ndarray:
        """The simulated photo (whole, full resolution) or a view of it.

        ``overrides`` are settings for this image alone, e.g.
        ``render(state="fresh", session=1)``. ``region`` (x0, y0, x1, y1 in
        output pixels) renders only that part of the view, exactly as it
        appears in the whole (for repainting what a hairline drag changed).
        """
        settings = replace(self.settings, **overrides) if overrides else self.settings
        view = view or View()
        if out_size is None:
            out_size = (int(round(self.photo.width * view.scale)), int(round(self.photo.height * view.scale)))
        key = (view.x0, view.y0, view.scale, int(out_size[0]), int(out_size[1]))
        # Resampling the photo for a view is the same until the view changes: a slider drag
        # re-renders the dots only.
        shaved = self.shaved(settings) if self.clips_hair(settings) else None

        def crop(s, k, src, vmap, clipped):
            # (Both maps at their own small size: one of the view's size is made, not three.)
            vis = vmap[0] if clipped is None else np.maximum(vmap[0], clipped)
            return view.crop(src, out_size), self._at_visibility_size(vis, view, out_size)

        base, vis = self._memo.get("view", crop, settings, key, self.photo.rgb if shaved is None else shaved[0],
                                   self._visibility_map(), None if shaved is None else self._clipped_visibility(settings))
        dots = self.session_dots(settings)
        pig = self._pigment(settings)
        h, w = base.shape[:2]
        skin = None
        if w * h <= BAND_PIXELS:  # (a screen's view: what the photo alone decides is kept for the next frame)
            skin = self._memo.get("view skin", lambda s, b, px: skin_factors(b, 0, b.shape[0], ctx=0, px=px,
                                                                                hold=pigment_hold(s), occlusion=True),
                                  settings, base, self.scale.px_per_mm * view.scale)
            if region is None:
                return render(base, dots, pigment=pig, settings=settings, scale=self.scale, view=view,
                              visibility=vis, look=self.look, skin=skin, lit=self._lit())
        if region is None:
            # A large image in bands: the working memory of one band, not of the whole photo,
            # and time that grows with the pixels. Each band equals that part of a whole render.
            out = np.empty_like(base)
            rows = max(BAND_PIXELS // w, 64)
            for y in range(0, h, rows):
                band = (0, y, w, min(y + rows, h))
                out[band[1]:band[3]] = self._render_region(base, vis, dots, pig, settings, view, band)
            return out
        return self._render_region(base, vis, dots, pig, settings, view, region, skin)

    def _render_region(self, base, vis, dots, pig, settings, view, region, skin=None) -> np.ndarray:
        # With a margin of photo around it, so filters near the region's edge see what they see in the whole.
        x0, y0, x1, y1 = region
        h, w = base.shape[:2]
        m = REGION_CONTEXT if skin is None else REGION_CONTEXT_SKIN_KNOWN
        a0, b0, a1, b1 = max(x0 - m, 0), max(y0 - m, 0), min(x1 + m, w), min(y1 + m, h)
        sub = View(view.x0 + a0 / view.scale, view.y0 + b0 / view.scale, view.scale)
        out = render(base[b0:b1, a0:a1], dots, pigment=pig, settings=settings, scale=self.scale, view=sub,
                     visibility=vis[b0:b1, a0:a1], look=self.look, lit=self._lit(),
                     skin=None if skin is None else [f[b0:b1, a0:a1] for f in skin])
        return out[y0 - b0:y1 - b0, x0 - a0:x1 - a0]
