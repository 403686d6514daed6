"""Issue 10: healed SMP reads as one even stubble shadow at arm's length, not pepper.

An SMP artist judged our default render on the bundled bald samples "pepper": dark specks
and clumps scattered over the skin, a dirty, blotchy look. Real healed work at these
photos' 3-4 px/mm is a fine, even, slightly grainy grey: each dot is about a pixel, and
what varies from dot to dot averages out over a few of them.
"""

import cv2
import numpy as np
import pytest

from smp_studio.core.io.opening import open_simulation
from smp_studio.resources import sample_photos
from smp_test_helpers import treated_darkening

CLUMP_MM = 1.0  # a clump: two or three dots ~1 mm apart reading as one dark blot


def lightness(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * (100.0 / 255.0)


def blotchiness(sim, after):
    """How unevenly the treated skin darkens at the scale of a few dots: the darkening's
    band-pass (clumps of ~1 mm against the shadow 4 mm around), over the shadow itself;
    on bare skin well behind the hairline transition."""
    px = sim.scale.px_per_mm
    dark, inner = treated_darkening(sim, after)
    s = CLUMP_MM * px
    clumps = cv2.GaussianBlur(dark, (0, 0), s) - cv2.GaussianBlur(dark, (0, 0), 4 * s)
    return float(clumps[inner].std() / dark[inner].mean()), float(dark[inner].mean())


@pytest.mark.parametrize("name", ["topdown-norwood7-fair-skin", "topdown-norwood7-dark-skin"])
def test_treated_bald_scalp_reads_as_an_even_shadow_not_pepper(name):
    path = next(p for p in sample_photos() if p.stem == name)
    sim = open_simulation(path).sim
    blotch, shadow = blotchiness(sim, sim.render())
    assert shadow > 3.0, shadow  # the treatment shows: a shadow several L* darker
    # Clumps of 1 mm vary the shadow by under 11.5 % (std; about 10 % now). It was 13 % when a wide
    # dot held ink for its area and each dot's own strength darkened its soft spread too: two or three
    # strong dots side by side read as one dark blot.
    assert blotch < 0.115, blotch


def test_wide_dots_and_the_spread_carry_no_dots_own_extra_ink():
    """What makes the clumps: with ``ink_size_power`` 2 and no ``spread_evenness`` (the old model)
    the same photo's shadow is blotchier, the same measure failing."""
    path = next(p for p in sample_photos() if p.stem == "topdown-norwood7-dark-skin")
    even = open_simulation(path).sim
    old = open_simulation(path, settings={"ink_size_power": 2.0, "spread_evenness": 0.0}).sim
    assert blotchiness(old, old.render())[0] > blotchiness(even, even.render())[0] + 0.015
