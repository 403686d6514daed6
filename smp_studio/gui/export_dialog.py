"""The Export dialog: what to make, previewed before it is written.

Everything is rendered by the core's export functions (the same pixels as the
CLI and batch); full-resolution work runs in the background.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QMessageBox, QPushButton, QSpinBox, QVBoxLayout,
)

from smp_studio.core.output.clinic import Clinic
from smp_studio.gui.painting import rgb_to_qimage

KINDS = {
    "Simulated image": ("after", "image"),
    "Before/after split": ("split", "image"),
    "Side by side": ("side-by-side", "image"),
    "Fresh (session 1) vs healed": ("fresh-vs-healed", "image"),
    "Designs side by side": ("designs", "image"),
    "Patient handout (PDF)": ("handout", "pdf"),
    "Wipe animation": ("animation", "animation"),
}
FORMATS = {"image": ["png", "jpg"], "pdf": ["pdf"], "animation": ["mp4", "gif", "webp"]}
PREVIEW_WIDTH = 640


class ExportDialog(QDialog):
    def __init__(self, window, clinic: Clinic):
        super().__init__(window)
        self.win, self.doc, self.clinic = window, window.doc, clinic
        self.setWindowTitle("Export")
        self.setMinimumWidth(980)
        # Asked before the simulation label is left out; tests may replace it.
        self.confirm_no_label = self._ask_no_label
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.setToolTip("What to make")
        form.addRow("Export", self.kind)
        self.format = QComboBox()
        form.addRow("Format", self.format)
        row = QHBoxLayout()
        self.full = QCheckBox("Full resolution")
        self.full.setChecked(True)
        self.width = QSpinBox()
        self.width.setRange(200, 12000)
        self.width.setValue(1600)
        self.width.setSuffix(" px wide")
        self.width.setEnabled(False)
        row.addWidget(self.full)
        row.addWidget(self.width)
        form.addRow("Size", row)
        self.paper = QComboBox()
        self.paper.addItems(["A4", "Letter"])
        form.addRow("Paper", self.paper)
        self.years = QDoubleSpinBox()
        self.years.setRange(1, 20)
        self.years.setValue(self.doc.settings.aged_years)
        self.years.setSuffix(" years")
        self.years.setToolTip("The handout shows how the result ages after this long")
        form.addRow("Aged view", self.years)
        self.price = QLineEdit()
        area = self.doc.sim.treatment_area_cm2() if self.doc.sim else 0.0
        self.price.setPlaceholderText(clinic.quote(area)[1] or "from the clinic's price table")
        self.price.setToolTip("This client's estimate for the handout; empty = the clinic's price table")
        form.addRow("Price estimate", self.price)
        self.anon = QComboBox()
        self.anon.addItems(["Keep as is", "Blur face and eyes", "Bar over the eyes", "Crop below the scalp"])
        self.anon.setToolTip("Hide who the client is (for marketing)")
        form.addRow("Anonymise", self.anon)
        row = QHBoxLayout()
        self.regions_label = QLabel()
        clear = QPushButton("Clear")
        clear.setToolTip("Forget the regions drawn with Tools > Hide region")
        clear.clicked.connect(lambda: (self.doc.clear_privacy_regions(), self._regions_changed()))
        row.addWidget(self.regions_label, 1)
        row.addWidget(clear)
        form.addRow("Hidden regions", row)
        self.brand = QCheckBox(f"Clinic name under the image ({clinic.name or 'set it in Clinic settings'})")
        self.brand.setChecked(bool(clinic.name))
        self.brand.setEnabled(bool(clinic.name))
        form.addRow("Branding", self.brand)
        self.photo_name = QCheckBox("Photo file name in the export and its record")
        self.photo_name.setChecked(clinic.photo_names)
        self.photo_name.setToolTip("File names are often the client's name: leave this off for marketing")
        form.addRow("Privacy", self.photo_name)
        self.label = QCheckBox("Label it as a simulation")
        self.label.setChecked(True)
        self.label.setToolTip("On by default: exports are simulations, not promises")
        form.addRow("Honesty", self.label)

        self.preview = QLabel("Preparing the preview...")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(520, 400)
        self.preview.setStyleSheet("background: #26282c; color: #ddd;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_btn = self.buttons.addButton("Export...", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.export_btn.clicked.connect(self._choose_and_export)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        main = QHBoxLayout()
        main.addLayout(left)
        main.addWidget(self.preview, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(main, 1)
        outer.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.update_preview)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.full.toggled.connect(lambda on: (self.width.setEnabled(not on), self._timer.start()))
        for signal in (self.width.valueChanged, self.years.valueChanged, self.anon.currentIndexChanged,
                       self.brand.toggled):
            signal.connect(lambda *_: self._timer.start())
        self.label.toggled.connect(self._label_toggled)
        self.preview_image: np.ndarray | None = None
        self.last_path: str | None = None
        self._regions_changed()
        last = self.win.qsettings.value("export_kind", "")
        if last in KINDS:  # the artist's usual export comes back
            self.kind.setCurrentText(last)
        self._kind_changed()

    # --- state ---------------------------------------------------------------------------
    @property
    def what(self) -> tuple[str, str]:
        return KINDS[self.kind.currentText()]

    def anonymise_mode(self) -> str | None:
        mode = [None, "blur", "bar", "crop"][self.anon.currentIndex()]
        # Regions the artist drew are always hidden: drawing one says so.
        return mode or ("blur" if self.doc.privacy_regions else None)

    def _regions_changed(self):
        n = len(self.doc.privacy_regions)
        self.regions_label.setText(f"{n} drawn on the photo (hidden in exports)" if n else
                                   "none (Tools > Hide region to draw some)")
        self._timer.start()

    def _kind_changed(self):
        kind, family = self.what
        self.format.clear()
        self.format.addItems(FORMATS[family])
        self.paper.setEnabled(family == "pdf")
        self.years.setEnabled(family == "pdf")
        self.price.setEnabled(family == "pdf")
        self.anon.setEnabled(family != "pdf")
        self.brand.setEnabled(bool(self.clinic.name) and family != "pdf")
        self.label.setEnabled(family != "pdf")  # a handout is always labelled
        self._timer.start()

    def _label_toggled(self, on: bool):
        if not on and not self.confirm_no_label():
            self.label.blockSignals(True)
            self.label.setChecked(True)
            self.label.blockSignals(False)
            return
        self._timer.start()

    def _ask_no_label(self) -> bool:
        r = QMessageBox.warning(
            self, "Leave out the simulation label?",
            "Without the label, people may take this image for a real result. The choice will be recorded in "
            "the exported file. Leave the label out?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return r == QMessageBox.StandardButton.Yes

    # --- preview ----------------------------------------------------------------------------
    def request(self, width: int | None, *, preview: bool = False):
        """The export as the core's one request type (the preview asks for the same at a small size)."""
        from smp_studio.core.output.exports import ExportRequest

        kind, family = self.what
        if preview and family == "pdf":
            kind = "side-by-side"  # a handout's key picture
        return ExportRequest(
            kind, width=width, label=self.label.isChecked() or family == "pdf", clinic=self.clinic,
            brand=self.brand.isChecked() and self.brand.isEnabled(), anonymise=[None, "blur", "bar", "crop"][
                self.anon.currentIndex()], regions=tuple(self.doc.privacy_regions), photo_name=self.photo_name.isChecked(),
            paper=self.paper.currentText().lower(), notes=self.doc.notes, date=_dt.date.today().isoformat(),
            price=self.price.text(), aged_years=float(self.years.value()),
            seconds=1.0 if preview else 4.0, fps=8 if preview else 20, gif=self.format.currentText() == "gif")

    def render(self, width: int | None):
        """The export's image (or, for a PDF or an animation, its key picture)."""
        from smp_studio.core.output.exports import export

        art = export(self.doc.sim, self.request(width, preview=True))
        return art.image if art.image is not None else art.frames[len(art.frames) * 3 // 4]

    def update_preview(self):
        if not self.doc.has_photo:
            return
        img = self.render(PREVIEW_WIDTH)
        self.preview_image = img
        pm = QPixmap.fromImage(rgb_to_qimage(img))
        self.preview.setPixmap(pm.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))

    # --- export ---------------------------------------------------------------------------
    def _choose_and_export(self):
        kind, family = self.what
        ext = self.format.currentText()
        stem = Path(self.doc.photo.name).stem if self.photo_name.isChecked() else "simulation"
        # Beside the project (or the photo) the artist is working on; else where the last export went.
        near = self.doc.project_path or self.doc.path
        folder = Path(near).parent if near else Path(self.win.qsettings.value("export_dir", str(Path.home())))
        start = folder / f"{stem}-{kind}.{ext}"
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(start), f"{ext.upper()} (*.{ext})")
        if path:
            if not path.lower().endswith("." + ext):
                path += "." + ext
            self.win.qsettings.setValue("export_dir", str(Path(path).parent))
            self.export_to(path)
            self.accept()

    def export_to(self, path: str) -> None:
        """Render at the chosen size in the background and write ``path``."""
        from smp_studio.core.output.exports import export

        width = None if self.full.isChecked() else self.width.value()
        req = replace(self.request(width), gif=path.lower().endswith(".gif"))
        sim = self.doc.sim
        self.win.qsettings.setValue("export_kind", self.kind.currentText())
        self.last_path = path

        def work(progress):
            progress(0.05, f"Exporting {Path(path).name}...")
            art = export(sim, req, progress=progress)
            art.write(path)
            return path, art.warnings

        def done(result):
            p, warnings = result
            self.win.statusBar().showMessage(f"Exported {Path(p).name}" + "".join(f" - {w}" for w in warnings), 8000)

        self.win.jobs.start("export", work, done, f"Exporting {Path(path).name}")
