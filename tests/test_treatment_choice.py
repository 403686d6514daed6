"""The treatment a photo opens with: density while the client keeps most of their hair."""

import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.io.opening import open_simulation


def test_a_diffuse_thinning_crown_opens_as_a_density_treatment_with_its_hair_kept(samples_dir):
    """The crown sample is thinning all over (dense hair on under half of its scalp, thin hair on
    much of the rest): it opens as density, dots between the hairs, no clippers. Counted as bald
    skin, its thinning hair had it open as the full look: every hair clipped to a grey felt disc."""
    photo = load_photo(samples_dir / "crown-norwood4-diffuse-thinning.jpg")
    sim = open_simulation(photo).sim
    assert sim.settings.treatment == "density" and not sim.settings.shave_on
    after = sim.render().astype(int)
    before = photo.rgb.astype(int)
    # the hair round the crown is left as it was (a clipped head changes nearly every pixel of it); the
    # pigment itself changes about 27 % of the frame (25 % by more than 12 levels; 24.8 % before the even
    # spread took a foreshortened dot's lost ink toward the head's outline)
    assert np.mean(np.abs(after - before).sum(axis=2) > 12) < 0.3
    assert len(sim.dots) > 2000  # and the thinning crown is treated


def test_a_bald_top_opens_as_the_full_look(samples_dir):
    sim = open_simulation(load_photo(samples_dir / "topdown-norwood7-fair-skin.jpg")).sim
    assert sim.settings.treatment == "full"
