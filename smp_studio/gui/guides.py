"""Face guides over the photo: the glabella, the verticals through the outer eye
corners, the facial thirds, and the hairline's midline height in cm, live while
dragging. Painting only; the geometry comes from the core."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from smp_studio.gui import painting

GUIDE = QColor(120, 220, 255, 200)
LABEL_BACKING = QColor(0, 0, 0, 140)


def draw_face_guides(p: QPainter, g: dict, to_widget) -> None:
    """``g`` is :meth:`Simulation.face_guides`; ``to_widget(x, y)`` maps photo pixels to the canvas."""
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(GUIDE, 1.5, Qt.PenStyle.DashLine)
    p.setPen(pen)
    for a, b in g["eye_verticals"] + g["thirds"]:
        p.drawLine(to_widget(*a), to_widget(*b))
    gl = to_widget(*g["glabella"])
    p.setBrush(GUIDE)
    p.drawEllipse(gl, 4, 4)
    for xy in g["heights"].values():
        q = to_widget(*xy)
        p.drawLine(q + QPointF(-6, 0), q + QPointF(6, 0))


def draw_guide_labels(p: QPainter, g: dict, to_widget) -> None:
    """The guides' heights in cm, drawn after the hairline (which crosses them) on a dark backing."""
    fm = p.fontMetrics()
    for mm, xy in g["heights"].items():
        q = to_widget(*xy)
        text = f"{mm / 10:g} cm"
        r = QRectF(q.x() + 8, q.y() - fm.height() / 2 - 1, fm.horizontalAdvance(text) + 6, fm.height() + 2)
        p.fillRect(r, LABEL_BACKING)
        p.setPen(QPen(GUIDE))
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
    if "mid_frontal_cm" in g:
        gl = to_widget(*g["glabella"])
        painting.draw_tag(p, gl.x() + 12, gl.y() - 30, f"hairline {g['mid_frontal_cm']:.1f} cm above the glabella")
