"""The photo canvas: zoom, pan, compare modes and the tools' mouse handling.

It renders only what is visible, at screen resolution, through the core's
``Simulation.render(view, size)``; the full-resolution image is an export.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from smp_studio.core.engine.overlay import CLASS_COLORS, EXCLUDE_COLOR, SCAR_COLOR
from smp_studio.core.engine.render import View
from smp_studio.gui import painting
from smp_studio.core.model.variants import current_index, designs
from smp_studio.core.model.design import NO_EDIT
from smp_studio.gui.design_panes import DesignPanes
from smp_studio.gui.document import Document
from smp_studio.gui.canvas_input import CanvasInput
from smp_studio.gui.canvas_layers import CanvasLayers
from smp_studio.gui.guides import draw_face_guides, draw_guide_labels
from smp_studio.gui.viewstate import ViewState

BRUSH_COLORS = {**{k: QColor(*map(int, CLASS_COLORS[k])) for k in (1, 2, 3)}, 0: QColor(*EXCLUDE_COLOR),
                "scar": QColor(*SCAR_COLOR), NO_EDIT: QColor(128, 128, 128), "unscar": QColor(128, 128, 128)}
MIN_ZOOM, MAX_ZOOM = 0.02, 16.0


class Canvas(CanvasInput, CanvasLayers, QWidget):
    cursorMoved = Signal(float, float)  # photo pixels
    calibrationDrawn = Signal(QPointF, QPointF)  # photo pixels
    viewChanged = Signal()
    colorPicked = Signal(str)
    regionDrawn = Signal(float, float, float, float)  # x, y, w, h in photo pixels
    cursorLeft = Signal()
    renderFailed = Signal(str)
    painted = Signal()  # after each repaint: figures shown elsewhere follow at most this often

    def __init__(self, doc: Document, state: ViewState | None = None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.state = state or ViewState(self)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.zoom = 1.0  # widget pixels per photo pixel
        self.ox = self.oy = 0.0  # photo point at the widget's top-left
        self.split_pos = 0.5
        self.fitted = True  # showing the whole photo: a resize refits until the artist zooms or pans
        self._panes_fitted = 1
        self.design_panes = DesignPanes()
        self._holding_before = False
        self._space = False
        self._drag = None  # the gesture in progress
        self._measure = None  # a drawn calibration line, kept while its length is asked for
        self.selected_point = None  # hairline point the arrow keys nudge
        self.first_look = None  # a photo being opened: its quick first simulated look, until it is ready
        self._guide_cache = None
        self._mouse = None
        self._cache: dict[str, tuple] = {}
        self.last_render_ms = 0.0
        self.paint_count = 0
        doc.photoChanged.connect(self._on_photo)
        doc.designChanged.connect(self._on_design)
        doc.masksChanged.connect(self.update)
        doc.hairlineChanged.connect(self.update)
        self.state.changed.connect(self._on_state)

    # The view state is the canvas's single source for these; they are read here, set there.
    tool = property(lambda self: self.state.tool)
    compare = property(lambda self: self.state.compare)
    overlay = property(lambda self: self.state.overlay)
    overlay_opacity = property(lambda self: self.state.overlay_opacity)
    brush_class = property(lambda self: self.state.brush_class)
    brush_px = property(lambda self: self.state.brush_px)

    # --- geometry --------------------------------------------------------------------
    def to_widget(self, x: float, y: float, pane_x: float = 0.0) -> QPointF:
        return QPointF((x - self.ox) * self.zoom + pane_x, (y - self.oy) * self.zoom)

    def to_photo(self, pos: QPointF) -> tuple[float, float]:
        px = pos.x() - self._pane_x(pos)
        return self.ox + px / self.zoom, self.oy + pos.y() / self.zoom

    def pane_count(self) -> int:
        """Panes side by side, all at the same zoom and pan."""
        if self.compare == "designs" and self.doc.has_photo:
            return max(len(designs(self.doc.design)), 2)  # one design alone is paired with the photo
        return 2 if self.compare == "side-by-side" else 1

    def _pane_width(self) -> float:
        return self.width() / self.pane_count()

    def _pane_x(self, pos: QPointF) -> float:
        pw = self._pane_width()
        return float(np.clip(np.floor(pos.x() / pw), 0, self.pane_count() - 1)) * pw

    def design_at(self, pos: QPointF) -> int | None:
        """In the designs comparison: the design whose pane ``pos`` is in (None: the photo's pane)."""
        if self.compare != "designs" or not self.doc.has_photo:
            return None
        i = int(self._pane_x(pos) // max(self._pane_width(), 1))
        i -= 1 if len(designs(self.doc.design)) == 1 else 0
        return i if i >= 0 else None

    def _shown_pane_x(self, mode: str) -> float:
        """Where the design being edited is drawn: its tools (the hairline) are drawn there."""
        if mode == "side-by-side":
            return self._pane_width()
        if mode == "designs":
            n = len(designs(self.doc.design))
            return (current_index(self.doc.design) + (1 if n == 1 else 0)) * self._pane_width()
        return 0.0

    def fit_zoom(self) -> float:
        """The zoom that shows the whole photo in one pane."""
        W, H = self.doc.photo.size
        return max(min(self._pane_width() / W, self.height() / H) * 0.98, MIN_ZOOM)

    def fit(self) -> None:
        if not self.doc.has_photo:
            return
        W, H = self.doc.photo.size
        pw = self._pane_width()
        self.zoom = self.fit_zoom()
        self.ox = -(pw / self.zoom - W) / 2
        self.oy = -(self.height() / self.zoom - H) / 2
        self.fitted = True
        self._panes_fitted = self.pane_count()
        self._view_changed()

    def actual_size(self) -> None:
        """One photo pixel per screen (device) pixel, to judge the dots; a photo smaller than
        the canvas is never shrunk by it: it is shown whole, as large as it fits."""
        if not self.doc.has_photo:
            return
        one = 1.0 / self.devicePixelRatioF()
        if self.fit_zoom() >= one:
            self.fit()
        else:
            self.zoom_about(one, QPointF(self._pane_width() / 2, self.height() / 2))

    def zoom_about(self, zoom: float, anchor: QPointF) -> None:
        zoom = float(np.clip(zoom, MIN_ZOOM, MAX_ZOOM))
        px, py = self.to_photo(anchor)
        ax = anchor.x() - self._pane_x(anchor)
        self.zoom = zoom
        self.ox = px - ax / zoom
        self.oy = py - anchor.y() / zoom
        self.fitted = False
        self._view_changed()

    def zoom_by(self, factor: float) -> None:
        self.zoom_about(self.zoom * factor, QPointF(self._pane_width() / 2, self.height() / 2))

    def pan_by(self, dx: float, dy: float) -> None:
        self.ox -= dx / self.zoom
        self.oy -= dy / self.zoom
        self.fitted = False
        self._view_changed()

    def _view_changed(self):
        self.viewChanged.emit()
        self.update()

    # --- state changes -------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        self.state.set(tool=tool)

    def set_compare(self, mode: str) -> None:
        self.state.set(compare=mode)

    def _on_state(self, name: str) -> None:
        if name == "tool":
            self._set_cursor()
        elif name == "compare":
            self._refit_after_compare()
        self.update()

    def _set_cursor(self) -> None:
        cursors = {"pan": Qt.CursorShape.OpenHandCursor, "eyedropper": Qt.CursorShape.CrossCursor,
                   "calibrate": Qt.CursorShape.CrossCursor, "brush": Qt.CursorShape.BlankCursor,
                   "privacy": Qt.CursorShape.CrossCursor}
        self.setCursor(cursors.get(self.tool, Qt.CursorShape.ArrowCursor))

    def _refit_after_compare(self) -> None:
        # Side by side halves the pane: show the whole photo again in each half.
        if self.doc.has_photo:
            self.fit()

    def _on_photo(self):
        self._cache.clear()
        self.design_panes.clear()
        self.fit()

    def _on_design(self):
        if self.compare == "designs" and self.pane_count() != self._panes_fitted:
            self.fit()  # a design added or removed: every pane shows the whole photo again
        self.update()

    # --- painting --------------------------------------------------------------------------
    def _visible(self, pane_w: float):
        """(widget rect, View, out size) of the photo's visible part in one pane."""
        W, H = self.doc.photo.size
        wx0 = max(0.0, -self.ox * self.zoom)
        wy0 = max(0.0, -self.oy * self.zoom)
        wx1 = min(pane_w, (W - self.ox) * self.zoom)
        wy1 = min(float(self.height()), (H - self.oy) * self.zoom)
        if wx1 - wx0 < 1 or wy1 - wy0 < 1:
            return None
        dpr = self.devicePixelRatioF()
        view = View(self.ox + wx0 / self.zoom, self.oy + wy0 / self.zoom, self.zoom * dpr)
        size = (max(int(round((wx1 - wx0) * dpr)), 1), max(int(round((wy1 - wy0) * dpr)), 1))
        return QRectF(wx0, wy0, wx1 - wx0, wy1 - wy0), view, size

    def _image(self, which: str, view: View, size) -> np.ndarray:
        # The design is immutable: the same object means the same image.
        key = (view, size, id(self.doc.design) if which == "after" else 0)
        hit = self._cache.get(which)
        if hit and hit[0] == key:
            return hit[1]
        t = time.perf_counter()
        if which == "after":
            img = self._after(view, size, hit)
        else:
            img = view.crop(self.doc.photo.rgb, size)
        self.last_render_ms = (time.perf_counter() - t) * 1000
        self._cache[which] = (key, img, self.doc.design)  # holds the design: its id stays unique
        return img

    def _shown(self, which: str, view: View, size) -> np.ndarray:
        return self._lit(which, self._image(which, view, size), view, size)

    def _after(self, view: View, size, hit) -> np.ndarray:
        """The simulated view; after a local edit (a hairline drag) only the changed part is redone."""
        sim = self.doc.sim
        if hit and hit[0][:2] == (view, size):
            box = sim.changed_box(hit[2])
            if box is not None:
                x0, y0 = view.to_output(np.array([box[:2]]))[0]
                x1, y1 = view.to_output(np.array([box[2:]]))[0]
                w, h = size
                r = (int(max(np.floor(x0), 0)), int(max(np.floor(y0), 0)), int(min(np.ceil(x1), w)),
                     int(min(np.ceil(y1), h)))
                if r[2] <= r[0] or r[3] <= r[1]:
                    return hit[1]
                if (r[2] - r[0]) * (r[3] - r[1]) < 0.6 * w * h:
                    img = hit[1].copy()
                    img[r[1]:r[3], r[0]:r[2]] = sim.render(view, size, region=r)
                    return img
        return sim.render(view, size)

    def paintEvent(self, event):
        p = QPainter(self)
        try:
            self._paint(p)
        except Exception as e:  # never out of a paint event: show the photo and say what failed
            p.end()
            self._cache.pop("after", None)
            self.renderFailed.emit(f"Could not draw the simulation: {e}")
            self.state.set(compare="before") if self.compare != "before" else None

    def first_look_size(self) -> tuple[int, int]:
        """Device pixels a first look is rendered at: the canvas, never less than a typical one."""
        dpr = self.devicePixelRatioF()
        return max(int(self.width() * dpr), 1200), max(int(self.height() * dpr), 800)

    def set_first_look(self, rgb: np.ndarray | None) -> None:
        """Show a photo's first look while it opens (None: back to the document).

        The document underneath is hidden meanwhile, so a gesture on it ends here.
        """
        if rgb is not None and self._drag is not None:
            self._drag = None
            if self.doc.history.in_gesture:
                self.doc.end_gesture("Edit")
        self.first_look = None if rgb is None else painting.rgb_to_qimage(rgb)
        self.update()

    def _paint(self, p: QPainter) -> None:
        p.fillRect(self.rect(), QColor(38, 40, 44))
        if self.first_look is not None:
            painting.draw_first_look(p, self.first_look, self.width(), self.height())
            return
        if not self.doc.has_photo:
            p.setPen(QColor(200, 200, 200))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Open a client photo (Ctrl+O) or drop one here")
            return
        mode = "before" if self._holding_before else self.compare
        pane_w = self._pane_width()
        vis = self._visible(pane_w)
        if vis is not None:
            rect, view, size = vis
            dpr = self.devicePixelRatioF()
            if mode == "designs":
                shown = lambda: self._image("after", view, size)  # noqa: E731 - the live, cached render
                for i, (_, img, _) in enumerate(self.design_panes.panes(self.doc, view, size, shown)):
                    qi = painting.rgb_to_qimage(img)
                    qi.setDevicePixelRatio(dpr)
                    p.setClipRect(QRectF(i * pane_w, 0, pane_w, self.height()))
                    p.drawImage(rect.topLeft() + QPointF(i * pane_w, 0), qi)
                p.setClipping(False)
            elif mode == "side-by-side":
                for which, dx in (("before", 0.0), ("after", pane_w)):
                    qi = painting.rgb_to_qimage(self._shown(which, view, size))
                    qi.setDevicePixelRatio(dpr)
                    p.setClipRect(QRectF(dx, 0, pane_w, self.height()))
                    p.drawImage(rect.topLeft() + QPointF(dx, 0), qi)
                p.setClipping(False)
            elif mode == "split":
                x = self.split_pos * self.width()
                for which, clip in (("before", QRectF(0, 0, x, self.height())),
                                    ("after", QRectF(x, 0, self.width() - x, self.height()))):
                    qi = painting.rgb_to_qimage(self._shown(which, view, size))
                    qi.setDevicePixelRatio(dpr)
                    p.setClipRect(clip)
                    p.drawImage(rect.topLeft(), qi)
                p.setClipping(False)
            else:
                qi = painting.rgb_to_qimage(self._shown("before" if mode == "before" else "after", view, size))
                qi.setDevicePixelRatio(dpr)
                p.drawImage(rect.topLeft(), qi)
            if self.overlay:
                ov = self._overlay_image(view, size)
                ov.setDevicePixelRatio(dpr)
                p.drawImage(rect.topLeft(), ov)
        self._paint_tools(p, mode, pane_w)
        self.paint_count += 1
        self.painted.emit()

    def _paint_tools(self, p: QPainter, mode: str, pane_w: float) -> None:
        dx = self._shown_pane_x(mode)

        def tw(x, y):
            return self.to_widget(x, y, dx)

        self._lighting_tag(p)
        if mode == "split":
            painting.draw_divider(p, self.split_pos * self.width(), self.height())
            painting.draw_tag(p, 10, 10, "Before")
            painting.draw_tag(p, self.width() - 10, 10, "After (simulation)", align_right=True)
        elif mode == "side-by-side":
            painting.draw_tag(p, 10, 10, "Before")
            painting.draw_tag(p, pane_w + 10, 10, "After (simulation)")
        elif mode == "before":
            painting.draw_tag(p, 10, 10, "Before")
        elif mode == "designs":
            names = [v.name for v in designs(self.doc.design)]
            cur = current_index(self.doc.design)
            tags = (["Before"] if len(names) == 1 else []) + [
                f"{n} (simulation)" + (" - editing" if i == cur and len(names) > 1 else "") for i, n in enumerate(names)]
            for i, tag in enumerate(tags):
                painting.draw_tag(p, i * pane_w + 10, 10, tag)
            for i in range(1, len(tags)):
                painting.draw_pane_gap(p, i * pane_w, self.height())
            if self.tool == "hairline" and len(names) > 1:  # every design's line, for the comparison
                for i in range(len(names)):
                    other = self.design_panes.hairline(i) if i != cur else None
                    if other is not None:
                        painting.draw_hairline(p, other, lambda x, y, dx=i * pane_w: self.to_widget(x, y, dx),
                                               handles=False)
        else:
            painting.draw_tag(p, 10, 10, "Simulation")
        h, g = self.doc.hairline, self._guides(mode)
        if g is not None:
            draw_face_guides(p, g, tw)
        if h is not None and self.tool == "hairline" and mode != "before":
            active = self._drag[1] if self._drag and self._drag[0] == "point" else None
            painting.draw_hairline(p, h, tw, active=active, draft=active is not None)
        if g is not None:  # over the hairline, which crosses them
            draw_guide_labels(p, g, tw)
        if self._drag and self._drag[0] == "stroke":
            painting.draw_stroke(p, [tw(*xy) for xy in self._drag[1]], self.brush_px, BRUSH_COLORS[self.brush_class])
        if self.tool == "brush" and self._mouse is not None:
            painting.draw_brush_cursor(p, self._mouse, self.brush_px, BRUSH_COLORS[self.brush_class])
        if self.tool == "privacy" or (self._drag and self._drag[0] == "rect"):
            rects = [(r.x, r.y, r.w, r.h) for r in self.doc.privacy_regions]
            if self._drag and self._drag[0] == "rect":
                (x0, y0), (x1, y1) = self._drag[1], self._drag[2]
                rects.append((min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))
            for x, y, w, h in rects:
                painting.draw_hidden_region(p, QRectF(tw(x, y), tw(x + w, y + h)))
        measure = self._drag[1:] if self._drag and self._drag[0] == "measure" else self._measure
        if measure:
            a, b = measure
            length = float(np.hypot(b[0] - a[0], b[1] - a[1]))
            painting.draw_measure_line(p, tw(*a), tw(*b), f"{length:.0f} px")

    def resizeEvent(self, e):
        # A fitted photo stays fitted as the window opens, resizes or the panel moves; a zoomed one stays.
        first = e.oldSize().width() <= 0
        if (first or self.fitted) and self.doc.has_photo:
            self.fit()
        super().resizeEvent(e)
