"""What an artist saw at a consultation, checked with real events: figures that must agree."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from studio_support import win  # noqa: E402,F401 - the same studio fixture


def test_the_status_bar_never_shows_the_last_clients_figures(win, qtbot, samples_dir):
    old = win.area_status.text()
    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "front-norwood4-hairline.jpg")
    qtbot.wait(20)  # the event loop runs; the new photo's first full render may still be on its way
    sim = win.doc.sim
    expected = f"{sim.treatment_area_cm2():.0f} cm², {len(sim.session_dots()):,} impressions"
    assert expected != old and win.area_status.text() == expected
    assert win.scale_status.text() == win.panel.scale_label.text()


def test_a_one_design_comparison_does_not_call_the_photo_a_simulation(win, qtbot):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    dlg = win.open_export_dialog()
    qtbot.waitExposed(dlg)
    dlg.kind.setFocus()
    while dlg.kind.currentText() != "Designs side by side":
        QTest.keyClick(dlg.kind, Qt.Key.Key_Down)
    dlg.update_preview()
    labelled = dlg.preview_image.astype(int)
    dlg.confirm_no_label = lambda: True
    # the same picture without its titles (clicked on the box: the row is wider than its text)
    QTest.mouseClick(dlg.label, Qt.MouseButton.LeftButton, pos=QPoint(8, dlg.label.height() // 2))
    assert not dlg.label.isChecked()
    dlg.update_preview()
    titles = np.abs(labelled - dlg.preview_image.astype(int)).sum(axis=2) > 40
    h, w = titles.shape
    band = titles[: h // 6]
    before, design = band[:, : w // 2].sum(), band[:, w // 2:].sum()
    # "Before" beside "Design 1 (simulation)": the photo as taken is titled as such, a third as long.
    assert 0 < before < 0.6 * design
    dlg.reject()


def test_arrow_keys_on_a_slider_undo_as_one_step(win):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    d = win.doc
    size0, steps0 = d.settings.dot_size_mm, d.history.undo_steps
    slider = win.panel.dot_size.slider
    slider.setFocus()
    for _ in range(5):
        QTest.keyClick(slider, Qt.Key.Key_Right)
    assert d.settings.dot_size_mm == pytest.approx(size0 + 0.05) and d.history.undo_steps == steps0 + 1
    win.panel.density.slider.setFocus()
    QTest.keyClick(win.panel.density.slider, Qt.Key.Key_Right)  # another setting: a step of its own
    slider.setFocus()
    QTest.keyClick(slider, Qt.Key.Key_Left)
    assert d.history.undo_steps == steps0 + 3
    for _ in range(3):
        win.undo_act.trigger()
    assert d.settings.dot_size_mm == pytest.approx(size0)


def test_the_canvas_says_when_the_lighting_check_is_on(win, qtbot):
    from studio_support import canvas_pixels

    def corner():  # the canvas's margin beside the photo, bottom left, where the note goes
        img = canvas_pixels(win).astype(int)
        x0 = int(win.canvas.to_widget(0, 0).x())
        assert x0 > 40  # the photo is fitted with a margin on this window
        return np.abs(img[-40:-4, 12:x0 - 4] - img[-40:-4, 2:3].mean(axis=(0, 1))).max()

    assert corner() < 10  # plain background
    win.lighting_acts["overhead"].trigger()  # View > Lighting check > Harsh overhead light
    qtbot.wait(50)
    assert corner() > 60
    win.lighting_acts[None].trigger()
    qtbot.wait(50)
    assert corner() < 10


def test_a_back_photo_offers_no_hairline_template_until_the_view_changes(win, qtbot, samples_dir):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from studio_support import choose

    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "back-norwood6-strip-scar.jpg")
    p = win.panel
    assert win.doc.settings.view == "back" and win.doc.hairline is None
    # Apply and Mirror did nothing here (or left an undo step that changed nothing): they say why instead.
    assert not p.template_apply.isEnabled() and not p.mirror.isEnabled() and "back photo" in p.template_apply.toolTip()
    QTest.mouseClick(p.template_apply, Qt.MouseButton.LeftButton)
    assert not win.doc.history.can_undo
    choose(p.view, "topdown")
    assert win.doc.hairline is not None and p.template_apply.isEnabled() and p.mirror.isEnabled()
    # From the side the hairline is seen in profile: no left half to mirror onto a right one.
    choose(p.view, "left")
    assert p.template_apply.isEnabled() and not p.mirror.isEnabled() and "profile" in p.mirror.toolTip()


def test_bald_skin_painted_past_the_detected_scalp_is_treated(win, qtbot, samples_dir):
    """The scalp's automatic bounds (brows, forehead, skull fit) are a draft: what the artist marks as
    bald skin is treated, and what they exclude is not."""
    from studio_support import drag, widget_pos

    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "topdown-norwood4-fair-hair.jpg")
    sim = win.doc.sim
    H, W = sim.segmentation.labels.shape
    room = sim.scalp.resized((H, W))
    # Just behind the middle of the line drawn: bald skin that the automatic bounds left out (a forehead).
    x, y = sim.hairline.points[np.argmax(sim.hairline.points[:, 1])] - (0, 25)
    assert room[int(y), int(x)] < 0.05 and sim.segmentation.labels[int(y), int(x)] == 1
    near = lambda: int(np.sum(np.hypot(*(win.doc.sim.session_dots().xy - (x, y)).T) < 6))  # noqa: E731
    assert near() == 0
    win.set_tool("brush")
    win.panel.brush_class.setCurrentText("Bald skin")
    win.panel.brush_size.setValue(40)
    drag(win.canvas, widget_pos(win, x - 10, y), widget_pos(win, x + 10, y))
    assert near() > 0
    win.panel.brush_class.setCurrentText("Exclude")
    drag(win.canvas, widget_pos(win, x - 10, y), widget_pos(win, x + 10, y))
    assert near() == 0


def test_a_drag_under_the_lighting_check_shows_the_new_line_relit(win, qtbot):
    """The check's light is read once; each frame of a drag is the new result under it, never a stale one."""
    import pytest
    from studio_support import canvas_pixels, drag, widget_pos

    win.doc.set_settings(density_per_cm2=200, dilution=0.1)  # a design that is plain to see
    h = win.doc.hairline
    mid = len(h.points) // 2
    x, y = h.points[mid]
    pw = widget_pos(win, x, y + 25)  # just in front of the line: untreated at first
    box = np.s_[pw.y() - 6 : pw.y() + 6, pw.x() - 6 : pw.x() + 6]
    plain = canvas_pixels(win)[box].astype(float).mean()
    win.lighting_acts["flash"].trigger()
    qtbot.wait(30)
    lit_before = canvas_pixels(win)[box].astype(float).mean()
    assert abs(lit_before - plain) > 3  # the flash lights the head anew
    drag(win.canvas, widget_pos(win, x, y), widget_pos(win, x, y + 60))
    qtbot.wait(30)
    assert win.doc.hairline.points[mid][1] == pytest.approx(y + 60, abs=3)
    lit_after = canvas_pixels(win)[box].astype(float).mean()
    assert lit_after < lit_before - 2  # dots there now, under the flash
    win.lighting_acts[None].trigger()
    qtbot.wait(30)
    off = canvas_pixels(win)[box].astype(float).mean()
    assert off < plain - 2 and abs(off - lit_after) > 3  # off again: the new dots, as photographed


def test_hair_the_artist_paints_is_clipped_by_the_shave_preview(win, qtbot, samples_dir):
    """Fair strands combed over a bald top read as skin, so the shave preview left them standing under
    the dots; painted as thinning hair, they are clipped like the rest."""
    from studio_support import canvas_pixels, drag, widget_pos

    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "topdown-norwood4-fair-hair.jpg")
    sim = win.doc.sim
    assert sim.clips_hair()
    x, y = 320.0, 200.0  # the combed-over strip in the middle of the top: detected as bald skin
    assert sim.segmentation.labels[int(y), int(x)] == 1 and sim.shaved()[1][int(y), int(x)] < 0.1
    pw = widget_pos(win, x, y)
    box = np.s_[pw.y() - 4 : pw.y() + 5, pw.x() - 4 : pw.x() + 5]
    before = canvas_pixels(win)[box].astype(float)
    win.set_tool("brush")
    win.panel.brush_class.setCurrentText("Thinning")
    win.panel.brush_size.setValue(30)
    drag(win.canvas, widget_pos(win, x, y - 30), widget_pos(win, x, y + 30))
    assert win.doc.sim.shaved()[1][int(y), int(x)] > 0.9
    assert np.abs(canvas_pixels(win)[box].astype(float) - before).mean() > 5  # the strands there are gone
