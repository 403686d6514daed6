"""Clipped hair keeps its own cast: ash hair clipped is not turned brown by the tan skin beside it."""

import cv2
import numpy as np

from smp_studio.core.engine.shave import shave
from smp_studio.core.model.scale import Scale

TAN = (190, 130, 95)  # the bald skin and neck the fill learns the skin from


def _clipped_b(hair_rgb):
    """Lab b* (yellow-blue) of a clipped patch of dense ``hair_rgb`` hair beside tan bald skin, and of the photo there."""
    rng = np.random.default_rng(2)
    img = np.full((200, 200, 3), TAN, np.float32)
    img[:, :120] = hair_rgb
    img = np.clip(img + rng.normal(0, 3, (200, 200, 1)), 0, 255).astype(np.uint8)
    reg = np.zeros((200, 200), np.float32)
    reg[:, :110] = 1
    out = shave(img, reg, Scale(4.0), guard_mm=0.5, hair_rgb=hair_rgb, follicles=np.full((50, 50), 0.4))
    clipped = np.s_[20:180, 10:90]

    def b(a):
        return float(cv2.cvtColor(np.ascontiguousarray(a), cv2.COLOR_RGB2LAB)[..., 2].mean()) - 128.0

    return b(out[clipped]), b(img[clipped]), b(img[:, 150:])


def test_ash_hair_clipped_stays_ash_not_the_tan_of_the_skin_beside_it():
    clipped, hair, skin = _clipped_b((118, 118, 124))
    assert clipped < hair + 0.18 * (skin - hair)  # nearer the ash hair's cast than the tan's


def test_brown_hair_clipped_stays_warmer_than_ash_hair_clipped():
    assert _clipped_b((95, 70, 50))[0] > _clipped_b((118, 118, 124))[0] + 4
