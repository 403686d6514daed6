"""Several named hairline designs on one photo, to compare with the client.

Artists show two or three options side by side: juvenile against mature,
soft against edge-up. Each option is a :class:`Variant`: its own name,
settings, hairline and mirror switch. What belongs to the photo (the detected
areas, the brush corrections, the scar, hidden regions, the notes) is shared.

The options live in the design itself (``Design.variants``), so adding,
removing, renaming or switching one is an ordinary design change: one undo
step, saved with the project.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from smp_studio.core.errors import SettingsError
from smp_studio.core.model.design import Design
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.settings import Settings

#: Designs a project keeps at most: more than three options confuse a client more than they help.
MAX_DESIGNS = 3
#: Names are labels on screen and in exports: short.
MAX_NAME = 40


@dataclass(frozen=True, eq=False)
class Variant:
    """One named design option (the parts of a design that differ between options)."""

    name: str
    settings: Settings
    hairline: Hairline | None = None
    mirror: bool = False

    @classmethod
    def of(cls, design: Design, name: str) -> "Variant":
        return cls(_clean_name(name), design.settings, design.hairline, design.mirror)

    def on(self, design: Design) -> Design:
        """``design`` showing this option (what the photo shares is kept)."""
        return replace(design, settings=self.settings, hairline=self.hairline, mirror=self.mirror)

    def to_dict(self) -> dict:
        return {"name": self.name, "settings": self.settings.to_dict(),
                "hairline": self.hairline.to_dict() if self.hairline is not None else None, "mirror": self.mirror}

    @classmethod
    def from_dict(cls, d) -> "Variant":
        if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not isinstance(d.get("settings"), dict):
            raise SettingsError('a saved design must be an object with a "name" and its "settings"')
        h = d.get("hairline")
        return cls(_clean_name(d["name"]), Settings.from_dict(d["settings"]),
                   Hairline.from_dict(h) if h is not None else None, d.get("mirror") is True)


@dataclass(frozen=True, eq=False)
class Variants:
    """The named options, in order, and which one the design shows.

    The entry at ``current`` is only its name: its settings and hairline are
    the enclosing design's own (see :func:`designs`).
    """

    items: tuple = ()
    current: int = 0

    def __post_init__(self):
        if not 1 <= len(self.items) <= MAX_DESIGNS:
            raise SettingsError(f"a project keeps 1 to {MAX_DESIGNS} designs, not {len(self.items)}")
        if not 0 <= self.current < len(self.items):
            raise SettingsError("the current design is not one of the designs")

    def to_dict(self) -> dict:
        return {"current": self.current, "items": [v.to_dict() for v in self.items]}

    @classmethod
    def from_dict(cls, d) -> "Variants":
        if not isinstance(d, dict) or not isinstance(d.get("items"), list):
            raise SettingsError('"designs" must be an object with a list of "items"')
        cur = d.get("current", 0)
        if not isinstance(cur, int) or isinstance(cur, bool):
            raise SettingsError('"designs": "current" must be a whole number')
        return cls(tuple(Variant.from_dict(v) for v in d["items"]), cur)


def _clean_name(name) -> str:
    name = " ".join(str(name).split())[:MAX_NAME]
    if not name:
        raise SettingsError("a design needs a name")
    return name


def designs(design: Design) -> tuple:
    """Every option as a :class:`Variant`, the shown one up to date.

    Examples
    --------
    >>> d = add(Design(), "Soft")
    >>> [v.name for v in designs(d)], current_index(d)
    (['Design 1', 'Soft'], 1)
    >>> d = switch(d.with_settings(density_per_cm2=120.0), 0)
    >>> [v.settings.density_per_cm2 for v in designs(d)]
    [100.0, 120.0]
    """
    v = design.variants
    if v is None:
        return (Variant.of(design, "Design 1"),)
    items = list(v.items)
    items[v.current] = Variant.of(design, items[v.current].name)
    return tuple(items)


def current_index(design: Design) -> int:
    return 0 if design.variants is None else design.variants.current


def add(design: Design, name: str | None = None) -> Design:
    """A new option copied from the shown one, and shown (edit it from there)."""
    items = designs(design)
    if len(items) >= MAX_DESIGNS:
        raise SettingsError(f"a project keeps at most {MAX_DESIGNS} designs: remove one first")
    taken = {v.name for v in items}
    if name is None:
        name = next(f"Design {i}" for i in range(1, MAX_DESIGNS + 2) if f"Design {i}" not in taken)
    items = items + (Variant.of(design, name),)
    return replace(design, variants=Variants(items, len(items) - 1))


def switch(design: Design, index: int) -> Design:
    """Show option ``index`` (the shown one keeps its edits)."""
    items = designs(design)
    if not 0 <= index < len(items):
        raise SettingsError(f"there is no design {index + 1}")
    return replace(items[index].on(design), variants=Variants(items, index))


def remove(design: Design, index: int) -> Design:
    """Drop option ``index``; the last one cannot go."""
    items = designs(design)
    if len(items) <= 1:
        raise SettingsError("the only design cannot be removed")
    cur = current_index(design)
    rest = items[:index] + items[index + 1:]
    shown = cur if index != cur else max(index - 1, 0)
    shown -= 1 if index < cur else 0
    return replace(rest[shown].on(design), variants=Variants(rest, shown))


def rename(design: Design, index: int, name: str) -> Design:
    items = list(designs(design))
    items[index] = replace(items[index], name=_clean_name(name))
    return replace(design, variants=Variants(tuple(items), current_index(design)))


def option_designs(design: Design) -> list:
    """(name, the whole design showing that option) for every option, in order."""
    return [(v.name, design if i == current_index(design) else v.on(design))
            for i, v in enumerate(designs(design))]
