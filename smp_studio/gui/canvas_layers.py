"""What the canvas lays over or applies to the simulated view: face guides, the lighting
check and the area overlay. A mixin of :class:`~smp_studio.gui.canvas.Canvas`, cached
like the images it derives from."""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.engine.lighting import light_for
from smp_studio.core.engine.render import View
from smp_studio.gui import painting

LIGHT_NAMES = {"overhead": "harsh overhead light", "flash": "camera flash"}
AS_PHOTOGRAPHED_KEY = "Ctrl+L"  # back from the lighting check


class CanvasLayers:
    """Guides, lighting and overlay for the canvas."""

    def _guides(self, mode: str):
        """The face guides to draw in ``mode`` (None: off, no face, or the untouched photo shown)."""
        if not self.state.guides or self.doc.sim is None or mode == "before":
            return None
        key = id(self.doc.design)
        if self._guide_cache is None or self._guide_cache[0] != key:
            self._guide_cache = (key, self.doc.sim.face_guides(), self.doc.design)
        return self._guide_cache[1]

    def _lighting_tag(self, p) -> None:
        """While the lighting check is on, the canvas says so: never shown to a client as the result by mistake."""
        light = self.state.lighting
        if light is not None:
            painting.draw_tag(p, 10, self.height() - p.fontMetrics().height() - 16,
                              f"Lighting check: {LIGHT_NAMES.get(light, light)} (View > Lighting check; "
                              f"{AS_PHOTOGRAPHED_KEY}: as photographed)")

    def _lit(self, which: str, img: np.ndarray, view: View, size) -> np.ndarray:
        """The lighting check: the view under harsh overhead light or camera flash, from the photo's shading."""
        light = self.state.lighting
        if light is None:
            return img
        # The photo relit reads the head and the view, not the rest of the design: a slider moved
        # with the check on relights the result alone. (What the key names is held, so ids stay unique.)
        seg = self.doc.segmentation
        held = (seg,) if which == "before" else (self.doc.design,)
        key = (which, light, view, size, self.doc.settings.view) + tuple(map(id, held))
        hit = self._cache.get("lit-" + which)
        if hit and hit[0] == key:
            return hit[1]
        lit = self._light(light, view, size)
        out = img.copy() if lit is None else lit.apply(img)
        self._cache["lit-" + which] = (key, out, held)
        return out

    def _light(self, light: str, view: View, size):
        """The check's light for this view, read once from the photo: a drag relights each new
        result by a few multiplies, not by reading the light again."""
        seg = self.doc.segmentation
        key = (light, view, size, self.doc.settings.view, id(seg))
        hit = self._cache.get("light")
        if hit and hit[0] == key:
            return hit[1]
        head = view.crop(seg.head_mask.astype(np.uint8) * 255, size) > 127
        lit = light_for(self._image("before", view, size), head, light=light, view=self.doc.settings.view)
        self._cache["light"] = (key, lit, seg)
        return lit

    def _overlay_image(self, view: View, size):
        seg, scar_mask = self.doc.segmentation, self.doc.scar
        key = (view, size, id(seg), id(scar_mask), self.overlay_opacity)
        hit = self._cache.get("overlay")
        if hit and hit[0] == key:
            return hit[1]
        labels = seg.labels
        M = np.float32([[view.scale, 0, -view.x0 * view.scale], [0, view.scale, -view.y0 * view.scale]])
        lab = cv2.warpAffine(labels, M, size, flags=cv2.INTER_NEAREST, borderValue=0)
        scar = None
        if scar_mask is not None:
            scar = cv2.warpAffine(scar_mask.astype(np.uint8), M, size, flags=cv2.INTER_NEAREST) > 0
        img = painting.labels_overlay(lab, self.overlay_opacity, scar)
        self._cache["overlay"] = (key, img, seg, scar_mask)
        return img
