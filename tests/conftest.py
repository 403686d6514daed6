import os
import sys
from pathlib import Path

# Before anything can import Qt: every test runs headless.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVDATA = Path(os.environ.get("SMP_DEVDATA", ROOT.parent / "shared" / "devdata"))  # a worktree may sit elsewhere
SAMPLES = ROOT / "sample_photos"


@pytest.fixture
def samples_dir():
    return SAMPLES


@pytest.fixture
def devdata():
    if not DEVDATA.is_dir():
        pytest.skip("../shared/devdata is not present on this machine")
    return DEVDATA


def synthetic_head(size=400, *, skin=(214, 168, 140), hair=(45, 35, 30), bg=(70, 95, 140),
                   bald_radius=0.28, seed=0):
    """A top-down 'head': a disc of skin, a ring of textured hair, known masks.

    Returns the RGB image and the true labels (0 background, 1 bald, 3 hair).
    """
    rng = np.random.default_rng(seed)
    h = w = size
    yy, xx = np.mgrid[0:h, 0:w]
    r = np.hypot(xx - w / 2, yy - h / 2) / size
    img = np.empty((h, w, 3), np.float32)
    img[:] = bg
    head = r < 0.42
    bald = r < bald_radius
    img[head] = skin
    # Hair: many thin dark strands over the ring, which is what hair looks like up close.
    ring = head & ~bald
    strands = np.zeros((h, w), np.float32)
    import cv2

    for _ in range(size * 12):
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        ang = rng.uniform(0, np.pi)
        ln = rng.uniform(4, 14) * size / 400
        x1, y1 = x0 + ln * np.cos(ang), y0 + ln * np.sin(ang)
        cv2.line(strands, (int(x0), int(y0)), (int(x1), int(y1)), 1.0, 1)
    strands = np.clip(strands + 0.35, 0, 1) * ring
    img = img * (1 - strands[..., None]) + np.array(hair, np.float32) * strands[..., None]
    img += rng.normal(0, 2.0, img.shape)
    labels = np.zeros((h, w), np.uint8)
    labels[head] = 3
    labels[bald] = 1
    return np.clip(img, 0, 255).astype(np.uint8), labels


def treated_darkening(sim, after):
    """How much ``after`` darkens the treated bare scalp (L* units, float32, photo size), and where that
    is judged: bare skin fully in the zone, well behind the hairline's transition and 3 mm in from any
    edge of it (bool). Asserts there is enough of it to judge."""
    import cv2

    px = sim.scale.px_per_mm
    H, W = after.shape[:2]
    weight = cv2.resize(sim.zone.weight, (W, H), interpolation=cv2.INTER_LINEAR)
    depth = cv2.resize(sim.zone.depth_mm, (W, H), interpolation=cv2.INTER_LINEAR)
    bare = np.clip(sim.segmentation.hair_density, 0, 1) < 0.05
    inner = ((weight > 0.95) & (depth > sim.settings.transition_mm + 2) & bare).astype(np.uint8)
    inner = cv2.erode(inner, np.ones((int(6 * px) | 1,) * 2, np.uint8)) > 0
    assert inner.sum() > 2000  # enough treated bare scalp to judge
    lightness = lambda rgb: cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0].astype(np.float32) * (100.0 / 255.0)  # noqa: E731
    return lightness(sim.photo.rgb) - lightness(after), inner


sys.modules.setdefault("smp_test_helpers", sys.modules[__name__])
