"""The studio window: it builds the widgets and connects them to the document.

Opening and saving live in :mod:`lifecycle`, job progress and errors in
:mod:`status`, the menus in :mod:`menus`. The canvas, panel and menus share the
evented :class:`ViewState` and the :class:`Document`; nothing here relays one
widget's state into another.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QPushButton, QSplitter, \
    QVBoxLayout, QWidget

from smp_studio import __version__
from smp_studio.core.analysis.edits import hints_from_edits
from smp_studio.core.analysis.segmentation import segment
from smp_studio.gui import menus
from smp_studio.gui.canvas import Canvas
from smp_studio.gui.document import Document
from smp_studio.gui.lifecycle import FileLifecycle
from smp_studio.gui.panel import DesignPanel
from smp_studio.gui.recovery import RecoveryFolder
from smp_studio.gui.status import ErrorBanner, JobStatus
from smp_studio.gui.view_question import ViewQuestion
from smp_studio.gui.viewstate import ViewState
from smp_studio.gui.worker import Jobs
from smp_studio.resources import resources_dir, sample_attribution

AUTOSAVE_MS = 60_000  # a recovery copy after each minute with changes


class MainWindow(FileLifecycle, JobStatus, QMainWindow):
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
        self._job_messages = set()
        self.setWindowTitle("SMP Studio")
        icon = resources_dir() / "icon.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.setAcceptDrops(True)
        self.doc = Document(self)
        self.view_state = ViewState(self)
        self.jobs = Jobs(self)
        self.canvas = Canvas(self.doc, self.view_state)
        self.panel = DesignPanel(self.doc, self.view_state)
        self.banner = ErrorBanner()
        self.view_question = ViewQuestion(self.doc)
        central = QWidget()
        v = QVBoxLayout(central)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.banner)
        v.addWidget(self.view_question)
        split = QSplitter()
        split.addWidget(self.canvas)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 1)
        v.addWidget(split, 1)
        self.setCentralWidget(central)
        self._build_status()
        menus.build(self)
        self._wire()
        self._restore()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

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

    def _wire(self):
        d, c, p = self.doc, self.canvas, self.panel
        c.cursorMoved.connect(self._show_cursor)
        c.cursorLeft.connect(self.pos_status.clear)
        c.renderFailed.connect(self.show_error)
        c.calibrationDrawn.connect(self._ask_calibration)
        c.colorPicked.connect(lambda hex_: d.set_settings("Tone: eyedropper", hair_color=hex_))
        c.regionDrawn.connect(d.add_privacy_region)
        p.redetectRequested.connect(self.redetect)
        # The status bar's figures follow a repaint (coalesced, once however many repaints came),
        # never inside it: the canvas shows a dragged line without waiting for them.
        self._status_due = False
        c.painted.connect(self._schedule_status)
        d.photoChanged.connect(self._schedule_status)  # not the last client's figures while the new photo renders
        d.dirtyChanged.connect(lambda _: self._update_title())
        d.photoChanged.connect(self._update_title)
        self.view_state.changed.connect(self._view_state_changed)
        self.jobs.started.connect(self._job_started)
        self.jobs.progress.connect(self._job_progress)
        self.jobs.finished.connect(self._job_ended)
        self.jobs.failed.connect(self._job_failed)
        # A photo being opened shows its first look until it is ready, fails or is cancelled.
        self.jobs.interim.connect(lambda kind, img: self._first_look(img) if kind == "load" else None)
        for ended in (self.jobs.finished, self.jobs.failed):
            ended.connect(lambda kind, *_: self._first_look(None) if kind == "load" else None)

    def _first_look(self, img) -> None:
        """Show (or end) a photo's first look; the panel, which edits the hidden document, waits."""
        self.canvas.set_first_look(img)
        self.panel.setEnabled(img is None)

    # --- tools, compare, overlay: set on the view state, shown by whoever subscribes ----------
    def set_tool(self, name: str):
        self.view_state.set(tool=name)

    def set_compare(self, mode: str):
        self.view_state.set(compare=mode)

    def _view_state_changed(self, name: str):
        st = self.view_state
        if name == "tool":
            self.tool_acts[st.tool].setChecked(True)
            self.statusBar().showMessage(self.tool_acts[st.tool].statusTip(), 4000)
        elif name == "compare":
            self.compare_acts[st.compare].setChecked(True)
        elif name == "overlay":
            self.overlay_act.setChecked(st.overlay)
        elif name == "guides":
            self.guides_act.setChecked(st.guides)
        elif name == "lighting":
            self.lighting_acts[st.lighting].setChecked(True)

    def redetect(self):
        if not self.doc.has_photo:
            return
        rgb, hints = self.doc.photo.rgb, hints_from_edits(self.doc.edits)
        previous = self.doc.sim.detection  # the strokes correct it near them; the scale stays

        def work(progress):
            progress(0.1, "Detecting the areas again with your strokes...")
            return segment(rgb, hints=hints, previous=previous)

        self.jobs.start("detect", work, lambda seg: self.doc.set_auto_segmentation(seg), "Re-running detection")

    def focus_canvas(self):
        """After a dialog: the window active again and the canvas focused, so every shortcut works
        without a click (some platforms leave no window active when a dialog closes)."""
        self.activateWindow()
        self.canvas.setFocus()

    def clinic(self):
        from smp_studio.gui.clinic_dialog import load_clinic

        return load_clinic(self.qsettings)

    def open_export_dialog(self):
        if not self.doc.has_photo:
            return None
        from smp_studio.gui.export_dialog import ExportDialog

        dlg = ExportDialog(self, self.clinic())
        self.export_dialog = dlg
        dlg.finished.connect(lambda _: self.focus_canvas())  # Ctrl shortcuts work again at once
        dlg.open()
        return dlg

    def open_clinic_dialog(self):
        from smp_studio.gui.clinic_dialog import ClinicDialog, save_clinic

        dlg = ClinicDialog(self, self.clinic())
        dlg.accepted.connect(lambda: save_clinic(self.qsettings, dlg.result_clinic))
        dlg.finished.connect(lambda _: self.focus_canvas())
        self.clinic_dialog = dlg
        dlg.open()
        return dlg

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
        dlg.finished.connect(lambda _: (self.canvas.clear_measure(), self.focus_canvas()))
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

    def _schedule_status(self):
        if not self._status_due:
            self._status_due = True
            QTimer.singleShot(0, self._update_status)

    def _update_status(self):
        self._status_due = False
        sim = self.doc.sim
        if sim is None:
            return
        sc = sim.scale
        self.scale_status.setText(f"{sc.px_per_mm:.2f} px/mm ({sc.source})")
        self.area_status.setText(f"{sim.treatment_area_cm2():.0f} cm², {len(sim.session_dots()):,} impressions")

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
        self._fit_to_screen()
        state = self.qsettings.value("window_state")
        if state is not None:
            self.restoreState(state)
        self._fill_recent()

    def _fit_to_screen(self):
        # Never larger than the screen (a laptop at 1280x720, a geometry saved on a bigger one).
        screen = self.screen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        if self.width() > avail.width() or self.height() > avail.height():
            self.resize(min(self.width(), avail.width()), min(self.height(), avail.height()))
            self.move(avail.topLeft())

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
