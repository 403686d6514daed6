"""Long work off the UI thread: loading, detection, full-resolution renders.

One :class:`Jobs` runs each kind of job ("load", "detect", "export", ...) in
a thread pool. Starting a job of a kind supersedes the running one of that
kind: it is asked to cancel, and whatever it still returns is ignored, so the
window only ever shows the newest answer.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class Cancelled(Exception):
    """Raised inside a job when it has been superseded or cancelled."""


class Progress:
    """Handed to a job: report progress, and check for cancellation."""

    def __init__(self, job: "_Job"):
        self._job = job

    def __call__(self, fraction: float, message: str = "") -> None:
        if self._job.cancel_event.is_set():
            raise Cancelled()
        self._job.signals.progress.emit(self._job.serial, float(fraction), message)

    def show(self, payload) -> None:
        """Hand an interim result (a first look) to the UI thread while the job goes on."""
        if self._job.cancel_event.is_set():
            raise Cancelled()
        self._job.signals.interim.emit(self._job.serial, payload)

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()


class _Signals(QObject):
    progress = Signal(int, float, str)
    interim = Signal(int, object)
    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, serial: int, fn, signals: _Signals):
        super().__init__()
        self.serial, self.fn, self.signals = serial, fn, signals
        self.cancel_event = threading.Event()
        self.setAutoDelete(False)

    def run(self):
        try:
            result = self.fn(Progress(self))
        except Cancelled:
            return
        except Exception as e:  # shown to the user as a message, never a crash
            from smp_studio.core.errors import SmpError

            msg = str(e) if isinstance(e, SmpError) else f"{type(e).__name__}: {e}"
            if not isinstance(e, SmpError):
                traceback.print_exc()
            self.signals.failed.emit(self.serial, msg)
            return
        self.signals.finished.emit(self.serial, result)


class Jobs(QObject):
    """Run the newest job of each kind in the background.

    Signals carry the kind: ``started(kind, label)``, ``progress(kind, fraction,
    message)``, ``interim(kind, payload)``, ``finished(kind)`` (after the job's own callback), ``failed(kind,
    message)``.
    """

    started = Signal(str, str)
    progress = Signal(str, float, str)
    interim = Signal(str, object)
    finished = Signal(str)
    failed = Signal(str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._serial = 0
        self._current: dict[str, tuple[_Job, object]] = {}
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.interim.connect(self._on_interim)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)

    def start(self, kind: str, fn, on_done, label: str = "") -> int:
        """Run ``fn(progress)`` in the pool; ``on_done(result)`` runs on the UI thread."""
        self.cancel(kind)
        self._serial += 1
        job = _Job(self._serial, fn, self._signals)
        self._current[kind] = (job, on_done)
        self.started.emit(kind, label)
        self.pool.start(job)
        return self._serial

    def cancel(self, kind: str) -> None:
        cur = self._current.pop(kind, None)
        if cur:
            cur[0].cancel_event.set()
            self.failed.emit(kind, "")  # "" = cancelled, nothing to report

    def busy(self, kind: str | None = None) -> bool:
        return bool(self._current) if kind is None else kind in self._current

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)

    def _kind_of(self, serial: int):
        for kind, (job, on_done) in self._current.items():
            if job.serial == serial:
                return kind, on_done
        return None, None

    def _on_progress(self, serial, fraction, message):
        kind, _ = self._kind_of(serial)
        if kind:
            self.progress.emit(kind, fraction, message)

    def _on_interim(self, serial, payload):
        kind, _ = self._kind_of(serial)
        if kind:  # a superseded job's interim result is as stale as its answer
            self.interim.emit(kind, payload)

    def _on_finished(self, serial, result):
        kind, on_done = self._kind_of(serial)
        if kind is None:
            return  # superseded: its answer is stale
        del self._current[kind]
        try:
            on_done(result)
        except Exception as e:  # pragma: no cover - a bug in a callback must not kill the app
            traceback.print_exc()
            self.failed.emit(kind, f"{type(e).__name__}: {e}")
            return
        self.finished.emit(kind)

    def _on_failed(self, serial, message):
        kind, _ = self._kind_of(serial)
        if kind is None:
            return
        del self._current[kind]
        self.failed.emit(kind, message)
