"""Drawing the overlays, kept out of the canvas widget (pure QPainter calls).

Every function takes a ``to_widget`` mapping from photo pixels ``(x, y)`` to
widget coordinates, so it draws the same at any zoom.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from smp_studio.core.model.hairline import Hairline
from smp_studio.core.engine.overlay import CLASS_COLORS, SCAR_COLOR

HANDLE_RADIUS = 6.0  # widget pixels
HAIRLINE_COLOR = QColor(40, 200, 255)
HANDLE_FILL = QColor(255, 255, 255)
HANDLE_ACTIVE = QColor(255, 170, 0)


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """An RGB uint8 array as a QImage that owns its copy of the pixels."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def labels_overlay(labels: np.ndarray, opacity: float, scar: np.ndarray | None = None) -> QImage:
    """Tint per class (background clear) as a premultiplied ARGB image."""
    h, w = labels.shape
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., :3] = CLASS_COLORS[labels]
    rgba[..., 3] = np.where(labels > 0, int(round(255 * opacity)), 0)
    if scar is not None:
        rgba[scar] = (*SCAR_COLOR, int(round(255 * min(1.0, opacity + 0.3))))
    a = rgba[..., 3:4].astype(np.uint16)
    rgba[..., :3] = (rgba[..., :3].astype(np.uint16) * a // 255).astype(np.uint8)
    # QImage wants BGRA byte order for ARGB32 on little-endian machines.
    bgra = np.ascontiguousarray(rgba[..., [2, 1, 0, 3]])
    return QImage(bgra.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied).copy()


def draw_hairline(p: QPainter, h: Hairline, to_widget, *, active: int | None = None, curve=None,
                  handles: bool = True, draft: bool = False) -> None:
    """The line and its handles; ``draft`` (while a point is dragged) without smoothing the
    line's edges, which takes a tenth of a frame and does not show on a line in motion."""
    pts = h.curve(16) if curve is None else curve
    path = QPainterPath()
    for i, (x, y) in enumerate(pts):
        q = to_widget(x, y)
        path.moveTo(q) if i == 0 else path.lineTo(q)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, not draft)
    p.setBrush(Qt.BrushStyle.NoBrush)  # an open line: never filled, whatever was drawn before
    p.setPen(QPen(QColor(0, 0, 0, 140), 4))
    p.drawPath(path)
    p.setPen(QPen(HAIRLINE_COLOR, 2))
    p.drawPath(path)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for i, (x, y) in enumerate(h.points if handles else ()):
        q = to_widget(x, y)
        p.setPen(QPen(QColor(0, 0, 0), 1.5))
        p.setBrush(HANDLE_ACTIVE if i == active else HANDLE_FILL)
        p.drawEllipse(q, HANDLE_RADIUS, HANDLE_RADIUS)


def draw_brush_cursor(p: QPainter, center: QPointF, radius_widget: float, color: QColor) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(QColor(0, 0, 0, 180), 3))
    p.drawEllipse(center, radius_widget, radius_widget)
    p.setPen(QPen(color, 1.5))
    p.drawEllipse(center, radius_widget, radius_widget)


def draw_stroke(p: QPainter, points: list, radius_widget: float, color: QColor) -> None:
    """The brush stroke in progress, as the mask it will paint (committed on release)."""
    if not points:
        return
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    c = QColor(color)
    c.setAlpha(110)
    pen = QPen(c, max(2 * radius_widget, 1.0))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if len(points) == 1:
        p.drawPoint(points[0])
    else:
        path = QPainterPath(points[0])
        for q in points[1:]:
            path.lineTo(q)
        p.drawPath(path)


def draw_measure_line(p: QPainter, a: QPointF, b: QPointF, text: str) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor(0, 0, 0, 160), 4))
    p.drawLine(a, b)
    p.setPen(QPen(QColor(255, 230, 0), 2))
    p.drawLine(a, b)
    for q in (a, b):
        p.drawEllipse(q, 4, 4)
    if text:
        mid = (a + b) / 2
        r = QRectF(mid.x() + 8, mid.y() - 22, 160, 20)
        p.fillRect(r, QColor(0, 0, 0, 160))
        p.setPen(QColor(255, 255, 255))
        p.drawText(r.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)


def draw_hidden_region(p: QPainter, r: QRectF) -> None:
    """A region that exports will blur: hatched, with a dashed outline."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.fillRect(r, QColor(20, 20, 20, 120))
    p.fillRect(r, Qt.BrushStyle.BDiagPattern)
    pen = QPen(QColor(255, 255, 255), 1.5, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(r)


def draw_divider(p: QPainter, x: float, height: float) -> None:
    p.setPen(QPen(QColor(0, 0, 0, 120), 4))
    p.drawLine(QPointF(x, 0), QPointF(x, height))
    p.setPen(QPen(QColor(255, 255, 255), 2))
    p.drawLine(QPointF(x, 0), QPointF(x, height))
    p.setBrush(QColor(255, 255, 255))
    p.setPen(QPen(QColor(0, 0, 0, 160), 1))
    p.drawEllipse(QPointF(x, height / 2), 9, 9)


def draw_pane_gap(p: QPainter, x: float, height: float) -> None:
    """The thin line between two panes shown side by side."""
    p.fillRect(QRectF(x - 1.5, 0, 3, height), QColor(38, 40, 44))


def draw_tag(p: QPainter, x: float, y: float, text: str, align_right: bool = False) -> None:
    """A small dark label ('Before', 'After (simulation)') on the canvas."""
    fm = p.fontMetrics()
    w = fm.horizontalAdvance(text) + 12
    r = QRectF(x - w if align_right else x, y, w, fm.height() + 6)
    p.fillRect(r, QColor(0, 0, 0, 150))
    p.setPen(QColor(255, 255, 255))
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


def draw_first_look(p: QPainter, qi, width: int, height: int) -> None:
    """A photo's first look while it opens, fitted in the canvas and labelled as such."""
    k = min(width / qi.width(), height / qi.height())
    w, h = qi.width() * k, qi.height() * k
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    p.drawImage(QRectF((width - w) / 2, (height - h) / 2, w, h), qi)
    draw_tag(p, width - 10, 10, "After (simulation): first look, refining...", align_right=True)
