"""What an artist saw at a consultation, checked with real events: figures that must agree."""

import pytest

pytest.importorskip("PySide6")
from test_gui import win  # noqa: E402,F401 - the same studio fixture


def test_the_status_bar_never_shows_the_last_clients_figures(win, qtbot, samples_dir):
    old = win.area_status.text()
    with qtbot.waitSignal(win.photoLoaded, timeout=20000):
        win.open_photo(samples_dir / "front-norwood4-hairline.jpg")
    qtbot.wait(20)  # the event loop runs; the new photo's first full render may still be on its way
    sim = win.doc.sim
    expected = f"{sim.treatment_area_cm2():.0f} cm², {len(sim.session_dots()):,} impressions"
    assert expected != old and win.area_status.text() == expected
    assert win.scale_status.text() == win.panel.scale_label.text()
