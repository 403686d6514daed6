"""Projects in the studio: save and reopen, never lose work, never touch the network."""

import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QSettings  # noqa: E402

from smp_studio.gui.window import MainWindow  # noqa: E402

SAMPLE = "topdown-norwood7-fair-skin.jpg"


def make_window(qtbot, tmp_path, name="a"):
    s = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    w = MainWindow(s, recovery_dir=str(tmp_path / "recovery"))
    w.confirm_discard = lambda: "discard"
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


def open_and_wait(qtbot, w, path):
    with qtbot.waitSignal(w.photoLoaded, timeout=20000):
        w.open_photo(path, confirmed=True)
    w.jobs.wait()


@pytest.fixture
def win(qtbot, tmp_path, samples_dir):
    w = make_window(qtbot, tmp_path)
    open_and_wait(qtbot, w, samples_dir / SAMPLE)
    yield w
    w.jobs.wait()


def edit_design(w):
    w.doc.set_settings(density_per_cm2=150)
    h = w.doc.hairline
    w.doc.commit_hairline(h, h.move_point(1, h.points[1] + (0, -20)))
    w.panel.notes.setPlainText("Wants a soft, natural line")


def test_save_and_reopen_shows_the_identical_design(win, qtbot, tmp_path):
    edit_design(win)
    assert win.doc.dirty and win.windowTitle().startswith(SAMPLE + "*")
    shown = win.doc.sim.render()
    path = str(tmp_path / "client.smpx")
    assert win.save_project_to(path)
    assert not win.doc.dirty and win.windowTitle() == "client.smpx - SMP Studio"
    w2 = make_window(qtbot, tmp_path, "b")
    open_and_wait(qtbot, w2, path)
    assert np.array_equal(w2.doc.sim.render(), shown)
    assert w2.panel.notes.toPlainText() == "Wants a soft, natural line"
    assert not w2.doc.dirty and w2.doc.project_path == path
    # and the CLI renders what the studio showed
    from PIL import Image

    from smp_studio.cli import main

    assert main(["simulate", path, "-o", str(tmp_path / "cli.png")]) == 0
    assert np.array_equal(np.asarray(Image.open(tmp_path / "cli.png").convert("RGB")), shown)


def test_ctrl_s_on_a_saved_project_saves_in_place(win, tmp_path):
    path = str(tmp_path / "p.smpx")
    win.save_project_to(path)
    win.doc.set_settings(density_per_cm2=180)
    assert win.doc.dirty
    win.save_act.trigger()  # Ctrl+S: no dialog, the same file
    from smp_studio.core.io.project import load_project

    assert load_project(path).settings.density_per_cm2 == 180 and not win.doc.dirty


@pytest.mark.parametrize("answer,opened", [("cancel", False), ("discard", True), ("save", True)])
def test_opening_another_photo_asks_about_unsaved_changes(win, qtbot, tmp_path, samples_dir, answer, opened):
    win.save_project_to(str(tmp_path / "mine.smpx"))
    edit_design(win)
    asked = []
    win.confirm_discard = lambda: asked.append(1) or answer
    other = samples_dir / "topdown-norwood7-dark-skin.jpg"
    if opened:
        with qtbot.waitSignal(win.photoLoaded, timeout=20000):
            win.open_photo(other)
    else:
        win.open_photo(other)
        win.jobs.wait()
    assert asked == [1]
    assert (win.doc.photo.name == other.name) == opened
    if answer == "save":
        from smp_studio.core.io.project import load_project

        assert load_project(tmp_path / "mine.smpx").settings.density_per_cm2 == 150


def test_closing_with_unsaved_changes_can_be_cancelled(win):
    edit_design(win)
    win.confirm_discard = lambda: "cancel"
    win.close()
    assert win.isVisible()
    win.confirm_discard = lambda: "discard"
    win.close()
    assert not win.isVisible()


def test_autosave_writes_a_recovery_copy_and_a_clean_exit_removes_it(win, tmp_path):
    rec = tmp_path / "recovery"
    win.autosave()
    win.jobs.wait()
    assert not (rec.exists() and list(rec.glob("*.smpx")))  # nothing changed: nothing written
    edit_design(win)
    win.autosave()
    win.jobs.wait()
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    copies = list(rec.glob("*.smpx"))
    assert len(copies) == 1
    from smp_studio.core.io.project import load_project

    assert load_project(copies[0]).settings.density_per_cm2 == 150
    assert win.autosave_timer.isActive() and win.autosave_timer.interval() == 60_000
    win.close()
    assert not list(rec.glob("*.smpx"))


CRASH = textwrap.dedent(r"""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from smp_studio.gui.window import MainWindow
    w = MainWindow(QSettings(sys.argv[2] + "/crash.ini", QSettings.Format.IniFormat), recovery_dir=sys.argv[2] + "/recovery")
    w.open_photo(sys.argv[1], confirmed=True)
    while w.jobs.busy() or not w.doc.has_photo:
        app.processEvents(); time.sleep(0.01)
    w.doc.set_settings(density_per_cm2=222, seed=77)
    w.panel.notes.setPlainText("before the crash")
    w.autosave()
    while w.jobs.busy():
        app.processEvents(); time.sleep(0.01)
    app.processEvents()
    os._exit(3)  # a crash: no clean exit, no cleanup
""")


def test_after_a_crash_the_next_start_offers_to_restore(qtbot, tmp_path, samples_dir):
    r = subprocess.run([sys.executable, "-c", CRASH, str(samples_dir / SAMPLE), str(tmp_path)], timeout=120)
    assert r.returncode == 3
    assert len(list((tmp_path / "recovery").glob("*.smpx"))) == 1
    w = make_window(qtbot, tmp_path, "after")
    offered = []
    with qtbot.waitSignal(w.photoLoaded, timeout=20000):
        assert w.offer_recovery(ask=lambda path, origin: offered.append(path) or True)
    assert offered
    assert w.doc.settings.density_per_cm2 == 222 and w.doc.settings.seed == 77
    assert w.panel.notes.toPlainText() == "before the crash"
    assert w.doc.dirty  # recovered work still has to be saved somewhere
    w.close()  # the restored copy became this session's: a clean exit removes it
    assert not list((tmp_path / "recovery").glob("*.smpx"))


def test_declining_a_restore_removes_the_copy(qtbot, tmp_path, samples_dir, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    import smp_studio.gui.lifecycle as lifecycle

    subprocess.run([sys.executable, "-c", CRASH, str(samples_dir / SAMPLE), str(tmp_path)], timeout=120)
    w = make_window(qtbot, tmp_path, "after")
    asked = []
    monkeypatch.setattr(lifecycle.QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    assert not w.offer_recovery()
    assert SAMPLE in asked[0]  # the question names the photo the unsaved design was on
    assert not list((tmp_path / "recovery").glob("*.smpx"))
    assert not w.offer_recovery(ask=lambda path, origin: pytest.fail("asked again"))


def test_a_whole_session_opens_no_network_connection(qtbot, tmp_path, samples_dir, monkeypatch):
    attempts = []

    def refuse(*a, **k):
        attempts.append(a)
        raise OSError("network use is not allowed in SMP Studio")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    w = make_window(qtbot, tmp_path, "net")
    open_and_wait(qtbot, w, samples_dir / SAMPLE)
    edit_design(w)
    w.set_compare("split")
    w.autosave()
    w.jobs.wait()
    path = str(tmp_path / "n.smpx")
    w.save_project_to(path)
    dlg = w.open_export_dialog()
    dlg.kind.setCurrentText("Patient handout (PDF)")
    dlg.export_to(str(tmp_path / "n.pdf"))
    w.jobs.wait()
    dlg.reject()
    open_and_wait(qtbot, w, path)
    w.about_text()
    w.close()
    assert attempts == []
    assert "PySide6.QtNetwork" not in sys.modules  # nothing in the studio even loads Qt's network module
