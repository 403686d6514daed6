"""The artist's brush against the automatic scalp: what painting changes, and what it must not."""

import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.design import NO_EDIT
from smp_studio.core.model.layer import Layer
from smp_studio.core.model.settings import Settings


def _painted(sim, box, value):
    x0, y0, x1, y1 = box
    edits = np.full(sim.segmentation.labels.shape, NO_EDIT, np.uint8)
    edits[y0:y1, x0:x1] = value
    sim.design = sim.design.with_layer("edits", Layer.from_array(edits, NO_EDIT))


def test_bald_skin_painted_off_the_skull_moves_no_template_and_no_scale(samples_dir):
    sim = Simulation(load_photo(samples_dir / "topdown-norwood7-fair-skin.jpg"), Settings(view="left"))
    line, scale = sim.hairline.points.copy(), sim.scale.px_per_mm
    room = sim.scalp.resized(sim.segmentation.labels.shape)
    ys, xs = np.nonzero(room < 0.01)
    y, x = int(ys[len(ys) // 2]), int(xs[len(xs) // 2])  # somewhere the scalp was not
    _painted(sim, (max(x - 20, 0), max(y - 20, 0), x + 20, y + 20), 1)
    assert sim.scalp.resized(room.shape)[y, x] > 0.5  # the patch is treatable now
    assert np.abs(sim.hairline.points - line).max() < 1e-6 and sim.scale.px_per_mm == scale


def test_painting_inside_a_soft_nape_keeps_it_soft(samples_dir):
    """A natural nape fades out; bald skin painted where it is already scalp does not make a hard patch."""
    sim = Simulation(load_photo(samples_dir / "back-norwood6-strip-scar.jpg"), Settings(view="back"))
    shape = sim.segmentation.labels.shape
    sc = sim.scalp
    gy, gx = np.nonzero(sc.mask & (sc.fade > 0.2) & (sc.fade < 0.6))  # scalp, in its soft edge
    assert sc.fade is not None and len(gy)
    y, x = int(np.median(gy) / sc.factor), int(np.median(gx) / sc.factor)
    before = sc.resized(shape)[y, x]
    _painted(sim, (x - 8, y - 8, x + 8, y + 8), 2)
    assert abs(sim.scalp.resized(shape)[y, x] - before) < 0.1
