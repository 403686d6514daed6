"""README figures: one before/after pair per treatment type, from the bundled samples.

Each figure: the whole photo before and after (phone size) and a 100 % crop
of treated skin before and after, healed state, default settings.

Usage::

    PYTHONPATH=$PWD python tools/realism_pairs.py docs/
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings
from smp_studio.resources import sample_photo

PAIRS = {
    "full": ("topdown-norwood6-shaved-look.jpg", "topdown"),
    "hairline": ("front-norwood4-hairline.jpg", "front"),
    "crown": ("topdown-norwood7-dark-skin.jpg", "topdown"),
    "density": ("crown-norwood4-diffuse-thinning.jpg", "topdown"),
    "scar": ("back-norwood6-strip-scar.jpg", "back"),
}
#: The strip scar of the back sample, as an artist paints it with the Scar brush (photo pixels).
SCAR_STROKE = [(350, 140), (345, 160), (338, 190), (334, 220), (333, 250), (340, 278)]
SIDE = 300


def crop_box(sim: Simulation, side: int) -> tuple[int, int]:
    """Top-left of the ``side`` square holding the most impressions."""
    H, W = sim.photo.rgb.shape[:2]
    xy = sim.session_dots().xy
    hist = np.zeros((H, W), np.float32)
    ij = np.clip(xy.astype(int), 0, [W - 1, H - 1])
    np.add.at(hist, (ij[:, 1], ij[:, 0]), 1.0)
    count = cv2.blur(hist, (side, side))
    y, x = np.unravel_index(int(np.argmax(count)), count.shape)
    return int(np.clip(x - side // 2, 0, W - side)), int(np.clip(y - side // 2, 0, H - side))


def figure(treatment: str) -> np.ndarray:
    name, view = PAIRS[treatment]
    sim = Simulation(load_photo(sample_photo(name)), Settings(treatment=treatment, view=view, seed=1))
    if treatment == "scar":
        mask = np.zeros(sim.photo.rgb.shape[:2], np.uint8)
        cv2.polylines(mask, [np.array(SCAR_STROKE, np.int32)], False, 1, 12)
        sim.set_scar_mask(mask > 0)
    before, after = sim.photo.rgb, sim.render()
    c = SIDE // 2
    x0, y0 = crop_box(sim, c)
    phone = [cv2.resize(im, (SIDE, SIDE), interpolation=cv2.INTER_AREA) for im in (before, after)]
    close = [cv2.resize(im[y0:y0 + c, x0:x0 + c], (SIDE, SIDE), interpolation=cv2.INTER_NEAREST)
             for im in (before, after)]
    return np.hstack(phone + close)


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for t in PAIRS:
        img = figure(t)
        cv2.imwrite(str(out / f"realism-{t}.jpg"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
