"""Project files (``.smpx``): everything needed to reproduce a design exactly.

A project is a zip with:

- ``manifest.json``: ``schema_version``, timestamps, the photo's name, format
  and SHA-256, the settings (seed and scale included), the hairline, the
  client notes, the stored segmentation's colours, and any keys a newer
  version wrote (kept as they are, for round trips);
- ``photo/original.<ext>``: the photo's original bytes, untouched;
- ``masks/auto_labels.png`` and ``masks/auto_density.npy``: the automatic
  segmentation as it was, so a later, better detector cannot change an old
  design; ``masks/edits.png`` and ``masks/scar.png``: the artist's brush work.

Reading treats the file as hostile: members are read into memory under size
and compression-ratio limits (nothing is ever extracted to disk), names with
``..`` or absolute paths are refused, the manifest is size- and depth-limited
and type-checked, and the photo must match its recorded hash. Every problem is
a :class:`ProjectError` saying what is wrong. Saving is atomic.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

from smp_studio import __version__
from smp_studio.core.io.atomic import atomic_write, remove_stale_temporaries
from smp_studio.core.errors import PhotoError, SettingsError, SmpError
from smp_studio.core.files import read_user_file
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.photo import Photo, decode_photo
from smp_studio.core.analysis.edits import NO_EDIT, with_edits
from smp_studio.core.analysis.segmentation import Segmentation
from smp_studio.core.model.settings import Settings

SCHEMA_VERSION = 1
SUFFIX = ".smpx"
MAX_MANIFEST_BYTES = 1 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_MEMBER_BYTES = 600 * 1024 * 1024  # a 24 MP photo's masks are far smaller; the photo too
MAX_TOTAL_BYTES = 1500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed beyond this is a zip bomb, not a mask
MAX_MEMBERS = 64
MAX_NOTES = 200_000
MAX_NAME = 255  # our entries have short names; a long one is a hostile archive, not a project


class ProjectError(SmpError):
    """A project file cannot be used; the message says why."""


@dataclass(eq=False)
class Project:
    """A design: photo, segmentation (automatic + edits), hairline, settings, notes."""

    photo: Photo
    auto_seg: Segmentation
    settings: Settings = field(default_factory=Settings)
    hairline: Hairline | None = None
    edits: np.ndarray | None = None
    scar: np.ndarray | None = None
    notes: str = ""
    created: str = ""
    modified: str = ""
    extras: dict = field(default_factory=dict)  # unknown manifest keys, kept for round trips

    def segmentation(self) -> Segmentation:
        return with_edits(self.auto_seg, self.edits)

    def simulation(self):
        """A :class:`Simulation` that renders exactly what was designed."""
        from smp_studio.core.engine.simulation import Simulation

        return Simulation(self.photo, self.settings, segmentation=self.segmentation(), hairline=self.hairline,
                          scar_mask=self.scar)


# --- saving -------------------------------------------------------------------------------

def save_project(project: Project, path) -> Path:
    """Write the project atomically: the old file or the new one, never half of one."""
    path = Path(path)
    now = _now()
    project.created = project.created or now
    project.modified = now
    data = project_bytes(project)
    atomic_write(path, data)
    return path


def project_bytes(project: Project) -> bytes:
    p = project
    ext = _photo_ext(p.photo)
    members: dict[str, bytes] = {}
    photo_bytes = p.photo.data or _png_bytes(p.photo.rgb)
    members[f"photo/original{ext}"] = photo_bytes
    members["masks/auto_labels.png"] = _png_bytes(p.auto_seg.labels)
    members["masks/auto_density.npy"] = _npy_bytes(p.auto_seg.hair_density.astype(np.float32))
    if p.edits is not None and (p.edits != NO_EDIT).any():
        members["masks/edits.png"] = _png_bytes(p.edits)
    if p.scar is not None and p.scar.any():
        members["masks/scar.png"] = _png_bytes(p.scar.astype(np.uint8) * 255)
    manifest = dict(p.extras)
    manifest.update({
        "schema_version": SCHEMA_VERSION,
        "software": f"smp-studio {__version__}",
        "created": p.created,  # save_project stamps these; serialising alone never invents them
        "modified": p.modified,
        "photo": {"member": f"photo/original{ext}", "name": p.photo.name, "format": p.photo.format,
                  "width": p.photo.width, "height": p.photo.height,
                  "sha256": hashlib.sha256(photo_bytes).hexdigest()},
        "segmentation": {"labels": "masks/auto_labels.png", "density": "masks/auto_density.npy",
                         "head_breadth_px": p.auto_seg.head_breadth_px,
                         "skin_lab": list(p.auto_seg.skin_lab) if p.auto_seg.skin_lab is not None else None,
                         "hair_lab": list(p.auto_seg.hair_lab) if p.auto_seg.hair_lab is not None else None},
        "edits": "masks/edits.png" if "masks/edits.png" in members else None,
        "scar": "masks/scar.png" if "masks/scar.png" in members else None,
        "settings": p.settings.to_dict(),
        "hairline": p.hairline.to_dict() if p.hairline is not None else None,
        "notes": p.notes,
    })
    manifest = clean_text(manifest)  # text no encoder can write must never make a project unsaveable
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(_info("manifest.json", zipfile.ZIP_DEFLATED), json.dumps(manifest, indent=2, ensure_ascii=False))
        for name, data in members.items():
            # The photo is already compressed; masks compress well.
            method = zipfile.ZIP_STORED if name.startswith("photo/") else zipfile.ZIP_DEFLATED
            z.writestr(_info(name, method), data)
    return buf.getvalue()


# --- loading -----------------------------------------------------------------------------------

def load_project(path) -> Project:
    """Read a project file; raises :class:`ProjectError` with a specific reason."""
    path = Path(path)
    label = path.name
    raw = read_user_file(path, max_bytes=MAX_TOTAL_BYTES, error=ProjectError, what="project")
    remove_stale_temporaries(path.parent)  # what killed saves left beside it (the client's photo)
    return project_from_bytes(raw, label)


def project_from_bytes(raw: bytes, label: str = "project") -> Project:
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ProjectError(f"{label}: not an SMP Studio project (not a zip archive, or damaged)") from None
    except (OSError, ValueError, EOFError, NotImplementedError, zlib.error) as e:
        # NotImplementedError: a damaged table of contents can claim a zip version or feature.
        raise ProjectError(f"{label}: the archive is damaged ({e})") from None
    with z:
        infos = _check_members(z, label)
        manifest = _read_manifest(z, infos, label)
        manifest = migrate(manifest, label)
        return _build(z, infos, manifest, label)


def _check_members(z: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
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


def _read(z: zipfile.ZipFile, infos, name: str, label: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
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


def _read_manifest(z, infos, label) -> dict:
    raw = _read(z, infos, "manifest.json", label, MAX_MANIFEST_BYTES)
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


#: Older manifests and how to bring them up to date: version -> function(manifest) -> manifest.
def _migrate_0(m: dict) -> dict:
    """0.x pre-releases kept the hairline points at the top level and the seed apart."""
    m = dict(m)
    if not isinstance(m.get("settings") or {}, dict):
        raise ValueError(f"'settings' should be an object, not {type(m['settings']).__name__}")
    if "hairline_points" in m and "hairline" not in m:
        m["hairline"] = {"points": m.pop("hairline_points"), "face_dir": m.pop("face_dir", [0.0, 1.0])}
    settings = dict(m.get("settings") or {})
    if "seed" in m:
        settings.setdefault("seed", m.pop("seed"))
    m["settings"] = settings
    m["schema_version"] = 1
    return m


MIGRATIONS = {0: _migrate_0}


def migrate(m: dict, label: str = "project") -> dict:
    v = m.get("schema_version")
    if not isinstance(v, int) or isinstance(v, bool):
        raise ProjectError(f"{label}: manifest.json has no valid schema_version")
    if v > SCHEMA_VERSION:
        raise ProjectError(f"{label}: made by a newer SMP Studio (project version {v}; this one reads up to "
                           f"{SCHEMA_VERSION}); please update")
    while v < SCHEMA_VERSION:
        if v not in MIGRATIONS:
            raise ProjectError(f"{label}: project version {v} is too old to open")
        try:
            m = MIGRATIONS[v](m)
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise ProjectError(f"{label}: cannot bring this version {v} project up to date: {e}"[:300]) from None
        v = m["schema_version"]
    return m


def _expect(m: dict, key: str, types, label: str, optional: bool = False):
    if key not in m or m[key] is None:
        if optional:
            return None
        raise ProjectError(f"{label}: manifest.json lacks {key!r}")
    v = m[key]
    if not isinstance(v, types) or isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        want = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise ProjectError(f"{label}: in manifest.json, {key!r} should be {want}, not {type(v).__name__}")
    return v


def _build(z, infos, m: dict, label: str) -> Project:
    photo_m = _expect(m, "photo", dict, label)
    member = _expect(photo_m, "member", str, label)
    name = _expect(photo_m, "name", str, label)
    digest = _expect(photo_m, "sha256", str, label)
    data = _read(z, infos, member, label)
    if hashlib.sha256(data).hexdigest() != digest.lower():
        raise ProjectError(f"{label}: the photo does not match its recorded fingerprint (changed or damaged)")
    try:
        photo = decode_photo(data, name=name)
    except PhotoError as e:
        raise ProjectError(f"{label}: the photo inside is unusable: {e}") from None
    H, W = photo.height, photo.width

    seg_m = _expect(m, "segmentation", dict, label)
    labels = _read_png(z, infos, _expect(seg_m, "labels", str, label), (H, W), label)
    if labels.max(initial=0) > 3:
        raise ProjectError(f"{label}: the stored segmentation has values other than 0-3")
    density = _read_npy(z, infos, _expect(seg_m, "density", str, label), (H, W), label)
    breadth = _expect(seg_m, "head_breadth_px", (int, float), label)
    try:  # the scale is estimated from it: a value no head has fails here, not at render
        Scale.from_head_breadth(float(breadth))
    except (SettingsError, ValueError, OverflowError):
        raise ProjectError(f"{label}: in manifest.json, 'head_breadth_px' = {breadth} is not a head's width") from None
    skin = _lab(seg_m.get("skin_lab"), "skin_lab", label)
    hair = _lab(seg_m.get("hair_lab"), "hair_lab", label)
    auto = Segmentation(labels, density, float(breadth), skin, hair)

    edits = scar = None
    if _expect(m, "edits", str, label, optional=True):
        edits = _read_png(z, infos, m["edits"], (H, W), label)
        if not np.isin(edits, (0, 1, 2, 3, NO_EDIT)).all():
            raise ProjectError(f"{label}: the brush edits hold values that are not classes")
    if _expect(m, "scar", str, label, optional=True):
        scar = _read_png(z, infos, m["scar"], (H, W), label) > 127

    try:
        settings = Settings.from_dict(_expect(m, "settings", dict, label))
    except SettingsError as e:
        raise ProjectError(f"{label}: bad settings: {e}") from None
    hairline = None
    if _expect(m, "hairline", dict, label, optional=True) is not None:
        try:
            hairline = Hairline.from_dict(m["hairline"])
        except SettingsError as e:
            raise ProjectError(f"{label}: bad hairline: {e}") from None
    notes = _expect(m, "notes", str, label, optional=True) or ""
    if len(notes) > MAX_NOTES:
        raise ProjectError(f"{label}: the client notes are implausibly long")
    known = {"schema_version", "software", "created", "modified", "photo", "segmentation", "edits", "scar",
             "settings", "hairline", "notes"}
    extras = {k: v for k, v in m.items() if k not in known}
    created = m.get("created") if isinstance(m.get("created"), str) else ""
    modified = m.get("modified") if isinstance(m.get("modified"), str) else ""
    return Project(photo, auto, settings, hairline, edits, scar, notes, created, modified, extras)


def _lab(v, key, label):
    if v is None:
        return None
    if not (isinstance(v, list) and len(v) == 3
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) and abs(x) < 1e4 for x in v)):
        raise ProjectError(f"{label}: in manifest.json, {key!r} should be three numbers")
    return tuple(float(x) for x in v)


def _read_png(z, infos, name, shape, label) -> np.ndarray:
    data = _read(z, infos, name, label)
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.size[0] * im.size[1] > shape[0] * shape[1] * 1.01 + 16:
                raise ProjectError(f"{label}: {name} is larger than the photo")
            a = np.asarray(im.convert("L") if im.mode not in ("L", "P", "1") else im)
    except ProjectError:
        raise
    except Exception as e:  # Pillow raises many kinds for damaged data
        raise ProjectError(f"{label}: {name} is not a readable mask ({type(e).__name__})") from None
    if a.dtype == bool:
        a = a.astype(np.uint8) * 255
    if a.shape != tuple(shape):
        raise ProjectError(f"{label}: {name} is {a.shape[1]}x{a.shape[0]}, the photo {shape[1]}x{shape[0]}")
    return np.ascontiguousarray(a, np.uint8)


def _read_npy(z, infos, name, shape, label) -> np.ndarray:
    data = _read(z, infos, name, label)
    try:
        a = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as e:
        raise ProjectError(f"{label}: {name} is not a readable array ({type(e).__name__})") from None
    if a.dtype != np.float32 or a.shape != tuple(shape):
        raise ProjectError(f"{label}: {name} should be float32 of the photo's size, not {a.dtype} {a.shape}")
    if not np.isfinite(a).all() or a.min(initial=0) < 0 or a.max(initial=0) > 1:
        raise ProjectError(f"{label}: {name} holds values outside 0..1")
    return a


# --- helpers --------------------------------------------------------------------------------------

def _info(name: str, method) -> zipfile.ZipInfo:
    # A fixed date: the same project gives the same bytes.
    zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    zi.compress_type = method
    return zi


def _png_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(a)).save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _npy_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return buf.getvalue()


def _photo_ext(photo: Photo) -> str:
    if not photo.data:
        return ".png"
    return {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif", "WEBP": ".webp", "HEIF": ".heic", "BMP": ".bmp",
            "MPO": ".jpg"}.get(photo.format, ".img")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
