"""Reading a file the user pointed at, with a size limit and messages they can act on."""

from __future__ import annotations

from pathlib import Path


def read_user_file(path, *, max_bytes: int, error: type[Exception], what: str) -> bytes:
    """The file's bytes, or ``error`` saying exactly why not (missing, folder, too big...).

    ``what`` names the kind of file in messages ("photo", "project").
    """
    path = Path(path)
    label = path.name or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{label}: the file is larger than any {what} ({size // 2**20} MB; "
                        f"the limit is {max_bytes // 2**20} MB)")
        return path.read_bytes()
    except FileNotFoundError:
        raise error(f"{label}: no such file") from None
    except IsADirectoryError:
        raise error(f"{label}: is a folder, not a {what}") from None
    except PermissionError:
        raise error(f"{label}: permission denied") from None
    except OSError as e:
        raise error(f"{label}: cannot be read ({e.strerror or e})") from None
