"""The studio window: menus, toolbar, status bar, and the jobs behind them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton,
    QSplitter, QToolButton, QVBoxLayout, QWidget,
)

from smp_studio import __version__
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.edits import hints_from_edits
from smp_studio.core.analysis.segmentation import segment
from smp_studio.gui.canvas import Canvas
from smp_studio.gui.document import Document
from smp_studio.gui.panel import COMPARE, DesignPanel
from smp_studio.gui.recovery import RecoveryFolder
from smp_studio.gui.worker import Jobs
from smp_studio.resources import resources_dir, sample_attribution

PHOTO_FILTER = ("Photos and projects (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.heif *.bmp *.smpx);;"
                "SMP Studio projects (*.smpx);;All files (*)")
PROJECT_FILTER = "SMP Studio project (*.smpx)"
MAX_RECENT = 8
AUTOSAVE_MS = 60_000  # a recovery copy after each minute with changes


class ErrorBanner(QWidget):
    """An error shown inside the window; the app keeps running."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("background: #7a2323; color: white;")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QToolButton()
        close.setText("×")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class MainWindow(QMainWindow):
    photoLoaded = Signal()

    def __init__(self, settings: QSettings | None = None, recovery_dir: str | None = None):
        super().__init__()
        self.qsettings = settings or QSettings()
        if recovery_dir is None:
            base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
            recovery_dir = str(Path(base) / "recovery")
        self.recovery = RecoveryFolder(recovery_dir)
        # Asked before work would be lost; tests and scripts may replace it.
        self.confirm_discard = self._ask_discard
        self.setWindowTitle("SMP Studio")
        icon = resources_dir() / "icon.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.doc = Document(self)
        self.jobs = Jobs(self)
        self.canvas = Canvas(self.doc)
        self.panel = DesignPanel(self.doc)
        self.banner = ErrorBanner()
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.banner)
        split = QSplitter()
        split.addWidget(self.canvas)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        v.addWidget(split, 1)
        self.setCentralWidget(central)
        self._build_status()
        self._build_actions()
        self._wire()
        self._restore()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self._autosaved_index = None

    # --- construction -------------------------------------------------------------------
    def _build_status(self):
        sb = self.statusBar()
        self.scale_status = QLabel()
        self.pos_status = QLabel()
        self.area_status = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 100)
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setToolTip("Stop the work in progress")
        self.cancel_btn.clicked.connect(self._cancel_jobs)
        for w in (self.progress, self.cancel_btn):
            w.hide()
        for w in (self.pos_status, self.scale_status, self.area_status, self.progress, self.cancel_btn):
            sb.addPermanentWidget(w)

    def _act(self, text, slot, shortcut=None, tip=None, checkable=False):
        a = QAction(text, self)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
            a.setStatusTip(tip)
        a.setCheckable(checkable)
        a.triggered.connect(slot)
        return a

    def _build_actions(self):
        m = self.menuBar()
        f = m.addMenu("&File")
        self.open_act = self._act("&Open...", self.open_dialog, QKeySequence.StandardKey.Open,
                                  "Open a client photo or a saved project")
        f.addAction(self.open_act)
        self.recent_menu = f.addMenu("Open &recent")
        self.save_act = self._act("&Save project", self.save_project, QKeySequence.StandardKey.Save,
                                  "Save the design (photo, areas, hairline, settings, notes) in one file")
        self.save_as_act = self._act("Save project &as...", self.save_project_as, QKeySequence("Ctrl+Shift+S"),
                                     "Save the design under a new name")
        self.export_act = self._act("&Export...", self.open_export_dialog, QKeySequence("Ctrl+E"),
                                    "Images, comparisons, the patient handout (PDF) or a wipe animation")
        self.clinic_act = self._act("&Clinic settings...", self.open_clinic_dialog, None,
                                    "Clinic name, logo, price table and disclaimer for exports")
        for a in (self.save_act, self.save_as_act, self.export_act, self.clinic_act):
            f.addAction(a)
        f.addSeparator()
        f.addAction(self._act("&Quit", self.close, QKeySequence.StandardKey.Quit))

        e = m.addMenu("&Edit")
        self.undo_act = self.doc.undo.createUndoAction(self, "&Undo")
        self.undo_act.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_act = self.doc.undo.createRedoAction(self, "&Redo")
        self.redo_act.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addAction(self.undo_act)
        e.addAction(self.redo_act)

        v = m.addMenu("&View")
        v.addAction(self._act("&Fit to window", self.canvas.fit, "F", "Show the whole photo"))
        v.addAction(self._act("&100%", self.canvas.actual_size, "1", "One photo pixel per screen pixel"))
        self.overlay_act = self._act("Area &overlay", self._toggle_overlay, "O", "Tint bald, thinning and hair", True)
        v.addAction(self.overlay_act)
        v.addSeparator()
        group = QActionGroup(self)
        self.compare_acts = {}
        for i, (label, mode) in enumerate(COMPARE.items()):
            a = self._act(label, lambda _=False, m_=mode: self.set_compare(m_), f"Ctrl+{i + 1}", f"Compare: {label}", True)
            group.addAction(a)
            v.addAction(a)
            self.compare_acts[mode] = a
        self.compare_acts["after"].setChecked(True)

        t = m.addMenu("&Tools")
        tb = self.addToolBar("Tools")
        tb.setObjectName("tools")
        tools = QActionGroup(self)
        self.tool_acts = {}
        for name, label, key, tip in [
            ("hairline", "&Hairline", "H", "Drag points; click the line to add one; right-click a point to delete it"),
            ("brush", "&Brush", "B", "Paint corrections to the areas"),
            ("calibrate", "&Calibrate", "K", "Draw a line of known length to set the scale"),
            ("eyedropper", "Hair &tone", "I", "Click the client's hair to match the pigment tone"),
            ("pan", "&Pan", "P", "Drag to move around (or hold Space, or drag with the middle button)"),
            ("privacy", "Hide &region", "R", "Drag a rectangle over anything that identifies the client: exports blur it"),
        ]:
            a = self._act(label, lambda _=False, n=name: self.set_tool(n), key, tip, True)
            tools.addAction(a)
            t.addAction(a)
            tb.addAction(a)
            self.tool_acts[name] = a
        self.tool_acts["hairline"].setChecked(True)
        tb.addSeparator()
        tb.addAction(self.undo_act)
        tb.addAction(self.redo_act)

        h = m.addMenu("&Help")
        h.addAction(self._act("&About SMP Studio", self.about))

    def _wire(self):
        d, c, p = self.doc, self.canvas, self.panel
        c.cursorMoved.connect(self._show_cursor)
        c.calibrationDrawn.connect(self._ask_calibration)
        c.colorPicked.connect(lambda hex_: d.set_settings("Tone: eyedropper", hair_color=hex_))
        c.regionDrawn.connect(d.add_privacy_region)
        p.toolRequested.connect(self.set_tool)
        p.compareChanged.connect(self.set_compare)
        p.overlayChanged.connect(self._set_overlay)
        p.brushChanged.connect(self._set_brush)
        p.redetectRequested.connect(self.redetect)
        d.designChanged.connect(self._update_status)
        d.dirtyChanged.connect(lambda _: self._update_title())
        d.photoChanged.connect(self._update_title)
        p.notes.textChanged.connect(lambda: d.set_notes(p.notes.toPlainText()))
        d.photoChanged.connect(lambda: p.set_notes(d.notes))
        self.jobs.started.connect(self._job_started)
        self.jobs.progress.connect(lambda k, f, m: (self.progress.setValue(int(f * 100)), self.statusBar().showMessage(m)))
        self.jobs.finished.connect(self._job_ended)
        self.jobs.failed.connect(self._job_failed)

    # --- photos -------------------------------------------------------------------------
    def open_dialog(self):
        start = self.qsettings.value("last_dir", str(Path.home()))
        path, _ = QFileDialog.getOpenFileName(self, "Open a client photo", start, PHOTO_FILTER)
        if path:
            self.open_photo(path)

    def open_photo(self, path, *, confirmed: bool = False) -> None:
        """Open a photo (loaded and segmented in the background) or a project."""
        path = str(path)
        if not confirmed and not self.maybe_save():
            return
        if path.lower().endswith(".smpx"):
            self.open_project(path, confirmed=True)
            return

        def work(progress):
            progress(0.05, f"Loading {Path(path).name}...")
            photo = load_photo(path)
            progress(0.4, "Finding bald and thinning areas...")
            seg = segment(photo.rgb)
            progress(0.9, "Preparing the simulation...")
            from smp_studio.core.engine import bluenoise

            bluenoise.tile()  # built once per run: here, not on the UI thread
            return photo, seg

        def done(result):
            photo, seg = result
            self.doc.set_photo(photo, seg, path)
            self.banner.hide()
            self._add_recent(path)
            self.qsettings.setValue("last_dir", str(Path(path).parent))
            self.statusBar().showMessage(f"Opened {photo.name} ({photo.width}x{photo.height})", 5000)
            self.photoLoaded.emit()

        self.jobs.start("load", work, done, f"Opening {Path(path).name}")

    def open_project(self, path, *, confirmed: bool = False, recovered_from: str | None = None) -> None:
        from smp_studio.core.io.project import load_project

        path = str(path)
        if not confirmed and not self.maybe_save():
            return

        def work(progress):
            progress(0.1, f"Opening {Path(path).name}...")
            return load_project(path)

        def done(project):
            target = recovered_from if recovered_from is not None else path
            self.doc.set_project(project, None if recovered_from == "" else target)
            self.banner.hide()
            if recovered_from is not None:
                self.recovery.adopt(path)  # now this session's copy, replaced by the next autosave
                self.doc.mark_unsaved()  # a recovered design is not saved anywhere yet
                self.statusBar().showMessage("Recovered the design from the last session: save it to keep it", 10000)
            else:
                self._add_recent(path)
                self.statusBar().showMessage(f"Opened project {Path(path).name}", 5000)
            self.photoLoaded.emit()

        self.jobs.start("load", work, done, f"Opening {Path(path).name}")

    # --- saving ----------------------------------------------------------------------------
    def save_project(self) -> bool:
        if not self.doc.has_photo:
            return False
        if self.doc.project_path is None:
            return self.save_project_as()
        return self.save_project_to(self.doc.project_path)

    def save_project_as(self) -> bool:
        if not self.doc.has_photo:
            return False
        start = self.doc.project_path or str(Path(self.qsettings.value("last_dir", str(Path.home())))
                                             / (Path(self.doc.photo.name).stem + ".smpx"))
        path, _ = QFileDialog.getSaveFileName(self, "Save project", start, PROJECT_FILTER)
        if not path:
            return False
        if not path.lower().endswith(".smpx"):
            path += ".smpx"
        return self.save_project_to(path)

    def save_project_to(self, path: str) -> bool:
        """Save now (on this thread: the artist waits for Save, and it takes well under a second)."""
        from smp_studio.core.io.project import save_project

        project = self.doc.to_project()
        try:
            save_project(project, path)
        except Exception as e:  # disk full, permissions, missing folder: say so, lose nothing
            self.show_error(f"Could not save {Path(path).name}: {e}")
            return False
        self.doc.created = project.created
        self.doc.mark_saved(path)
        self._add_recent(path)
        self.recovery.discard()
        self.statusBar().showMessage(f"Saved {Path(path).name}", 5000)
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current design (saved, discarded, or none)."""
        if not self.doc.dirty:
            return True
        answer = self.confirm_discard()
        if answer == "save":
            return self.save_project()
        return answer == "discard"

    def _ask_discard(self) -> str:
        name = Path(self.doc.project_path).name if self.doc.project_path else self.doc.photo.name
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"Save the changes to the design for {name}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText("If you don't save, your changes will be lost.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        r = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(r), "cancel")

    # --- autosave and recovery --------------------------------------------------------------
    def autosave(self) -> None:
        """Write a recovery copy if anything changed since the last one."""
        if not self.doc.dirty:
            return
        marker = (self.doc.undo.index(), self.doc.notes, id(self.doc.sim))
        if marker == self._autosaved_index:
            return
        project = self.doc.to_project()
        origin = self.doc.project_path or ""

        def work(progress):
            progress(0.2, "Autosaving a recovery copy...")
            self.recovery.write(project, origin)
            return marker

        self.jobs.start("autosave", work, lambda m: setattr(self, "_autosaved_index", m), "")

    def offer_recovery(self, ask=None) -> bool:
        """After a crash: offer the newest recovery copy. True if one was restored."""
        found = self.recovery.orphans()
        if not found:
            return False
        path, origin = found[0]
        ask = ask or self._ask_restore
        if ask(path, origin):
            self.open_project(path, confirmed=True, recovered_from=origin)
            return True
        for p, _ in found:
            self.recovery.remove(p)
        return False

    def _ask_restore(self, path, origin) -> bool:
        what = Path(origin).name if origin else "an unsaved design"
        r = QMessageBox.question(self, "Restore your work?",
                                 f"SMP Studio closed unexpectedly. Restore {what} from the last session?",
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return r == QMessageBox.StandardButton.Yes

    def _update_title(self):
        if not self.doc.has_photo:
            self.setWindowTitle("SMP Studio")
            return
        name = Path(self.doc.project_path).name if self.doc.project_path else self.doc.photo.name
        self.setWindowTitle(f"{name}{'*' if self.doc.dirty else ''} - SMP Studio")

    def redetect(self):
        if not self.doc.has_photo:
            return
        rgb, hints = self.doc.photo.rgb, hints_from_edits(self.doc.edits)

        def work(progress):
            progress(0.1, "Detecting the areas again with your strokes...")
            return segment(rgb, hints=hints)

        self.jobs.start("detect", work, lambda seg: self.doc.set_auto_segmentation(seg), "Re-running detection")

    def clinic(self):
        from smp_studio.gui.clinic_dialog import load_clinic

        return load_clinic(self.qsettings)

    def open_export_dialog(self):
        if not self.doc.has_photo:
            return None
        from smp_studio.gui.export_dialog import ExportDialog

        dlg = ExportDialog(self, self.clinic())
        self.export_dialog = dlg
        dlg.open()
        return dlg

    def open_clinic_dialog(self):
        from smp_studio.gui.clinic_dialog import ClinicDialog, save_clinic

        dlg = ClinicDialog(self, self.clinic())
        dlg.accepted.connect(lambda: save_clinic(self.qsettings, dlg.result_clinic))
        self.clinic_dialog = dlg
        dlg.open()
        return dlg

    def _add_recent(self, path: str):
        recent = [p for p in self.qsettings.value("recent", [], type=list) if p != path]
        recent.insert(0, path)
        self.qsettings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self):
        self.recent_menu.clear()
        recent = self.qsettings.value("recent", [], type=list)
        for p in recent:
            self.recent_menu.addAction(Path(p).name, lambda p_=p: self.open_photo(p_)).setToolTip(p)
        self.recent_menu.setEnabled(bool(recent))

    def dragEnterEvent(self, e):
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e):
        urls = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_photo(urls[0])

    # --- tools, compare, overlay -----------------------------------------------------------
    def set_tool(self, name: str):
        self.tool_acts[name].setChecked(True)
        self.canvas.set_tool(name)
        self.statusBar().showMessage(self.tool_acts[name].statusTip(), 4000)

    def set_compare(self, mode: str):
        self.compare_acts[mode].setChecked(True)
        self.panel.compare.blockSignals(True)
        self.panel.compare.setCurrentIndex(list(COMPARE.values()).index(mode))
        self.panel.compare.blockSignals(False)
        self.canvas.set_compare(mode)

    def _toggle_overlay(self, on):
        self.panel.overlay.setChecked(on)

    def _set_overlay(self, on: bool, opacity: float):
        self.overlay_act.setChecked(on)
        self.canvas.overlay, self.canvas.overlay_opacity = on, opacity
        self.canvas.update()

    def _set_brush(self, cls, size):
        self.canvas.brush_class, self.canvas.brush_px = cls, size
        if self.canvas.tool != "brush":
            self.set_tool("brush")
        self.canvas.update()

    def _ask_calibration(self, a: QPointF, b: QPointF):
        """Ask for the line's real length without blocking the event loop."""
        dlg = QInputDialog(self)
        dlg.setWindowTitle("Calibrate the scale")
        dlg.setLabelText("Real length of the line you drew (mm):")
        dlg.setInputMode(QInputDialog.InputMode.DoubleInput)
        dlg.setDoubleRange(1.0, 1000.0)
        dlg.setDoubleDecimals(1)
        dlg.setDoubleValue(50.0)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.doubleValueSelected.connect(lambda mm: self.calibrate(a, b, mm))
        self.calibration_dialog = dlg
        dlg.open()

    def calibrate(self, a: QPointF, b: QPointF, mm: float):
        try:
            self.doc.calibrate((a.x(), a.y()), (b.x(), b.y()), mm)
        except Exception as e:  # SettingsError: too short etc.
            self.show_error(str(e))

    # --- status ---------------------------------------------------------------------------
    def _show_cursor(self, x: float, y: float):
        sc = self.doc.scale
        if sc is None:
            return
        self.pos_status.setText(f"x {sc.px_to_mm(x):.1f} mm, y {sc.px_to_mm(y):.1f} mm")

    def _update_status(self):
        sim = self.doc.sim
        if sim is None:
            return
        sc = sim.scale
        self.scale_status.setText(f"{sc.px_per_mm:.2f} px/mm ({sc.source})")
        self.area_status.setText(f"{sim.treatment_area_cm2():.0f} cm², {len(sim.session_dots()):,} impressions")

    def _job_started(self, kind, label):
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_btn.show()
        self.statusBar().showMessage(label)

    def _job_ended(self, kind):
        if not self.jobs.busy():
            self.progress.hide()
            self.cancel_btn.hide()

    def _job_failed(self, kind, message):
        self._job_ended(kind)
        if message:
            self.show_error(message)

    def _cancel_jobs(self):
        for kind in ("load", "detect", "export"):
            self.jobs.cancel(kind)
        self.statusBar().showMessage("Cancelled", 3000)

    def show_error(self, text: str):
        self.banner.show_message(text)

    # --- about, state ------------------------------------------------------------------------
    def about(self):
        QMessageBox.about(self, "About SMP Studio", self.about_text())

    @staticmethod
    def about_text() -> str:
        return (f"<h3>SMP Studio {__version__}</h3>"
                "<p>Simulates scalp micropigmentation on a client's own photo. Every result is a "
                "simulation, not a guarantee of results. Photos never leave this computer.</p>"
                f"<p>{sample_attribution()}<br>https://creativecommons.org/licenses/by/4.0/</p>")

    def _restore(self):
        geo = self.qsettings.value("geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1400, 900)
        state = self.qsettings.value("window_state")
        if state is not None:
            self.restoreState(state)
        self._fill_recent()

    def closeEvent(self, e):
        if not self.maybe_save():
            e.ignore()
            return
        self.autosave_timer.stop()
        self.qsettings.setValue("geometry", self.saveGeometry())
        self.qsettings.setValue("window_state", self.saveState())
        self._cancel_jobs()
        self.jobs.cancel("autosave")
        self.jobs.wait(5000)
        self.recovery.discard()  # a clean exit leaves no recovery copy behind
        super().closeEvent(e)
