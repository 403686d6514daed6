"""The panel's "Designs" section: up to three named hairline designs to compare."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QPushButton

from smp_studio.core.errors import SmpError
from smp_studio.core.model.variants import MAX_DESIGNS, current_index, designs
from smp_studio.gui.sections import Section


class DesignsSection(Section):
    """Choose, add, rename and remove designs; every change is one undo step."""

    def __init__(self, doc, state, parent=None):
        super().__init__("Designs", parent=parent)
        self.doc, self.state = doc, state
        # Asked for a design's name; tests and scripts may replace it.
        self.ask_name = self._ask_name
        f = self.form()
        self.choice = QComboBox()
        self.choice.setToolTip("The design you are editing; each keeps its own hairline and settings")
        self.choice.activated.connect(self._switch)
        top = QHBoxLayout()
        top.addWidget(self.choice, 1)
        f.addRow("Editing", top)
        row = QHBoxLayout()
        self.add_btn = QPushButton("Add")
        self.add_btn.setToolTip(f"A new design, copied from this one, to compare (up to {MAX_DESIGNS})")
        self.rename_btn = QPushButton("Rename...")
        self.rename_btn.setToolTip("Name this design (shown on the canvas and in exports)")
        self.remove_btn = QPushButton("Remove")
        self.remove_btn.setToolTip("Remove this design (Undo brings it back)")
        self.compare_btn = QPushButton("Compare")
        self.compare_btn.setToolTip("Show the designs side by side, at the same zoom (Ctrl+5)")
        top.addWidget(self.compare_btn)
        for b in (self.add_btn, self.rename_btn, self.remove_btn):
            row.addWidget(b)
        f.addRow(row)
        self.add_btn.clicked.connect(self._add)
        self.rename_btn.clicked.connect(self._rename)
        self.remove_btn.clicked.connect(self._remove)
        self.compare_btn.clicked.connect(lambda: self.state.set(compare="designs"))
        for sig in (doc.designChanged, doc.historyChanged, doc.photoChanged):
            sig.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        d = self.doc.design
        names = [v.name for v in designs(d)]
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItems(names)
        self.choice.setCurrentIndex(current_index(d))
        self.choice.blockSignals(False)
        on = self.doc.has_photo
        self.add_btn.setEnabled(on and len(names) < MAX_DESIGNS)
        self.remove_btn.setEnabled(on and len(names) > 1)
        self.rename_btn.setEnabled(on)
        self.choice.setEnabled(on)
        self.compare_btn.setEnabled(on)

    def _run(self, fn, *args) -> None:
        try:
            fn(*args)
        except SmpError as e:  # never out of a click: say why nothing happened
            self.window().statusBar().showMessage(str(e), 6000) if hasattr(self.window(), "statusBar") else None

    def _switch(self, i: int) -> None:
        self._run(self.doc.switch_design, i)

    def _add(self) -> None:
        self._run(self.doc.add_design)

    def _remove(self) -> None:
        self._run(self.doc.remove_design, current_index(self.doc.design))

    def _rename(self) -> None:
        i = current_index(self.doc.design)
        name = self.ask_name(designs(self.doc.design)[i].name)
        if name:
            self._run(self.doc.rename_design, i, name)

    def _ask_name(self, current: str) -> str | None:
        name, ok = QInputDialog.getText(self, "Rename design", "Name (for example Soft, Edge-up, Juvenile):",
                                        text=current)
        focus = getattr(self.window(), "focus_canvas", None)
        if focus is not None:
            focus()  # the canvas's shortcuts work again at once
        return name if ok else None
