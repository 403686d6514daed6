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

Reading treats the file as hostile (see :mod:`smp_studio.core.io.archive`): the
manifest is type-checked and the photo must match its recorded hash. Every
problem is a :class:`ProjectError` saying what is wrong. Saving is atomic, and
sweeps what killed saves left in the folder.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from smp_studio import __version__
from smp_studio.core.io.archive import (  # noqa: F401 - ProjectError and the limits are part of this API
    MAX_JSON_DEPTH, MAX_MANIFEST_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_NAME, MAX_RATIO, MAX_TOTAL_BYTES,
    ProjectError, check_members, clean_text, read_manifest, read_member,
)
from smp_studio.core.io.atomic import atomic_write, remove_stale_temporaries
from smp_studio.core.errors import PhotoError, SettingsError
from smp_studio.core.files import read_user_file
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.scale import Scale
from smp_studio.core.analysis.photo import Photo, decode_photo
from smp_studio.core.analysis.edits import NO_EDIT, with_edits
from smp_studio.core.analysis.segmentation import Segmentation
from smp_studio.core.model.design import Design
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.settings import Settings

SCHEMA_VERSION = 1
SUFFIX = ".smpx"
MAX_NOTES = 200_000


#: Manifest keys for the parts of a design saved beside the 0.1 layout.
REGIONS_KEY, MIRROR_KEY, DESIGNS_KEY = "privacy_regions", "mirror", "designs"


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

    def design(self) -> Design:
        """The saved design as one value (regions hidden in exports and the mirror switch included)."""
        regions = tuple(tuple(r) for r in self.extras.get(REGIONS_KEY, ())
                        if isinstance(r, (list, tuple)) and len(r) == 4
                        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in r) and r[2] > 0 and r[3] > 0)
        edits = Layer.from_array(self.edits, NO_EDIT) if self.edits is not None else None
        scar = Layer.from_array(self.scar.astype(bool), False) if self.scar is not None else None
        variants = None
        if self.extras.get(DESIGNS_KEY) is not None:
            from smp_studio.core.model.variants import Variants

            variants = Variants.from_dict(self.extras[DESIGNS_KEY])
        return Design(self.settings, self.hairline, edits=edits, scar=scar, privacy_regions=regions,
                      mirror=self.extras.get(MIRROR_KEY) is True, notes=self.notes, detection=self.auto_seg,
                      variants=variants)

    @classmethod
    def from_design(cls, photo: Photo, design: Design, auto_seg: Segmentation, *, created: str = "",
                    extras: dict | None = None) -> "Project":
        """A project holding ``design`` (unknown manifest keys in ``extras`` are kept)."""
        extras = {k: v for k, v in (extras or {}).items() if k not in (REGIONS_KEY, MIRROR_KEY, DESIGNS_KEY)}
        if design.variants is not None:
            from smp_studio.core.model.variants import designs

            # every option with its own settings and hairline (the shown one as it is now)
            extras[DESIGNS_KEY] = {"current": design.variants.current, "items": [v.to_dict() for v in designs(design)]}
        if design.privacy_regions:
            extras[REGIONS_KEY] = [list(r) for r in design.privacy_regions]
        if design.mirror:
            extras[MIRROR_KEY] = True
        return cls(photo, auto_seg, design.settings, design.hairline,
                   design.edits.array() if design.edits is not None else None,
                   design.scar.array() if design.scar is not None else None,
                   design.notes, created, "", extras)

    def simulation(self):
        """A :class:`Simulation` that renders exactly what was designed."""
        from smp_studio.core.engine.simulation import Simulation

        return Simulation(self.photo, design=self.design())


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
        infos = check_members(z, label)
        manifest = read_manifest(z, infos, label)
        manifest = migrate(manifest, label)
        return _build(z, infos, manifest, label)


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
    data = read_member(z, infos, member, label)
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
    if extras.get(DESIGNS_KEY) is not None:
        from smp_studio.core.model.variants import Variants

        try:
            Variants.from_dict(extras[DESIGNS_KEY])
        except SettingsError as e:
            raise ProjectError(f"{label}: bad designs to compare: {e}") from None
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
    data = read_member(z, infos, name, label)
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
    data = read_member(z, infos, name, label)
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
