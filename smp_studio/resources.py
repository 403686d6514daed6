"""Locate bundled files, both in a source checkout and in an installed wheel.

The wheel maps the top-level ``resources/`` and ``sample_photos/`` folders into
the package; a source (or editable) checkout keeps them beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from this installation")


def resources_dir() -> Path:
    return _folder("resources")


def sample_photos_dir() -> Path:
    return _folder("sample_photos")


def sample_photos() -> list[Path]:
    """The bundled sample photos, sorted by name."""
    return sorted(p for p in sample_photos_dir().iterdir() if p.suffix.lower() == ".jpg")


def sample_photo(name: str | None = None) -> Path:
    """One bundled sample photo by file name (default: the shaved-look top-down)."""
    name = name or "topdown-norwood6-shaved-look.jpg"
    path = sample_photos_dir() / name
    if not path.is_file():
        names = ", ".join(p.name for p in sample_photos())
        raise FileNotFoundError(f"no bundled sample photo {name!r}; there are: {names}")
    return path


def sample_attribution() -> str:
    """The credit line the licence asks us to show (About box, README)."""
    return 'Sample photos: "hair-loss" dataset by uze (Roboflow Universe), CC BY 4.0.'
