"""Export presets: settings plus what to export and how, by name or from a JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from smp_studio.core.errors import SettingsError

KINDS = ("after", "split", "side-by-side", "fresh-vs-healed")
IMAGE_FORMATS = ("png", "jpg")


@dataclass(frozen=True)
class Preset:
    """Settings plus what to export and how."""

    name: str = "custom"
    settings: dict = field(default_factory=dict)
    exports: tuple = ("after",)
    format: str = "png"
    width: int | None = None
    label: bool = True
    anonymise: str | None = None
    description: str = ""
    photo_name: bool | None = None  # None: as the clinic settings say; marketing presets say False

    def __post_init__(self):
        bad = [k for k in self.exports if k not in KINDS]
        if bad or not self.exports:
            raise SettingsError(f"preset {self.name!r}: exports must be some of {', '.join(KINDS)}, not {bad or 'none'}")
        if self.format not in IMAGE_FORMATS:
            raise SettingsError(f"preset {self.name!r}: format must be png or jpg")
        if self.width is not None and not (isinstance(self.width, int) and 64 <= self.width <= 20000):
            raise SettingsError(f"preset {self.name!r}: width must be a whole number of pixels (64..20000)")
        if self.photo_name not in (None, True, False):
            raise SettingsError(f"preset {self.name!r}: photo_name must be true, false or absent")
        if self.anonymise not in (None, "blur", "bar", "crop"):
            raise SettingsError(f"preset {self.name!r}: anonymise must be blur, bar or crop")

    @classmethod
    def from_dict(cls, d: dict, name: str = "custom") -> "Preset":
        if not isinstance(d, dict):
            raise SettingsError(f"preset {name!r} must be a JSON object")
        try:
            return cls(name=name, settings=dict(d.get("settings", {})), exports=tuple(d.get("exports", ("after",))),
                       format=d.get("format", "png"), width=d.get("width"), label=bool(d.get("label", True)),
                       anonymise=d.get("anonymise"), description=str(d.get("description", "")),
                       photo_name=d.get("photo_name"))
        except (TypeError, ValueError) as e:
            raise SettingsError(f"preset {name!r} is malformed: {e}") from None

    def to_dict(self) -> dict:
        return {"name": self.name, "settings": dict(self.settings), "exports": list(self.exports), "format": self.format,
                "width": self.width, "label": self.label, "anonymise": self.anonymise, "photo_name": self.photo_name}


def builtin_presets() -> dict[str, Path]:
    from smp_studio.resources import resources_dir

    return {p.stem: p for p in sorted((resources_dir() / "presets").glob("*.json"))}


def load_preset(name_or_path: str) -> Preset:
    """A bundled preset by name, or a preset JSON file."""
    builtin = builtin_presets()
    path = builtin.get(name_or_path) or Path(name_or_path)
    if not path.is_file():
        raise SettingsError(f"no preset {name_or_path!r}: give a JSON file or one of {', '.join(builtin)}")
    try:
        return Preset.from_dict(json.loads(path.read_text()), path.stem)
    except json.JSONDecodeError as e:
        raise SettingsError(f"{path.name}: not valid JSON ({e.msg}, line {e.lineno})") from None
