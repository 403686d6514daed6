"""The design panel: every setting as a control, each change one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QPlainTextEdit, QPushButton, QScrollArea, QSlider, QSpinBox, QVBoxLayout, QWidget,
)

from smp_studio.core.model.settings import TEMPLATES
from smp_studio.gui.document import BRUSH_CLASSES, Document

TREATMENTS = {"Full shaved look": "full", "Density (thinning)": "density", "Hairline only": "hairline",
              "Crown only": "crown", "Scar camouflage": "scar"}
VIEWS = {"Top-down": "topdown", "Front": "front", "Side": "side", "Back": "back"}
STATES = {"Healed": "healed", "Fresh (0-2 days)": "fresh", "Aged": "aged"}
COMPARE = {"After": "after", "Split": "split", "Side by side": "side-by-side", "Before": "before"}


class SettingSlider(QWidget):
    """A slider over a float range with its value shown; a whole drag is one undo step."""

    def __init__(self, doc: Document, key: str, lo: float, hi: float, step: float, fmt: str, tip: str):
        super().__init__()
        self.doc, self.key, self.lo, self.step, self.fmt = doc, key, lo, step, fmt
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, int(round((hi - lo) / step)))
        self.slider.setToolTip(tip)
        self.label = QLabel()
        self.label.setMinimumWidth(64)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.label)
        self._gesture = None
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
        gesture = self._gesture if self._gesture is not None else self.doc.new_gesture()
        self.doc.set_settings(f"Change {self.key.replace('_', ' ')}", gesture=gesture, **{self.key: v})


class DesignPanel(QScrollArea):
    """Right-hand panel. Reads the document on every change; writes through it."""

    toolRequested = Signal(str)
    compareChanged = Signal(str)
    overlayChanged = Signal(bool, float)
    brushChanged = Signal(object, float)
    redetectRequested = Signal()

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.setWidgetResizable(True)
        self.setMinimumWidth(360)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        col = QVBoxLayout(body)
        self.setWidget(body)

        # Treatment and hairline
        g = QGroupBox("Treatment")
        f = QFormLayout(g)
        self.treatment = self._combo(TREATMENTS, "treatment", "What is treated: the whole bald area, only thinning areas, ...")
        f.addRow("Type", self.treatment)
        self.view = self._combo(VIEWS, "view", "How the photo was taken (places the hairline templates)")
        f.addRow("Photo view", self.view)
        row = QHBoxLayout()
        self.template = QComboBox()
        self.template.addItems([t.capitalize() for t in TEMPLATES])
        self.template.setToolTip("Hairline template: juvenile sits lowest, conservative highest; feminine is rounded")
        apply = QPushButton("Apply")
        apply.setToolTip("Replace the hairline with this template")
        apply.clicked.connect(lambda: doc.apply_template(TEMPLATES[self.template.currentIndex()]))
        row.addWidget(self.template, 1)
        row.addWidget(apply)
        f.addRow("Hairline", row)
        self.mirror = QCheckBox("Mirror left half onto right")
        self.mirror.setToolTip("Keep the hairline symmetric while you edit it")
        self.mirror.toggled.connect(lambda on: setattr(doc, "mirror", on))
        f.addRow("", self.mirror)
        self.irregularity = SettingSlider(doc, "macro_irregularity_mm", 0, 4, 0.1, "{:.1f} mm", "Gentle waves along the line")
        f.addRow("Irregularity", self.irregularity)
        self.transition = SettingSlider(doc, "transition_mm", 0, 15, 0.5, "{:.1f} mm", "Width of the soft, sparse hairline band")
        f.addRow("Transition", self.transition)
        col.addWidget(g)

        # Impressions and pigment
        g = QGroupBox("Impressions")
        f = QFormLayout(g)
        self.density = SettingSlider(doc, "density_per_cm2", 40, 300, 5, "{:.0f} /cm²", "Impressions per cm² in the body")
        f.addRow("Density", self.density)
        self.dot_size = SettingSlider(doc, "dot_size_mm", 0.15, 0.45, 0.01, "{:.2f} mm", "Healed impression size")
        f.addRow("Dot size", self.dot_size)
        layout_btn = QPushButton("New random layout")
        layout_btn.setToolTip("Same design, a different placement of the impressions")
        layout_btn.clicked.connect(doc.new_layout)
        f.addRow("", layout_btn)
        row = QHBoxLayout()
        self.tone_auto = QPushButton("Auto")
        self.tone_auto.setToolTip("Match the tone to the hair found on the photo")
        self.tone_auto.clicked.connect(lambda: doc.set_settings("Tone: automatic", hair_color="auto"))
        pick = QPushButton("Pick")
        pick.setToolTip("Eyedropper: click the client's hair on the photo (I)")
        pick.clicked.connect(lambda: self.toolRequested.emit("eyedropper"))
        self.swatch = QPushButton()
        self.swatch.setToolTip("Choose the hair colour from a swatch")
        self.swatch.clicked.connect(self._choose_color)
        row.addWidget(self.tone_auto)
        row.addWidget(pick)
        row.addWidget(self.swatch, 1)
        f.addRow("Hair tone", row)
        self.dilution = SettingSlider(doc, "dilution", 0, 0.9, 0.01, "{:.2f}", "More water = lighter impressions")
        self.dilution_auto = QCheckBox("auto")
        self.dilution_auto.setToolTip("Chosen from hair colour and skin tone")
        self.dilution_auto.toggled.connect(self._dilution_auto)
        row = QHBoxLayout()
        row.addWidget(self.dilution, 1)
        row.addWidget(self.dilution_auto)
        f.addRow("Dilution", row)
        col.addWidget(g)

        # Result to show
        g = QGroupBox("Show")
        f = QFormLayout(g)
        row = QHBoxLayout()
        self.session = QSpinBox()
        self.session.setToolTip("Result after this session")
        self.session.valueChanged.connect(lambda v: doc.set_settings("Change session", session=v))
        self.sessions = QSpinBox()
        self.sessions.setRange(1, 4)
        self.sessions.setToolTip("Sessions planned")
        self.sessions.valueChanged.connect(self._sessions_changed)
        row.addWidget(self.session)
        row.addWidget(QLabel("of"))
        row.addWidget(self.sessions)
        row.addStretch(1)
        f.addRow("Session", row)
        row = QHBoxLayout()
        self.state = self._combo(STATES, "state", "Healed is what the client keeps; fresh is the first days")
        self.years = QDoubleSpinBox()
        self.years.setRange(0, 20)
        self.years.setSuffix(" years")
        self.years.setToolTip("Aged: years after the last session")
        self.years.valueChanged.connect(lambda v: doc.set_settings("Change age", aged_years=float(v)))
        row.addWidget(self.state, 1)
        row.addWidget(self.years)
        f.addRow("State", row)
        self.compare = QComboBox()
        self.compare.addItems(list(COMPARE))
        self.compare.setToolTip("Before/after: hold \\ to see the photo as it is")
        self.compare.currentIndexChanged.connect(lambda i: self.compareChanged.emit(list(COMPARE.values())[i]))
        f.addRow("Compare", self.compare)
        row = QHBoxLayout()
        self.overlay = QCheckBox("Areas")
        self.overlay.setToolTip("Tint bald (red), thinning (yellow) and hair (blue) (O)")
        self.overlay_opacity = QSlider(Qt.Orientation.Horizontal)
        self.overlay_opacity.setRange(10, 90)
        self.overlay_opacity.setValue(40)
        self.overlay_opacity.setToolTip("Overlay opacity")
        self.overlay.toggled.connect(self._overlay)
        self.overlay_opacity.valueChanged.connect(self._overlay)
        row.addWidget(self.overlay)
        row.addWidget(self.overlay_opacity, 1)
        f.addRow("Overlay", row)
        col.addWidget(g)

        # Brush
        g = QGroupBox("Correct the areas")
        f = QFormLayout(g)
        self.brush_class = QComboBox()
        self.brush_class.addItems(list(BRUSH_CLASSES))
        self.brush_class.setToolTip("What the brush paints; Exclude keeps ears, face and background out")
        self.brush_size = QSlider(Qt.Orientation.Horizontal)
        self.brush_size.setRange(2, 150)
        self.brush_size.setValue(24)
        self.brush_size.setToolTip("Brush radius on screen")
        self.brush_class.currentIndexChanged.connect(self._brush)
        self.brush_size.valueChanged.connect(self._brush)
        f.addRow("Paint", self.brush_class)
        f.addRow("Size", self.brush_size)
        redo = QPushButton("Re-run detection with my strokes")
        redo.setToolTip("Detect the areas again, using what you painted as hints")
        redo.clicked.connect(self.redetectRequested)
        f.addRow("", redo)
        col.addWidget(g)

        # Measurements
        g = QGroupBox("Measure")
        f = QFormLayout(g)
        self.scale_label = QLabel("-")
        self.area_label = QLabel("-")
        self.count_label = QLabel("-")
        cal = QPushButton("Calibrate...")
        cal.setToolTip("Draw a line of known length on the photo (K)")
        cal.clicked.connect(lambda: self.toolRequested.emit("calibrate"))
        f.addRow("Scale", self.scale_label)
        f.addRow("", cal)
        f.addRow("Treated area", self.area_label)
        f.addRow("Impressions", self.count_label)
        col.addWidget(g)

        g = QGroupBox("Client notes")
        v = QVBoxLayout(g)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Wishes, skin notes, agreed plan... (saved with the project)")
        self.notes.setMaximumHeight(110)
        v.addWidget(self.notes)
        col.addWidget(g)
        col.addStretch(1)

        doc.designChanged.connect(self.refresh)
        doc.photoChanged.connect(self.refresh)
        self.refresh()

    def _combo(self, items: dict, key: str, tip: str) -> QComboBox:
        c = QComboBox()
        c.addItems(list(items))
        c.setToolTip(tip)
        values = list(items.values())
        c.currentIndexChanged.connect(lambda i: self.doc.set_settings(f"Change {key}", **{key: values[i]}))
        return c

    def _choose_color(self):
        s = self.doc.settings
        start = QColor(s.hair_color) if s.hair_color != "auto" else QColor(60, 48, 40)
        c = QColorDialog.getColor(start, self, "Hair colour to match")
        if c.isValid():
            self.doc.set_settings("Tone: swatch", hair_color=c.name())

    def _dilution_auto(self, on: bool):
        if on:
            self.doc.set_settings("Dilution: automatic", dilution=None)
        else:
            self.doc.set_settings("Dilution: manual", dilution=round(self.doc.sim.pigment.dilution, 2) if self.doc.sim else 0.2)

    def _sessions_changed(self, n: int):
        s = self.doc.settings
        self.doc.set_settings("Change sessions", sessions=n, session=min(s.session, n) if s.session != s.sessions else n)

    def _overlay(self, *_):
        self.overlayChanged.emit(self.overlay.isChecked(), self.overlay_opacity.value() / 100)

    def _brush(self, *_):
        self.brushChanged.emit(BRUSH_CLASSES[self.brush_class.currentText()], float(self.brush_size.value()))

    def set_notes(self, text: str) -> None:
        if self.notes.toPlainText() != text:
            self.notes.blockSignals(True)
            self.notes.setPlainText(text)
            self.notes.blockSignals(False)

    def refresh(self):
        """Show the document's current settings (no signals while doing so)."""
        s = self.doc.settings
        widgets = [self.treatment, self.view, self.state, self.session, self.sessions, self.years, self.dilution_auto]
        for w in widgets:
            w.blockSignals(True)
        self.treatment.setCurrentIndex(list(TREATMENTS.values()).index(s.treatment))
        self.view.setCurrentIndex(list(VIEWS.values()).index(s.view))
        self.state.setCurrentIndex(list(STATES.values()).index(s.state))
        self.template.setCurrentIndex(TEMPLATES.index(s.hairline_template))
        self.sessions.setValue(s.sessions)
        self.session.setRange(1, s.sessions)
        self.session.setValue(s.session)
        self.years.setValue(s.aged_years)
        self.years.setEnabled(s.state == "aged")
        self.dilution_auto.setChecked(s.dilution is None)
        for w in widgets:
            w.blockSignals(False)
        self.irregularity.set_value(s.macro_irregularity_mm)
        self.transition.set_value(s.transition_mm)
        self.density.set_value(s.density_per_cm2)
        self.dot_size.set_value(s.dot_size_mm)
        sim = self.doc.sim
        dil = s.dilution if s.dilution is not None else (sim.pigment.dilution if sim else 0.2)
        self.dilution.set_value(dil)
        self.dilution.setEnabled(s.dilution is not None)
        hair = s.hair_color if s.hair_color != "auto" else ("#%02x%02x%02x" % sim.pigment.hair_rgb if sim else "#3c3028")
        self.swatch.setText(("auto " if s.hair_color == "auto" else "") + hair)
        self.swatch.setStyleSheet(f"background: {hair}; color: {'white' if QColor(hair).lightness() < 128 else 'black'}")
        if sim is not None:
            sc = sim.scale
            self.scale_label.setText(f"{sc.px_per_mm:.2f} px/mm ({sc.source})")
            self.area_label.setText(f"{sim.treatment_area_cm2():.0f} cm²")
            self.count_label.setText(f"{len(sim.session_dots()):,} (session {s.session} of {s.sessions})")
