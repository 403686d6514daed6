"""The studio driven as an artist would, continued: face guides, no scalp, re-detection, zoom and
small screens, designs side by side, the first look."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from smp_studio.gui.window import MainWindow  # noqa: E402
from studio_support import SAMPLE, canvas_pixels, choose, drag, widget_pos, win  # noqa: E402,F401 - the studio fixture


def test_front_photo_shows_face_guides_and_the_lighting_check(qtbot, tmp_path, samples_dir):
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), recovery_dir=str(tmp_path / "r"))
    w.confirm_discard = lambda: "discard"
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    with qtbot.waitSignal(w.photoLoaded, timeout=30000):
        w.open_photo(samples_dir / "front-norwood4-hairline.jpg")
    assert w.doc.settings.view == "front" and w.doc.sim.face_scale.source == "iris"  # detected, not typed in
    assert w.doc.scale.source == "head"  # its eyes are far behind its bowed scalp (test_figures)
    g = w.doc.sim.face_guides()
    assert g is not None and 7.0 <= g["mid_frontal_cm"] <= 9.0  # the mature template, by the rules
    with_guides = canvas_pixels(w)
    QTest.keyClick(w, Qt.Key.Key_G)  # guides off
    assert not w.view_state.guides
    assert (canvas_pixels(w) != with_guides).any()
    plain = canvas_pixels(w)
    w.lighting_acts["flash"].trigger()
    qtbot.wait(20)
    flash = canvas_pixels(w)
    assert np.abs(flash.astype(int) - plain.astype(int)).mean() > 1.0  # the same result under flash
    w.lighting_acts[None].trigger()
    w.jobs.wait()


def test_a_photo_without_scalp_says_so_and_inks_nothing(qtbot, tmp_path):
    from PIL import Image

    rng = np.random.default_rng(0)
    wall = (rng.normal(120, 6, (400, 500, 3))).clip(0, 255).astype(np.uint8)  # a plain wall, no head
    path = tmp_path / "wall.png"
    Image.fromarray(wall).save(path)
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), recovery_dir=str(tmp_path / "r"))
    w.confirm_discard = lambda: "discard"
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.photoLoaded, timeout=30000):
        w.open_photo(path)
    qtbot.wait(50)
    assert len(w.doc.sim.session_dots()) == 0
    assert np.array_equal(w.doc.sim.render(), wall)  # never inks a wall
    assert w.panel.notice.isVisible() and "No bald or thinning scalp" in w.panel.notice.text()
    assert "brush" in w.panel.notice.text().lower()  # and offers the brush to mark it by hand
    w.jobs.wait()


def test_mirror_leaves_one_handle_at_the_centre(win):
    win.panel.mirror.setChecked(True)
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    # the artist nudges the centre point a little to the side (and up) with the mouse
    drag(win.canvas, widget_pos(win, x, y), widget_pos(win, x - 6, y - 20))
    pts = win.doc.hairline.points
    gaps = np.hypot(*np.diff(pts, axis=0).T) * win.canvas.zoom  # widget pixels between handles
    assert gaps.min() > 4 * 6  # no handle drawn over another one
    assert len(pts) == len(h.points)
    centre = pts[np.argmin(np.abs(pts[:, 0] - win.doc.sim.head_frame.center[0]))]
    assert centre[1] == pytest.approx(y - 20, abs=3)


def test_rerun_detection_keeps_strokes_local_and_the_scale(win, qtbot, samples_dir):
    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "crown-norwood4-diffuse-thinning.jpg")
    before = win.doc.sim.detection
    win.set_tool("brush")
    win.panel.brush_class.setCurrentText("Hair")
    drag(win.canvas, widget_pos(win, 330, 560), widget_pos(win, 360, 600))  # low on the head, near the rug
    scale = win.doc.scale.px_per_mm  # what the artist's areas give; re-detecting must not move it
    with qtbot.waitSignal(win.jobs.finished, timeout=20000):
        win.panel.redetectRequested.emit()
    after = win.doc.sim.detection
    assert after is not before
    assert win.doc.scale.px_per_mm == scale  # only the artist changes the scale
    near = np.zeros(before.labels.shape, bool)
    near[560 - 80:600 + 80, 330 - 80:360 + 80] = True
    changed = after.labels != before.labels
    assert not changed[~near].any()  # nothing far from the stroke moved: no block into the rug
    assert (after.head_mask[:, 320:] == before.head_mask[:, 320:]).mean() > 0.98  # the right side stays


def test_100_percent_shows_one_photo_pixel_per_screen_pixel_on_a_large_photo(win, qtbot, samples_dir, tmp_path):
    import cv2

    big = cv2.resize(cv2.imread(str(samples_dir / SAMPLE)), (2400, 2400), interpolation=cv2.INTER_CUBIC)
    cv2.imwrite(str(tmp_path / "big.jpg"), big)
    with qtbot.waitSignal(win.photoLoaded, timeout=30000):
        win.open_photo(tmp_path / "big.jpg")
    win.canvas.setFocus()
    assert win.canvas.zoom < 0.5  # opened fitted
    QTest.keyClick(win.canvas, Qt.Key.Key_1)
    assert win.canvas.zoom == pytest.approx(1.0 / win.canvas.devicePixelRatioF())


def _photo_fits(c):
    W, H = c.doc.photo.size
    a, b = c.to_widget(0, 0), c.to_widget(W, H)
    return a.x() >= -1 and a.y() >= -1 and b.x() <= c.width() + 1 and b.y() <= c.height() + 1


def test_at_1280x720_the_photo_fits_on_resize_and_the_panel_never_scrolls_sideways(win, qtbot):
    win.resize(1280, 720)
    qtbot.wait(50)
    c = win.canvas
    assert c.zoom == pytest.approx(c.fit_zoom()) and _photo_fits(c)  # no F needed
    win.resize(1000, 600)
    qtbot.wait(50)
    assert c.zoom == pytest.approx(c.fit_zoom()) and _photo_fits(c)
    panel = win.panel
    for section in panel.sections.values():  # even with everything unfolded (and a vertical scroll bar)
        section.set_expanded(True)
    qtbot.wait(50)
    assert panel.widget().minimumSizeHint().width() <= panel.viewport().width()
    notes = panel.sections["Client notes"]
    QTest.mouseClick(notes.button, Qt.MouseButton.LeftButton)  # a click on a title folds the section
    assert not notes.body.isVisible()
    # a view the artist zoomed is left alone by a resize
    c.setFocus()
    QTest.keyClick(c, Qt.Key.Key_Plus)
    z = c.zoom
    win.resize(1100, 650)
    qtbot.wait(50)
    assert c.zoom == pytest.approx(z)


def test_designs_side_by_side_with_one_zoom_and_undoable(win, qtbot):
    panel = win.panel.designs
    win.panel.sections["Designs"].set_expanded(True)
    panel.ask_name = lambda current: "Mature"
    QTest.mouseClick(panel.rename_btn, Qt.MouseButton.LeftButton)
    QTest.mouseClick(panel.add_btn, Qt.MouseButton.LeftButton)
    panel.ask_name = lambda current: "Juvenile"
    QTest.mouseClick(panel.rename_btn, Qt.MouseButton.LeftButton)
    choose(win.panel.template, "juvenile")
    QTest.mouseClick(win.panel.template_apply, Qt.MouseButton.LeftButton)
    assert [panel.choice.itemText(i) for i in range(panel.choice.count())] == ["Mature", "Juvenile"]
    QTest.mouseClick(panel.compare_btn, Qt.MouseButton.LeftButton)
    assert win.canvas.compare == "designs" and win.canvas.pane_count() == 2
    qtbot.wait(50)
    img = canvas_pixels(win)
    half = img.shape[1] // 2
    left = img[:, :half - 2].astype(int)
    right = img[:, half:half + left.shape[1]].astype(int)
    assert np.abs(left - right).mean() > 0.3  # two different designs, side by side
    # zoom and pan act on every pane at once: the same photo point sits at the same place in each
    win.canvas.setFocus()
    QTest.keyClick(win.canvas, Qt.Key.Key_Plus)
    QTest.keyClick(win.canvas, Qt.Key.Key_Left)
    a = win.canvas.to_photo(QPointF(100, 200))
    b = win.canvas.to_photo(QPointF(100 + win.canvas.width() / 2, 200))
    assert a == pytest.approx(b)
    # switching shows the other design's own template; undo takes back the rename, the template, the add
    panel.choice.setFocus()
    QTest.keyClick(panel.choice, Qt.Key.Key_Up)
    assert win.doc.settings.hairline_template == "mature"
    for _ in range(4):  # the switch, the template, the rename and the add
        QTest.keySequence(win, "Ctrl+Z")
    assert panel.choice.count() == 1 and panel.choice.itemText(0) == "Mature"
    QTest.keySequence(win, "Ctrl+Z")
    assert panel.choice.itemText(0) == "Design 1"


def test_a_click_on_another_designs_pane_switches_to_it(win, qtbot):
    win.doc.add_design("Edge-up")
    win.doc.apply_template("edge-up")
    win.view_state.set(compare="designs")
    c = win.canvas
    assert win.panel.designs.choice.currentText() == "Edge-up"
    QTest.mouseClick(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(c.width() // 4, c.height() // 2))
    assert win.panel.designs.choice.currentIndex() == 0 and win.doc.history.undo_label.startswith("Show design")
    steps = win.doc.history.undo_steps
    QTest.mouseClick(c, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(c.width() // 4, c.height() // 2))
    assert win.doc.history.undo_steps == steps  # a click in the shown design's pane switches nothing


def test_a_large_photo_shows_a_first_look_while_it_opens(win, qtbot, tmp_path, samples_dir):
    import cv2

    from smp_studio.core.analysis.photo import load_photo

    big = cv2.resize(load_photo(samples_dir / "topdown-norwood7-dark-skin.jpg").rgb, (1600, 1200),
                     interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "big.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR))
    old = canvas_pixels(win)
    old_size, old_line = win.doc.photo.size, win.doc.hairline.points.copy()
    seen = []

    def on_first_look(kind, img):
        # While it shows, the canvas ignores drags: they would edit the hidden photo's design.
        c = win.canvas
        drag(c, widget_pos(win, *old_line[len(old_line) // 2]), widget_pos(win, *old_line[0]))
        seen.append((kind, canvas_pixels(win), win.doc.photo.size, win.panel.isEnabled(),
                     win.doc.hairline.points.copy()))

    win.jobs.interim.connect(on_first_look)
    with qtbot.waitSignal(win.photoLoaded, timeout=30000):
        win.open_photo(path)
    assert len(seen) == 1
    kind, shown, size, panel_enabled, line = seen[0]
    assert kind == "load" and size == old_size  # shown before the document had the new photo
    assert np.abs(shown.astype(int) - old.astype(int)).mean() > 10  # the new photo is drawn, not the old one
    assert not panel_enabled and np.array_equal(line, old_line)  # nothing edited the hidden design
    qtbot.wait(20)
    assert win.canvas.first_look is None and win.panel.isEnabled() and win.doc.photo.size == (1600, 1200)
