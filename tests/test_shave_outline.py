"""The clipped head's outline: no pale rim inside it, the background's own texture beyond it."""

import cv2
import numpy as np

from smp_studio.core.engine.shave import shave
from smp_studio.core.model.scale import Scale


def _head(seed=3):
    """A head of dense dark hair (a disc of 45 mm at 4 px/mm) on a pale woven cloth."""
    rng = np.random.default_rng(seed)
    img = np.full((240, 240, 3), 215, np.float32)
    img += 25 * np.sin(np.arange(240) * np.pi / 3)[None, :, None]  # its weave, 6 px a thread
    yy, xx = np.mgrid[:240, :240]
    head = (xx - 120) ** 2 + (yy - 120) ** 2 < 90**2
    img[head] = 45 + rng.normal(0, 8, (int(head.sum()), 1))
    img = np.clip(img, 0, 255).astype(np.uint8)
    region = cv2.GaussianBlur(head.astype(np.float32), (0, 0), 2.0)
    return img, head, region


def _clipped():
    img, head, region = _head()
    out = shave(img, region, Scale(4.0), guard_mm=0.5, hair_rgb=(45, 45, 45), follicles=head.astype(np.float32),
                head_mask=head, skin_rgb=(200, 170, 160))
    inside = cv2.distanceTransform(head.astype(np.uint8), cv2.DIST_L2, 5) / 4.0  # mm
    return cv2.cvtColor(out, cv2.COLOR_RGB2GRAY).astype(float), inside, img


def test_dense_hair_clipped_keeps_its_stubble_shadow_up_to_the_outline():
    # The stubble shadow's follicle density was read with the background's zero beyond the head: it
    # thinned toward the outline, a pale rim of bare skin inside it. Read over the head, it does not.
    from smp_studio.core.engine.stubble import follicle_share

    _, head, _ = _head()
    share = follicle_share(head.astype(np.float32), (240, 240), 4.0, within=head)
    inside = cv2.distanceTransform(head.astype(np.uint8), cv2.DIST_L2, 5) / 4.0
    assert share[(inside > 0) & (inside < 3.0)].mean() > 0.95


def test_the_background_uncovered_past_the_clipped_outline_has_the_backgrounds_texture():
    # Where the long hair stood off the skull, the cloth beyond it shows, with its weave: a smooth fill
    # there read as a pale band round the head.
    g, inside, img = _clipped()
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(float)
    uncovered = (inside > 0.3) & (inside < 1.8) & (np.abs(g - 215) < 60)
    beyond = (inside == 0) & (cv2.distanceTransform((inside == 0).astype(np.uint8), cv2.DIST_L2, 5) > 12)

    def fine(a, m):
        return float(np.abs(a - cv2.GaussianBlur(a, (0, 0), 1.5))[m].mean())

    assert uncovered.sum() > 200
    assert fine(g, uncovered) > 0.6 * fine(gray, beyond)  # (a fill: 0.1)
