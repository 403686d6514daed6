"""Issue 10: the shave preview stops only at a real outline: where the head's mask ends inside the hair
(a white fringe the segmentation left out of the head), the hair goes on, and is not clipped into a patch."""

import numpy as np

from smp_studio.core.engine.outline import hair_runs_on


def test_a_patch_the_hair_runs_on_from_past_the_heads_mask_is_left_and_one_at_a_wall_is_clipped():
    """Pale hair left out of the head's mask on the left runs on into a clipped strip inside it; a dark
    wall lies past the mask on the right, beside another clipped strip."""
    rng = np.random.default_rng(0)
    small = np.empty((80, 120, 3), np.float32)
    small[:] = (190, 150, 135)  # bare skin
    small[:, :40] = (225, 225, 228)  # the white hair the mask left out ...
    small[15:65, 40:55] = (225, 225, 228)  # ... running on into the head
    small[:, 80:] = (60, 60, 66)  # a dark wall
    small = np.clip(small + rng.normal(0, 4, small.shape), 0, 255).astype(np.uint8)
    head = np.zeros((80, 120), bool)
    head[:, 40:80] = True
    clipped = np.zeros((80, 120), np.float32)
    clipped[15:65, 40:55] = clipped[15:65, 65:80] = 1.0
    keep = hair_runs_on(small, head, clipped, mm=1.0)
    assert keep[15:65, 40:55].max() == 0.0  # left whole: it is the hair past the mask
    assert keep[15:65, 65:80].min() == 1.0  # clipped to the outline: a wall is a silhouette


def test_devdata_a_buzzed_head_has_no_patch_of_its_white_fringe_clipped(devdata):
    """norwood5_right_022: a white buzz the segmentation left out of the head ran on past its mask; the strip
    of it inside the mask was clipped alone, a flat beige patch with a hard edge (about 25 cm²)."""
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.io.opening import open_simulation

    sim = open_simulation(load_photo(devdata / "scalp_photos" / "norwood5_right_022.jpg")).sim
    _, region = sim.shaved()
    cm2 = float((region > 0.5).sum()) / sim.scale.px_per_mm ** 2 / 100.0
    assert cm2 < 3.0
