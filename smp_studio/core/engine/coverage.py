"""How much bare skin the design leaves between dots: the "helmet" warning.

Packing impressions too tightly (high density times large dots) makes the
treated area one flat dark cap. Artists warn about it; the studio shows a
warning when the pigmented share of the skin passes ``Settings.helmet_coverage``.
"""

from __future__ import annotations

import numpy as np

from smp_studio.core.model.settings import Settings

#: A healed dot's visible footprint is wider than its core (its soft spread).
FOOTPRINT_PER_SPREAD = 1.5


def coverage(settings: Settings, *, density_per_cm2: float | None = None) -> float:
    """Share of the skin that pigment footprints cover at the body density (0..1).

    Dots are placed as blue noise, so their footprints overlap about as a
    Poisson process would: ``1 - exp(-n * a)`` for ``n`` dots per mm² of
    footprint area ``a``; fresh dots are larger, aged ones spread.

    Examples
    --------
    >>> coverage(Settings()) < coverage(Settings(density_per_cm2=300, dot_size_mm=0.45))
    True
    """
    n = (settings.density_per_cm2 if density_per_cm2 is None else density_per_cm2) / 100.0
    grow = {"fresh": 1.35, "aged": 1.0 + 0.035 * settings.aged_years}.get(settings.state, 1.0)
    mean_d = settings.dot_size_mm * grow * float(np.exp(settings.size_variation**2 / 2))
    d = mean_d * (1.0 + FOOTPRINT_PER_SPREAD * settings.dot_spread) ** 0.5
    a = np.pi * (d / 2) ** 2  # elongation keeps the area
    return float(1.0 - np.exp(-n * a * settings.session_fraction))


def helmet_warning(settings: Settings) -> str | None:
    """A sentence for the artist when too little bare skin is left, else None.

    >>> helmet_warning(Settings()) is None
    True
    >>> "helmet" in helmet_warning(Settings(density_per_cm2=380, dot_size_mm=0.55))
    True
    """
    c = coverage(settings)
    if c <= settings.helmet_coverage:
        return None
    return (f"Dots cover about {c:.0%} of the skin (over {settings.helmet_coverage:.0%}): the treated area "
            "may read as a flat \"helmet\". Lower the density or the dot size to keep bare skin between dots.")
