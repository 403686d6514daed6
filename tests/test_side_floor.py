"""Issue 10/8: seen from the side, the scalp ends at the ear's top (found from the face detector's
ear mark), not at a level line high above it; and never on the ear, however high it sits."""

import numpy as np

from test_scalp import SKIN, _canvas, _on, _paint
from smp_studio.core.analysis import scalp as scalp_module
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.scalp import SIDE_FLOOR
from smp_studio.core.analysis.segmentation import from_labels
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings

SIZE = 400
CX, CY, A, B = 0.52 * SIZE, 0.45 * SIZE, 0.36 * SIZE, 0.32 * SIZE


def _bald_profile(ear_mark, monkeypatch):
    """A shaved head seen from its left side (face to the left, no fringe left), its ear behind
    the mark ``(x, y)`` the face detector is made to give; the simulation and the ear's mask."""
    rng = np.random.default_rng(4)
    img, labels, yy, xx = _canvas(SIZE)
    skull = ((xx - CX) / A) ** 2 + ((yy - CY) / B) ** 2 <= 1
    neck = (xx > CX - 0.05 * SIZE) & (xx < CX + 0.2 * SIZE) & (yy > CY)
    _paint(img, labels, skull | neck, SKIN, 1, rng)
    tx, ty = ear_mark
    # The ear: about 0.65 skull half-lengths tall, reaching 0.35 behind the mark, its top 0.35 above it.
    ear = ((xx - tx - 0.15 * A) / (0.18 * A)) ** 2 + ((yy - ty + 0.02 * A) / (0.33 * A)) ** 2 <= 1
    _paint(img, labels, ear, (205, 140, 125), 1, rng)

    def mark(small, sgn, cx, cy, a, b):
        f = small.shape[1] / SIZE
        return (tx * f, ty * f) if sgn < 0 else None

    monkeypatch.setattr(scalp_module, "profile_ear", mark)
    sim = Simulation(Photo.from_array(img), Settings(view="left", px_per_mm=2.0), segmentation=from_labels(labels, img))
    return sim, ear, yy, xx


def test_the_scalp_behind_a_low_ear_is_inked_below_the_level_line(monkeypatch):
    sim, ear, yy, xx = _bald_profile((CX, CY + 0.2 * B), monkeypatch)
    (cx, cy), (a, b) = sim.scalp.skull
    level = cy - SIDE_FLOOR * b
    behind = (xx > CX + 0.85 * A) & (yy > level + 5) & (yy < CY + 0.05 * B)  # bare skin behind the ear
    dots = sim.dots
    assert _on(dots, behind) > 100
    assert _on(dots, ear) == 0


def test_an_ear_above_the_level_line_gets_no_pigment(monkeypatch):
    # A head tilted back raises the ear: its top lies above where a level line would end the scalp.
    sim, ear, yy, xx = _bald_profile((CX, CY - 0.15 * B), monkeypatch)
    (cx, cy), (a, b) = sim.scalp.skull
    assert (yy[ear] < cy - SIDE_FLOOR * b).sum() > 50  # some of the ear is above that line
    dots = sim.dots
    assert _on(dots, ear) == 0
    assert _on(dots, yy < cy - 0.6 * b) > 300  # the top is treated


def test_without_an_ear_mark_the_level_line_ends_the_side_scalp(monkeypatch):
    sim, ear, yy, xx = _bald_profile((CX, CY + 0.2 * B), monkeypatch)
    monkeypatch.setattr(scalp_module, "profile_ear", lambda *args: None)
    sim = Simulation(sim.photo, sim.settings, segmentation=sim.segmentation)
    (cx, cy), (a, b) = sim.scalp.skull
    xy = sim.dots.xy
    assert len(xy) > 300 and xy[:, 1].max() < cy - SIDE_FLOOR * b
