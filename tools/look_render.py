"""Before/after crops of rendered simulations at 100% and 300% zoom (dev aid)."""

import sys

import cv2
import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation

out = sys.argv[1]
rows = []
for arg in sys.argv[2:]:
    name, _, opts = arg.partition(":")
    kw = dict(o.split("=") for o in opts.split(",") if o)
    kw = {k: (float(v) if v.replace(".", "").isdigit() else v) for k, v in kw.items()}
    if "seed" in kw:
        kw["seed"] = int(kw["seed"])
    p = load_photo(f"sample_photos/{name}")
    sim = Simulation(p, Settings(**kw))
    after = sim.render()
    cx, cy = int(sim.hairline.points[len(sim.hairline.points) // 2][0]), int(sim.hairline.points[len(sim.hairline.points) // 2][1])
    x0, y0 = max(cx - 80, 0), max(cy - 110, 0)
    crop_b = cv2.resize(p.rgb[y0:y0 + 160, x0:x0 + 160], (480, 480), interpolation=cv2.INTER_NEAREST)
    crop_a = cv2.resize(after[y0:y0 + 160, x0:x0 + 160], (480, 480), interpolation=cv2.INTER_NEAREST)
    full = np.hstack([cv2.resize(p.rgb, (480, 480), interpolation=cv2.INTER_AREA), cv2.resize(after, (480, 480), interpolation=cv2.INTER_AREA)])
    rows.append(np.hstack([full, crop_b, crop_a]))
    print(name, len(sim.dots), sim.pigment)
cv2.imwrite(out, cv2.cvtColor(np.vstack(rows), cv2.COLOR_RGB2BGR))
