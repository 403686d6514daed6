"""The design model: immutable designs, whole-snapshot history, stages cached on what they read."""

import numpy as np
import pytest

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.engine.render import View
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.design import NO_EDIT, Design
from smp_studio.core.model.history import History
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.settings import Settings


@pytest.fixture(scope="module")
def front():
    from smp_studio.resources import sample_photo

    return load_photo(sample_photo("front-norwood4-hairline.jpg"))


def test_undo_restores_every_part_of_the_design():
    d0 = Design()
    h = History(d0)
    layer = Layer((50, 60), np.uint8, NO_EDIT).painted(np.s_[5:9, 5:9], 3)
    steps = [lambda d: d.with_settings(density_per_cm2=150.0), lambda d: d.with_layer("edits", layer),
             lambda d: d.with_region(1, 2, 30, 40), lambda d: d.with_(mirror=True), lambda d: d.with_(notes="soft")]
    seen = [d0]
    for f in steps:
        assert h.push(f(h.present), "step")
        seen.append(h.present)
    for expected in reversed(seen[:-1]):
        assert h.undo() is expected
    assert not h.can_undo and h.undo() is None
    for expected in seen[1:]:
        assert h.redo() is expected


def test_a_gesture_is_one_step_and_slider_moves_merge():
    h = History(Design())
    h.begin()
    for v in (110.0, 120.0, 130.0):
        h.preview(h.present.with_settings(density_per_cm2=v))
    assert h.end("Drag") and h.undo_steps == 1
    key = object()
    for v in (140.0, 150.0):
        h.push(h.present.with_settings(density_per_cm2=v), "Slide", merge=key)
    assert h.undo_steps == 2
    assert h.undo().settings.density_per_cm2 == 130.0
    h.mark_clean()
    assert h.is_clean
    h.push(h.present.with_(notes="x"), "Notes")
    assert not h.is_clean
    h.undo()
    assert h.is_clean


def test_a_new_template_or_view_replaces_a_drawn_hairline_and_undo_brings_it_back(front):
    sim = Simulation(front, Settings(view="front"))
    drawn = sim.hairline.move_point(2, sim.hairline.points[2] + (0, 40))
    h = History(sim.design.with_hairline(drawn))
    h.push(h.present.with_template("juvenile"), "Template")
    sim.design = h.present
    assert not np.allclose(sim.hairline.points[:3], drawn.points[:3])
    sim.design = h.undo()
    np.testing.assert_array_equal(sim.hairline.points, drawn.points)


def test_stages_rerun_only_for_what_a_change_reads(front):
    sim = Simulation(front, Settings(view="front", seed=2))
    view, size = View(0, 0, 0.5), (320, 320)
    sim.render(view, size)
    runs = {k: sim.stage_runs(k) for k in ("detection", "zone_maps", "zone", "dots", "pigment", "look", "shaved", "view",
                                           "view skin")}
    sim.update(state="fresh")  # render only
    sim.render(view, size)
    assert {k: sim.stage_runs(k) for k in runs} == runs
    sim.update(density_per_cm2=150.0)  # the dots, not the zone
    sim.render(view, size)
    assert sim.stage_runs("dots") == runs["dots"] + 1 and sim.stage_runs("zone") == runs["zone"]
    h = sim.hairline
    sim.set_hairline(h.move_point(2, h.points[2] + (0, 10)))  # the zone and dots, not the resampled maps
    sim.render(view, size)
    assert sim.stage_runs("zone") == runs["zone"] + 1 and sim.stage_runs("zone_maps") == runs["zone_maps"]
    assert sim.stage_runs("detection") == 1


def test_a_hairline_edit_moves_only_the_dots_near_the_line(front):
    sim = Simulation(front, Settings(view="front", seed=4))
    before = sim.dots
    h = sim.hairline
    mid = len(h.points) // 2
    sim.set_hairline(h.move_point(mid, h.points[mid] + (0, 25)))
    after = sim.dots
    x0, y0, x1, y1 = sim.changed_box(sim.design.with_hairline(h))
    out_b = ~((before.xy[:, 0] > x0) & (before.xy[:, 0] < x1) & (before.xy[:, 1] > y0) & (before.xy[:, 1] < y1))
    out_a = ~((after.xy[:, 0] > x0) & (after.xy[:, 0] < x1) & (after.xy[:, 1] > y0) & (after.xy[:, 1] < y1))
    assert out_b.sum() > 500
    np.testing.assert_array_equal(before.xy[out_b], after.xy[out_a])
    np.testing.assert_array_equal(before.size_mm[out_b], after.size_mm[out_a])


@pytest.mark.parametrize("treatment", ["full", "hairline", "density"])
def test_a_dragged_line_gives_the_zone_and_dots_of_a_fresh_start(front, treatment):
    """Each mouse move updates the zone and the dots near the line; after many the design is the same
    as opening it afresh (no drift, no dot lost or doubled)."""
    sim = Simulation(front, Settings(view="front", seed=6, treatment=treatment))
    sim.dots
    h = sim.hairline
    rng = np.random.default_rng(1)
    for k in range(8):
        i = int(rng.integers(1, len(h.points) - 1))
        h = h.move_point(i, h.points[i] + rng.normal(0, 20, 2))
        sim.set_hairline(h)
        zone, dots = sim.zone, sim.dots
        assert zone.patch is not None  # updated, not started again
    fresh = Simulation(front, design=sim.design)
    fresh.face = sim.face
    np.testing.assert_allclose(zone.depth_mm, fresh.zone.depth_mm, atol=1e-4)
    np.testing.assert_allclose(zone.weight, fresh.zone.weight, atol=1e-6)
    np.testing.assert_array_equal(dots.xy, fresh.dots.xy)
    np.testing.assert_allclose(dots.opacity, fresh.dots.opacity, atol=1e-5)
    np.testing.assert_allclose(dots.shape, fresh.dots.shape, atol=1e-5)  # sampled in other batches: to the last bit
    # The soft spread's ink, evened out among neighbours, is patched alike (else it would fall back to each dot's own).
    assert (dots.spread_opacity is None) == (fresh.dots.spread_opacity is None)
    if fresh.dots.spread_opacity is not None:
        np.testing.assert_allclose(dots.spread_opacity, fresh.dots.spread_opacity, atol=1e-5)
    assert sim.figures().impressions == fresh.figures().impressions
    # A setting changed after the drag still reaches the zone it updated.
    sim.update(transition_mm=sim.settings.transition_mm + 6.0)
    fresh = Simulation(front, design=sim.design)
    fresh.face = sim.face
    np.testing.assert_allclose(sim.zone.depth_mm, fresh.zone.depth_mm, atol=1e-4)
    assert sim.figures().impressions == fresh.figures().impressions


def test_rendering_only_the_changed_region_equals_a_whole_render(front):
    sim = Simulation(front, Settings(view="front", seed=5))
    view, size = View(10, 20, 0.8), (480, 460)
    first = sim.render(view, size)
    old = sim.design
    h = sim.hairline
    sim.set_hairline(h.move_point(3, h.points[3] + (8, 30)))
    box = sim.changed_box(old)
    assert box is not None
    (x0, y0), (x1, y1) = view.to_output(np.array([box[:2], box[2:]]))
    r = (max(int(x0), 0), max(int(y0), 0), min(int(np.ceil(x1)), size[0]), min(int(np.ceil(y1)), size[1]))
    patched = first.copy()
    patched[r[1]:r[3], r[0]:r[2]] = sim.render(view, size, region=r)
    whole = sim.render(view, size)
    assert np.abs(whole.astype(int) - patched.astype(int)).max() <= 1
    assert (whole != first).any()
    # anything but a local hairline edit may change the whole image
    assert sim.changed_box(sim.design.with_settings(density_per_cm2=120.0)) is None
    moved_end = sim.design.with_hairline(sim.hairline.move_point(0, sim.hairline.points[0] + (0, 9)))
    assert Simulation(front, design=moved_end).changed_box(sim.design) is None


def test_layers_share_untouched_tiles_and_compare_by_content():
    a = Layer((1000, 1000), np.uint8, NO_EDIT)
    b = a.painted(np.s_[10:20, 10:20], 1)
    c = b.painted(np.s_[900:910, 900:910], 3)
    assert c._tiles[(0, 0)] is b._tiles[(0, 0)]  # the stroke far away copied nothing here
    assert Layer.from_array(c.array(), NO_EDIT) == c and c != b
    assert int(c.array()[905, 905]) == 3 and int(b.array()[905, 905]) == NO_EDIT
