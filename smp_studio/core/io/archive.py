"""Reading a project file as the hostile zip it may be, in memory and within limits.

Members are read into memory under size and compression-ratio limits (nothing
is ever extracted to disk); ``..``, absolute, linked, special, duplicated and
absurdly named entries are refused; the manifest is size- and depth-limited
and its text made encodable. Every problem is a :class:`ProjectError`.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

from smp_studio.core.errors import SmpError

MAX_MANIFEST_BYTES = 1 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_MEMBER_BYTES = 600 * 1024 * 1024  # a 24 MP photo's masks are far smaller; the photo too
MAX_TOTAL_BYTES = 1500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed beyond this is a zip bomb, not a mask
MAX_MEMBERS = 64
MAX_NAME = 255  # our entries have short names; a long one is a hostile archive, not a project


class ProjectError(SmpError):
    """A project file cannot be used; the message says why."""


def check_members(z: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
    try:
        infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
        raise ProjectError(f"{label}: the archive's table of contents is damaged ({e})") from None
    if len(infos) > MAX_MEMBERS:
        raise ProjectError(f"{label}: {len(infos)} entries is far more than a project holds")
    out = {}
    total = 0
    for info in infos:
        name = info.filename
        if len(name) > MAX_NAME:
            raise ProjectError(f"{label}: refuses an entry whose name is {len(name):,} characters long "
                               f"({name[:40]!r}...): not part of a project")
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            raise ProjectError(f"{label}: refuses the entry {name!r}: it is a symbolic link, not part of a project")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise ProjectError(f"{label}: refuses the entry {name!r}: it is a special file, not part of a project")
        pp = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or pp.is_absolute() or ".." in pp.parts or (len(name) > 1 and name[1] == ":"):
            raise ProjectError(f"{label}: refuses the entry {name!r}: it points outside the project")
        if info.file_size > MAX_MEMBER_BYTES:
            raise ProjectError(f"{label}: the entry {name!r} claims {info.file_size // 2**20} MB, more than any project part")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 2**20:
            raise ProjectError(f"{label}: the entry {name!r} expands {info.file_size // info.compress_size}-fold "
                               "(a zip bomb, not a project)")
        if name in out:  # two tools could read two different photos out of one file
            raise ProjectError(f"{label}: the entry {name!r} appears twice")
        total += info.file_size
        out[name] = info
    if total > MAX_TOTAL_BYTES:
        raise ProjectError(f"{label}: the entries add up to {total // 2**20} MB, more than any project")
    return out


def read_member(z: zipfile.ZipFile, infos, name: str, label: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
    if name not in infos:
        raise ProjectError(f"{label}: the entry {name!r} is missing")
    try:
        with z.open(infos[name]) as f:
            data = f.read(limit + 1)  # the header may lie about the size: read no more than the limit
    except zipfile.BadZipFile as e:
        raise ProjectError(f"{label}: the entry {name!r} is damaged ({e})") from None
    except (OSError, ValueError, EOFError, NotImplementedError, RuntimeError, zlib.error) as e:
        raise ProjectError(f"{label}: the entry {name!r} cannot be read ({e})") from None
    if len(data) > limit:
        raise ProjectError(f"{label}: the entry {name!r} is larger than allowed")
    return data


def read_manifest(z, infos, label) -> dict:
    raw = read_member(z, infos, "manifest.json", label, MAX_MANIFEST_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectError(f"{label}: manifest.json is not UTF-8 text") from None
    _check_depth(text, label)
    try:
        m = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProjectError(f"{label}: manifest.json is not valid JSON ({e.msg}, line {e.lineno})") from None
    except RecursionError:
        raise ProjectError(f"{label}: manifest.json is nested too deeply") from None
    except ValueError as e:  # Python refuses integers of more than 4,300 digits
        raise ProjectError(f"{label}: manifest.json holds a number no project has ({str(e)[:60]})") from None
    if not isinstance(m, dict):
        raise ProjectError(f"{label}: manifest.json must be a JSON object")
    return clean_text(m)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(v):
    """``v`` with every lone surrogate (text no file can hold) replaced by U+FFFD, keys included.

    JSON can spell them (``"\\ud800"``) and file names can carry them, but
    UTF-8 cannot encode them: kept, they would make the next save fail.

    >>> clean_text({"a\\ud800": ["b\\udfff", 1]})
    {'a�': ['b�', 1]}
    """
    if isinstance(v, str):
        return _LONE_SURROGATE.sub("\ufffd", v)
    if isinstance(v, dict):
        return {clean_text(k): clean_text(x) for k, x in v.items()}
    if isinstance(v, list):
        return [clean_text(x) for x in v]
    return v


def _check_depth(text: str, label: str) -> None:
    """Refuse deep nesting before parsing it (no recursion blow-up, no long stall)."""
    depth = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise ProjectError(f"{label}: manifest.json is nested more than {MAX_JSON_DEPTH} levels deep")
        elif ch in "]}":
            depth -= 1
