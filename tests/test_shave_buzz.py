"""Issue 10: a head already buzzed short keeps its own stubble in the shave preview; long hair is clipped."""

import cv2
import numpy as np

from smp_studio.core.engine.shave import shave, shave_region
from smp_studio.core.model.scale import Scale

SKIN, HAIR = (205, 160, 135), (45, 36, 30)


def _head(rng, px: float):
    """Pale bare skin; on the left a 4 cm wide 3 mm buzz (short shafts, skin between them), on the right long
    strands combed one way; the segmentation calls both dense hair."""
    img = np.full((320, 360, 3), SKIN, np.float32)
    cover = np.zeros((320, 360), np.float32)
    for _ in range(13000):  # ~ 150 shafts per cm², 1-3 mm long, growing about the same way
        x, y = rng.uniform(20, 190), rng.uniform(40, 280)
        a, n = 1.2 + rng.normal(0, 0.4), rng.uniform(1.0, 3.0) * px
        cv2.line(cover, (int(x), int(y)), (int(x + n * np.cos(a)), int(y + n * np.sin(a))), 0.5, 1, cv2.LINE_AA)
    for _ in range(700):  # strands 3-6 cm long, gently wavy
        x, y = rng.uniform(210, 330), rng.uniform(0, 240)
        pts = [(x + 4 * np.sin(t / 9.0 + x), y + t) for t in np.arange(0, rng.uniform(3, 6) * 10 * px, 4)]
        cv2.polylines(cover, [np.int32(pts)], False, 0.9, 1, cv2.LINE_AA)
    img = img * (1 - cover[..., None]) + np.array(HAIR, np.float32) * cover[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    img = np.clip(img + rng.normal(0, 3, (320, 360, 1)), 0, 255).astype(np.uint8)
    dens = np.zeros((320, 360), np.float32)
    dens[40:280, 20:190] = dens[0:280, 210:330] = 0.9
    return img, dens


def test_a_head_already_buzzed_short_keeps_its_own_stubble_and_long_hair_is_still_clipped():
    """Clipping a buzz again replaced its own stubble (the best there is) by a flat pale fill; an SMP
    artist expects hair as short as the guard, or a little longer, to look as it did."""
    rng = np.random.default_rng(4)
    scale = Scale(4.0)
    img, dens = _head(rng, scale.px_per_mm)
    region = shave_region(dens, np.ones(dens.shape, bool), np.ones(dens.shape, np.float32), scale, rgb=img,
                          bald=dens < 0.5, edge_mm=0.0, keep_buzz=True)
    out = shave(img, region, scale, guard_mm=0.5, hair_rgb=HAIR, skin_mask=dens < 0.5)
    buzz, long_hair = np.s_[80:240, 60:150], np.s_[60:220, 240:300]
    assert region[long_hair].mean() > 0.8  # the long strands are clipped
    assert region[buzz].mean() < 0.3  # the buzz is not
    lum = lambda a: cv2.cvtColor(a, cv2.COLOR_RGB2LAB)[..., 0].astype(float)  # noqa: E731
    assert np.abs(lum(out)[buzz] - lum(img)[buzz]).mean() < 4  # and reads as it did
    detail = lambda a: np.abs(a - cv2.GaussianBlur(a, (0, 0), 2.0)).mean()  # noqa: E731
    assert detail(lum(out)[buzz]) > 0.8 * detail(lum(img)[buzz])  # no smooth patch in it
    assert lum(out)[long_hair].mean() > lum(img)[long_hair].mean() + 15  # skin shows where long hair was


def test_devdata_a_lone_clipped_patch_in_a_buzzed_head_is_no_pale_hole(devdata):
    """norwood5_left_007 is buzzed all over; one patch of it, taken for longer hair, was clipped
    alone and filled in flat and pale: a hole in the buzz. Clippers take a whole head."""
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.core.io.opening import open_simulation

    sim = open_simulation(load_photo(devdata / "scalp_photos" / "norwood5_left_007.jpg")).sim
    shaved, region = sim.shaved()
    patch = np.zeros(region.shape, bool)
    patch[105:170, 300:365] = True  # where the patch was (clipped above 0.9 before)
    grey = lambda im: cv2.cvtColor(im, cv2.COLOR_RGB2GRAY).astype(float)  # noqa: E731
    assert region[patch].mean() < 0.2
    assert abs(grey(shaved)[patch].mean() - grey(sim.photo.rgb)[patch].mean()) < 4
