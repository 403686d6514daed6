"""The window's messages: an error banner, and the progress of background jobs."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


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


class JobStatus:
    """Progress, cancel and errors of background jobs in the status bar; mixed into the window."""

    _job_messages: set

    def _job_progress(self, kind, fraction, message):
        self.progress.setValue(int(fraction * 100))
        if message:
            self._job_messages.add(message)
            self.statusBar().showMessage(message)

    def _job_started(self, kind, label):
        self._job_messages.add(label)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_btn.show()
        self.statusBar().showMessage(label)

    def _job_ended(self, kind):
        if not self.jobs.busy():
            self.progress.hide()
            self.cancel_btn.hide()
            # "Autosaving..." and the like must not outlive their work.
            if self.statusBar().currentMessage() in self._job_messages:
                self.statusBar().clearMessage()
            self._job_messages.clear()

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

