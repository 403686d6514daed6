"""The open consultation: photo, design, edits and their undo history.

Widgets never change the design themselves: they call the document, which
pushes one undo command per gesture (a whole drag, stroke or slider move) and
emits signals the widgets repaint on. Everything heavy is in the Qt-free core.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from smp_studio.core.analysis.head import head_frame, template_hairline
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.edits import NO_EDIT, with_edits
from smp_studio.core.analysis.segmentation import BACKGROUND, Segmentation
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation

#: Brush classes: what the artist can paint.
BRUSH_CLASSES = {"Bald skin": 1, "Thinning": 2, "Hair": 3, "Exclude": 0, "Scar": "scar"}


class Document(QObject):
    """One photo and the design on it."""

    photoChanged = Signal()
    dirtyChanged = Signal(bool)
    designChanged = Signal()  # anything that changes the simulated image
    masksChanged = Signal()  # segmentation edits or scar mask (the overlay)
    hairlineChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.undo = QUndoStack(self)
        self.photo: Photo | None = None
        self.path: str | None = None
        self.sim: Simulation | None = None
        self.auto_seg: Segmentation | None = None
        self.edits: np.ndarray | None = None  # NO_EDIT where the artist has not painted
        self.scar: np.ndarray | None = None
        self.mirror = False
        self.notes = ""
        self.project_path: str | None = None
        self.created = ""
        self.extras: dict = {}
        self._notes_dirty = False
        self._gesture = 0
        self.undo.cleanChanged.connect(self._on_clean_changed)

    # --- loading ------------------------------------------------------------------
    def set_photo(self, photo: Photo, seg: Segmentation, path: str | None = None,
                  settings: Settings | None = None) -> None:
        """A freshly loaded and segmented photo; the history starts anew."""
        self.photo, self.path, self.auto_seg = photo, path, seg
        self.edits = None
        self.scar = None
        self.notes, self.project_path, self.created, self.extras = "", None, "", {}
        self.sim = Simulation(photo, settings or Settings(), segmentation=seg)
        self._reset_history()

    def set_project(self, project, path: str | None) -> None:
        """An opened (or recovered) project: exactly the design that was saved."""
        self.photo, self.path, self.auto_seg = project.photo, None, project.auto_seg
        self.edits, self.scar = project.edits, project.scar
        self.notes, self.created, self.extras = project.notes, project.created, dict(project.extras)
        self.project_path = path
        self.sim = project.simulation()
        self._reset_history()

    def to_project(self):
        """A snapshot of the design, safe to save from another thread."""
        from smp_studio.core.io.project import Project

        return Project(self.photo, self.auto_seg, self.sim.settings, self.sim.hairline,
                       None if self.edits is None else self.edits.copy(),
                       None if self.scar is None else self.scar.copy(),
                       self.notes, self.created, "", dict(self.extras))

    def set_notes(self, text: str) -> None:
        if text != self.notes:
            self.notes = text
            was = self.dirty
            self._notes_dirty = True
            if not was:
                self.dirtyChanged.emit(True)

    @property
    def dirty(self) -> bool:
        return self.has_photo and (not self.undo.isClean() or self._notes_dirty)

    def _on_clean_changed(self, clean: bool) -> None:
        # From the signal's own argument: the stack may be mid-destruction here.
        self.dirtyChanged.emit(self.has_photo and (not clean or self._notes_dirty))

    def mark_unsaved(self) -> None:
        self._notes_dirty = True
        self.dirtyChanged.emit(True)

    def mark_saved(self, path: str | None = None) -> None:
        if path is not None:
            self.project_path = path
        self._notes_dirty = False
        self.undo.setClean()
        self.dirtyChanged.emit(self.dirty)

    def _reset_history(self) -> None:
        self._notes_dirty = False
        self.undo.clear()
        self.undo.setClean()
        self.photoChanged.emit()
        self.masksChanged.emit()
        self.hairlineChanged.emit()
        self.designChanged.emit()

    @property
    def has_photo(self) -> bool:
        return self.photo is not None

    @property
    def settings(self) -> Settings:
        return self.sim.settings if self.sim else Settings()

    # --- regions hidden in exports (saved with the project) -------------------------
    @property
    def privacy_regions(self):
        from smp_studio.core.output.anonymise import Region

        return [Region(*map(int, r), "manual") for r in self.extras.get("privacy_regions", [])
                if isinstance(r, list) and len(r) == 4]

    def add_privacy_region(self, x, y, w, h) -> None:
        regions = list(self.extras.get("privacy_regions", []))
        regions.append([int(round(x)), int(round(y)), int(round(w)), int(round(h))])
        self.extras["privacy_regions"] = regions
        self.mark_unsaved()
        self.masksChanged.emit()

    def clear_privacy_regions(self) -> None:
        if self.extras.pop("privacy_regions", None):
            self.mark_unsaved()
            self.masksChanged.emit()

    @property
    def hairline(self) -> Hairline | None:
        return self.sim.hairline if self.sim else None

    @property
    def segmentation(self) -> Segmentation | None:
        return self.sim.segmentation if self.sim else None

    @property
    def scale(self) -> Scale | None:
        return self.sim.scale if self.sim else None

    # --- settings ---------------------------------------------------------------------
    def new_gesture(self) -> int:
        """A fresh id for a slider drag: all its changes merge into one undo step."""
        self._gesture += 1
        return self._gesture

    def set_settings(self, text: str = "Change settings", gesture: int | None = None, **changes) -> None:
        if not self.sim:
            return
        before = self.sim.settings
        after = replace(before, **changes)
        if after == before:
            return
        self.undo.push(_SettingsCommand(self, before, after, text, gesture))

    def _apply_settings(self, s: Settings) -> None:
        old = self.sim.settings
        changes = {k: getattr(s, k) for k in s.__dataclass_fields__ if k != "extras" and getattr(s, k) != getattr(old, k)}
        self.sim.update(**changes)  # keeps the artist's line unless the template or view changes
        self.designChanged.emit()
        if "hairline_template" in changes or "view" in changes:
            self.hairlineChanged.emit()

    def calibrate(self, p0, p1, mm: float) -> None:
        s = Scale.from_calibration(p0, p1, mm)
        self.set_settings("Calibrate scale", px_per_mm=s.px_per_mm, scale_source="calibration")

    def new_layout(self) -> None:
        rng = np.random.default_rng()
        self.set_settings("New random layout", seed=int(rng.integers(1, 2**31 - 1)))

    # --- hairline -----------------------------------------------------------------------
    def preview_hairline(self, h: Hairline) -> None:
        """Live update while dragging (no undo step until the drag ends)."""
        self.sim.set_hairline(self._mirrored(h))
        self.hairlineChanged.emit()
        self.designChanged.emit()

    def commit_hairline(self, before: Hairline | None, after: Hairline, text: str = "Edit hairline") -> None:
        self.undo.push(_SwapCommand(self._set_hairline, before, self._mirrored(after), text))

    def apply_template(self, name: str) -> None:
        if not self.sim:
            return
        frame = head_frame(self.segmentation.labels != BACKGROUND)
        h = template_hairline(name, frame, view=self.settings.view)
        before_s, before_h = self.sim.settings, self.sim.hairline
        self.undo.beginMacro(f"Hairline template: {name}")
        if before_s.hairline_template != name:
            self.undo.push(_SettingsCommand(self, before_s, replace(before_s, hairline_template=name), "", None))
        self.undo.push(_SwapCommand(self._set_hairline, before_h, h, ""))
        self.undo.endMacro()

    def _set_hairline(self, h: Hairline | None) -> None:
        self.sim.set_hairline(h)
        self.hairlineChanged.emit()
        self.designChanged.emit()

    #: Left/right difference kept when mirroring: up to ~2 mm looks natural.
    MIRROR_ASYMMETRY_MM = 1.0

    def _mirrored(self, h: Hairline) -> Hairline:
        if not self.mirror:
            return h
        frame = head_frame(self.segmentation.labels != BACKGROUND, h.face_dir)
        return h.mirrored(frame.center, keep="left", asymmetry_px=self.scale.mm_to_px(self.MIRROR_ASYMMETRY_MM),
                          rng=self.settings.seed)

    # --- brush ------------------------------------------------------------------------------
    def paint(self, layer: str, value, xy0, xy1, radius: float, patch_log: list) -> None:
        """Paint a round brush segment from xy0 to xy1 (photo pixels) into a layer.

        The pixels' previous values are recorded in ``patch_log`` the first time a
        stroke touches them, so the whole stroke undoes as one step.
        """
        import cv2

        H, W = self.photo.height, self.photo.width
        arr = self._layer(layer, create=True)
        r = max(radius, 0.5)
        x0 = int(max(min(xy0[0], xy1[0]) - r - 1, 0))
        y0 = int(max(min(xy0[1], xy1[1]) - r - 1, 0))
        x1 = int(min(max(xy0[0], xy1[0]) + r + 2, W))
        y1 = int(min(max(xy0[1], xy1[1]) + r + 2, H))
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        p0 = (int(round(xy0[0] - x0)), int(round(xy0[1] - y0)))
        p1 = (int(round(xy1[0] - x0)), int(round(xy1[1] - y0)))
        cv2.line(mask, p0, p1, 1, thickness=max(int(round(2 * r)), 1), lineType=cv2.LINE_8)
        cv2.circle(mask, p0, int(round(r)), 1, -1)
        cv2.circle(mask, p1, int(round(r)), 1, -1)
        region = arr[y0:y1, x0:x1]
        patch_log.append((y0, y1, x0, x1, region.copy(), mask.astype(bool)))
        region[mask.astype(bool)] = True if layer == "scar" else value
        self._layers_changed(layer, final=False)

    def end_stroke(self, layer: str, patch_log: list, text: str) -> None:
        if not patch_log:
            return
        arr = self._layer(layer)
        y0 = min(p[0] for p in patch_log)
        y1 = max(p[1] for p in patch_log)
        x0 = min(p[2] for p in patch_log)
        x1 = max(p[3] for p in patch_log)
        after = arr[y0:y1, x0:x1].copy()
        before = after.copy()
        for py0, py1, px0, px1, old, m in reversed(patch_log):  # oldest value wins
            sub = before[py0 - y0 : py1 - y0, px0 - x0 : px1 - x0]
            sub[m] = old[m]
        self.undo.push(_PatchCommand(self, layer, (y0, y1, x0, x1), before, after, text))

    def _layer(self, layer: str, create: bool = False) -> np.ndarray | None:
        H, W = self.photo.height, self.photo.width
        if layer == "scar":
            if self.scar is None and create:
                self.scar = np.zeros((H, W), bool)
            return self.scar
        if self.edits is None and create:
            self.edits = np.full((H, W), NO_EDIT, np.uint8)
        return self.edits

    def _layers_changed(self, layer: str, final: bool = True) -> None:
        if layer == "scar":
            if final:
                self.sim.set_scar_mask(self.scar)
                self.designChanged.emit()
        elif final:
            self.sim.set_segmentation(with_edits(self.auto_seg, self.edits))
            self.designChanged.emit()
        self.masksChanged.emit()

    def set_auto_segmentation(self, seg: Segmentation, text: str = "Re-run detection") -> None:
        self.undo.push(_SwapCommand(self._apply_auto_seg, self.auto_seg, seg, text))

    def _apply_auto_seg(self, seg: Segmentation) -> None:
        self.auto_seg = seg
        self.sim.set_segmentation(with_edits(seg, self.edits))
        self.masksChanged.emit()
        self.designChanged.emit()


class _SettingsCommand(QUndoCommand):
    def __init__(self, doc: Document, before: Settings, after: Settings, text: str, gesture):
        super().__init__(text)
        self.doc, self.before, self.after, self.gesture = doc, before, after, gesture

    def id(self) -> int:
        return 1 if self.gesture is not None else -1

    def mergeWith(self, other) -> bool:
        if not isinstance(other, _SettingsCommand) or other.gesture != self.gesture:
            return False
        self.after = other.after
        return True

    def redo(self):
        self.doc._apply_settings(self.after)

    def undo(self):
        self.doc._apply_settings(self.before)


class _SwapCommand(QUndoCommand):
    """Swap one piece of state between two values (a hairline, a segmentation)."""

    def __init__(self, apply, before, after, text):
        super().__init__(text)
        self.apply, self.before, self.after = apply, before, after

    def redo(self):
        self.apply(self.after)

    def undo(self):
        self.apply(self.before)


class _PatchCommand(QUndoCommand):
    """A brush stroke: the affected rectangle before and after."""

    def __init__(self, doc, layer, box, before, after, text):
        super().__init__(text)
        self.doc, self.layer, self.box, self.before, self.after = doc, layer, box, before, after

    def _put(self, values):
        y0, y1, x0, x1 = self.box
        self.doc._layer(self.layer, create=True)[y0:y1, x0:x1] = values
        self.doc._layers_changed(self.layer)

    def redo(self):
        self._put(self.after)

    def undo(self):
        self._put(self.before)
