"""The open consultation, as a thin Qt adapter over the core's design model.

The design is one immutable value (:class:`~smp_studio.core.model.design.Design`)
and its undo history is the core's :class:`~smp_studio.core.model.history.History`.
Widgets never change anything themselves: they call the document, which makes
a new design, records it (one step per gesture) and emits what changed. Panel,
menus and canvas subscribe to those signals.
"""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QObject, Signal

from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.segmentation import Segmentation
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.design import NO_EDIT, Design
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.history import History
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.scale import Scale
from smp_studio.core.model import variants
from smp_studio.core.model.labels import label_for
from smp_studio.core.model.settings import SIDE_VIEWS, Settings

#: Brush classes: what the artist can paint. "Automatic" erases the corrections (the detection
#: shows again there), "Erase scar" the painted scar: a slip of the brush is mended in place,
#: not only by undoing the whole stroke.
BRUSH_CLASSES = {"Bald skin": 1, "Thinning": 2, "Hair": 3, "Exclude": 0, "Automatic (erase corrections)": NO_EDIT,
                 "Scar": "scar", "Erase scar": "unscar"}


def stroke_text(value) -> str:
    """What a brush stroke of ``value`` is called in the undo history."""
    if value == NO_EDIT:
        return "Erase corrections"
    if value == "unscar":
        return "Erase scar"
    return f"Paint {next((k for k, v in BRUSH_CLASSES.items() if v == value), 'mask').lower()}"


#: Left/right difference kept when mirroring: up to ~2 mm looks natural.
MIRROR_ASYMMETRY_MM = 1.0

_MASK_FIELDS = {"edits", "scar", "detection", "privacy_regions"}


class Document(QObject):
    """One photo and the design on it."""

    photoChanged = Signal()
    dirtyChanged = Signal(bool)
    designChanged = Signal()  # anything that changes the simulated image
    masksChanged = Signal()  # corrections, scar, detection or hidden regions (the overlay)
    hairlineChanged = Signal()
    notesChanged = Signal()
    historyChanged = Signal()  # what Undo and Redo would do

    def __init__(self, parent=None):
        super().__init__(parent)
        self.photo: Photo | None = None
        self.path: str | None = None
        self.sim: Simulation | None = None
        self.history = History(Design())
        self.project_path: str | None = None
        self.created = ""
        self.extras: dict = {}  # unknown project keys, kept for round trips
        self._dirty = False

    # --- loading and saving ---------------------------------------------------------------
    def set_photo(self, photo: Photo, seg: Segmentation, path: str | None = None,
                  settings: Settings | None = None, face=..., sim: Simulation | None = None) -> None:
        """A freshly loaded and segmented photo; the history starts anew.

        ``face`` is what the face search found on it already (None: no face), if it ran; ``sim``
        a simulation of this very design prepared in the background.
        """
        self.photo, self.path = photo, path
        self.project_path, self.created, self.extras = None, "", {}
        self._start(sim.design if sim is not None else Design(settings or Settings(), detection=seg), face, sim)

    def set_project(self, project, path: str | None, sim: Simulation | None = None) -> None:
        """An opened (or recovered) project: exactly the design that was saved."""
        from smp_studio.core.io.project import DESIGNS_KEY, MIRROR_KEY, REGIONS_KEY

        self.photo, self.path = project.photo, None
        self.project_path, self.created = path, project.created
        self.extras = {k: v for k, v in project.extras.items() if k not in (REGIONS_KEY, MIRROR_KEY, DESIGNS_KEY)}
        self._start(sim.design if sim is not None else project.design(), sim=sim)

    def _start(self, design: Design, face=..., sim: Simulation | None = None) -> None:
        self.sim = sim if sim is not None else Simulation(self.photo, design=design, face=face)
        self.history = History(design)
        self.photoChanged.emit()
        self._emit(Design(), design)
        self._set_dirty()

    def to_project(self):
        """A snapshot of the design, safe to save from another thread (everything in it is immutable)."""
        from smp_studio.core.io.project import Project

        return Project.from_design(self.photo, self.design, self.sim.detection, created=self.created,
                                   extras=self.extras)

    def mark_saved(self, path: str | None = None) -> None:
        if path is not None:
            self.project_path = path
        self.history.mark_clean()
        self._set_dirty()

    def mark_unsaved(self) -> None:
        """A design that is saved nowhere yet (a recovered one)."""
        self.history = History(self.design)
        self.history.mark_unsaved()
        self._set_dirty()
        self.historyChanged.emit()

    @property
    def dirty(self) -> bool:
        return self.has_photo and not self.history.is_clean

    def _set_dirty(self) -> None:
        if self.dirty != self._dirty:
            self._dirty = self.dirty
            self.dirtyChanged.emit(self._dirty)

    @property
    def has_photo(self) -> bool:
        return self.photo is not None

    # --- the design and what is derived from it ----------------------------------------------
    @property
    def design(self) -> Design:
        return self.history.present

    @property
    def settings(self) -> Settings:
        return self.design.settings

    @property
    def notes(self) -> str:
        return self.design.notes

    @property
    def hairline(self) -> Hairline | None:
        return self.sim.hairline if self.sim else None

    @property
    def segmentation(self) -> Segmentation | None:
        return self.sim.segmentation if self.sim else None

    @property
    def scale(self) -> Scale | None:
        return self.sim.scale if self.sim else None

    @property
    def scar(self) -> np.ndarray | None:
        return self.sim.scar_mask if self.sim else None

    @property
    def edits(self) -> np.ndarray | None:
        return self.sim.edits if self.sim else None

    @property
    def privacy_regions(self):
        from smp_studio.core.output.anonymise import Region

        return [Region(*r, "manual") for r in self.design.privacy_regions]

    # --- changing the design ----------------------------------------------------------------
    def apply(self, design: Design, label: str, *, merge: object = None) -> bool:
        """Make ``design`` current as one undo step (``merge``: one step per slider drag)."""
        if not self.has_photo:
            return False
        old = self.design
        if not self.history.push(design, label, merge=merge):
            return False
        self._show(old)
        return True

    def _show(self, old: Design) -> None:
        new = self.design
        self.sim.design = new
        self._emit(old, new)
        self._set_dirty()
        self.historyChanged.emit()

    def _emit(self, old: Design, new: Design) -> None:
        changed = set(new.differs_from(old))
        if not changed:
            return
        s_old, s_new = old.settings, new.settings
        if "hairline" in changed or s_old.view != s_new.view or s_old.hairline_template != s_new.hairline_template \
                or "detection" in changed or "edits" in changed:
            self.hairlineChanged.emit()
        if changed & _MASK_FIELDS:
            self.masksChanged.emit()
        if "notes" in changed:
            self.notesChanged.emit()
        if changed - {"notes", "privacy_regions", "mirror"}:
            self.designChanged.emit()

    def undo(self) -> None:
        old = self.design
        if self.history.undo() is not None:
            self._show(old)

    def redo(self) -> None:
        old = self.design
        if self.history.redo() is not None:
            self._show(old)

    # A gesture (drag) shows live and enters the history once, when it ends.
    def begin_gesture(self) -> None:
        self.history.begin()

    def preview(self, design: Design) -> None:
        """Show ``design`` during a gesture (no undo step of its own)."""
        old = self.design
        self.history.preview(design)
        self.sim.design = design
        self._emit(old, design)

    def end_gesture(self, label: str, final: Design | None = None) -> None:
        """End the gesture as one step (to ``final``, or to what it shows now)."""
        if not self.history.in_gesture:
            return
        shown = self.design
        self.history.cancel()
        self.history.push(final if final is not None else shown, label)
        self._show(shown)

    def set_settings(self, text: str = "Change settings", gesture: object = None, **changes) -> None:
        if self.has_photo:
            self.apply(self.design.with_settings(**changes), text, merge=gesture)

    def new_gesture(self) -> object:
        """A fresh merge key for a slider drag: all its changes become one undo step."""
        return object()

    def calibrate(self, p0, p1, mm: float) -> None:
        s = Scale.from_calibration(p0, p1, mm)
        self.set_settings("Calibrate scale", px_per_mm=s.px_per_mm, scale_source="calibrated")

    def new_layout(self) -> None:
        rng = np.random.default_rng()
        self.set_settings("New random layout", seed=int(rng.integers(1, 2**31 - 1)))

    def set_notes(self, text: str) -> None:
        # Typing is one step per burst of typing, not per key.
        self.apply(self.design.with_(notes=text), "Edit notes", merge="notes")

    def set_mirror(self, on: bool) -> None:
        self.apply(self.design.with_(mirror=bool(on)), "Mirror hairline" if on else "Stop mirroring")

    def add_privacy_region(self, x, y, w, h) -> None:
        self.apply(self.design.with_region(x, y, w, h), "Hide region")

    def clear_privacy_regions(self) -> None:
        self.apply(self.design.without_regions(), "Show hidden regions")

    def set_auto_segmentation(self, seg: Segmentation, text: str = "Re-run detection") -> None:
        """New automatic areas; the scale stays as it was (only the artist changes it)."""
        d = self.design
        if d.settings.px_per_mm is None and self.sim is not None:
            sc = self.sim.scale
            d = d.with_settings(px_per_mm=sc.px_per_mm, scale_source=sc.source)
        self.apply(d.with_(detection=seg), text)

    # --- several designs to compare -------------------------------------------------------------
    # Each is an ordinary design change: one undo step, saved with the project.
    def add_design(self, name: str | None = None) -> bool:
        d = variants.add(self.design, name)
        return self.apply(d, f"Add design {variants.designs(d)[-1].name}")

    def switch_design(self, index: int) -> bool:
        if index == variants.current_index(self.design):
            return False
        d = variants.switch(self.design, index)
        return self.apply(d, f"Show design {variants.designs(d)[index].name}")

    def remove_design(self, index: int) -> bool:
        name = variants.designs(self.design)[index].name
        return self.apply(variants.remove(self.design, index), f"Remove design {name}")

    def rename_design(self, index: int, name: str) -> bool:
        return self.apply(variants.rename(self.design, index, name), "Rename design")

    # --- hairline --------------------------------------------------------------------------------
    def preview_hairline(self, h: Hairline) -> None:
        """Live update while dragging (one undo step when the drag ends)."""
        self.begin_gesture()
        self.preview(self.design.with_hairline(self._mirrored(h)))

    def commit_hairline(self, before: Hairline | None, after: Hairline, text: str = "Edit hairline") -> None:
        """End a hairline drag, or make a one-click edit (insert, delete), as one step."""
        final = self.design.with_hairline(self._mirrored(after))
        if self.history.in_gesture:
            self.end_gesture(text, final)
        else:
            self.apply(final, text)

    def apply_template(self, name: str) -> None:
        self.apply(self.design.with_template(name), f"Hairline template: {label_for('hairline_template', name)}")

    def _mirrored(self, h: Hairline) -> Hairline:
        if not self.design.mirror or self.settings.view in SIDE_VIEWS:  # a profile has no left and right half
            return h
        frame = self.sim.head_frame
        return h.mirrored(frame.center, keep="left", asymmetry_px=self.scale.mm_to_px(MIRROR_ASYMMETRY_MM),
                          rng=self.settings.seed)

    # --- brush -------------------------------------------------------------------------------------
    def paint_stroke(self, value, points, radius: float, text: str) -> None:
        """Paint a whole brush stroke (photo-pixel points, round brush) as one step.

        ``value`` is one of :data:`BRUSH_CLASSES`' values: a class, ``NO_EDIT``
        (erase corrections), ``"scar"`` or ``"unscar"`` (paint or erase the scar).
        """
        if not self.has_photo or not points:
            return
        H, W = self.photo.height, self.photo.width
        pts = np.asarray(points, float).reshape(-1, 2)
        r = max(float(radius), 0.5)
        x0, y0 = (np.floor(pts.min(0) - r - 1)).astype(int)
        x1, y1 = (np.ceil(pts.max(0) + r + 2)).astype(int)
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, W), min(y1, H)
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        local = np.round(pts - (x0, y0)).astype(np.int32)
        thick = max(int(round(2 * r)), 1)
        if len(local) > 1:
            cv2.polylines(mask, [local.reshape(-1, 1, 2)], False, 1, thickness=thick, lineType=cv2.LINE_8)
        for p in (local[0], local[-1]):
            cv2.circle(mask, (int(p[0]), int(p[1])), int(round(r)), 1, -1)
        where = mask.astype(bool)
        if value in ("scar", "unscar"):
            layer, current = "scar", self.design.scar or Layer((H, W), bool, False)
            values = np.full(where.shape, value == "scar", bool)
        else:
            layer, current = "edits", self.design.edits or Layer((H, W), np.uint8, NO_EDIT)
            values = np.full(where.shape, int(value), np.uint8)
        if (current.region(y0, y1, x0, x1)[where] == values[where]).all():
            return  # (an eraser over nothing painted, a class over itself: no step to undo)
        self.apply(self.design.with_layer(layer, current.with_region(y0, y1, x0, x1, values, where)), text)
