"""Atomic file writes: a crash at any moment leaves the old file or the new one.

A write goes to ``.NAME.XXXXXXXX.saving`` beside the target and is renamed over
it. A process killed mid-write leaves that temporary behind, and it may hold a
client's photo, so every save (and every project opened) sweeps the folder for
stale ones. A temporary is stale when no process holds the lock its writer
takes for the whole write, so a save in progress elsewhere is never disturbed.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from smp_studio.core.errors import SmpError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; stale means old instead
    fcntl = None

#: What :func:`atomic_write` names its temporaries (``tempfile``'s 8 random characters).
TEMP_PATTERN = re.compile(r"^\..+\.[a-z0-9_]{8}\.saving$")
#: Without file locks, a temporary untouched this long belongs to no live save.
STALE_AFTER_S = 3600.0


def atomic_write(path, data_or_writer) -> None:
    """Write beside the target, flush, fsync, rename over it, fsync the folder.

    ``data_or_writer`` is bytes, or a function that writes to a binary file.
    The new file keeps the old one's permissions (or the usual ones for a new
    file), not the private mode temporary files are created with.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SmpError(f"{path}: the folder {folder} does not exist")
    remove_stale_temporaries(folder)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp, lock = _locked_temporary(path, folder)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data_or_writer, (bytes, bytearray, memoryview)):
                f.write(data_or_writer)
            else:
                data_or_writer(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    finally:
        if lock is not None:
            os.close(lock)  # held until the rename: a sweep never takes a finished temporary
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # some filesystems cannot fsync a folder; the rename is still atomic
        pass


def _locked_temporary(path: Path, folder: Path):
    """A new temporary beside ``path``, locked for as long as the returned lock fd is open."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".saving", dir=folder)
        if fcntl is None:
            return fd, tmp, None
        lock = os.dup(fd)  # its own descriptor: closing the file after writing keeps the lock
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.stat(tmp), os.fstat(fd)):
                return fd, tmp, lock
        except FileNotFoundError:
            pass
        # A sweep took it in the instant before we locked it: start again with a new one.
        os.close(lock)
        os.close(fd)


def remove_stale_temporaries(folder) -> list[str]:
    """Delete temporaries left in ``folder`` by saves that were killed; never raises.

    Returns the names removed.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / ".client.smpx.k2j4h5g6.saving").write_bytes(b"half a project")
    ...     remove_stale_temporaries(d)
    ['.client.smpx.k2j4h5g6.saving']
    """
    removed = []
    try:
        names = sorted(n for n in os.listdir(folder) if TEMP_PATTERN.match(n))
    except OSError:
        return removed
    for n in names:
        p = os.path.join(folder, n)
        try:
            if _remove_if_stale(p):
                removed.append(n)
        except OSError:  # not ours to remove, or gone already: leave it
            pass
    return removed


def _remove_if_stale(p: str) -> bool:
    fd = os.open(p, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        st = os.fstat(fd)
        if fcntl is None:
            if time.time() - st.st_mtime < STALE_AFTER_S:
                return False
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a live save holds it
        if not os.path.samestat(os.lstat(p), st):
            return False
        os.unlink(p)
        return True
    finally:
        os.close(fd)
