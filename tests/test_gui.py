"""The studio driven as an artist would: real mouse and keyboard events."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from smp_studio.gui.window import MainWindow  # noqa: E402
from studio_support import SAMPLE, canvas_pixels, choose, drag, widget_pos, win  # noqa: E402,F401 - the studio fixture


def test_opens_on_a_photo_with_simulation_drawn(win):
    assert win.doc.has_photo and "shaved-look" in win.windowTitle()
    img = canvas_pixels(win)
    assert img.std() > 20  # a photo, not the empty grey canvas
    before = win.doc.photo.rgb
    assert len(win.doc.sim.session_dots()) > 1000
    assert "impressions" in win.area_status.text()


def test_dragging_a_hairline_point_moves_the_dots(win, qtbot):
    win.doc.set_settings(density_per_cm2=200, dilution=0.1)  # a design that is plain to see
    n0 = win.doc.history.undo_steps
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    # pixels just in front of the line: untreated at first
    probe = (x, y + 25)
    a = canvas_pixels(win)
    pw = widget_pos(win, *probe)
    region_before = a[pw.y() - 6 : pw.y() + 6, pw.x() - 6 : pw.x() + 6].astype(float)
    depth_before = win.doc.sim.zone.sample(np.array([probe]), "depth")[0]
    drag(win.canvas, widget_pos(win, x, y), widget_pos(win, x, y + 60))
    qtbot.wait(30)
    assert win.doc.hairline.points[mid][1] == pytest.approx(y + 60, abs=3)
    assert win.doc.sim.zone.sample(np.array([probe]), "depth")[0] > depth_before + 5
    b = canvas_pixels(win)
    region_after = b[pw.y() - 6 : pw.y() + 6, pw.x() - 6 : pw.x() + 6].astype(float)
    assert region_after.mean() < region_before.mean() - 2  # dots now cover what was in front
    assert win.doc.history.undo_steps == n0 + 1  # the whole drag is one step
    win.undo_act.trigger()
    assert win.doc.hairline.points[mid][1] == pytest.approx(y, abs=0.01)
    win.redo_act.trigger()
    assert win.doc.hairline.points[mid][1] == pytest.approx(y + 60, abs=3)


def test_click_on_the_line_inserts_and_right_click_deletes(win, qtbot):
    h = win.doc.hairline
    n = len(h.points)
    c = h.curve(16)
    x, y = c[len(c) // 2 + 5]  # on the curve between two control points
    QTest.mouseClick(win.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, widget_pos(win, x, y))
    assert len(win.doc.hairline.points) == n + 1
    px, py = win.doc.hairline.points[1]
    QTest.mouseClick(win.canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, widget_pos(win, px, py))
    assert len(win.doc.hairline.points) == n
    QTest.keySequence(win, "Ctrl+Z")
    assert len(win.doc.hairline.points) == n + 1


def test_brush_stroke_changes_the_mask_and_undoes_as_one_step(win, qtbot):
    QTest.keyClick(win, Qt.Key.Key_B)
    assert win.canvas.tool == "brush"
    win.panel.brush_class.setCurrentText("Hair")
    x, y = 320.0, 300.0  # bald crown
    assert win.doc.segmentation.labels[int(y), int(x)] == 1
    drag(win.canvas, widget_pos(win, x - 30, y), widget_pos(win, x + 30, y))
    labels = win.doc.segmentation.labels
    assert (labels[int(y) - 2 : int(y) + 3, int(x) - 25 : int(x) + 25] == 3).all()
    assert win.doc.history.undo_steps == 1
    # the overlay shows it
    win.panel.overlay.setChecked(True)
    qtbot.wait(20)
    img = canvas_pixels(win)
    p = widget_pos(win, x, y)
    r, g, b = img[p.y(), p.x()].astype(int)
    assert b > r  # tinted blue (hair)
    QTest.keySequence(win, "Ctrl+Z")
    assert win.doc.segmentation.labels[int(y), int(x)] == 1
    QTest.keySequence(win, "Ctrl+Shift+Z")
    assert win.doc.segmentation.labels[int(y), int(x)] == 3


def test_erasers_mend_a_slip_of_the_brush_in_place(win):
    """A stroke too far is erased where it went too far, the rest of it kept: for corrections and the scar."""
    win.set_tool("brush")
    win.panel.brush_size.setValue(10)
    x, y = 320.0, 300.0  # bald crown
    detected = win.doc.segmentation.labels[int(y), int(x)]
    win.panel.brush_class.setCurrentText("Hair")
    drag(win.canvas, widget_pos(win, x - 40, y), widget_pos(win, x + 40, y))
    win.panel.brush_class.setCurrentText("Automatic (erase corrections)")
    drag(win.canvas, widget_pos(win, x + 10, y), widget_pos(win, x + 40, y))
    labels = win.doc.segmentation.labels
    assert labels[int(y), int(x) - 30] == 3 and labels[int(y), int(x) + 25] == detected
    win.panel.brush_class.setCurrentText("Scar")
    drag(win.canvas, widget_pos(win, x - 40, y + 40), widget_pos(win, x + 40, y + 40))
    painted = int(win.doc.scar.sum())
    win.panel.brush_class.setCurrentText("Erase scar")
    drag(win.canvas, widget_pos(win, x + 10, y + 40), widget_pos(win, x + 40, y + 40))
    scar = win.doc.scar
    assert scar[int(y) + 40, int(x) - 30] and not scar[int(y) + 40, int(x) + 25] and 0 < scar.sum() < painted
    assert win.doc.history.undo_steps == 4 and win.undo_act.text().endswith("Erase scar")
    drag(win.canvas, widget_pos(win, x - 40, y - 60), widget_pos(win, x + 40, y - 60))  # where no scar is
    assert win.doc.history.undo_steps == 4  # erasing nothing is no step to undo
    QTest.keySequence(win, "Ctrl+Z")
    assert win.doc.scar.sum() == painted


def test_exclude_brush_removes_dots_there(win):
    win.set_tool("brush")
    win.panel.brush_class.setCurrentText("Exclude")
    win.panel.brush_size.setValue(60)
    x, y = 320.0, 250.0
    near = lambda: int(np.sum(np.hypot(*(win.doc.sim.session_dots().xy - (x, y)).T) < 10))  # noqa: E731
    assert near() > 0
    drag(win.canvas, widget_pos(win, x - 5, y), widget_pos(win, x + 5, y))
    assert near() == 0


def test_compare_modes_show_before_and_after(win, qtbot):
    win.doc.set_settings(density_per_cm2=200, dilution=0.1)  # a design that is plain to see
    after = canvas_pixels(win)
    win.set_compare("before")
    before = canvas_pixels(win)
    pw = widget_pos(win, 320, 250)
    box = np.s_[pw.y() - 20 : pw.y() + 20, pw.x() - 20 : pw.x() + 20]
    assert after[box].astype(float).mean() < before[box].astype(float).mean() - 3  # dots darken
    win.set_compare("split")
    split = canvas_pixels(win)
    W = split.shape[1]
    assert (split[:, W // 2 - 1 : W // 2 + 1] > 200).all(axis=2).mean() > 0.8  # the divider line
    # drag the divider to the right: more of the image is "before"
    drag(win.canvas, QPoint(W // 2, 400), QPoint(int(W * 0.8), 400))
    assert win.canvas.split_pos > 0.7
    win.set_compare("side-by-side")
    sbs = canvas_pixels(win)
    assert sbs.shape == split.shape
    left, right = sbs[:, : W // 2].astype(float).mean(), sbs[:, W // 2 :].astype(float).mean()
    assert abs(left - right) > 0.5  # before on one side, after on the other
    # hold-to-compare
    win.set_compare("after")
    QTest.keyPress(win.canvas, Qt.Key.Key_Backslash)
    held = canvas_pixels(win)
    QTest.keyRelease(win.canvas, Qt.Key.Key_Backslash)
    assert np.abs(held[box].astype(float) - before[box].astype(float)).mean() < 2


def test_zoom_fit_and_100_percent(win):
    win.canvas.setFocus()
    QTest.keyClick(win.canvas, Qt.Key.Key_F)
    fit = win.canvas.zoom
    assert fit > 1.0  # the sample photo is smaller than the canvas
    QTest.keyClick(win.canvas, Qt.Key.Key_Minus)
    QTest.keyClick(win.canvas, Qt.Key.Key_1)
    assert win.canvas.zoom == pytest.approx(fit)  # 100 % never shrinks a small photo below fit
    QTest.keyClick(win.canvas, Qt.Key.Key_F)
    assert win.canvas.zoom < 1.5
    z = win.canvas.zoom
    from PySide6.QtCore import QPointF as P
    from PySide6.QtGui import QWheelEvent

    ev = QWheelEvent(P(300, 300), P(300, 300), QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    fixed = win.canvas.to_photo(P(300, 300))
    QTest.qWait(1)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(win.canvas, ev)
    assert win.canvas.zoom > z * 1.3
    assert win.canvas.to_photo(P(300, 300)) == pytest.approx(fixed, abs=0.5)  # zoom about the cursor


def test_settings_changes_are_undoable_and_update_the_image(win):
    n = len(win.doc.sim.session_dots())
    win.panel.density.slider.setValue(win.panel.density.slider.value() + 20)  # +100 /cm²
    n2 = len(win.doc.sim.session_dots())
    assert n2 > 1.5 * n
    win.panel.session.setValue(1)
    assert len(win.doc.sim.session_dots()) < 0.7 * n2
    choose(win.panel.state_box, "fresh")
    assert win.doc.settings.state == "fresh"
    for _ in range(3):
        win.undo_act.trigger()
    assert win.doc.settings.density_per_cm2 == 100 and win.doc.settings.session == 3
    assert win.doc.settings.state == "healed"


def test_calibration_sets_the_scale(win, qtbot):
    win.set_tool("calibrate")
    received = []
    win.canvas.calibrationDrawn.connect(lambda a, b: received.append((a, b)))
    drag(win.canvas, widget_pos(win, 100, 300), widget_pos(win, 500, 300))
    assert received
    a, b = received[0]
    dlg = win.calibration_dialog  # the window asks for the real length
    assert dlg.isVisible()
    dlg.setDoubleValue(100.0)  # the artist types 100 mm
    dlg.accept()
    assert win.doc.scale.px_per_mm == pytest.approx(4.0, rel=0.03)
    assert win.doc.scale.source == "calibrated"
    qtbot.waitUntil(lambda: "calibrated" in win.scale_status.text(), timeout=2000)  # after the repaint
    win.calibrate(a, a, 10.0)
    assert win.banner.isVisible() and "short" in win.banner.label.text()


def test_eyedropper_sets_the_tone(win):
    win.set_tool("eyedropper")
    QTest.mouseClick(win.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, widget_pos(win, 100, 300))
    assert win.doc.settings.hair_color.startswith("#")
    assert win.doc.sim.pigment.hair_rgb == tuple(int(win.doc.settings.hair_color[i : i + 2], 16) for i in (1, 3, 5))


def test_bad_photo_shows_a_message_and_keeps_the_current_one(win, qtbot, tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not really a jpeg")
    name = win.doc.photo.name
    with qtbot.waitSignal(win.jobs.failed, timeout=10000):
        win.open_photo(bad)
    assert win.banner.isVisible() and "broken.jpg" in win.banner.label.text()
    assert win.doc.photo.name == name


def test_newer_load_supersedes_older(win, qtbot, samples_dir):
    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "topdown-norwood7-dark-skin.jpg")
        win.open_photo(samples_dir / "topdown-norwood7-fair-skin.jpg")
    win.jobs.wait()
    qtbot.wait(50)
    assert win.doc.photo.name == "topdown-norwood7-fair-skin.jpg"


def test_recent_files_and_window_state_are_remembered(win, tmp_path, samples_dir, qtbot):
    assert str(samples_dir / SAMPLE) in win.qsettings.value("recent", [], type=list)
    win.resize(760, 520)  # fits the offscreen screen (which clamps restored geometry), above the minimum
    win.close()
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w2 = MainWindow(s, recovery_dir=str(tmp_path / "recovery"))
    qtbot.addWidget(w2)
    assert w2.size().width() == 760
    assert w2.recent_menu.actions()[0].text() == SAMPLE


def test_about_names_version_and_photo_credit():
    from smp_studio import __version__

    text = MainWindow.about_text()
    assert __version__ in text and "uze" in text and "CC BY 4.0" in text


def test_shortcuts_are_bound(win):
    keys = {a.shortcut().toString() for a in win.findChildren(type(win.open_act))}
    for k in ("Ctrl+O", "Ctrl+S", "Ctrl+Z", "Ctrl+Shift+Z", "F", "1", "B", "H"):
        assert k in keys, k


def test_hairline_is_drawn_as_a_line_not_a_filled_shape(win):
    win.set_compare("split")  # the divider handle leaves a white brush on the painter
    h = win.doc.hairline
    c = h.curve(16)
    (x0, y0), (x1, y1) = h.points[0], h.points[len(h.points) // 2]
    # a point inside the bowl between the line's ends and its lowest point
    inside = widget_pos(win, (x0 + x1) / 2 + 30, (y0 + y1) / 2)
    img = canvas_pixels(win)
    assert not (img[inside.y() - 2 : inside.y() + 3, inside.x() - 2 : inside.x() + 3] > 245).all()


def test_space_drag_pans_and_middle_button_too(win):
    win.canvas.setFocus()
    ox = win.canvas.ox
    QTest.keyPress(win.canvas, Qt.Key.Key_Space)
    drag(win.canvas, QPoint(400, 400), QPoint(500, 400))
    QTest.keyRelease(win.canvas, Qt.Key.Key_Space)
    assert win.canvas.ox == pytest.approx(ox - 100 / win.canvas.zoom, abs=1)
    assert win.doc.history.undo_steps == 0  # panning is not an edit
    ox, oy = win.canvas.ox, win.canvas.oy
    drag(win.canvas, QPoint(400, 400), QPoint(400, 300), button=Qt.MouseButton.MiddleButton)
    assert win.canvas.ox == pytest.approx(ox)
    assert win.canvas.oy == pytest.approx(oy + 100 / win.canvas.zoom, abs=1)


def test_mirror_keeps_the_hairline_symmetric(win):
    win.panel.mirror.setChecked(True)
    h = win.doc.hairline
    x, y = h.points[0]
    drag(win.canvas, widget_pos(win, x, y), widget_pos(win, x, y - 40))
    pts = win.doc.hairline.points
    # the right temple followed the left one, with a natural difference of at most 1 mm
    assert abs(pts[0, 1] - pts[-1, 1]) <= win.doc.scale.mm_to_px(1.0) + 0.01
    assert pts[0, 1] == pytest.approx(y - 40, abs=3)


def test_rerun_detection_uses_the_strokes_in_the_background(win, qtbot):
    win.set_tool("brush")
    win.panel.brush_class.setCurrentText("Exclude")
    drag(win.canvas, widget_pos(win, 600, 60), widget_pos(win, 630, 120))
    with qtbot.waitSignal(win.jobs.finished, timeout=20000):
        win.panel.redetectRequested.emit()
        assert win.progress.isVisible()
    assert win.doc.history.undo_steps == 2  # the stroke, then the detection: each undoable
    assert win.doc.segmentation.labels[90, 615] == 0
    win.undo_act.trigger()
    assert win.doc.history.undo_steps == 1 and win.doc.history.can_redo


def test_dropping_a_photo_opens_it(win, qtbot, samples_dir):
    from PySide6.QtCore import QMimeData, QUrl
    from PySide6.QtGui import QDropEvent

    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(samples_dir / "front-norwood4-hairline.jpg"))])
    ev = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, md, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.dropEvent(ev)
    assert win.doc.photo.name == "front-norwood4-hairline.jpg"


def test_typing_notes_does_not_trigger_single_key_shortcuts(win, qtbot):
    win.panel.notes.setFocus()
    tool, zoom = win.canvas.tool, win.canvas.zoom
    QTest.keyClicks(win.panel.notes, "bhf1 ok")
    assert win.panel.notes.toPlainText() == "bhf1 ok"
    assert win.canvas.tool == tool and win.canvas.zoom == zoom


def test_undo_after_a_template_brings_back_the_edited_hairline(win, qtbot):
    """Edit the line, apply another template, undo: the artist's edited line returns, not a template."""
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    drag(win.canvas, widget_pos(win, x, y), widget_pos(win, x + 10, y + 50))
    edited = win.doc.hairline.points.copy()
    assert edited[mid][1] == pytest.approx(y + 50, abs=3)
    choose(win.panel.template, "juvenile")
    QTest.mouseClick(win.panel.template_apply, Qt.MouseButton.LeftButton)
    assert win.doc.settings.hairline_template == "juvenile"
    assert not np.allclose(win.doc.hairline.points[: len(edited)], edited[: len(win.doc.hairline.points)])
    QTest.keySequence(win, "Ctrl+Z")
    np.testing.assert_allclose(win.doc.hairline.points, edited)
    # and the photo view: change it and undo, the edited line is still there
    choose(win.panel.view, "front")
    QTest.keySequence(win, "Ctrl+Z")
    np.testing.assert_allclose(win.doc.hairline.points, edited)
    QTest.keySequence(win, "Ctrl+Shift+Z")
    assert win.doc.settings.view == "front"


def test_mirror_regions_and_notes_are_undoable(win, qtbot):
    QTest.mouseClick(win.panel.mirror, Qt.MouseButton.LeftButton)
    assert win.doc.design.mirror
    win.set_tool("privacy")
    drag(win.canvas, widget_pos(win, 50, 50), widget_pos(win, 150, 120))
    assert len(win.doc.privacy_regions) == 1
    win.panel.notes.setFocus()
    QTest.keyClicks(win.panel.notes, "prefers soft line")
    assert win.doc.notes == "prefers soft line"
    win.canvas.setFocus()
    QTest.keySequence(win, "Ctrl+Z")
    assert win.doc.notes == "" and win.panel.notes.toPlainText() == ""
    QTest.keySequence(win, "Ctrl+Z")
    assert win.doc.privacy_regions == []
    QTest.keySequence(win, "Ctrl+Z")
    assert not win.doc.design.mirror and not win.panel.mirror.isChecked()


def test_a_drag_recomputes_only_what_it_changed_and_release_adds_nothing(win, qtbot):
    sim = win.doc.sim
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    runs = {k: sim.stage_runs(k) for k in ("detection", "segmentation", "zone_maps", "zone", "dots")}
    a, b = widget_pos(win, x, y), widget_pos(win, x, y + 50)
    QTest.mousePress(win.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, 6):
        QTest.mouseMove(win.canvas, a + (b - a) * (i / 5))
        win.canvas.repaint()  # the artist sees every step
        qtbot.wait(1)
    after_moves = {k: sim.stage_runs(k) for k in runs}
    QTest.mouseRelease(win.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
    win.canvas.repaint()
    qtbot.wait(20)
    # five moves: the zone and the dots once each per move, the panel's figures reuse them
    assert after_moves["zone"] - runs["zone"] == 5 and after_moves["dots"] - runs["dots"] == 5
    assert all(after_moves[k] == runs[k] for k in ("detection", "segmentation", "zone_maps"))
    # releasing the mouse records the step without recomputing the design it shows
    assert {k: sim.stage_runs(k) for k in runs} == after_moves
    assert "impressions" in win.area_status.text()
