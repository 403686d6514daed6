"""One object for every conversion between image pixels and physical units."""

from __future__ import annotations

import math
from dataclasses import dataclass

from smp_studio.core.errors import SettingsError

#: Typical adult head breadth (mm), used when the scale is estimated from the head outline.
HEAD_BREADTH_MM = 150.0
_OLD_SOURCES = {"estimate": "head", "calibration": "calibrated"}


@dataclass(frozen=True)
class Scale:
    """Pixels per millimetre of the photo, and where that figure came from.

    Parameters
    ----------
    px_per_mm : float
        Image pixels per millimetre on the scalp.
    source : str
        ``"iris"`` (from the eyes), ``"head"`` (from the head outline),
        ``"calibrated"`` (the artist drew a line of known length) or
        ``"given"`` (typed in). Older names (``"estimate"``,
        ``"calibration"``) are read as ``"head"`` and ``"calibrated"``.

    Examples
    --------
    >>> s = Scale(10.0)
    >>> s.mm_to_px(1.5), s.px_to_mm(25.0)
    (15.0, 2.5)
    >>> round(s.px_area_to_cm2(10_000), 3)
    1.0
    """

    px_per_mm: float
    source: str = "given"

    def __post_init__(self):
        object.__setattr__(self, "source", _OLD_SOURCES.get(self.source, self.source))
        if not (math.isfinite(self.px_per_mm) and 0.05 <= self.px_per_mm <= 1000):
            raise SettingsError(
                f"scale of {self.px_per_mm!r} pixels per mm is outside 0.05..1000"
            )

    @classmethod
    def from_calibration(cls, p0, p1, distance_mm: float) -> "Scale":
        """Scale from two image points ``(x, y)`` and their real distance in mm.

        >>> Scale.from_calibration((0, 0), (300, 400), 50).px_per_mm
        10.0
        """
        if not (distance_mm > 0):
            raise SettingsError("the calibration distance must be more than 0 mm")
        length = math.dist(p0, p1)
        if length < 2:
            raise SettingsError("the calibration line is too short: draw it across at least a few pixels")
        return cls(length / distance_mm, "calibrated")

    @classmethod
    def from_head_breadth(cls, breadth_px: float, breadth_mm: float = HEAD_BREADTH_MM) -> "Scale":
        """Scale from the head's breadth in pixels, assuming a typical adult head."""
        return cls(max(breadth_px, 1.0) / breadth_mm, "head")

    def mm_to_px(self, mm: float) -> float:
        return mm * self.px_per_mm

    def px_to_mm(self, px: float) -> float:
        return px / self.px_per_mm

    def px_area_to_cm2(self, area_px: float) -> float:
        return area_px / (self.px_per_mm * 10.0) ** 2

    def per_cm2_to_per_px2(self, per_cm2: float) -> float:
        """A density in impressions per cm² as impressions per image pixel²."""
        return per_cm2 / (self.px_per_mm * 10.0) ** 2

    def rescaled(self, factor: float) -> "Scale":
        """The same scale for the image resized by ``factor``."""
        return Scale(self.px_per_mm * factor, self.source)

    def to_dict(self) -> dict:
        return {"px_per_mm": self.px_per_mm, "source": self.source}

    @classmethod
    def from_dict(cls, d: dict) -> "Scale":
        try:
            return cls(float(d["px_per_mm"]), str(d.get("source", "given")))
        except (KeyError, TypeError, ValueError) as e:
            raise SettingsError(f"malformed scale {d!r}") from e
