"""A panel section whose title folds it away: the panel fits a laptop's screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QSizePolicy, QToolButton, QVBoxLayout, QWidget


class Section(QWidget):
    """A titled group of controls; clicking the title shows or hides them."""

    def __init__(self, title: str, *, collapsed: bool = False, parent=None):
        super().__init__(parent)
        self.button = QToolButton()
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setChecked(not collapsed)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.button.setToolTip(f"Show or hide {title.lower()}")
        font = self.button.font()
        font.setBold(True)
        self.button.setFont(font)
        self.body = QWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.button)
        lay.addWidget(self.body)
        self.button.toggled.connect(self._toggled)
        self._toggled(not collapsed)

    @property
    def expanded(self) -> bool:
        return self.button.isChecked()

    def set_expanded(self, on: bool) -> None:
        self.button.setChecked(on)

    def form(self) -> QFormLayout:
        """The section's controls as label/field rows, laid out tightly."""
        f = QFormLayout(self.body)
        f.setContentsMargins(4, 2, 2, 6)
        f.setVerticalSpacing(4)
        f.setHorizontalSpacing(6)
        return f

    def _toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
