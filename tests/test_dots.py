import numpy as np
import pytest
from scipy.spatial import cKDTree

from smp_studio.core.engine import bluenoise
from smp_studio.core.engine.dots import place_dots, transition
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.zones import FAR, Zone


def flat_zone(w=400, h=400, depth=None):
    d = np.full((h, w), FAR, np.float32) if depth is None else depth
    return Zone(np.ones((h, w), np.float32), d, 1.0, None)


def nn_ratio(xy):
    d, _ = cKDTree(xy).query(xy, k=2)
    return d[:, 1]


def test_density_matches_impressions_per_cm2():
    scale = Scale(10.0)  # a 400 px square is 4 x 4 cm = 16 cm²
    for density in (80, 100, 200):
        d = place_dots(flat_zone(), Settings(density_per_cm2=density), scale, rng=1)
        assert len(d) / 16 == pytest.approx(density, rel=0.08)


def test_positions_are_blue_noise_not_clumpy_random():
    s = Settings(density_per_cm2=100, position_jitter=0.0)
    d = place_dots(flat_zone(), s, Scale(10.0), rng=2)
    spacing = 1 / np.sqrt(len(d) / (400 * 400))
    nn = nn_ratio(d.xy) / spacing
    rnd = np.random.default_rng(0).random((len(d), 2)) * 400
    nn_rnd = nn_ratio(rnd) / spacing
    assert nn.min() > 0.5  # no two impressions nearly on top of each other
    assert np.percentile(nn, 5) > 3 * np.percentile(nn_rnd, 5)


def test_every_prefix_of_the_tile_ranking_is_even():
    t = bluenoise.tile()
    for f in (0.1, 0.3, 0.55, 1.0):
        p = t[t[:, 2] < f, :2]
        P = np.vstack([p + (dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)])
        dd, _ = cKDTree(P).query(p, k=2)
        assert dd[:, 1].min() / np.sqrt(1 / len(p)) > 0.45, f


def test_same_seed_same_layout_new_seed_new_layout():
    s = Settings(seed=5)
    a = place_dots(flat_zone(), s, Scale(10.0))
    b = place_dots(flat_zone(), s, Scale(10.0))
    c = place_dots(flat_zone(), s.with_(seed=6), Scale(10.0))
    assert np.array_equal(a.xy, b.xy) and np.array_equal(a.size_mm, b.size_mm)
    assert len(a) != len(c) or not np.allclose(a.xy, c.xy)


def test_hairline_transition_sparser_finer_lighter_with_scatter_ahead():
    h, w = 600, 400
    yy = np.mgrid[0:h, 0:w][0].astype(np.float32)
    depth = (300 - yy) / 10.0  # mm behind a horizontal line at y=300 (face is down)
    s = Settings(density_per_cm2=120)
    d = place_dots(flat_zone(w, h, depth), s, Scale(10.0), rng=3)
    body = d.depth_mm > s.transition_mm
    front = (d.depth_mm >= 0) & (d.depth_mm < s.transition_mm / 3)
    ahead = d.depth_mm < 0
    per_area = lambda m, lo, hi: m.sum() / ((hi - lo) * 10 * w)  # noqa: E731
    assert per_area(front, 0, s.transition_mm / 3) < 0.7 * per_area(body, s.transition_mm, 30)
    assert d.size_mm[front].mean() < d.size_mm[body].mean()
    assert d.opacity[front].mean() < d.opacity[body].mean()
    assert 0 < ahead.sum() < 0.2 * front.sum()  # a few single dots ahead of the line
    assert d.depth_mm.min() >= -s.scatter_mm - 0.5


def test_sessions_are_nested_denser_and_start_higher():
    h, w = 600, 400
    depth = (300 - np.mgrid[0:h, 0:w][0].astype(np.float32)) / 10.0
    s = Settings()
    d = place_dots(flat_zone(w, h, depth), s, Scale(10.0), rng=4)
    s1, s2, s3 = (d.for_session(s.with_(session=k)) for k in (1, 2, 3))
    assert len(s1) < len(s2) < len(s3) == len(d)
    keys = lambda x: set(map(tuple, x.xy.round(3)))  # noqa: E731
    assert keys(s1) <= keys(s2) <= keys(s3)
    assert s1.depth_mm.min() >= s.hairline_offset_mm  # session 1 starts higher
    assert s3.depth_mm.min() < 0


def test_density_mode_never_lands_on_a_hair_strand():
    rng = np.random.default_rng(0)
    img = np.full((300, 300, 3), 200, np.uint8)
    strands = np.zeros((300, 300), bool)
    for x in range(5, 300, 9):
        img[:, x : x + 2] = 40  # dark hairs 2 px wide
        strands[:, x : x + 2] = True
    z = Zone(np.ones((300, 300), np.float32), np.full((300, 300), FAR, np.float32), 1.0, None, avoid_hair=True)
    d = place_dots(z, Settings(treatment="density", position_jitter=0), Scale(10.0), photo_rgb=img, rng=rng)
    assert len(d) > 100
    xi, yi = np.round(d.xy[:, 0]).astype(int).clip(0, 299), np.round(d.xy[:, 1]).astype(int).clip(0, 299)
    assert not strands[yi, xi].any()


def test_transition_factors_at_the_line_and_deep_behind():
    s = Settings()
    f = transition(np.array([0.0, 100.0, -1.0, -50.0]), s)
    assert f["density"][0] == pytest.approx(s.hairline_density)
    assert f["density"][1] == pytest.approx(1.0)
    assert 0 < f["density"][2] < s.scatter_density + 1e-6
    assert f["density"][3] == 0


def test_where_the_zone_fades_out_its_dots_are_finer_and_lighter_not_a_dotted_rim():
    """A nape or the end of a blend into the fringe fades out as a hairline does: fewer dots, and the
    last ones smaller and paler than the body's (sparse dots at full strength read as a rim)."""
    w = 600
    ramp = np.tile(np.clip(np.linspace(1.6, -0.2, w, dtype=np.float32), 0, 1), (600, 1))
    zone = Zone(ramp, np.full((600, w), FAR, np.float32), 1.0, None)
    d = place_dots(zone, Settings(density_per_cm2=120), Scale(10.0), rng=3)
    x = d.xy[:, 0]
    body, rim = x < 0.3 * w, (x > 0.75 * w) & (x < 0.86 * w)  # weight 1, and weight ~0.05-0.25
    assert rim.sum() > 20
    assert np.median(d.opacity[rim]) < 0.9 * np.median(d.opacity[body])
    assert np.median(d.size_mm[rim]) < 0.93 * np.median(d.size_mm[body])
