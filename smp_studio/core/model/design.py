"""The design: everything the artist decides, as one immutable value.

Settings, the hairline, brush corrections, the scar, regions hidden in
exports, the mirror switch, the client notes and the photo's view (a setting)
all live here. Every edit returns a new design, so an undo history is a list
of designs and an undo can never lose part of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.settings import Settings

#: Brush edit value meaning "no edit here" in an edit layer.
NO_EDIT = 255


@dataclass(frozen=True, eq=False)
class Design:
    """One design on one photo.

    Attributes
    ----------
    settings : Settings
    hairline : Hairline or None
        None means "the template of ``settings.hairline_template``, placed on
        this head"; a hairline once the artist has drawn or edited one.
    edits : Layer or None
        Brush corrections: a class (0 exclude, 1 bald, 2 thinning, 3 hair)
        where painted, ``NO_EDIT`` elsewhere.
    scar : Layer or None
        The painted scar (bool) for scar camouflage.
    privacy_regions : tuple of (x, y, w, h)
        Rectangles hidden in every export.
    mirror : bool
        Hairline edits on the left half are mirrored onto the right.
    notes : str
        The client notes.
    detection : object or None
        The automatic segmentation the corrections sit on (None: detect on
        demand). A re-run of detection is an undoable design change.
    variants : Variants or None
        Other named hairline designs kept to compare (see
        :mod:`smp_studio.core.model.variants`); None: this one design only.

    Examples
    --------
    >>> d = Design()
    >>> d2 = d.with_settings(density_per_cm2=120.0)
    >>> d.settings.density_per_cm2, d2.settings.density_per_cm2
    (100.0, 120.0)
    >>> d2.differs_from(d), d.differs_from(d)
    (('settings',), ())
    """

    settings: Settings = field(default_factory=Settings)
    hairline: Hairline | None = None
    edits: Layer | None = None
    scar: Layer | None = None
    privacy_regions: tuple = ()
    mirror: bool = False
    notes: str = ""
    detection: object = None
    variants: object = None

    def __post_init__(self):
        regions = tuple(tuple(int(round(v)) for v in r) for r in self.privacy_regions)
        if any(len(r) != 4 or r[2] <= 0 or r[3] <= 0 for r in regions):
            raise ValueError("a hidden region is (x, y, width, height) with a positive size")
        object.__setattr__(self, "privacy_regions", regions)

    # --- edits: each returns a new design --------------------------------------------
    def with_settings(self, **changes) -> "Design":
        """New settings. A new view drops a drawn hairline for the view's own template."""
        new = replace(self.settings, **changes)
        hairline = None if new.view != self.settings.view else self.hairline
        return replace(self, settings=new, hairline=hairline)

    def with_template(self, name: str) -> "Design":
        """The named template, placed afresh on the head (an edited line is replaced)."""
        return replace(self, settings=replace(self.settings, hairline_template=name), hairline=None)

    def with_hairline(self, hairline: Hairline | None) -> "Design":
        return replace(self, hairline=hairline)

    def with_layer(self, name: str, layer: Layer | None) -> "Design":
        if name not in ("edits", "scar"):
            raise ValueError(f"unknown layer {name!r}")
        return replace(self, **{name: layer})

    def with_region(self, x, y, w, h) -> "Design":
        return replace(self, privacy_regions=self.privacy_regions + ((x, y, w, h),))

    def without_regions(self) -> "Design":
        return replace(self, privacy_regions=())

    def with_(self, **changes) -> "Design":
        """Any other field: ``mirror``, ``notes``, ``detection``, ``variants``."""
        return replace(self, **changes)

    # --- comparing ------------------------------------------------------------------------
    def differs_from(self, other: "Design") -> tuple[str, ...]:
        """Names of the fields that differ (layers, hairlines and detections by identity)."""
        out = []
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if a is b:
                continue
            if f.name in ("settings", "privacy_regions", "mirror", "notes") and a == b:
                continue
            out.append(f.name)
        return tuple(out)
