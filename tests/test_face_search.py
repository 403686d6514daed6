"""The face search's shortcuts (opening a photo waits on it) give what the long way gave."""

import cv2
import numpy as np
import pytest

from smp_studio.core.analysis import face as F
from smp_studio.core.analysis import face_checks
from smp_studio.core.analysis import face_models as fm


@pytest.mark.parametrize("size", [(750, 1000), (1000, 750), (640, 640), (333, 1021), (97, 61)])
@pytest.mark.parametrize("stretch", F.STRETCHES)
def test_the_detectors_padded_view_is_the_padded_copy_shrunk(size, stretch):
    rng = np.random.default_rng(size[0] + int(stretch * 10))
    small = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    img = cv2.resize(small, None, fx=1.0, fy=stretch, interpolation=cv2.INTER_LINEAR) if stretch != 1 else small
    padded = cv2.copyMakeBorder(img, 0, img.shape[0] // 2, 0, 0, cv2.BORDER_CONSTANT, value=0)
    k = min(1.0, F.DETECT_SIZE / max(padded.shape[:2]))
    whole = cv2.resize(padded, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1 else padded
    got = fm.shrunk_padded(img, padded.shape[:2], k)
    assert got.shape == whole.shape and np.array_equal(got, whole)


def test_the_eyes_percentile_is_numpys_to_the_last_bit():
    rng = np.random.default_rng(3)
    for _ in range(3000):
        h, w = rng.integers(1, 30, 2)
        patch = rng.integers(0, 256, (h, w), dtype=np.uint8) // rng.integers(1, 80)
        for q in (face_checks.EYE_PERCENTILE, 50):
            assert fm.percentile(patch, q) == float(np.percentile(patch, q))
