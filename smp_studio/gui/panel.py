"""The design panel: every setting as a control, each change one undo step."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel,
    QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QSlider, QSpinBox, QVBoxLayout, QWidget,
)

from smp_studio.core.model.labels import choices, field_label
from smp_studio.core.engine.coverage import helmet_warning
from smp_studio.core.model.settings import RANGES, SHAVE_GUARDS, SIDE_VIEWS
from smp_studio.gui.document import BRUSH_CLASSES, Document
from smp_studio.gui.designs_section import DesignsSection
from smp_studio.gui.sections import Section
from smp_studio.gui.setting_slider import SettingSlider

#: Below this available screen height the less used sections start folded.
SHORT_SCREEN = 900
from smp_studio.gui.viewstate import COMPARE_LABELS, COMPARE_MODES, ViewState


class DesignPanel(QScrollArea):
    """Right-hand panel. Reads the document on every change; writes through it."""

    redetectRequested = Signal()

    def __init__(self, doc: Document, state: ViewState | None = None, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.state = state or ViewState(self)
        self.setWidgetResizable(True)
        self.setMinimumWidth(336)  # the widest row and a vertical scroll bar, never a horizontal one
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        col = QVBoxLayout(body)
        # Above every section (folded or not): no scalp found, an empty scar, pigment somewhere unusual.
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #6b3500; background: #fff1d6; border: 1px solid #e0b060; padding: 6px;")
        self.notice.hide()
        col.addWidget(self.notice)
        col.setContentsMargins(4, 4, 4, 4)
        col.setSpacing(2)
        self.setWidget(body)
        screen = self.screen() or QGuiApplication.primaryScreen()
        short = screen is not None and screen.availableGeometry().height() < SHORT_SCREEN
        self.sections: dict[str, Section] = {}

        self.designs = DesignsSection(doc, self.state)
        self.sections["Designs"] = self.designs
        col.addWidget(self.designs)

        # Treatment and hairline
        g = self._section("Treatment")
        f = g.form()
        self.treatment = self._combo("treatment", "What is treated: the whole bald area, only thinning areas, ...")
        f.addRow("Type", self.treatment)
        self.view = self._combo("view", "How the photo was taken (places the hairline templates)")
        f.addRow("Photo view", self.view)
        row = QHBoxLayout()
        self.template = QComboBox()
        for value, label in choices("hairline_template"):
            self.template.addItem(label, value)
        self.template.setToolTip("Hairline template: juvenile sits lowest, conservative highest; feminine is rounded")
        self.template_apply = QPushButton("Apply")
        self.template_apply.setToolTip("Replace the hairline with this template")
        self.template_apply.clicked.connect(lambda: doc.apply_template(self.template.currentData()))
        row.addWidget(self.template, 1)
        row.addWidget(self.template_apply)
        f.addRow("Hairline", row)
        self.mirror = QCheckBox("Mirror left half")  # (its tooltip depends on the view: set in refresh)
        self.mirror.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)  # clickable where it shows
        self.mirror.toggled.connect(doc.set_mirror)
        f.addRow("", self.mirror)
        self.irregularity = SettingSlider(doc, "macro_irregularity_mm", 0.1, "{:.1f} mm", "Gentle waves along the line")
        f.addRow("Irregularity", self.irregularity)
        self.transition = SettingSlider(doc, "transition_mm", 0.5, "{:.1f} mm", "Width of the soft, sparse hairline band")
        f.addRow("Transition", self.transition)
        col.addWidget(g)

        # Impressions and pigment
        g = self._section("Impressions")
        f = g.form()
        self.density = SettingSlider(doc, "density_per_cm2", 5, "{:.0f} /cm²", "Impressions per cm² in the body")
        f.addRow("Density", self.density)
        self.dot_size = SettingSlider(doc, "dot_size_mm", 0.01, "{:.2f} mm", "Healed impression size")
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
        pick.clicked.connect(lambda: self.state.set(tool="eyedropper"))
        self.swatch = QPushButton()
        self.swatch.setToolTip("Choose the hair colour from a swatch")
        self.swatch.clicked.connect(self._choose_color)
        row.addWidget(self.tone_auto)
        row.addWidget(pick)
        row.addWidget(self.swatch, 1)
        f.addRow("Hair tone", row)
        self.dilution = SettingSlider(doc, "dilution", 0.01, "{:.2f}", "More water = lighter impressions")
        self.dilution_auto = QCheckBox("auto")
        self.dilution_auto.setToolTip("Chosen from hair colour and skin tone")
        self.dilution_auto.toggled.connect(self._dilution_auto)
        row = QHBoxLayout()
        row.addWidget(self.dilution, 1)
        row.addWidget(self.dilution_auto)
        f.addRow("Dilution", row)
        row = QHBoxLayout()
        self.shave = QComboBox()
        for value, label in (("auto", "Auto"), ("on", "On"), ("off", "Off")):
            self.shave.addItem(label, value)
        self.shave.setToolTip("Shave preview: the client's remaining hair clipped to stubble "
                              "(auto: on for the full shaved look, off for density)")
        self.shave.activated.connect(lambda i: doc.set_settings("Change shave preview",
                                                                shave_preview=self.shave.itemData(i)))
        self.guard = QComboBox()
        for mm in SHAVE_GUARDS:
            self.guard.addItem(f"{mm:g} mm guard", mm)
        self.guard.setToolTip("Clipper guard length of the stubble")
        self.guard.activated.connect(lambda i: doc.set_settings("Change guard", shave_guard_mm=self.guard.itemData(i)))
        row.addWidget(self.shave)
        row.addWidget(self.guard, 1)
        f.addRow("Shave", row)
        col.addWidget(g)

        # Result to show
        g = self._section("Show")
        f = g.form()
        row = QHBoxLayout()
        self.session = QSpinBox()
        self.session.setToolTip("Result after this session")
        self.session.valueChanged.connect(lambda v: doc.set_settings("Change session", session=v))
        self.sessions = QSpinBox()
        self.sessions.setRange(*RANGES["sessions"])
        self.sessions.setToolTip("Sessions planned")
        self.sessions.valueChanged.connect(self._sessions_changed)
        row.addWidget(self.session)
        row.addWidget(QLabel("of"))
        row.addWidget(self.sessions)
        row.addStretch(1)
        f.addRow("Session", row)
        row = QHBoxLayout()
        self.state_box = self._combo("state", "Healed is what the client keeps; fresh is the first days")
        self.years = QDoubleSpinBox()
        self.years.setRange(*RANGES["aged_years"])
        self.years.setDecimals(1)
        self.years.setSuffix(" yrs")
        self.years.setToolTip("Aged: years after the last session")
        self.years.valueChanged.connect(lambda v: doc.set_settings("Change age", aged_years=float(v)))
        row.addWidget(self.state_box, 1)
        row.addWidget(self.years)
        f.addRow("State", row)
        self.compare = QComboBox()
        for mode in COMPARE_MODES:
            self.compare.addItem(COMPARE_LABELS[mode], mode)
        self.compare.setToolTip("Before/after: hold \\ to see the photo as it is")
        self.compare.currentIndexChanged.connect(lambda i: self.state.set(compare=COMPARE_MODES[i]))
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
        g = self._section("Correct the areas", collapsed=short)
        f = g.form()
        self.brush_class = QComboBox()
        self.brush_class.addItems(list(BRUSH_CLASSES))
        self.brush_class.setToolTip("What the brush paints; Exclude keeps ears, face and background out; "
                                    "Automatic erases your corrections, Erase scar the painted scar")
        self.brush_size = QSlider(Qt.Orientation.Horizontal)
        self.brush_size.setRange(2, 150)
        self.brush_size.setValue(24)
        self.brush_size.setToolTip("Brush radius on screen")
        self.brush_class.currentIndexChanged.connect(self._brush)
        self.brush_size.valueChanged.connect(self._brush)
        f.addRow("Paint", self.brush_class)
        f.addRow("Size", self.brush_size)
        redo = QPushButton("Re-detect with my strokes")
        redo.setToolTip("Detect the areas again, using what you painted as hints")
        redo.clicked.connect(self.redetectRequested)
        f.addRow("", redo)
        col.addWidget(g)

        # Measurements
        g = self._section("Measure", collapsed=short)
        f = g.form()
        self.scale_label = QLabel("-")
        self.area_label = QLabel("-")
        self.count_label = QLabel("-")
        cal = QPushButton("Calibrate...")
        cal.setToolTip("Draw a line of known length on the photo (K)")
        cal.clicked.connect(lambda: self.state.set(tool="calibrate"))
        f.addRow("Scale", self.scale_label)
        f.addRow("", cal)
        f.addRow("Treated area", self.area_label)
        f.addRow("Impressions", self.count_label)
        col.addWidget(g)

        g = self._section("Client notes")
        v = QVBoxLayout(g.body)
        v.setContentsMargins(4, 2, 2, 6)
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Wishes, skin notes, agreed plan... (saved with the project)")
        self.notes.setMaximumHeight(80 if short else 110)
        v.addWidget(self.notes)
        col.addWidget(g)
        col.addStretch(1)

        self.notes.textChanged.connect(lambda: doc.set_notes(self.notes.toPlainText()))
        doc.notesChanged.connect(lambda: self.set_notes(doc.notes))
        doc.photoChanged.connect(lambda: self.set_notes(doc.notes))
        doc.designChanged.connect(self.refresh)
        doc.historyChanged.connect(self.refresh)
        doc.photoChanged.connect(self.refresh)
        self.state.changed.connect(self._state_changed)
        self._figures_due = False
        self.refresh()

    def _section(self, title: str, *, collapsed: bool = False) -> Section:
        g = Section(title, collapsed=collapsed)
        self.sections[title] = g
        return g

    def _combo(self, key: str, tip: str) -> QComboBox:
        c = QComboBox()
        for value, label in choices(key):
            c.addItem(label, value)
        c.setToolTip(tip)
        # activated: only the artist's choice, never the panel showing the design
        c.activated.connect(lambda i: self.doc.set_settings(f"Change {field_label(key)}", **{key: c.itemData(i)}))
        return c

    def _state_changed(self, name: str) -> None:
        st = self.state
        if name == "compare":
            self.compare.setCurrentIndex(COMPARE_MODES.index(st.compare))
        elif name == "overlay":
            self.overlay.setChecked(st.overlay)

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
        self.state.set(overlay=self.overlay.isChecked(), overlay_opacity=self.overlay_opacity.value() / 100)

    def _brush(self, *_):
        self.state.set(brush_class=BRUSH_CLASSES[self.brush_class.currentText()],
                       brush_px=float(self.brush_size.value()), tool="brush")

    def set_notes(self, text: str) -> None:
        if self.notes.toPlainText() != text:
            self.notes.blockSignals(True)
            self.notes.setPlainText(text)
            self.notes.blockSignals(False)

    def refresh(self):
        """Show the design's settings; the figures follow once the event loop is idle."""
        s = self.doc.settings
        d = self.doc.design
        self.treatment.setCurrentIndex(self.treatment.findData(s.treatment))
        self.view.setCurrentIndex(self.view.findData(s.view))
        self.state_box.setCurrentIndex(self.state_box.findData(s.state))
        self.template.setCurrentIndex(self.template.findData(s.hairline_template))
        self.mirror.setChecked(d.mirror)
        line = self.doc.hairline is not None  # a back photo shows no hairline: nothing to apply or mirror
        for w in (self.template, self.template_apply):
            w.setEnabled(line)
        profile = s.view in SIDE_VIEWS
        self.mirror.setEnabled(line and not profile)
        self.mirror.setToolTip("A side photo shows the hairline in profile: it has no left half to mirror" if profile
                               else "Mirror the left half of the hairline onto the right while you edit it")
        self.template_apply.setToolTip("Replace the hairline with this template" if line else
                                       "A back photo shows no hairline: set Photo view to design one")
        self.shave.setCurrentIndex(self.shave.findData(s.shave_preview))
        self.guard.setCurrentIndex(max(self.guard.findData(s.shave_guard_mm), 0))
        widgets = [self.session, self.sessions, self.years, self.dilution_auto]
        for w in widgets:  # spin boxes have no "changed by the user" signal
            w.blockSignals(True)
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
        self.dilution.setEnabled(s.dilution is not None)
        if s.dilution is not None:
            self.dilution.set_value(s.dilution)
        self._schedule_figures()

    def _schedule_figures(self) -> None:
        # Many changes in one burst (a drag's mouse moves) update the figures once.
        if not self._figures_due:
            self._figures_due = True
            QTimer.singleShot(0, self.update_figures)

    def update_figures(self) -> None:
        """Area, impressions, scale and pigment: derived, so computed only when shown."""
        self._figures_due = False
        sim = self.doc.sim
        s = self.doc.settings
        if sim is None:
            return
        if s.dilution is None:
            self.dilution.set_value(sim.pigment.dilution)
        hair = s.hair_color if s.hair_color != "auto" else "#%02x%02x%02x" % sim.pigment.hair_rgb
        self.swatch.setText(hair)
        self.swatch.setToolTip(("Matched to the photo's hair: " if s.hair_color == "auto" else "Chosen tone: ") + hair
                               + ". Click to choose the hair colour from a swatch")
        self.swatch.setStyleSheet(f"background: {hair}; color: {'white' if QColor(hair).lightness() < 128 else 'black'}")
        sc = sim.scale
        self.scale_label.setText(f"{sc.px_per_mm:.2f} px/mm ({sc.source})")
        self.area_label.setText(f"{sim.treatment_area_cm2():.0f} cm²")
        self.count_label.setText(f"{len(sim.session_dots()):,} (session {s.session} of {s.sessions})")
        notes = []
        if s.treatment == "scar" or sim.has_scalp:
            fg = sim.figures()
            notes = ([fg.hint] if fg.hint else []) + list(fg.warnings)
        else:
            notes = [sim.hint]
        if w := helmet_warning(s):  # too little bare skin left: the "helmet" look
            notes.append(w)
        g = sim.face_guides()
        if g:
            notes += g.get("warnings", [])
        self.notice.setText("\n".join(notes))
        self.notice.setVisible(bool(notes))
