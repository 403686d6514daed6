"""Every simulation parameter, with its default and its allowed range.

The numbers come from ``shared/domain.md``: sources disagree, so each is a
setting with a sensible default, never a constant. Settings serialise to a
plain dict (projects, export metadata) and validate on the way in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

from smp_studio.core.errors import SettingsError

TREATMENTS = ("full", "density", "hairline", "crown", "scar")
#: "side" is kept for projects saved before left and right were told apart.
VIEWS = ("topdown", "front", "left", "right", "back", "side")
#: The views that see the head in profile.
SIDE_VIEWS = ("side", "left", "right")
#: Where pixels per mm came from: the eye (iris and pupils), the head's breadth, a line the
#: artist drew, or a number typed in.
SCALE_SOURCES = ("iris", "head", "calibrated", "given")
#: Names older projects used for the same sources.
OLD_SCALE_SOURCES = {"estimate": "head", "calibration": "calibrated"}
#: Mid-frontal point above the glabella per template (mm), from the hairline-design literature.
TEMPLATE_HEIGHT_SETTINGS = {"juvenile": "juvenile_height_mm", "mature": "mature_height_mm",
                            "conservative": "conservative_height_mm", "feminine": "feminine_height_mm",
                            "edge-up": "mature_height_mm"}
STATES = ("healed", "fresh", "aged")
SHAVE_CHOICES = ("auto", "on", "off")
#: Clipper guard lengths the shave preview offers (mm).
SHAVE_GUARDS = (0.0, 0.5, 1.0, 3.0)
TEMPLATES = ("juvenile", "mature", "conservative", "feminine", "edge-up")

#: name -> (min, max) for numeric settings.
RANGES = {
    "density_per_cm2": (20.0, 400.0),
    "dot_size_mm": (0.10, 0.60),
    "size_variation": (0.0, 0.6),
    "opacity_variation": (0.0, 0.6),
    "position_jitter": (0.0, 0.35),
    "transition_mm": (0.0, 20.0),
    "hairline_density": (0.05, 1.0),
    "hairline_size": (0.3, 1.0),
    "hairline_opacity": (0.2, 1.0),
    "scatter_mm": (0.0, 8.0),
    "scatter_density": (0.0, 0.5),
    "macro_irregularity_mm": (0.0, 6.0),
    "macro_wavelength_mm": (3.0, 60.0),
    "blend_mm": (0.0, 40.0),
    "hairline_band_mm": (5.0, 80.0),
    "crown_radius_mm": (10.0, 120.0),
    "dilution": (0.0, 0.9),
    "scar_uptake": (0.2, 1.0),
    "scar_unevenness": (0.0, 0.8),
    "scar_density": (1.0, 3.0),
    "sessions": (1, 4),
    "session": (1, 4),
    "hairline_step_mm": (0.0, 6.0),
    "aged_years": (0.0, 20.0),
    "dot_elongation": (1.0, 3.0),
    "dot_spread": (0.0, 0.8),
    "spread_mm": (0.1, 1.5),
    "ink_size_power": (1.0, 2.0),
    "spread_evenness": (0.0, 1.0),
    "faded_fraction": (0.0, 0.6),
    "doubled_fraction": (0.0, 0.3),
    "patchiness": (0.0, 0.6),
    "patch_wavelength_mm": (4.0, 80.0),
    "texture_hold": (0.0, 3.0),
    "shave_guard_mm": (0.0, 3.0),
    "shave_around_mm": (0.0, 80.0),
    "helmet_coverage": (0.1, 0.9),
    "seed": (0, 2**63 - 1),
    "px_per_mm": (0.05, 1000.0),
    "iris_diameter_mm": (9.0, 14.0),
    "interpupillary_mm": (45.0, 80.0),
    "juvenile_height_mm": (50.0, 120.0),
    "mature_height_mm": (50.0, 120.0),
    "conservative_height_mm": (50.0, 120.0),
    "feminine_height_mm": (50.0, 120.0),
    "low_hairline_warning_mm": (40.0, 100.0),
}


#: Settings that count things: whole numbers only.
_WHOLE = ("sessions", "session", "seed")


@dataclass(frozen=True)
class Settings:
    """Parameters of one simulation (see ``shared/domain.md`` for the ranges).

    Examples
    --------
    >>> s = Settings(density_per_cm2=120, session=2)
    >>> Settings.from_dict(s.to_dict()) == s
    True
    >>> Settings(density_per_cm2=5)
    Traceback (most recent call last):
    ...
    smp_studio.core.errors.SettingsError: density_per_cm2 = 5 is outside 20.0..400.0
    """

    treatment: str = "full"
    view: str = "topdown"
    hairline_template: str = "mature"
    # Dots: body density and the healed impression size.
    density_per_cm2: float = 100.0
    dot_size_mm: float = 0.32
    size_variation: float = 0.25
    opacity_variation: float = 0.22
    position_jitter: float = 0.12
    # Healed look: mean major/minor ratio along the skin's direction, share of ink in
    # the soft spread around the core, faded and doubled impressions, a hand's
    # low-frequency unevenness (and its wavelength), how much pores hold more.
    # The spread is light scattered in the skin around the pigment (and pigment that
    # migrated): ``spread_mm`` is its Gaussian sigma, wide enough to grey the skin
    # between dots about 1 mm apart into the even "stubble shadow" of healed work.
    # Most of the ink is in it: the cores alone, as faint as real healed dots at 100 %,
    # would leave the treated area far lighter than clipped stubble at arm's length.
    dot_elongation: float = 1.45
    dot_spread: float = 0.72
    spread_mm: float = 0.7
    # How a dot that healed wider than the design's size holds its ink (1: the needle's one deposit
    # spread thinner; 2: more ink, with its area), and how much of the spread holds the mean ink of
    # a dot at its place rather than the dot's own where the photo's blur merges the dots (1: they
    # vary in their cores only). Both keep the stubble shadow even at arm's length: with the area
    # and the dot's own ink, two or three strong dots side by side read as one dark clump (pepper).
    ink_size_power: float = 1.0
    spread_evenness: float = 1.0
    faded_fraction: float = 0.15
    doubled_fraction: float = 0.05
    patchiness: float = 0.18
    patch_wavelength_mm: float = 18.0
    texture_hold: float = 1.0
    # Hairline: a transition band that is sparser, finer and lighter, single dots ahead of it.
    transition_mm: float = 8.0
    hairline_density: float = 0.35
    hairline_size: float = 0.7
    hairline_opacity: float = 0.6
    scatter_mm: float = 3.0
    scatter_density: float = 0.10
    macro_irregularity_mm: float = 1.2
    macro_wavelength_mm: float = 14.0
    # Zones.
    blend_mm: float = 12.0
    hairline_band_mm: float = 25.0
    crown_radius_mm: float = 45.0
    # Scar tissue holds pigment paler (mean opacity factor) and less evenly (spread of it).
    scar_uptake: float = 0.8
    scar_unevenness: float = 0.35
    # Artists pack a scar more densely than the scalp around it (times the body density):
    # pale tissue needs more impressions to read as the stubble beside it.
    scar_density: float = 2.0
    # Pigment: hair colour "#rrggbb" or "auto"; dilution None = chosen from hair and skin.
    hair_color: str = "auto"
    dilution: float | None = None
    # Sessions and state.
    sessions: int = 3
    session: int = 3
    session_density: tuple = (0.55, 0.85, 1.0, 1.0)
    session_darkness: tuple = (0.70, 0.88, 1.0, 1.0)
    hairline_step_mm: float = 2.0
    state: str = "healed"
    aged_years: float = 5.0
    # Shave preview: remaining long hair in and around the zone clipped to stubble of
    # this guard length. "auto": on for the full shaved look, off for density.
    shave_preview: str = "auto"
    shave_guard_mm: float = 0.5
    shave_around_mm: float = 60.0  # how far beyond the zone the hair is clipped too (the whole head, mostly)
    # Coverage (pigmented share of the skin) above which the "helmet" warning shows.
    helmet_coverage: float = 0.45
    # Reproducibility and scale (None = estimated from the head outline).
    seed: int = 1
    px_per_mm: float | None = None
    scale_source: str = "given"  # of px_per_mm: one of SCALE_SOURCES ("given" typed in, "calibrated" drawn)
    # Scale from the eye when a face is visible (domain.md: iris ~11.7 mm, pupils ~63 mm apart).
    iris_diameter_mm: float = 11.7
    interpupillary_mm: float = 63.0
    # Front/side views: the mid-frontal point's height above the glabella, per template.
    juvenile_height_mm: float = 70.0
    mature_height_mm: float = 80.0
    conservative_height_mm: float = 95.0
    feminine_height_mm: float = 70.0
    # A design whose midline sits lower than this above the glabella gets a gentle warning.
    low_hairline_warning_mm: float = 70.0
    extras: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        for name in _WHOLE:
            v = getattr(self, name)
            if isinstance(v, float):
                # 3.0 from a hand-edited file means 3; 2.5 sessions means nothing.
                if not v.is_integer():
                    raise SettingsError(f"{name} must be a whole number, not {v}")
                object.__setattr__(self, name, int(v))
        for name, choices in (("treatment", TREATMENTS), ("view", VIEWS), ("state", STATES),
                              ("hairline_template", TEMPLATES)):
            v = getattr(self, name)
            if v not in choices:
                raise SettingsError(f"{name} = {v!r} is not one of {', '.join(choices)}")
        for name, (lo, hi) in RANGES.items():
            v = getattr(self, name)
            if v is None and name in ("dilution", "px_per_mm"):
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise SettingsError(f"{name} must be a number, not {v!r}")
            if not (lo <= v <= hi):
                raise SettingsError(f"{name} = {v} is outside {lo}..{hi}")
        if self.session > self.sessions:
            raise SettingsError(f"session {self.session} is after the last of {self.sessions} sessions")
        for name in ("session_density", "session_darkness"):
            v = getattr(self, name)
            if len(v) < self.sessions or not all(isinstance(x, (int, float)) and 0 < x <= 1 for x in v):
                raise SettingsError(f"{name} needs {self.sessions} fractions in (0, 1]")
            object.__setattr__(self, name, tuple(float(x) for x in v))
        if self.shave_preview not in SHAVE_CHOICES:
            raise SettingsError(f"shave_preview = {self.shave_preview!r} is not one of {', '.join(SHAVE_CHOICES)}")
        object.__setattr__(self, "scale_source", OLD_SCALE_SOURCES.get(self.scale_source, self.scale_source))
        if self.scale_source not in SCALE_SOURCES:
            raise SettingsError(f"scale_source = {self.scale_source!r} is not one of {', '.join(SCALE_SOURCES)}")
        if self.hair_color != "auto":
            parse_hex(self.hair_color)

    @property
    def session_fraction(self) -> float:
        """Share of the final impressions placed by the end of this session."""
        return self.session_density[self.session - 1]

    @property
    def placed_density_per_cm2(self) -> float:
        """Impressions per cm² placed: a scar is packed ``scar_density`` times the body density."""
        return self.density_per_cm2 * (self.scar_density if self.treatment == "scar" else 1.0)

    @property
    def shave_on(self) -> bool:
        """Whether the shave preview applies: the full shaved look clips what hair is left."""
        if self.shave_preview == "auto":
            return self.treatment in ("full", "hairline", "crown")
        return self.shave_preview == "on"

    @property
    def session_darkness_factor(self) -> float:
        return self.session_darkness[self.session - 1]

    @property
    def hairline_offset_mm(self) -> float:
        """Early sessions start higher: the line comes down by a step per session."""
        return self.hairline_step_mm * (self.sessions - self.session)

    @property
    def template_height_mm(self) -> float:
        """The mid-frontal point's height above the glabella for the chosen template."""
        return float(getattr(self, TEMPLATE_HEIGHT_SETTINGS[self.hairline_template]))

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def to_dict(self) -> dict:
        d = dict(self.extras)
        d.update({k: v for k, v in asdict(self).items() if k != "extras"})
        d["session_density"] = list(self.session_density)
        d["session_darkness"] = list(self.session_darkness)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Settings":
        """Settings from a dict; unknown keys are kept (in ``extras``) for round trips."""
        if not isinstance(d, dict):
            raise SettingsError("settings must be a JSON object")
        known = {f.name for f in fields(cls)} - {"extras"}
        kw = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items() if k in known}
        extras = {k: v for k, v in d.items() if k not in known}
        try:
            return cls(**kw, extras=extras)
        except TypeError as e:
            raise SettingsError(f"malformed settings: {e}") from None


def parse_hex(color: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an (r, g, b) tuple.

    >>> parse_hex("#1a2B3c")
    (26, 43, 60)
    """
    s = str(color).strip().lstrip("#")
    if len(s) != 6 or any(c not in "0123456789abcdefABCDEF" for c in s):
        raise SettingsError(f"colour {color!r} is not of the form #rrggbb")
    return int(s[0:2], 16), int(s[2:4], 16), int(s[4:6], 16)
