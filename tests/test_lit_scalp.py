"""Issue 10/8: a density treatment reaches the lit bald top, whose skin is lighter and paler than
the face's (the colour the segmentation reads for the client's skin)."""

from dataclasses import replace

import cv2
import numpy as np
import pytest

from conftest import synthetic_head
from smp_studio.core.analysis.lit_scalp import density_skin_show
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.analysis.scalp import skin_show
from smp_studio.core.analysis.segmentation import from_labels
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings

LIT_TOP = (236, 222, 205)  # a bald top facing the light: pale, a touch of yellow
FACE_SKIN = (187, 150, 132)  # the face in shade: darker, warmer (the same skin, by its hue)


def _lab(rgb):
    return tuple(float(v) for v in cv2.cvtColor(np.float32([[rgb]]) / 255.0, cv2.COLOR_RGB2Lab)[0, 0])


@pytest.fixture
def lit_head():
    img, labels = synthetic_head(size=400, skin=LIT_TOP)
    # The client's skin as the whole head's colour model read it: the face's, not the lit top's.
    seg = replace(from_labels(labels, img), skin_lab=_lab(FACE_SKIN))
    return img, labels, seg


def test_lit_bald_top_shows_skin_against_its_own_colour(lit_head):
    img, labels, seg = lit_head
    scalp = np.hypot(*np.mgrid[0:400, 0:400] - 200.0) < 0.4 * 400
    before, _ = skin_show(img, seg.skin_lab, 2.5)
    show = density_skin_show(img, seg.skin_lab, labels, scalp, 2.5)
    assert before[200, 200] < 0.2  # the face's colour alone: no skin on the lit top
    assert show[200, 200] > 0.8
    assert show[200, 200 + 150] < 0.5  # the hair ring stays hair: its strands are not skin
    assert show[10, 10] < 0.2  # the background is no skin
    # Without bald skin on the scalp there is nothing to read the lit colour from: as before.
    none = density_skin_show(img, seg.skin_lab, np.where(labels == 1, 3, labels).astype(np.uint8), scalp, 2.5)
    assert none[200, 200] < 0.2


def test_density_treatment_inks_a_lit_bald_top(lit_head):
    img, labels, seg = lit_head
    sim = Simulation(Photo.from_array(img), Settings(treatment="density", px_per_mm=2.5), segmentation=seg)
    xy = sim.dots.xy
    on_top = np.hypot(xy[:, 0] - 200, xy[:, 1] - 200) < 0.25 * 400
    area_cm2 = np.pi * (0.25 * 400 / 2.5 / 10) ** 2
    # Dots between hairs thin out near the hair; the open skin gets close to the body density.
    assert on_top.sum() > 0.5 * sim.settings.density_per_cm2 * area_cm2


def test_devdata_a_side_view_s_lit_bald_front_is_inked_and_its_face_is_not(devdata):
    # norwood5_left_017: a bald front seen from the side, lit and paler than the face; the density
    # treatment it opens with found no skin on it (284 impressions, a few on its edge).
    from smp_studio.core.io.opening import open_simulation

    sim = open_simulation(devdata / "scalp_photos" / "norwood5_left_017.jpg").sim
    assert sim.settings.treatment == "density"
    xy = sim.session_dots().xy
    (cx, cy), (a, b) = sim.scalp.skull
    front = sim.scalp.face_dir[0] * (xy[:, 0] - cx) > 0  # the half of the skull toward the face
    assert (front & (xy[:, 1] < cy)).sum() > 600  # the bald front, above the skull's middle
    assert not (xy[:, 1] > cy).any()  # nothing on the face, the ear or the neck


def test_seen_from_behind_only_the_client_s_skin_colour_counts(lit_head):
    # From behind, what the labels call bald skin on the scalp is often lit grey hair at the
    # silhouette or the side of the neck: its colour is no reference, and no dots follow it.
    img, labels, seg = lit_head
    scalp = np.hypot(*np.mgrid[0:400, 0:400] - 200.0) < 0.4 * 400
    show = density_skin_show(img, seg.skin_lab, labels, scalp, 2.5, view="back")
    assert show[200, 200] < 0.2
