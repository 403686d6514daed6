"""The shine over the pigment: only what is brighter than the treated scalp's own lit skin."""

import numpy as np

from test_render import dots_on
from smp_studio.core.engine.pigment import PIGMENT_HEALED, Pigment
from smp_studio.core.engine.render import render
from smp_studio.core.engine.shine import lit_level
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

NECK = (145, 114, 104)  # the skin colour the photo was analysed with: the head's shaded sides and neck
CROWN = (218, 192, 190)  # a pale crown in the light, far brighter than that


def _darkening(skin_rgb, base_rgb, *, lit):
    s, sc = Settings(), Scale(6.0)
    img = np.full((240, 240, 3), base_rgb, np.uint8)
    d = dots_on(240, 240, (40, 40, 200, 200), s, sc)
    pig = Pigment(PIGMENT_HEALED, 0.3, (90, 85, 88), skin_rgb)
    out = render(img, d, pigment=pig, settings=s, scale=sc, lit=lit)
    return 1.0 - out[60:180, 60:180].astype(float).mean() / img[60:180, 60:180].astype(float).mean()


def test_a_lit_crown_shows_its_dots_as_unshiny_skin_does():
    # A crown brighter than the skin colour the photo was read with is lit skin, not shine: its dots
    # darken it as much as on skin with no shine at all (read as shine, they barely showed).
    img = np.full((50, 50, 3), CROWN, np.uint8)
    lit = lit_level(img, np.ones((50, 50), bool))
    no_shine = _darkening(NECK, CROWN, lit=1.0)
    assert _darkening(NECK, CROWN, lit=lit) > 0.95 * no_shine
    assert _darkening(NECK, CROWN, lit=0.0) < 0.7 * no_shine  # (what it was)


def test_near_white_glare_stays_on_top_of_the_pigment():
    # On that lit crown a near-white highlight is still shine: the dots under it barely show.
    lit = lit_level(np.full((50, 50, 3), CROWN, np.uint8), np.ones((50, 50), bool))
    assert _darkening(NECK, (250, 250, 250), lit=lit) < 0.5 * _darkening(NECK, CROWN, lit=lit)

