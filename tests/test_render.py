import cv2
import numpy as np
import pytest

from conftest import synthetic_head
from smp_studio.core.engine.dots import place_dots
from smp_studio.core.analysis.photo import Photo, load_photo
from smp_studio.core.engine.pigment import Pigment, choose_dilution, pigment_for
from smp_studio.core.engine.render import View, render
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.engine.zones import FAR, Zone

SKIN = (205, 160, 135)


def skin_image(h=300, w=300, seed=0):
    rng = np.random.default_rng(seed)
    img = np.empty((h, w, 3), np.float32)
    img[:] = SKIN
    img += cv2.GaussianBlur(rng.normal(0, 6, (h, w)).astype(np.float32), (0, 0), 1.0)[..., None]  # pores
    return np.clip(img, 0, 255).astype(np.uint8)


def dots_on(w, h, box, settings, scale):
    weight = np.zeros((h, w), np.float32)
    x0, y0, x1, y1 = box
    weight[y0:y1, x0:x1] = 1
    return place_dots(Zone(weight, np.full((h, w), FAR, np.float32), 1.0, None), settings, scale, rng=1)


def pig(dilution=0.1):
    return Pigment((44, 46, 53), dilution, (40, 32, 28), SKIN)


def test_dots_darken_only_the_zone():
    img = skin_image()
    s, sc = Settings(), Scale(6.0)
    d = dots_on(300, 300, (100, 100, 200, 200), s, sc)
    out = render(img, d, pigment=pig(), settings=s, scale=sc)
    inside = out[110:190, 110:190].astype(float).mean() - img[110:190, 110:190].astype(float).mean()
    assert inside < -6
    assert np.array_equal(out[:80], img[:80])  # far outside: untouched
    assert np.array_equal(render(img, d.subset(np.zeros(len(d), bool)), pigment=pig(), settings=s, scale=sc), img)


def test_skin_texture_shows_through_the_pigment():
    img = skin_image(seed=3)
    s, sc = Settings(density_per_cm2=200), Scale(6.0)
    d = dots_on(300, 300, (0, 0, 300, 300), s, sc)
    out = render(img, d, pigment=pig(), settings=s, scale=sc)
    g0 = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(float)
    g1 = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(float)
    hp0 = g0 - cv2.GaussianBlur(g0, (0, 0), 3)
    hp1 = g1 - cv2.GaussianBlur(g1, (0, 0), 3)
    dots_only = cv2.GaussianBlur(g1 - g0, (0, 0), 0.01)
    # the pores are still there (correlated) though dots add their own detail
    c = np.corrcoef(hp0.ravel(), (hp1 - (dots_only - cv2.GaussianBlur(dots_only, (0, 0), 3))).ravel())[0, 1]
    assert c > 0.8


def test_specular_shine_stays_on_top_of_the_pigment():
    img = skin_image().astype(np.float32)
    yy, xx = np.mgrid[0:300, 0:300]
    spot = np.exp(-((xx - 150) ** 2 + (yy - 150) ** 2) / (2 * 12.0**2))
    img = np.clip(img + 200 * spot[..., None], 0, 255).astype(np.uint8)  # a white highlight
    s, sc = Settings(density_per_cm2=200), Scale(6.0)
    d = dots_on(300, 300, (0, 0, 300, 300), s, sc)
    out = render(img, d, pigment=pig(), settings=s, scale=sc)
    core_before = img[145:155, 145:155].astype(float).mean()
    core_after = out[145:155, 145:155].astype(float).mean()
    skin_drop = img[20:80, 20:80].astype(float).mean() - out[20:80, 20:80].astype(float).mean()
    assert core_before - core_after < 0.5 * skin_drop  # the highlight barely dims
    assert core_after > 235  # (the skin around it darkens by about 15 levels)


def test_preview_matches_full_resolution_at_the_same_magnification():
    img, _ = synthetic_head(size=600)
    sim = Simulation(Photo.from_array(img), Settings(seed=2))
    full = sim.render()
    q = 0.25
    preview = sim.render(View(0, 0, q), (150, 150))
    shrunk = cv2.resize(full, (150, 150), interpolation=cv2.INTER_AREA)
    diff = np.abs(preview.astype(float) - shrunk.astype(float))
    assert diff.mean() < 2.0 and np.percentile(diff, 99) < 12
    before = cv2.resize(img, (150, 150), interpolation=cv2.INTER_AREA).astype(float)
    # The same change to the photo on average (shaving lightens, pigment darkens).
    assert abs((before - preview).mean() - (before - shrunk).mean()) < 0.5


def test_cropped_view_at_100_percent_equals_the_export_crop():
    img, _ = synthetic_head(size=400)
    sim = Simulation(Photo.from_array(img), Settings(seed=4))
    full = sim.render()
    crop = sim.render(View(120, 90, 1.0), (160, 120))
    diff = np.abs(crop.astype(int) - full[90:210, 120:280].astype(int))
    assert diff[4:-4, 4:-4].max() <= 2  # identical but for rounding
    assert diff.mean() < 0.2  # the very edge may differ where strand detection meets the border


def test_states_fresh_darker_redder_aged_lighter_cooler():
    photo = load_photo("sample_photos/topdown-norwood7-fair-skin.jpg")
    sim = Simulation(photo, Settings(seed=1, shave_preview="off"))
    zone = sim.zone.weight > 0.5
    m = cv2.resize(zone.astype(np.uint8), photo.size, interpolation=cv2.INTER_NEAREST).astype(bool)
    before = photo.rgb[m].astype(float).mean(0)
    healed = sim.render()[m].astype(float).mean(0)
    fresh = sim.render(state="fresh")[m].astype(float).mean(0)
    aged = sim.render(state="aged", aged_years=10)[m].astype(float).mean(0)
    s1 = sim.render(session=1)[m].astype(float).mean(0)
    assert fresh.sum() < healed.sum() < aged.sum() < before.sum()
    assert (fresh[0] - fresh[1]) > (healed[0] - healed[1])  # redder
    # Aged pigment lets more blue through: of what it takes away, less is blue.
    took_healed, took_aged = before - healed, before - aged
    assert took_aged[2] / took_aged[0] < took_healed[2] / took_healed[0]
    assert s1.sum() > healed.sum()  # session 1 is lighter than the finished result


def test_no_pigment_where_dense_hair_hides_the_skin():
    img = skin_image()
    s, sc = Settings(), Scale(6.0)
    d = dots_on(300, 300, (0, 0, 300, 300), s, sc)
    vis = np.ones((300, 300), np.float32)
    vis[:, 150:] = 0
    out = render(img, d, pigment=pig(), settings=s, scale=sc, visibility=vis, occlusion=False)
    assert np.array_equal(out[:, 160:], img[:, 160:])
    assert (out[:, :140] != img[:, :140]).any()


def test_dilution_follows_hair_colour_and_skin():
    fair = (225, 185, 165)
    assert choose_dilution((30, 25, 22), fair) < choose_dilution((110, 85, 60), fair) < choose_dilution((190, 188, 185), fair)
    assert choose_dilution((110, 85, 60), (95, 65, 50)) < choose_dilution((110, 85, 60), fair)  # darker skin: stronger
    p = pigment_for(Settings(hair_color="#202020", dilution=0.4), None, None)
    assert p.dilution == 0.4 and p.hair_rgb == (32, 32, 32)


def test_same_seed_renders_identically_new_seed_differs():
    img, _ = synthetic_head(size=300)
    ph = Photo.from_array(img)
    a = Simulation(ph, Settings(seed=9)).render()
    b = Simulation(ph, Settings(seed=9)).render()
    c = Simulation(ph, Settings(seed=10)).render()
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_render_only_changes_keep_the_layout():
    """A new state or session shows the same impressions (a subset of them), never a new layout."""
    img, _ = synthetic_head(size=300)
    sim = Simulation(Photo.from_array(img), Settings(seed=1))
    dots = sim.dots
    sim.update(state="fresh", session=2)
    np.testing.assert_array_equal(sim.dots.xy, dots.xy)
    early = sim.session_dots()
    assert 0 < len(early) < len(dots) and np.isin(early.xy[:, 0], dots.xy[:, 0]).all()
    sim.update(density_per_cm2=150)
    assert len(sim.dots) > 1.3 * len(dots)


def test_any_change_through_update_renders_as_a_fresh_simulation_would():
    """What the studio shows after edits is what a saved project re-renders from scratch."""
    img, _ = synthetic_head(size=300)
    ph = Photo.from_array(img)
    sim = Simulation(ph, Settings(seed=1))
    sim.render()
    for change in ({"seed": 5}, {"transition_mm": 3.0}, {"macro_irregularity_mm": 3.0}, {"density_per_cm2": 160},
                   {"treatment": "hairline"}):
        sim.update(**change)
        fresh = Simulation(ph, sim.settings, hairline=sim.hairline)
        assert np.array_equal(sim.render(), fresh.render()), change


def test_pixels_without_pigment_come_out_exactly_as_they_went_in():
    # White wall, glare and a blown-out patch inside the dots' bounding box.
    img = skin_image()
    img[:, :60] = 250  # a white wall
    img[120:180, 120:180] = 255  # blown-out glare on the dome
    yy, xx = np.mgrid[0:300, 0:300]
    glare = np.exp(-((xx - 230) ** 2 + (yy - 80) ** 2) / (2 * 15.0**2))
    img = np.clip(img.astype(np.float32) + 90 * glare[..., None], 0, 255).astype(np.uint8)
    s, sc = Settings(density_per_cm2=20), Scale(6.0)
    d = dots_on(300, 300, (20, 20, 280, 280), s, sc)
    out = render(img, d, pigment=pig(), settings=s, scale=sc)
    # Footprints: where a dot's ink can still change a byte (a few radii of its largest size,
    # or three widths of the faint spread around it).
    foot = np.zeros((300, 300), np.uint8)
    rad = int(np.ceil(max(2.5 * float(d.size_mm.max()), 3 * s.spread_mm) * sc.px_per_mm)) + 3
    for x, y in d.xy:
        cv2.circle(foot, (int(round(x)), int(round(y))), rad, 1, -1)
    assert foot.mean() < 0.9  # there is bare skin between the footprints to check
    assert np.array_equal(out[foot == 0], img[foot == 0])
    assert (out.astype(int) <= img.astype(int)).all()  # pigment only ever darkens
    assert (out[120:180, 120:180] < 255).any()  # and the blown-out crown still shows dots
