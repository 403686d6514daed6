"""One grey-black pigment, and how much to dilute it for this client.

Dilution (more water = lighter) is chosen so that a healed impression's core
matches the client's hair lightness on their skin: dark hair on fair skin
wants strong pigment, grey or fair hair wants it well diluted.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.model.settings import Settings, parse_hex

#: Healed carbon pigment seen through the skin: near black, slightly cool (sRGB).
PIGMENT_HEALED = (44, 46, 53)
#: Fresh: sits higher, not yet settled or partly lost with the scabs: darker, neutral.
PIGMENT_FRESH = (24, 24, 27)
#: Years of UV and immune clearance shift what remains toward blue-grey.
PIGMENT_AGED = (78, 88, 108)
#: Absorbance per channel (R, G, B; blue = 1) of pigment seen through skin.
#: Healed carbon under the dermis reads neutral to slightly cool charcoal grey: on
#: warm skin a treated area turns greyer, never more orange. (Photos of real work
#: measure ~0.90 / 0.87 / 0.84 let through at a dot centre, R most: a small dot
#: keeps the skin's colour around it in a JPEG's half-resolution chroma and loses
#: only lightness, the same in every channel, which is most of red's share.)
TINT_HEALED = (1.02, 1.01, 1.0)
#: Fresh: higher in the skin and not yet settled: darker and neutral.
TINT_FRESH = (1.0, 1.0, 1.0)
#: Years of UV and immune clearance leave a cooler, greyer remainder.
TINT_AGED = (1.07, 1.0, 0.94)
#: Optical density (-ln transmission) at the centre of a full-strength healed
#: dot's ink before dilution, the soft spread (``Settings.dot_spread``) and the
#: photo's blur. The cores (the 28 % of it outside the default spread) are
#: calibrated with tools/realism_report.py against photos of real healed work,
#: which are sharp: on its sharp-photo row at 8-12 px/mm, 37-45 dots per cm² resolve
#: at median contrast 0.11-0.12 and let through 0.87-0.88 / 0.84-0.85 / 0.81-0.83 at
#: their centres (real work: ~38, 0.11, 0.90 / 0.87 / 0.84). On a soft photo the
#: same ink spreads wider and reads fainter, as real work would. (Cores fitted on
#: soft 640 px photos made near-black pepper of sharp ones.)
HEALED_DENSITY = 8.0
#: On the darkest skin this share of the light seen comes back from the dermis, where the pigment is.
REACH_DARK = 0.5
DEFAULT_HAIR = (52, 42, 36)  # dark brown, used when no hair is visible
#: Hair much more colourful for its lightness than brown-black (Lab chroma / (L + 16)) is fair or red
#: (warm pigment): in a photo's shade it reads as dark as black hair, its colour does not. From the
#: first saturation it counts as up to ``FAIR_LIFT`` lighter, by the second (brown-black hair lies
#: at 0-0.4; the bundled fair-hair sample's, read in shade at L 17, at 0.63).
FAIR_SAT = (0.4, 0.62)
FAIR_LIFT = 40.0


@dataclass(frozen=True)
class Pigment:
    """Pigment colour (sRGB) and dilution for one render."""

    color: tuple
    dilution: float
    hair_rgb: tuple
    skin_rgb: tuple
    #: The treated scalp's bare-skin lightness (L*) the dilution was judged in, if read (see ``choose_dilution``).
    scalp_l: float | None = None

    @property
    def strength(self) -> float:
        return 1.0 - self.dilution

    @property
    def reach(self) -> float:
        """How much of the skin's light reaches the pigment and comes back (0..1).

        Carbon sits in the dermis, under the epidermis' melanin: on darker skin
        less of the light seen comes from the layer the pigment darkens, so the
        same ink takes a smaller share of it (artists dilute less there, which
        ``choose_dilution`` does; this is the skin's side of it). Both read the same skin
        tone, the lighter of ``skin_rgb`` and ``scalp_l``: read from a shaded neck while
        the dilution read the lit scalp, a lit dark scalp got the pale ink of fair skin
        and lost more of it as dark skin's (issue 10: a hazy, lit dark scalp's ink too pale).

        >>> dark, fair = Pigment(PIGMENT_HEALED, 0.3, DEFAULT_HAIR, (95, 60, 45)), Pigment(PIGMENT_HEALED, 0.3, DEFAULT_HAIR, (225, 185, 165))
        >>> 0.5 < dark.reach < fair.reach == 1.0
        True
        >>> Pigment(PIGMENT_HEALED, 0.3, DEFAULT_HAIR, (95, 60, 45), scalp_l=70.0).reach
        1.0
        """
        return skin_reach(self.skin_rgb, scalp_l=self.scalp_l)


def lab_to_rgb(lab) -> tuple[int, int, int]:
    a = np.array(lab, np.float32).reshape(1, 1, 3)
    rgb = cv2.cvtColor(a, cv2.COLOR_Lab2RGB)[0, 0]
    return tuple(int(v) for v in np.clip(rgb * 255 + 0.5, 0, 255))


def rgb_to_lab(rgb) -> tuple[float, float, float]:
    a = np.array(rgb, np.float32).reshape(1, 1, 3) / 255.0
    return tuple(float(v) for v in cv2.cvtColor(a, cv2.COLOR_RGB2Lab)[0, 0])


def skin_reach(skin_rgb, *, scalp_l: float | None = None) -> float:
    """Share of the skin's light that comes back through the dermis, from its lightness (the
    lighter of ``skin_rgb``'s and ``scalp_l``, as :func:`choose_dilution` reads it): 1 on fair
    skin (L* >= 70), falling to ``REACH_DARK`` on deeply pigmented skin (L* <= 25)."""
    Ls = max(rgb_to_lab(skin_rgb)[0], scalp_l if scalp_l is not None else 0.0)
    return float(np.interp(Ls, [25.0, 70.0], [REACH_DARK, 1.0]))


def choose_dilution(hair_rgb, skin_rgb, *, scalp_l: float | None = None) -> float:
    """Dilution (0 = full strength .. 0.9) for this hair and skin.

    As artists choose it: from the hair colour first (black hair: the least
    water, but never neat: healed work is "dusty"; brown: more; grey or
    blond: much more), then a little stronger on darker skin, where diluted
    pigment would not show at all. Fair or red hair is told from its colour,
    which shade keeps, where its lightness in a photo may be that of black.

    ``scalp_l`` is the lightness (L*) of the treated scalp's bare skin, where the
    dots land. The skin's tone is read from the lighter of it and ``skin_rgb``
    (the head's typical skin, often its shaded sides, neck or ears): shade
    makes fair skin look dark, light never makes dark skin look fair, and read
    in shade a lit crown took ink as strong as deeply pigmented skin's.

    >>> choose_dilution((40, 32, 28), (225, 180, 160)) < choose_dilution((170, 165, 160), (225, 180, 160))
    True
    >>> choose_dilution((64, 34, 18), (196, 141, 103)) > choose_dilution((25, 25, 25), (196, 141, 103)) + 0.1
    True
    >>> choose_dilution((85, 82, 83), (145, 114, 104), scalp_l=64.0) > choose_dilution((85, 82, 83), (145, 114, 104)) + 0.1
    True
    """
    Lh, ah, bh = rgb_to_lab(hair_rgb)
    Ls = max(rgb_to_lab(skin_rgb)[0], scalp_l if scalp_l is not None else 0.0)
    sat = float(np.hypot(ah, bh)) / (Lh + 16.0)
    Lh += FAIR_LIFT * float(np.clip((sat - FAIR_SAT[0]) / (FAIR_SAT[1] - FAIR_SAT[0]), 0.0, 1.0))
    strength = float(np.interp(Lh, [22.0, 45.0, 72.0], [0.66, 0.55, 0.38]))
    strength += float(np.clip((62.0 - Ls) / 100.0, 0.0, 0.15))
    return float(np.clip(1.0 - strength, 0.15, 0.9))


def pigment_for(settings: Settings, hair_lab, skin_lab, *, scalp_l: float | None = None) -> Pigment:
    """The pigment for these settings and this client's hair and skin (``scalp_l``: the treated
    scalp's bare skin lightness, see :func:`choose_dilution`)."""
    if settings.hair_color != "auto":
        hair = parse_hex(settings.hair_color)
    elif hair_lab is not None:
        hair = lab_to_rgb(hair_lab)
    else:
        hair = DEFAULT_HAIR
    skin = lab_to_rgb(skin_lab) if skin_lab is not None else (200, 160, 140)
    dil = settings.dilution if settings.dilution is not None else choose_dilution(hair, skin, scalp_l=scalp_l)
    return Pigment(PIGMENT_HEALED, float(dil), hair, skin, scalp_l)
