"""How a render lays its lobes down, checked against the plain numpy it stands for."""

import cv2
import numpy as np
import pytest

from smp_studio.core.engine import render as render_mod
from smp_studio.core.engine.dots import place_dots
from smp_studio.core.engine.lookup import lookup3, pack3
from smp_studio.core.engine.pigment import Pigment
from smp_studio.core.engine.splat import BINS_PER_OCTAVE, bins
from smp_studio.core.engine.zones import FAR, Zone
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings


@pytest.mark.parametrize("height", [3000, 60000])  # rows and bins in one 16-bit key, and too many for one
def test_lobes_are_grouped_by_width_and_sorted_by_row_keeping_their_order(height):
    rng = np.random.default_rng(5)
    n = 4000
    p = np.column_stack([rng.uniform(0, 500, n), rng.uniform(-20, height, n)]).astype(np.float32)
    sigma = rng.choice([0.5, 0.9, 1.0, 1.5, 2.9, 6.0], n)
    weight = rng.random(n).astype(np.float32)
    got = bins([(p, weight, sigma)])
    rows = np.floor(p[:, 1] + np.float32(0.5)).astype(np.int32)
    which = np.round(np.log2(sigma) * BINS_PER_OCTAVE)
    assert sorted(got) == sorted({float(2.0 ** (k / BINS_PER_OCTAVE)) for k in which})
    for width, groups in got.items():
        (gp, gw, gr), = groups
        mine = np.flatnonzero(which == np.round(np.log2(width) * BINS_PER_OCTAVE))
        order = mine[np.lexsort((mine, rows[mine]))]  # by row, then as they came
        assert np.array_equal(gr, rows[order]) and np.array_equal(gw, weight[order]) and np.array_equal(gp, p[order])


def test_one_width_lobes_are_sorted_by_row_keeping_their_order():
    rng = np.random.default_rng(6)
    p = np.column_stack([rng.uniform(0, 50, 500), rng.integers(0, 40, 500)]).astype(np.float32)
    (gp, _, gr), = bins([(p, np.ones(500, np.float32), np.full(500, 4.0))])[4.0]
    order = np.lexsort((np.arange(500), p[:, 1]))
    assert np.array_equal(gp, p[order]) and np.all(np.diff(gr) >= 0)


def test_three_factors_per_level_are_those_of_opencvs_lookup():
    rng = np.random.default_rng(7)
    table = rng.integers(0, 256, (256, 3), dtype=np.uint8)
    levels = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    want = cv2.LUT(cv2.merge([levels] * 3), table.reshape(1, 256, 3))
    assert np.array_equal(lookup3(levels, pack3(table)), want)


def test_a_render_does_not_depend_on_the_strip_height_or_what_is_worked_out_ahead(monkeypatch):
    rng = np.random.default_rng(8)
    img = np.clip(rng.normal(170, 12, (1400, 1500, 3)), 0, 255).astype(np.uint8)
    s, sc = Settings(density_per_cm2=100), Scale(6.0)
    weight = np.ones((1400, 1500), np.float32)
    d = place_dots(Zone(weight, np.full_like(weight, FAR), 1.0, None), s, sc, rng=2)
    pig = Pigment((44, 46, 53), 0.1, (40, 32, 28), (205, 160, 135))
    assert 1400 * 1500 >= 2_000_000  # rendered in strips side by side
    first = render_mod.render(img, d, pigment=pig, settings=s, scale=sc)
    monkeypatch.setattr(render_mod, "STRIP", 192)
    monkeypatch.setattr(render_mod, "AHEAD_PIXELS", 0)
    again = render_mod.render(img, d, pigment=pig, settings=s, scale=sc)
    diff = np.abs(first.astype(int) - again.astype(int))
    assert (first < img).mean() > 0.3  # there is pigment to compare
    assert diff.max() <= 1 and (diff > 0).mean() < 1e-4  # float rounding at most
