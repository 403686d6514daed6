"""The canvas's tools: what mouse and keys do (drag points, paint, measure, pan, nudge).

A mixin of :class:`~smp_studio.gui.canvas.Canvas`; every handler is guarded,
so an error reaches the window's banner instead of escaping a Qt event.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import QPointF, Qt

from smp_studio.core.model.hairline import MAX_POINTS
from smp_studio.core.model.variants import current_index
from smp_studio.gui import painting
from smp_studio.gui.document import stroke_text

ARROWS = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
DIVIDER_GRAB = 14  # widget pixels either side of the split divider that grab it


def guarded(handler):
    """Run an event handler; an exception becomes a message in the window, never a crash."""

    @functools.wraps(handler)
    def run(self, e):
        try:
            return handler(self, e)
        except Exception as exc:  # noqa: BLE001 - nothing may escape a Qt event handler
            self._drag = None
            if self.doc.history.in_gesture:
                self.doc.end_gesture("Edit")
            self.renderFailed.emit(f"That did not work: {exc}")

    return run


class CanvasInput:
    """Mouse and keyboard handling of the canvas."""

    # --- mouse ---------------------------------------------------------------------------
    def _handle_radius_photo(self) -> float:
        return painting.HANDLE_RADIUS * 1.6 / self.zoom

    @guarded
    def mousePressEvent(self, e):
        if not self.doc.has_photo or self.first_look is not None:
            return
        pos = e.position()
        xy = self.to_photo(pos)
        btn = e.button()
        if self.compare == "split" and btn == Qt.MouseButton.LeftButton \
                and abs(pos.x() - self.split_pos * self.width()) <= DIVIDER_GRAB:
            self._drag = ("divider",)  # in every tool: the divider is always on top
            return
        if btn == Qt.MouseButton.MiddleButton or (btn == Qt.MouseButton.LeftButton and (self._space or self.tool == "pan")):
            self._drag = ("pan", pos)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        other = self.design_at(pos)
        if btn == Qt.MouseButton.LeftButton and other is not None and other != current_index(self.doc.design):
            self.doc.switch_design(other)  # a click on another design's pane edits that one
            return
        if self.tool == "hairline":
            self._press_hairline(xy, btn)
        elif self.tool == "brush" and btn == Qt.MouseButton.LeftButton:
            self._drag = ("stroke", [xy])
            self.update()
        elif self.tool == "calibrate" and btn == Qt.MouseButton.LeftButton:
            self._drag = ("measure", xy, xy)
        elif self.tool == "privacy" and btn == Qt.MouseButton.LeftButton:
            self._drag = ("rect", xy, xy)
        elif self.tool == "eyedropper" and btn == Qt.MouseButton.LeftButton:
            self._pick_color(xy)

    def _press_hairline(self, xy, btn):
        h = self.doc.hairline
        if h is None:
            return
        i = h.nearest_point(xy, self._handle_radius_photo())
        if btn == Qt.MouseButton.RightButton:
            if i is not None and len(h.points) > 2:
                self.doc.commit_hairline(h, h.delete_point(i), "Delete hairline point")
            return
        if btn != Qt.MouseButton.LeftButton:
            return
        if i is None:
            seg = h.nearest_segment(xy, self._handle_radius_photo() * 1.5)
            if seg is None:
                return
            if len(h.points) >= MAX_POINTS:  # what a project can hold (and far more than a line needs)
                self.renderFailed.emit(f"A hairline has at most {MAX_POINTS} points: drag or delete one instead")
                return
            inserted = h.insert_point(seg, xy)
            self.selected_point = seg + 1
            self.doc.preview_hairline(inserted)
            self._drag = ("point", seg + 1, h, "Insert hairline point")
            return
        self.selected_point = i
        self.doc.begin_gesture()
        self._drag = ("point", i, h, "Move hairline point")

    @guarded
    def mouseMoveEvent(self, e):
        pos = e.position()
        self._mouse = pos
        if self.first_look is not None:  # the document underneath is not shown
            return
        if self.doc.has_photo:
            xy = self.to_photo(pos)
            if 0 <= xy[0] < self.doc.photo.width and 0 <= xy[1] < self.doc.photo.height:
                self.cursorMoved.emit(*xy)
            else:
                self.cursorLeft.emit()  # no mm readout off the photo
        d = self._drag
        if d is None:
            if self.tool == "brush":
                self.update()
            return
        if d[0] == "pan":
            delta = pos - d[1]
            self._drag = ("pan", pos)
            self.pan_by(delta.x(), delta.y())
        elif d[0] == "divider":
            self.split_pos = float(np.clip(pos.x() / max(self.width(), 1), 0.0, 1.0))
            self.update()
        elif d[0] == "point":
            cur = self.doc.hairline
            self.doc.preview_hairline(cur.move_point(d[1], xy))
        elif d[0] == "stroke":
            d[1].append(xy)
            self.update()
        elif d[0] in ("measure", "rect"):
            self._drag = (d[0], d[1], xy)
            self.update()

    @guarded
    def mouseReleaseEvent(self, e):
        d, self._drag = self._drag, None
        if d is None:
            return
        if d[0] == "pan":
            self.set_tool(self.tool)
        elif d[0] == "point":
            _, _, before, text = d
            self.doc.commit_hairline(before, self.doc.hairline, text)
        elif d[0] == "stroke":
            self.doc.paint_stroke(self.brush_class, d[1], self.brush_px / self.zoom, stroke_text(self.brush_class))
        elif d[0] == "measure":
            a, b = d[1], d[2]
            if np.hypot(b[0] - a[0], b[1] - a[1]) >= 2:
                self._measure = (a, b)
                self.calibrationDrawn.emit(QPointF(*a), QPointF(*b))
        elif d[0] == "rect":
            (x0, y0), (x1, y1) = d[1], d[2]
            if abs(x1 - x0) >= 4 and abs(y1 - y0) >= 4:
                self.regionDrawn.emit(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
        self.update()

    @guarded
    def leaveEvent(self, e):
        self._mouse = None
        self.cursorLeft.emit()
        self.update()

    def clear_measure(self) -> None:
        self._measure = None
        self.update()

    @guarded
    def wheelEvent(self, e):
        if not self.doc.has_photo or self.first_look is not None:
            return
        steps = e.angleDelta().y() / 120.0
        self.zoom_about(self.zoom * (1.2 ** steps), e.position())

    def _pick_color(self, xy):
        x, y = int(np.clip(xy[0], 0, self.doc.photo.width - 1)), int(np.clip(xy[1], 0, self.doc.photo.height - 1))
        r = max(2, int(round(2 / max(self.zoom, 1e-3))))
        patch = self.doc.photo.rgb[max(y - r, 0) : y + r + 1, max(x - r, 0) : x + r + 1].reshape(-1, 3)
        c = np.median(patch, axis=0).astype(int)
        self.colorPicked.emit("#%02x%02x%02x" % tuple(c))

    # --- keys -------------------------------------------------------------------------------
    @guarded
    def keyPressEvent(self, e):
        if self.first_look is not None:  # the shown photo is not the document's yet
            e.ignore()
            return
        k = e.key()
        if e.isAutoRepeat() and k not in ARROWS:
            return
        if k == Qt.Key.Key_Space:
            self._space = True
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        elif k == Qt.Key.Key_Backslash:
            self._holding_before = True
            self.update()
        elif k in ARROWS:
            self._arrow(ARROWS[k], e.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        elif k in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.tool == "hairline" and self._mouse is not None:
            h = self.doc.hairline
            i = h.nearest_point(self.to_photo(self._mouse), self._handle_radius_photo()) if h else None
            if i is not None and len(h.points) > 2:
                self.doc.commit_hairline(h, h.delete_point(i), "Delete hairline point")
        else:
            super().keyPressEvent(e)

    def _arrow(self, d, big) -> None:
        """Nudge the selected hairline point (1 or 10 photo pixels), or pan the view."""
        h = self.doc.hairline
        i = self.selected_point
        if self.tool == "hairline" and h is not None and i is not None and i < len(h.points):
            step = 10.0 if big else 1.0
            x, y = h.points[i]
            self.doc.commit_hairline(h, h.move_point(i, (x + d[0] * step, y + d[1] * step)), "Nudge hairline point")
            return
        f = 0.5 if big else 0.1
        self.pan_by(-d[0] * self.width() * f, -d[1] * self.height() * f)

    @guarded
    def keyReleaseEvent(self, e):
        if e.isAutoRepeat():
            return
        if e.key() == Qt.Key.Key_Space:
            self._space = False
            self.set_tool(self.tool)
        elif e.key() == Qt.Key.Key_Backslash:
            self._holding_before = False
            self.update()
        else:
            super().keyReleaseEvent(e)

