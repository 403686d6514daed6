"""The skin's specular shine, which sits on the surface above the pigment.

Pigment multiplies the diffuse light coming back from the dermis; the shine
reflected by the surface passes over it. What part of a pixel is shine is read
from its darkest channel: light above the treated scalp's own diffuse level
(in approximately linear light) is shine.
"""

from __future__ import annotations

import cv2
import numpy as np

#: sRGB as approximately linear light (gamma 2): pigment multiplies light, not code values.
LINEAR = ((np.arange(256, dtype=np.float32) / 255.0) ** 2).reshape(1, 256)
#: How much of a clipped highlight's lost shine is assumed over pigment.
CLIP_BOOST = 0.4
SCAR_SHINE = 0.78  # linear light above which a pale scar's pixel counts as shine (about 225)
#: Shine is light this many times the skin's own diffuse level (and ``SHINE_OFFSET`` above it).
SHINE_ABOVE, SHINE_OFFSET = 1.3, 0.02
#: The bald scalp's lit skin is read at this percentile of its darkest channel: the highlights of a
#: shiny dome are fewer than this share of it, its lit side more.
LIT_PERCENTILE = 70.0
#: The shine floor the lit scalp may raise is at most this (linear light, about 200): nearer white
#: is shine on any skin.
LIT_CAP = 0.6
LIT_SAMPLES = 200_000  # bald pixels, at most, the lit level is read from
#: Shine sets in softly over this much linear light above its floor: lit skin whose darkest channel
#: hovers about the floor (a fair crown's mottling, its lit bumps) is skin, not glare, and read as shine
#: pixel by pixel it left pale blotches and holes in the dots over it (issue 10). Glare lies far above.
SHINE_KNEE = 0.12


def lit_level(rgb: np.ndarray, bald: np.ndarray) -> float:
    """The treated scalp's lit skin, in linear light of its darkest channel (0..1; 0 with no bald skin).

    The skin colour a photo is analysed with is the typical bare skin of the
    head (often its shaded sides, neck or ears): a bald dome in the light is
    brighter, and read against that colour all its lit skin passed for shine,
    over which pigment barely darkens (treated crowns all but invisible).

    >>> img = np.full((40, 40, 3), (230, 200, 190), np.uint8)
    >>> round(lit_level(img, np.ones((40, 40), bool)), 3)
    0.555
    """
    b = np.asarray(bald, bool)
    if not b.any():
        return 0.0
    px = rgb[b]
    if len(px) > LIT_SAMPLES:
        px = px[:: len(px) // LIT_SAMPLES + 1]
    darkest = px.min(axis=1)
    return float((np.percentile(darkest, LIT_PERCENTILE) / 255.0) ** 2)


def shine_floor(skin_rgb, *, lit: float = 0.0, scar: bool = False) -> np.float32:
    """Linear light (of a pixel's darkest channel) above which it shines.

    Above the skin colour's own diffuse level, and above the treated scalp's
    lit skin (``lit``, :func:`lit_level`) up to ``LIT_CAP``. On scar tissue,
    pale but not shiny, only near-white shines.

    >>> bool(shine_floor((200, 160, 140), lit=0.5) > shine_floor((200, 160, 140)))
    True
    """
    skin_lin = (np.asarray(skin_rgb, np.float32) / 255.0) ** 2
    floor = SHINE_ABOVE * float(skin_lin.min()) + SHINE_OFFSET
    floor = max(floor, min(SHINE_ABOVE * lit + SHINE_OFFSET, LIT_CAP))
    if scar:
        floor = max(floor, SCAR_SHINE)
    return np.float32(floor)


def shine_table(floor) -> np.ndarray:
    """The shine (linear light) per level of a pixel's darkest channel: what lies above ``floor``
    (:func:`shine_floor`), setting in softly over ``SHINE_KNEE``.

    >>> t, above = shine_table(np.float32(0.25))[0], np.maximum(LINEAR[0] - 0.25, 0)
    >>> float(t[100]), bool(t[140] < 0.5 * above[140]), float(t[255] - above[255])
    (0.0, True, 0.0)
    """
    above = np.maximum(LINEAR - floor, 0.0)
    return (above * np.minimum(above / SHINE_KNEE, 1.0)).astype(np.float32)


def composite(band, alpha, a8, keep_lut, red, spec_lut, boost_lut) -> np.ndarray:
    """Pigment under the skin of one band: it multiplies the diffuse light (in
    approximately linear light); the specular shine stays on top.

    ``a8`` is ``alpha`` in 8 bits, ``keep_lut`` the light let through per level
    (``render._keep``), ``red`` the fresh skin's redness (or None),
    ``spec_lut`` the shine per darkest channel's level and ``boost_lut`` what
    a clipped highlight keeps more over pigment.
    """
    r, g, b = cv2.split(band)
    mn = cv2.min(cv2.min(r, g), b)
    spec = cv2.LUT(mn, spec_lut)
    spec_top = cv2.add(spec, cv2.multiply(cv2.LUT(mn, boost_lut), alpha))
    keep = cv2.LUT(cv2.merge([a8, a8, a8]), keep_lut)  # light the pigment lets through
    if red is not None:
        one = np.ones_like(red)
        keep = cv2.multiply(keep, cv2.merge([one, cv2.addWeighted(red, -0.32, red, 0.0, 1.0),
                                             cv2.addWeighted(red, -0.26, red, 0.0, 1.0)]))
    lin = cv2.subtract(cv2.LUT(band, LINEAR), cv2.merge([spec, spec, spec]))
    lin = cv2.add(cv2.multiply(lin, keep), cv2.merge([spec_top, spec_top, spec_top]))
    np.minimum(lin, 1.0, out=lin)  # (a float to cv2 on 3 channels would clip only the first)
    out = cv2.convertScaleAbs(cv2.sqrt(lin), alpha=255.0)
    if red is None:
        out = cv2.min(out, band)  # pigment only ever darkens
    return out
