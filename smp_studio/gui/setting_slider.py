"""A setting as a slider: its range from the settings, its value shown, a drag one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from smp_studio.core.model.labels import field_label
from smp_studio.core.model.settings import RANGES
from smp_studio.gui.document import Document


class SettingSlider(QWidget):
    """A slider over a float range with its value shown; a whole drag is one undo step."""

    def __init__(self, doc: Document, key: str, step: float, fmt: str, tip: str):
        super().__init__()
        lo, hi = RANGES[key]  # the one definition of what the setting allows
        self.doc, self.key, self.lo, self.step, self.fmt = doc, key, lo, step, fmt
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(round((hi - lo) / step)))
        self.slider.setToolTip(tip)
        self.label = QLabel()
        self.label.setMinimumWidth(58)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.label)
        self._gesture = None
        # Arrow keys, Page Up/Down or the wheel: a run of steps on this slider is one undo step too
        # (the history merges only while nothing else was done in between).
        self._steps = doc.new_gesture()
        self.slider.sliderPressed.connect(self._press)
        self.slider.sliderReleased.connect(self._release)
        self.slider.valueChanged.connect(self._changed)

    def value(self) -> float:
        return self.lo + self.slider.value() * self.step

    def set_value(self, v: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(int(round((v - self.lo) / self.step)))
        self.slider.blockSignals(False)
        self.label.setText(self.fmt.format(v))

    def _press(self):
        self._gesture = self.doc.new_gesture()

    def _release(self):
        self._gesture = None

    def _changed(self):
        v = round(self.value(), 6)
        self.label.setText(self.fmt.format(v))
        gesture = self._gesture if self._gesture is not None else self._steps
        self.doc.set_settings(f"Change {field_label(self.key)}", gesture=gesture, **{self.key: v})
