"""The file lifecycle of a consultation: open, save, autosave, recover, recent files.

A mixin of the main window: it owns no widgets, only the steps between the
document and the disk. Loading and autosaving run in the background.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from smp_studio.core.io.progressive import open_progressively

PHOTO_FILTER = ("Photos and projects (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.heic *.heif *.bmp *.smpx);;"
                "SMP Studio projects (*.smpx);;All files (*)")
PROJECT_FILTER = "SMP Studio project (*.smpx)"
MAX_RECENT = 8


class FileLifecycle:
    """Opening, saving and recovering; mixed into :class:`MainWindow`."""

    _autosaved_design = None

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

        box = self.canvas.first_look_size()

        def work(progress):
            # Every stage the first view needs is done here rather than on the UI thread; a large
            # photo shows a quick first look meanwhile.
            opened = open_progressively(path, box=box, show=progress.show, progress=progress)
            return opened.sim, opened.view_guess

        def done(result):
            sim, guess = result
            photo = sim.photo
            self.doc.set_photo(photo, sim.detection, path, sim.settings, sim=sim)
            self.banner.hide()
            self.view_question.ask(guess)  # when unsure, it says so and asks rather than guess silently
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
            project = load_project(path)
            progress(0.5, "Preparing the simulation...")
            return project, project.simulation().prepare()

        def done(result):
            project, sim = result
            target = recovered_from if recovered_from is not None else path
            self.doc.set_project(project, None if recovered_from == "" else target, sim=sim)
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
        marker = self.doc.design  # immutable: the same object means nothing changed since
        if marker is self._autosaved_design:
            return
        project = self.doc.to_project()
        origin = self.doc.project_path or ""

        def work(progress):
            progress(0.2, "Autosaving a recovery copy...")
            self.recovery.write(project, origin)
            return marker

        self.jobs.start("autosave", work, lambda m: setattr(self, "_autosaved_design", m), "")

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
        photo = self.recovery.photo_of(path)
        what = Path(origin).name if origin else (f"the unsaved design on {photo}" if photo else "an unsaved design")
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

    def _add_recent(self, path: str):
        recent = [p for p in self.qsettings.value("recent", [], type=list) if p != path]
        recent.insert(0, path)
        self.qsettings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self):
        self.recent_menu.clear()
        recent = self.qsettings.value("recent", [], type=list)
        for p, label in zip(recent, recent_labels(recent)):
            self.recent_menu.addAction(label, lambda p_=p: self.open_photo(p_)).setToolTip(p)
        self.recent_menu.setEnabled(bool(recent))

    def dragEnterEvent(self, e):
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e):
        urls = [u.toLocalFile() for u in e.mimeData().urls() if u.isLocalFile()]
        if urls:
            self.open_photo(urls[0])


def recent_labels(paths: list[str]) -> list[str]:
    """Menu labels: the file name, with as many parent folders as it takes to tell twins apart."""
    parts = [Path(p).parts for p in paths]
    labels = []
    for i, pp in enumerate(parts):
        n = 1
        while n < len(pp) and any(j != i and q[-n:] == pp[-n:] for j, q in enumerate(parts)):
            n += 1
        tail = pp[-n:]
        labels.append(tail[-1] if n == 1 else f"{tail[-1]}  ({'/'.join(tail[:-1])})")
    return labels
