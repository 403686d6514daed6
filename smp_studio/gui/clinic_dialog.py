"""Clinic settings: entered once, used on every handout and comparison."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from smp_studio.core.output.clinic import Clinic, PriceRow
from smp_studio.core.errors import SettingsError

SETTINGS_KEY = "clinic"


def load_clinic(qsettings) -> Clinic:
    """The clinic stored in the app's settings (defaults if none or unreadable)."""
    raw = qsettings.value(SETTINGS_KEY, "")
    if not raw:
        return Clinic()
    try:
        return Clinic.from_dict(json.loads(raw))
    except (ValueError, SettingsError):
        return Clinic()


def save_clinic(qsettings, clinic: Clinic) -> None:
    qsettings.setValue(SETTINGS_KEY, json.dumps(clinic.to_dict()))


class ClinicDialog(QDialog):
    def __init__(self, parent, clinic: Clinic):
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.setMinimumWidth(620)
        self.extras = dict(clinic.extras)
        form = QFormLayout()
        self.name = QLineEdit(clinic.name)
        self.name.setPlaceholderText("Shown on handouts and comparisons")
        self.contact = QLineEdit(clinic.contact)
        self.contact.setPlaceholderText("Address, phone, web")
        row = QHBoxLayout()
        self.logo = QLineEdit(clinic.logo)
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._choose_logo)
        row.addWidget(self.logo, 1)
        row.addWidget(browse)
        self.currency = QLineEdit(clinic.currency)
        self.currency.setMaximumWidth(60)
        self.disclaimer = QPlainTextEdit(clinic.disclaimer)
        self.disclaimer.setMaximumHeight(70)
        form.addRow("Clinic name", self.name)
        form.addRow("Contact", self.contact)
        form.addRow("Logo", row)
        form.addRow("Currency", self.currency)
        form.addRow("Disclaimer", self.disclaimer)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Treatment", "Up to (cm²)", "Price"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for r in clinic.prices:
            self._add_row(r)
        rows = QHBoxLayout()
        add = QPushButton("Add row")
        add.clicked.connect(lambda: self._add_row(PriceRow("New tier", 100.0, 0.0)))
        remove = QPushButton("Remove row")
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        rows.addWidget(add)
        rows.addWidget(remove)
        rows.addStretch(1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(QLabel("Price table (the handout quotes the first tier the treated area fits in)"))
        v.addWidget(self.table)
        v.addLayout(rows)
        v.addWidget(self.error)
        v.addWidget(buttons)
        self.result_clinic: Clinic | None = None

    def _add_row(self, r: PriceRow):
        i = self.table.rowCount()
        self.table.insertRow(i)
        for c, v in enumerate((r.label, f"{r.up_to_cm2:g}", f"{r.price:g}")):
            self.table.setItem(i, c, QTableWidgetItem(v))

    def _choose_logo(self):
        path, _ = QFileDialog.getOpenFileName(self, "Clinic logo", self.logo.text(), "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)

    def clinic(self) -> Clinic:
        """The clinic as entered; raises SettingsError with what is wrong."""
        rows = []
        for i in range(self.table.rowCount()):
            cells = [self.table.item(i, c).text().strip() if self.table.item(i, c) else "" for c in range(3)]
            try:
                rows.append({"label": cells[0], "up_to_cm2": float(cells[1]), "price": float(cells[2].replace(",", ""))})
            except ValueError:
                raise SettingsError(f"price row {i + 1}: area and price must be numbers") from None
        return Clinic.from_dict(dict(self.extras, name=self.name.text().strip(), contact=self.contact.text().strip(),
                                     logo=self.logo.text().strip(), currency=self.currency.text().strip() or "£",
                                     disclaimer=self.disclaimer.toPlainText().strip(), prices=rows))

    def _accept(self):
        try:
            self.result_clinic = self.clinic()
        except SettingsError as e:
            self.error.setText(str(e))
            return
        self.accept()
