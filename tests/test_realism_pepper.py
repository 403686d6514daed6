"""Issue 10, an SMP artist's ranking of default renders at 100 %: "pepper" (dots too coarse and too
separate, leopard spots) on soft photos, and lit or turned-away skin paler than the rest of the
treated scalp (the top of a front view paler than its front edge, the dots gone under highlights)."""

import cv2
import numpy as np
import pytest

from smp_studio.core.engine.dots import place_dots
from smp_studio.core.engine.dotshape import direction_field
from smp_studio.core.engine.photolook import PhotoLook
from smp_studio.core.engine.pigment import Pigment, pigment_for, rgb_to_lab
from smp_studio.core.engine.render import render
from smp_studio.core.engine.shine import LINEAR, shine_floor
from smp_studio.core.engine.zones import FAR, Zone
from smp_studio.core.io.opening import open_simulation
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings
from smp_studio.resources import sample_photos
from smp_test_helpers import treated_darkening

SKIN = (205, 160, 135)


def lightness(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * (100.0 / 255.0)


def linear(rgb):
    return (rgb.astype(np.float32).mean(2) / 255.0) ** 2


def grain(sim, after):
    """How spotty the treated bare scalp's darkening is at the scale of single dots: what is left of it
    under 1 mm (std), over the shadow itself. Real healed work at these photos' 3-4 px/mm is a fine,
    faint grain in one even shadow."""
    px = sim.scale.px_per_mm
    dark, inner = treated_darkening(sim, after)
    fine = dark - cv2.GaussianBlur(dark, (0, 0), px)
    return float(fine[inner].std() / dark[inner].mean()), float(dark[inner].mean())


@pytest.mark.parametrize("name", ["topdown-norwood7-dark-skin", "topdown-norwood7-fair-skin"])
def test_soft_photos_treated_scalp_is_a_fine_grain_in_a_shadow_not_pepper(name):
    path = next(p for p in sample_photos() if p.stem == name)
    sim = open_simulation(path).sim
    spots, shadow = grain(sim, sim.render())
    assert shadow > 5.0, shadow  # the treatment shows as much from afar
    # Single dots vary the shadow by about 17 % (dark skin) and 9 % (fair); 30 % and 15 % when a core kept
    # up to 2.6 times its ink on these soft photos, each its own: crisp dark specks and clumps on bare skin.
    limit = {"topdown-norwood7-dark-skin": 0.22, "topdown-norwood7-fair-skin": 0.115}[name]
    assert spots < limit, spots


def head_on_skin(n=480, px=4.0, blur=1.3):
    """Plain skin with a round head outline filling it, its dots shaped by the head's curve."""
    rng = np.random.default_rng(0)
    img = np.empty((n, n, 3), np.float32)
    img[:] = SKIN
    img += cv2.GaussianBlur(rng.normal(0, 4, (n, n)).astype(np.float32), (0, 0), 1.0)[..., None]
    img = np.clip(cv2.GaussianBlur(img, (0, 0), blur), 0, 255).astype(np.uint8)
    yy, xx = np.mgrid[0:n, 0:n]
    rho = np.hypot(xx - n / 2, yy - n / 2) / (0.48 * n)
    head = rho < 1
    field = direction_field(img, head)
    s, sc = Settings(density_per_cm2=100), Scale(px)
    dots = place_dots(Zone(head.astype(np.float32), np.full((n, n), FAR, np.float32), 1.0, None), s, sc,
                      rng=1, field=field)
    return img, dots, s, sc, rho


def test_the_shadow_does_not_pale_where_the_head_turns_away():
    """Dots near the head's outline are foreshortened (smaller); the skin there packs more of them into
    each pixel, so the treated shadow is as deep as where the scalp faces the camera."""
    img, dots, s, sc, rho = head_on_skin()
    shape = dots.shape
    assert shape is not None and float(np.median(shape[:, 2] * shape[:, 3])) < 0.95  # the dots are foreshortened
    pig = Pigment((44, 46, 53), 0.35, (40, 32, 28), SKIN)
    out = render(img, dots, pigment=pig, settings=s, scale=sc, look=PhotoLook(blur_sigma=1.3), occlusion=False)
    t = linear(out) / linear(img)
    middle, rim = 1 - t[rho < 0.4].mean(), 1 - t[(rho > 0.75) & (rho < 0.92)].mean()
    # Within 10 %: with each dot's ink shrunk with its foreshortened area the rim darkened 40 % less.
    assert rim > 0.9 * middle, (rim, middle)


def test_lit_skin_about_the_shine_floor_keeps_its_dots():
    """Skin a little lighter than the shine floor is lit skin, not glare: it takes the pigment as the skin
    just under the floor does, with no pale blotches where its mottling crosses the floor."""
    px, n = 4.0, 240
    floor = float(shine_floor(SKIN))
    under, over = (int(round(255 * np.sqrt(v))) for v in (floor - 0.01, floor + 0.05))
    img = np.empty((n, 2 * n, 3), np.uint8)
    img[:] = SKIN
    img[:, :n] = np.clip(np.array(SKIN) * under / min(SKIN), 0, 255)  # darkest channel just under the floor
    img[:, n:] = np.clip(np.array(SKIN) * over / min(SKIN), 0, 255)  # a little over it
    assert LINEAR[0, img[0, 0].min()] < floor < LINEAR[0, img[0, -1].min()]
    s, sc = Settings(density_per_cm2=100), Scale(px)
    dots = place_dots(Zone(np.ones((n, 2 * n), np.float32), np.full((n, 2 * n), FAR, np.float32), 1.0, None),
                      s, sc, rng=1)
    out = render(img, dots, pigment=Pigment((44, 46, 53), 0.35, (40, 32, 28), SKIN), settings=s, scale=sc,
                 look=PhotoLook(blur_sigma=1.2), occlusion=False)
    t = 1 - linear(out) / linear(img)
    left, right = t[20:-20, 20:n - 20].mean(), t[20:-20, n + 20:-20].mean()
    assert right > 0.93 * left, (right, left)  # (0.83 when all light above the floor was shine)


def test_a_lit_dark_scalp_is_read_as_one_skin_tone_for_dilution_and_reach():
    """The dilution reads the lighter of the head's typical skin and the treated scalp's bare skin; the
    share of light the pigment reaches reads the same tone: a lit dark scalp, read as lit by one and as
    dark by the other, got the palest ink of both (norwood4_topdown_037: hazy, lit dark skin)."""
    hair, shaded, lit_l = (60, 50, 45), (132, 90, 89), 62.6
    s = Settings()
    as_read = pigment_for(s, rgb_to_lab(hair), rgb_to_lab(shaded), scalp_l=lit_l)
    lit_skin = rgb_to_lab(shaded)
    lit_skin = (lit_l, lit_skin[1], lit_skin[2])
    as_lit = pigment_for(s, rgb_to_lab(hair), lit_skin)
    assert as_read.dilution == pytest.approx(as_lit.dilution, abs=0.01)
    assert as_read.strength * as_read.reach == pytest.approx(as_lit.strength * as_lit.reach, rel=0.02)
