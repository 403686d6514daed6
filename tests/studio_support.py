"""The studio opened on a sample photo, and the artist's hand: shared by the GUI tests."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from smp_studio.gui.window import MainWindow  # noqa: E402

SAMPLE = "topdown-norwood6-shaved-look.jpg"


@pytest.fixture
def win(qtbot, tmp_path, samples_dir):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)  # isolated per test
    w = MainWindow(settings, recovery_dir=str(tmp_path / "recovery"))
    w.confirm_discard = lambda: "discard"  # no modal question at teardown
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.photoLoaded, timeout=20000):
        w.open_photo(samples_dir / SAMPLE)
    qtbot.wait(50)
    yield w
    w.jobs.wait()


def canvas_pixels(w):
    return np.asarray(_qimage_to_array(w.canvas.grab().toImage()))


def _qimage_to_array(qi):
    from PySide6.QtGui import QImage

    qi = qi.convertToFormat(QImage.Format.Format_RGB888)
    h, wd = qi.height(), qi.width()
    return np.frombuffer(qi.constBits(), np.uint8).reshape(h, qi.bytesPerLine())[:, : wd * 3].reshape(h, wd, 3).copy()


def widget_pos(w, x, y):
    q = w.canvas.to_widget(x, y)
    return QPoint(int(round(q.x())), int(round(q.y())))


def drag(canvas, a: QPoint, b: QPoint, steps=8, button=Qt.MouseButton.LeftButton):
    QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        QTest.mouseMove(canvas, p)
    QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier, b)


def choose(combo, value):
    """Pick an entry as the artist does: with the keyboard on the focused box (emits activated)."""
    combo.setFocus()
    target = combo.findData(value)
    while combo.currentIndex() != target:
        QTest.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
