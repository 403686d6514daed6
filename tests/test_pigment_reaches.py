"""Bald scalp the defaults used to leave bare: the front template on a photo squashed in height
(a portrait stretched to a square) put the hairline high on the bald top."""

import dataclasses

import cv2
import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.segmentation import BACKGROUND
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings


def _hairline_share(photo):
    """How far up from the glabella toward the head's top the default front hairline's midpoint sits."""
    sim = Simulation(photo, Settings(view="front"))
    mid = sim.hairline.points[len(sim.hairline.points) // 2]
    top = np.flatnonzero(sim.segmentation.labels[:, int(mid[0])] != BACKGROUND)[0]
    g = sim.face.glabella
    return (g[1] - mid[1]) / (g[1] - top), len(sim.dots)


def test_front_template_keeps_its_place_on_a_photo_squashed_in_height(samples_dir):
    # A portrait photo stretched to a square squashes the face: the face mesh reads it as bent
    # down, a forehead turned to the camera, and put the hairline high up the bald top.
    photo = load_photo(samples_dir / "front-norwood4-hairline.jpg")
    squashed = dataclasses.replace(photo, rgb=cv2.resize(photo.rgb, (photo.width, int(0.8 * photo.height)),
                                                         interpolation=cv2.INTER_AREA))
    share, _ = _hairline_share(photo)
    squashed_share, _ = _hairline_share(squashed)
    assert abs(squashed_share - share) < 0.05
