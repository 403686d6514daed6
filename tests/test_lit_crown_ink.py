"""The ink's dilution is judged in the light the dots land in: the treated crown's."""

import numpy as np

from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.segmentation import BALD
from smp_studio.core.io.opening import open_simulation
from smp_studio.resources import sample_photo


def test_shade_on_the_neck_and_sides_does_not_darken_the_ink_on_a_lit_grey_crown():
    # A grey-haired client photographed with the crown in the light and the sides of the head and the
    # neck in shade (here the bare skin off the treatable scalp): read against that shaded skin, the crown took ink as strong as deeply pigmented
    # skin's, dark "polka dots" on a grey-haired head. The skin's tone is the same in and out of shade.
    # (The hair colour as the artist sets it: the skin's reading alone is under test.)
    grey = {"hair_color": "#a0a2a2"}
    lit = open_simulation(sample_photo("topdown-norwood6-grey-hair.jpg"), settings=grey).sim
    rgb = lit.photo.rgb
    seg = lit.segmentation
    bare = seg.labels == BALD
    crown = bare & (lit.scalp.resized(seg.labels.shape) > 0.5)
    shaded = np.where((bare & ~crown)[..., None], (rgb * 0.7).astype(np.uint8), rgb)
    dark = open_simulation(Photo.from_array(shaded), settings=grey).sim
    assert dark.segmentation.skin_lab[0] < seg.skin_lab[0] - 3  # (the head's typical skin did go darker)
    assert dark.pigment.dilution > lit.pigment.dilution - 0.02
    # and the dots on the crown show no darker for it, where the photo is the same
    both = crown & (np.abs(dark.shaved()[0].astype(int) - lit.shaved()[0].astype(int)).max(axis=2) == 0)

    def darkening(sim):
        base = sim.shaved()[0][both].astype(float).mean(axis=1)
        return float(np.maximum(base - sim.render()[both].astype(float).mean(axis=1), 0).sum())

    assert darkening(dark) < 1.03 * darkening(lit)
