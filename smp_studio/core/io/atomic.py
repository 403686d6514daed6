"""Atomic file writes: a crash at any moment leaves the old file or the new one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from smp_studio.core.errors import SmpError


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
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".saving", dir=folder)
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
    try:
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:  # some filesystems cannot fsync a folder; the rename is still atomic
        pass
