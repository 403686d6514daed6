"""The studio's keyboard, divider and messages, checked with real events (issue 12's list)."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from studio_support import drag, widget_pos, win  # noqa: E402,F401 - the same studio fixture


def test_the_split_divider_drags_in_every_tool_even_pan(win):
    win.view_state.set(compare="split", tool="pan")
    c = win.canvas
    x = int(c.split_pos * c.width())
    y = c.height() // 2
    drag(c, QPoint(x + 12, y), QPoint(int(c.width() * 0.25), y))  # 12 px off the line still grabs it
    assert c.split_pos == pytest.approx(0.25, abs=0.01)


def test_zoom_and_pan_keys(win):
    c = win.canvas
    c.setFocus()
    z = c.zoom
    QTest.keyClick(c, Qt.Key.Key_Plus)
    assert c.zoom > z * 1.1
    QTest.keySequence(win, "Ctrl+-")
    QTest.keyClick(c, Qt.Key.Key_Minus)
    assert c.zoom < z
    ox = c.ox
    QTest.keyClick(c, Qt.Key.Key_Right)
    assert c.ox > ox  # the view moves to show more of the right


def test_a_selected_point_is_nudged_by_the_arrows(win):
    c = win.canvas
    h = win.doc.hairline
    x, y = h.points[2]
    QTest.mouseClick(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, widget_pos(win, x, y))
    c.setFocus()
    QTest.keyClick(c, Qt.Key.Key_Up)
    QTest.keyClick(c, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    p = win.doc.hairline.points[2]
    assert p[0] == pytest.approx(x + 10, abs=1e-6) and p[1] == pytest.approx(y - 1, abs=1e-6)
    assert win.doc.history.undo_label == "Nudge hairline point"


def test_readout_off_the_photo_messages_and_undo_labels(win, qtbot):
    c = win.canvas
    W, H = win.doc.photo.size
    QTest.mouseMove(c, widget_pos(win, W / 2, H / 2))
    assert "mm" in win.pos_status.text()
    QTest.mouseMove(c, QPoint(2, 2) if c.to_photo(QPoint(2, 2).toPointF())[0] < 0 else QPoint(c.width() - 2, 2))
    assert win.pos_status.text() == ""
    win.panel.density.slider.setValue(win.panel.density.slider.value() + 2)
    assert win.doc.history.undo_label == "Change density"
    with qtbot.waitSignal(win.jobs.finished, timeout=20000):
        win.panel.redetectRequested.emit()
    qtbot.wait(20)
    assert "Detecting" not in win.statusBar().currentMessage()  # the message goes when the work is done
