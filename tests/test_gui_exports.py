"""Exports from the studio: the dialog, its preview, the label choice, clinic settings."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from smp_studio.core.io.imageio import read_settings  # noqa: E402
from smp_studio.gui.window import MainWindow  # noqa: E402


@pytest.fixture
def win(qtbot, tmp_path, samples_dir):
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), recovery_dir=str(tmp_path / "rec"))
    w.confirm_discard = lambda: "discard"
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.photoLoaded, timeout=20000):
        w.open_photo(samples_dir / "topdown-norwood7-fair-skin.jpg")
    yield w
    w.jobs.wait()


def export(qtbot, dlg, path):
    with qtbot.waitSignal(dlg.win.jobs.finished, timeout=60000):
        dlg.export_to(str(path))


def test_export_dialog_previews_and_writes_each_kind(win, qtbot, tmp_path):
    dlg = win.open_export_dialog()
    for kind, name in [("Simulated image", "a.png"), ("Side by side", "s.jpg"), ("Before/after split", "p.png")]:
        dlg.kind.setCurrentText(kind)
        dlg.update_preview()
        assert dlg.preview_image is not None and dlg.preview.pixmap() is not None
        export(qtbot, dlg, tmp_path / name)
        rec = read_settings(tmp_path / name)
        assert rec["simulation_label"] is True and rec["seed"] == win.doc.settings.seed
    from PIL import Image

    assert Image.open(tmp_path / "s.jpg").size[0] > 1280  # two photos wide, full resolution


def test_turning_the_label_off_needs_a_confirmed_choice_that_is_recorded(win, qtbot, tmp_path):
    dlg = win.open_export_dialog()
    dlg.confirm_no_label = lambda: False
    dlg.label.setChecked(False)
    assert dlg.label.isChecked()  # refused: still labelled
    dlg.confirm_no_label = lambda: True
    dlg.label.setChecked(False)
    assert not dlg.label.isChecked()
    export(qtbot, dlg, tmp_path / "plain.png")
    assert read_settings(tmp_path / "plain.png")["simulation_label"] is False


def test_handout_and_animation_from_the_studio(win, qtbot, tmp_path):
    from pypdf import PdfReader

    from smp_studio.core.output.animation import read_frames
    from smp_studio.gui.clinic_dialog import save_clinic
    from smp_studio.core.output.clinic import Clinic

    save_clinic(win.qsettings, Clinic(name="Studio Clinic"))
    win.panel.notes.setPlainText("Notes typed in the studio")
    dlg = win.open_export_dialog()
    dlg.kind.setCurrentText("Patient handout (PDF)")
    dlg.paper.setCurrentText("Letter")
    export(qtbot, dlg, tmp_path / "h.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "h.pdf")).pages)
    assert "Studio Clinic" in text and "Notes typed in the studio" in text
    dlg.kind.setCurrentText("Wipe animation")
    dlg.format.setCurrentText("mp4")
    export(qtbot, dlg, tmp_path / "w.mp4")
    assert len(read_frames(tmp_path / "w.mp4")) >= 40


def test_clinic_settings_are_stored_once_and_edited_in_a_dialog(win, tmp_path):
    dlg = win.open_clinic_dialog()
    dlg.name.setText("Harbour SMP")
    dlg.currency.setText("$")
    dlg.table.item(0, 2).setText("1,200")
    QTest.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == dlg.DialogCode.Accepted
    c = win.clinic()
    assert c.name == "Harbour SMP" and c.currency == "$" and c.prices[0].price == 1200
    again = win.open_clinic_dialog()
    assert again.name.text() == "Harbour SMP"
    again.table.item(0, 1).setText("lots")
    QTest.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    assert again.isVisible() and "numbers" in again.error.text()  # a bad row is said, nothing saved
    again.reject()
    assert win.clinic().prices[0].price == 1200


def test_a_region_drawn_on_the_photo_is_hidden_in_exports_and_saved(win, qtbot, tmp_path):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PIL import Image

    win.set_tool("privacy")
    c = win.canvas

    def at(x, y):
        q = c.to_widget(x, y)
        return QPoint(int(q.x()), int(q.y()))

    # away from the labels, which are drawn last and stay readable
    QTest.mousePress(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(200, 250))
    QTest.mouseMove(c, at(320, 300))
    QTest.mouseMove(c, at(440, 370))
    QTest.mouseRelease(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(440, 370))
    (r,) = win.doc.privacy_regions
    assert (r.x, r.y) == pytest.approx((200, 250), abs=3) and r.w == pytest.approx(240, abs=4)
    dlg = win.open_export_dialog()
    assert "1 drawn" in dlg.regions_label.text()
    dlg.label.setChecked(True)
    export(qtbot, dlg, tmp_path / "a.png")
    import cv2

    def detail(a):  # fine detail: what a blur takes away
        g = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32)
        return np.abs(g - cv2.GaussianBlur(g, (0, 0), 2.0))

    out = np.asarray(Image.open(tmp_path / "a.png").convert("RGB"))
    inner = np.s_[r.y + 10 : r.y + r.h - 10, r.x + 10 : r.x + r.w - 10]
    assert detail(out)[inner].mean() < 0.3 * detail(win.doc.sim.render())[inner].mean()  # blurred away
    outside = np.s_[100:200, 100:200]
    assert np.abs(detail(out)[outside].mean() - detail(win.doc.sim.render())[outside].mean()) < 0.5
    win.save_project_to(str(tmp_path / "p.smpx"))
    from smp_studio.core.io.project import load_project

    assert load_project(tmp_path / "p.smpx").extras["privacy_regions"] == [[r.x, r.y, r.w, r.h]]
