"""Asking the artist which way a photo was taken, when the automatic view is unsure.

The view places the hairline templates and decides what may be treated (a
front photo's forehead, a back photo's nape), so a wrong guess is costly and a
silent one worse. Below the confidence the core calls uncertain, the window
shows this bar above the photo: the guess, how sure it is, and one button per
view. A click is an ordinary design change (undoable, saved with the project);
changing the view in the panel answers the question too.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from smp_studio.core.analysis.view import ViewGuess
from smp_studio.core.model.labels import label_for

#: The views a photo can be classified as, in the order the buttons show them.
ASKED_VIEWS = ("front", "topdown", "back", "left", "right")


class ViewQuestion(QWidget):
    """"This looks like a top-down photo (48 % sure): which way was it taken?" with a button per view."""

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        # Amber, not the error banner's red: nothing went wrong, the studio asks.
        self.setStyleSheet("ViewQuestion, QLabel { background: #f6e7b8; color: #3b2f00; }")
        self.setAutoFillBackground(True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        lay.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for view in ASKED_VIEWS:
            b = QPushButton(label_for("view", view))
            b.setToolTip(f"The photo was taken from the {label_for('view', view).lower()}: "
                         "places the hairline and what may be treated")
            b.clicked.connect(lambda _=False, v=view: self.answer(v))
            lay.addWidget(b)
            self.buttons[view] = b
        close = QToolButton()
        close.setText("×")
        close.setToolTip("Keep the guess")
        close.clicked.connect(self.hide)
        lay.addWidget(close)
        self.asked: str | None = None  # the guessed view, while asking
        doc.designChanged.connect(self._answered_elsewhere)
        doc.photoChanged.connect(self.hide)
        self.hide()

    def ask(self, guess: ViewGuess) -> None:
        """Ask about ``guess`` when it is uncertain (otherwise the bar stays hidden)."""
        if not guess.uncertain:
            self.hide()
            return
        self.asked = guess.view
        name = label_for("view", guess.view).lower()
        self.label.setText(f"This looks like a {name} photo, but only {guess.confidence:.0%} sure. "
                           "Which way was it taken?")
        for view, b in self.buttons.items():
            b.setText(label_for("view", view) + (" (guess)" if view == guess.view else ""))
            b.setDefault(view == guess.view)
        self.show()

    def answer(self, view: str) -> None:
        """The artist's answer: the photo's view, as one undoable change (none when it is the current one)."""
        self.asked = None
        self.hide()
        if self.doc.has_photo and self.doc.settings.view != view:
            self.doc.set_settings("Change photo view", view=view)

    def hide(self) -> None:
        self.asked = None
        super().hide()

    def _answered_elsewhere(self) -> None:
        # A view chosen in the panel (or undone to) answers the question.
        if self.asked is not None and self.doc.has_photo and self.doc.settings.view != self.asked:
            self.hide()
