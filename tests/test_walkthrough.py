"""A whole consultation, as an artist runs it: open, design, compare designs, save, export, quit.

Driven with real mouse and keyboard events at a laptop's 1280x720. Set
``SMP_WALKTHROUGH_SHOTS`` to a folder to keep a screenshot of each step (the
ones in docs/ were taken so, under Xvfb: see docs/README.md).
"""

import os
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402

from smp_studio.gui.window import MainWindow  # noqa: E402

PHOTO = "front-norwood4-hairline.jpg"


class Shots:
    """Screenshots of the window, numbered by step (only when asked for)."""

    def __init__(self, folder):
        self.folder = Path(folder) if folder else None
        self.n = 0

    def __call__(self, win, name: str) -> None:
        QApplication.processEvents()
        if self.folder is None:
            return
        self.n += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        win.grab().save(str(self.folder / f"walkthrough-{self.n}-{name}.jpg"), "JPG", 70)


def click(widget):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def drag(canvas, a: QPoint, b: QPoint, steps=8):
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        QTest.mouseMove(canvas, a + (b - a) * (i / steps))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def at(win, x, y):
    q = win.canvas.to_widget(x, y)
    return QPoint(int(round(q.x())), int(round(q.y())))


def pick(combo, text):
    """Choose an entry with the keyboard, as the artist does on a focused list."""
    combo.setFocus()
    target = combo.findText(text)
    assert target >= 0, text
    while combo.currentIndex() != target:
        QTest.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


def test_a_whole_consultation(qtbot, tmp_path, samples_dir, monkeypatch):
    shots = Shots(os.environ.get("SMP_WALKTHROUGH_SHOTS"))
    settings = QSettings(str(tmp_path / "studio.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, recovery_dir=str(tmp_path / "recovery"))
    win.confirm_discard = lambda: "discard"  # a failing step never leaves a modal question behind
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()  # as a click on it would (under Xvfb no window manager does it)
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)

    # 1. Open the client's photo: fitted at once, a simulation drawn.
    with qtbot.waitSignal(win.photoLoaded, timeout=30000):
        win.open_photo(samples_dir / PHOTO)
    qtbot.wait(50)
    c = win.canvas
    W, H = win.doc.photo.size
    assert c.zoom == pytest.approx(c.fit_zoom())
    assert len(win.doc.sim.session_dots()) > 1000
    shots(win, "opened")

    # 2. Design: a mature line, its middle raised a little with the mouse, a denser body.
    designs = win.panel.designs
    designs.ask_name = lambda current: "Mature"
    click(designs.rename_btn)
    pick(win.panel.template, "Mature")
    click(win.panel.template_apply)
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    drag(c, at(win, x, y), at(win, x, y - 15))
    assert win.doc.hairline.points[mid, 1] == pytest.approx(y - 15, abs=2)
    win.panel.density.slider.setFocus()
    for _ in range(4):
        QTest.keyClick(win.panel.density.slider, Qt.Key.Key_Right)
    assert win.doc.settings.density_per_cm2 == pytest.approx(120)
    win.panel.notes.setFocus()
    QTest.keyClicks(win.panel.notes, "Prefers a soft, natural front")
    c.setFocus()
    shots(win, "designed")

    # 3. A second design to compare: juvenile, lower; both side by side at one zoom.
    click(designs.add_btn)
    designs.ask_name = lambda current: "Juvenile"
    click(designs.rename_btn)
    pick(win.panel.template, "Juvenile")
    click(win.panel.template_apply)
    assert [designs.choice.itemText(i) for i in range(designs.choice.count())] == ["Mature", "Juvenile"]
    click(designs.compare_btn)
    qtbot.wait(50)
    assert c.compare == "designs" and c.pane_count() == 2
    img = win.canvas.grab().toImage()
    assert img.width() > 0
    shots(win, "designs-side-by-side")
    # back to the mature one: its own line and density came back
    designs.choice.setFocus()
    QTest.keyClick(designs.choice, Qt.Key.Key_Up)
    assert win.doc.settings.hairline_template == "mature"
    assert win.doc.settings.density_per_cm2 == pytest.approx(120)
    assert win.doc.hairline.points[mid, 1] == pytest.approx(y - 15, abs=2)

    # 4. Save (Ctrl+S asks where, the first time).
    project = tmp_path / "client.smpx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(project), "")))
    c.setFocus()
    QTest.keySequence(win, "Ctrl+S")
    assert project.is_file() and not win.doc.dirty
    from smp_studio.core.io.project import load_project
    from smp_studio.core.model.variants import designs as names_of

    saved = load_project(project)
    assert [v.name for v in names_of(saved.design())] == ["Mature", "Juvenile"]
    assert saved.notes == "Prefers a soft, natural front"

    # 5. Export the two designs side by side, labelled (Ctrl+E, the kind, Export...).
    QTest.keySequence(win, "Ctrl+E")
    dlg = win.export_dialog
    pick(dlg.kind, "Designs side by side")
    dlg.update_preview()
    shots(dlg, "export")
    out = tmp_path / "client-designs.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    with qtbot.waitSignal(win.jobs.finished, timeout=60000):
        click(dlg.export_btn)
    from PIL import Image

    from smp_studio.core.io.imageio import read_settings

    with Image.open(out) as im:
        exported = np.asarray(im.convert("RGB"))
    assert exported.shape[1] > 2 * W  # both designs, at full resolution
    record = read_settings(out)
    assert record["export"] == "designs" and record["simulation_label"] is True
    assert [d["name"] for d in record["designs"]] == ["Mature", "Juvenile"]  # each with its own settings
    qtbot.wait(50)

    # 6. Quit: nothing unsaved, so no question; no recovery copy is left behind.
    win.confirm_discard = lambda: pytest.fail("asked about unsaved changes after saving")
    QTest.keySequence(win, "Ctrl+Q")
    win.jobs.wait()
    assert not win.isVisible()
    assert not list((tmp_path / "recovery").glob("*.smpx"))
