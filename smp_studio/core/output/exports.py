"""Export images: what a preset asks for, rendered from a simulation.

One function turns a simulation and an export kind into the image to write,
so the CLI, the batch runner and the studio's Export dialog make the same
pixels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core.output import compare
from smp_studio.core.output.anonymise import Region, anonymise
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

    def __post_init__(self):
        bad = [k for k in self.exports if k not in KINDS]
        if bad or not self.exports:
            raise SettingsError(f"preset {self.name!r}: exports must be some of {', '.join(KINDS)}, not {bad or 'none'}")
        if self.format not in IMAGE_FORMATS:
            raise SettingsError(f"preset {self.name!r}: format must be png or jpg")
        if self.width is not None and not (isinstance(self.width, int) and 64 <= self.width <= 20000):
            raise SettingsError(f"preset {self.name!r}: width must be a whole number of pixels (64..20000)")
        if self.anonymise not in (None, "blur", "bar", "crop"):
            raise SettingsError(f"preset {self.name!r}: anonymise must be blur, bar or crop")

    @classmethod
    def from_dict(cls, d: dict, name: str = "custom") -> "Preset":
        if not isinstance(d, dict):
            raise SettingsError(f"preset {name!r} must be a JSON object")
        try:
            return cls(name=name, settings=dict(d.get("settings", {})), exports=tuple(d.get("exports", ("after",))),
                       format=d.get("format", "png"), width=d.get("width"), label=bool(d.get("label", True)),
                       anonymise=d.get("anonymise"), description=str(d.get("description", "")))
        except (TypeError, ValueError) as e:
            raise SettingsError(f"preset {name!r} is malformed: {e}") from None


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


def resize_width(img: np.ndarray, width: int | None) -> np.ndarray:
    if not width or img.shape[1] == width:
        return img
    h = max(int(round(img.shape[0] * width / img.shape[1])), 1)
    interp = cv2.INTER_AREA if width < img.shape[1] else cv2.INTER_CUBIC
    return cv2.resize(img, (width, h), interpolation=interp)


def export_image(sim, kind: str, *, width: int | None = None, label: bool = True, brand: str = "",
                 anonymise_mode: str | None = None, regions: list[Region] | None = None,
                 split_position: float = 0.5) -> np.ndarray:
    """The image for one export kind.

    Anonymisation runs on the photo before and after alike (the same regions),
    then everything is resized, and labels are drawn last so they stay legible.
    """
    if kind not in KINDS:
        raise SettingsError(f"export {kind!r} is not one of {', '.join(KINDS)}")
    before = sim.photo.rgb
    after = sim.render()
    pair = (before, after)
    if kind == "fresh-vs-healed":
        pair = (sim.render(state="fresh", session=1), after)
    if anonymise_mode:
        first, found = anonymise(pair[0], mode=anonymise_mode, regions=regions)
        second, _ = anonymise(pair[1], mode=anonymise_mode, regions=found, detect_faces=False)
        pair = (first, second)
    # ``width`` is the finished image's width: a pair shares it.
    each = width
    if width and kind in ("side-by-side", "fresh-vs-healed"):
        each = (width - max(4, width // 200)) // 2
    a, b = (resize_width(x, each) for x in pair)
    if kind == "after":
        return compare.labelled(b, label=label, brand=brand)
    if kind == "split":
        return compare.split(a, b, split_position, label=label, brand=brand)
    titles = ("Right after session 1", "Healed") if kind == "fresh-vs-healed" else ("Before", "After (simulation)")
    gap = (width - 2 * each) if width else None
    return compare.side_by_side(a, b, label=label, titles=titles, brand=brand, gap=gap)
