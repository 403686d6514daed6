"""Contact sheet of segmentation overlays, for looking at them (dev aid)."""

import sys
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core import load_photo
from smp_studio.core.analysis.segmentation import segment

COLORS = np.array([[0, 0, 0], [255, 80, 80], [255, 220, 0], [0, 160, 255]], np.uint8)

files = sys.argv[2:]
tiles = []
for f in files:
    p = load_photo(f)
    seg = segment(p.rgb)
    over = (0.55 * p.rgb + 0.45 * COLORS[seg.labels]).astype(np.uint8)
    dens = (np.repeat(seg.hair_density[..., None], 3, 2) * 255).astype(np.uint8)
    t = np.vstack([cv2.resize(p.rgb, (256, 256)), cv2.resize(over, (256, 256)), cv2.resize(dens, (256, 256))])
    cv2.putText(t, f"{seg.bald_fraction():.2f}", (5, 20), 0, 0.6, (255, 255, 0), 2)
    tiles.append(t)
cv2.imwrite(sys.argv[1], cv2.cvtColor(np.hstack(tiles), cv2.COLOR_RGB2BGR))
