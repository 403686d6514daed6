"""Opening a large photo: a quick first look, then the full simulation, which agree."""

import cv2
import numpy as np
import pytest

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.io.opening import FIRST_LOOK_PIXELS, open_first_look, open_progressively


@pytest.fixture
def big_front(tmp_path, samples_dir):
    """The front sample as a 2 MP phone photo."""
    rgb = load_photo(samples_dir / "front-norwood4-hairline.jpg").rgb
    big = cv2.resize(rgb, (1500, 1500), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "front-big.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
    return path


def test_a_large_photo_shows_a_first_look_before_the_full_result_and_they_agree(big_front):
    shown = []
    opened = open_progressively(big_front, box=(800, 600), show=shown.append)
    assert len(shown) == 1  # one first look, before the full simulation
    first = shown[0]
    assert first.dtype == np.uint8 and first.shape[1] <= 800 and first.shape[0] <= 600
    sim = opened.sim
    assert sim.photo.size == (1500, 1500) and sim.settings.view == "front"
    # The first look is the same design, coarser: the same head, the same pigment where the full one has it.
    full = cv2.resize(sim.render(), (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    before = cv2.resize(sim.photo.rgb, (first.shape[1], first.shape[0]), interpolation=cv2.INTER_AREA)
    inked_full = (before.astype(int) - full.astype(int)).sum(2) > 12
    inked_first = (before.astype(int) - first.astype(int)).sum(2) > 12
    assert inked_full.mean() > 0.02
    both = (inked_full & inked_first).sum() / max((inked_full | inked_first).sum(), 1)
    assert both > 0.5, f"the first look's pigment overlaps the full result's by only {both:.0%}"


def test_the_first_looks_face_carries_over_to_the_full_photo(big_front):
    first = open_first_look(big_front)
    assert first is not None and first.sim.photo.width * first.sim.photo.height <= FIRST_LOOK_PIXELS
    assert first.view_guess.face is not None
    full = open_progressively(big_front, box=(800, 600))
    # The full simulation's face is the first look's, moved to full-size pixels.
    k = full.sim.photo.width / first.sim.photo.width
    assert np.allclose(full.sim.face.glabella, first.view_guess.face.glabella * k)


def test_a_small_photo_opens_at_once_without_a_first_look(samples_dir):
    shown = []
    opened = open_progressively(samples_dir / "topdown-norwood6-shaved-look.jpg", show=shown.append)
    assert shown == [] and opened.sim.photo.size == load_photo(samples_dir / "topdown-norwood6-shaved-look.jpg").size
