"""Recovery copies: what autosave writes, and what a crash leaves behind."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from smp_studio.core.io.atomic import atomic_write
from smp_studio.core.io.project import save_project


class RecoveryFolder:
    """Recovery copies of unsaved designs, one per running studio.

    Each copy is ``<pid>-<start time>.smpx`` with a ``.json`` note of the
    project it belongs to. A copy whose studio is no longer running is an
    orphan: what a crash left behind.
    """

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self.me = f"{os.getpid()}-{int(time.time() * 1000)}"

    @property
    def mine(self) -> Path:
        return self.folder / f"{self.me}.smpx"

    def write(self, project, origin: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        save_project(project, self.mine)
        atomic_write(self.mine.with_suffix(".json"), json.dumps({"origin": origin, "photo": project.photo.name}).encode())

    def photo_of(self, copy: str) -> str:
        """The name of the photo a recovery copy was made on ("" when its note does not say)."""
        try:
            name = json.loads(Path(copy).with_suffix(".json").read_text()).get("photo", "")
        except (OSError, ValueError, AttributeError):
            return ""
        return name if isinstance(name, str) else ""

    def orphans(self) -> list[tuple[str, str]]:
        """(copy, original project path or "") of crashed sessions, newest first."""
        if not self.folder.is_dir():
            return []
        out = []
        for f in self.folder.glob("*.smpx"):
            if f.stem == self.me:
                continue
            pid = f.stem.split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)) and int(pid) != os.getpid():
                continue  # another studio is running and owns it
            try:
                origin = json.loads(f.with_suffix(".json").read_text()).get("origin", "")
            except (OSError, ValueError):
                origin = ""
            out.append((f.stat().st_mtime, str(f), origin if isinstance(origin, str) else ""))
        return [(p, o) for _, p, o in sorted(out, reverse=True)]

    def adopt(self, path: str) -> None:
        """A restored copy becomes this session's (replaced by the next autosave)."""
        src = Path(path)
        try:
            src.replace(self.mine)
            src.with_suffix(".json").replace(self.mine.with_suffix(".json"))
        except OSError:
            pass

    def remove(self, path: str) -> None:
        for f in (Path(path), Path(path).with_suffix(".json")):
            try:
                f.unlink()
            except FileNotFoundError:
                pass

    def discard(self) -> None:
        self.remove(str(self.mine))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
