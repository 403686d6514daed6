"""When the automatic view is unsure, the studio asks which way the photo was taken (real clicks)."""

import numpy as np
import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from smp_studio.core.analysis.view import ViewGuess  # noqa: E402
from studio_support import choose, win  # noqa: E402,F401 - the same studio fixture


def test_an_unsure_view_is_asked_about_and_the_answer_is_one_undoable_change(win, qtbot):
    q = win.view_question
    guess = win.doc.settings.view
    assert q.isVisible() and "sure" in q.label.text()  # this sample's view is not certain
    assert q.buttons[guess].text().endswith("(guess)")
    before = win.doc.sim.render()
    other = "front" if guess != "front" else "back"
    QTest.mouseClick(q.buttons[other], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.jobs.busy(), timeout=20000)
    qtbot.wait(100)
    assert not q.isVisible() and win.doc.settings.view == other
    assert np.abs(win.doc.sim.render().astype(int) - before).mean() > 0.5  # the design follows the answer
    win.doc.undo()
    assert win.doc.settings.view == guess


def test_confirming_the_guess_changes_nothing_and_the_panel_answers_too(win, qtbot):
    q = win.view_question
    guess = win.doc.settings.view
    QTest.mouseClick(q.buttons[guess], Qt.MouseButton.LeftButton)
    assert not q.isVisible() and win.doc.settings.view == guess and not win.doc.history.can_undo
    # Asked again (another photo), and answered in the panel instead: the question goes away.
    q.ask(ViewGuess(guess, 0.4, None))
    assert q.isVisible()
    choose(win.panel.view, "back" if guess != "back" else "front")
    assert not q.isVisible()
