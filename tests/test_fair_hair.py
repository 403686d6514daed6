"""Fair hair gets fair pigment: the bundled fair-hair sample's dots are diluted as for fair hair."""

import cv2
import numpy as np

from smp_studio.core.io.opening import open_simulation
from smp_studio.resources import sample_photo


def test_fair_hair_read_in_shade_gets_dots_lighter_than_for_black_hair():
    # Its hair, brown-blond, lies in shade as dark as black hair (L 17); told by its colour, it is diluted
    # as fair hair: on the same treated scalp its dots darken it far less than black hair's would.
    sim = open_simulation(sample_photo("topdown-norwood4-fair-hair.jpg")).sim
    base = cv2.cvtColor(sim.shaved()[0], cv2.COLOR_RGB2GRAY).astype(float)

    def darkening(**kw):
        out = cv2.cvtColor(sim.render(**kw), cv2.COLOR_RGB2GRAY).astype(float)
        return float(np.maximum(base - out, 0).sum())

    auto, black = darkening(), darkening(hair_color="#1c1c1c")
    assert auto < 0.8 * black
    # (and yet it shows: the treatment is there)
    assert auto > 0.4 * black
