"""Contact sheets of where the impressions land, per view (dev aid; sheets go to /tmp).

Usage: python tools/placement_audit.py [N per view] [out dir] [views...]

Each tile is the photo (darkened) with every impression of the finished
treatment drawn as a bright dot, so pigment on the face, ears, neck,
background or a stripe along the border is visible at a glance. Views come
from devdata's labels.csv; left/right photos are simulated with the side view.
"""

import csv
import sys
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.errors import SmpError
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation

DEV = Path(__file__).resolve().parents[1] / ".." / "shared" / "devdata" / "scalp_photos"
if not DEV.exists():
    DEV = Path("/work/shared/devdata/scalp_photos")
TILE = 300


def sim_view(view: str) -> str:
    return "side" if view in ("left", "right") else view


def tile(path: Path, view: str) -> tuple[np.ndarray, str]:
    photo = load_photo(path)
    sim = Simulation(photo, Settings(view=sim_view(view)))
    try:
        dots = sim.session_dots()
        xy = dots.xy
        note = f"{len(dots)} / {sim.treatment_area_cm2():.0f}cm2"
        if hasattr(sim, "figures"):
            w = sim.figures().warnings
            if w:
                note += " W"
    except SmpError as e:
        xy = np.zeros((0, 2))
        note = "refused: " + str(e)[:30]
    img = (photo.rgb.astype(np.float32) * 0.7).astype(np.uint8).copy()
    for x, y in xy.astype(int):
        cv2.circle(img, (int(x), int(y)), 1, (0, 255, 255), -1)
    scalp = getattr(sim, "scalp", None)
    if scalp is not None:  # the treatable scalp's outline, in green
        m = (scalp.resized(photo.rgb.shape[:2]) > 0.5).astype(np.uint8)
        cs, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(img, cs, -1, (0, 255, 0), 2)
    hl = sim.hairline
    if hl is not None and not note.startswith("refused"):
        cv2.polylines(img, [np.round(hl.points).astype(np.int32)], False, (255, 0, 255), 2)
    if len(xy) and (xy[:, 1] > photo.height - 4).sum() > 10:
        note += " EDGE"  # a stripe of clipped dots along the bottom border
    img = cv2.resize(img, (TILE, TILE), interpolation=cv2.INTER_AREA)
    cv2.rectangle(img, (0, 0), (TILE, 18), (0, 0, 0), -1)
    cv2.putText(img, f"{path.stem[-12:]} {note}", (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
    return img, note


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/audit")
    views = sys.argv[3:] or ["front", "topdown", "back", "left", "right"]
    out.mkdir(parents=True, exist_ok=True)
    rows = list(csv.DictReader(open(DEV / "labels.csv")))
    for view in views:
        files = sorted(r["file"] for r in rows if r["view"] == view)
        step = max(len(files) // n, 1)
        pick = files[::step][:n]
        made = [tile(DEV / f, view) for f in pick]
        tiles = [t for t, _ in made]
        notes = [n for _, n in made]
        cols = 5
        while len(tiles) % cols:
            tiles.append(np.zeros_like(tiles[0]))
        sheet = np.vstack([np.hstack(tiles[i:i + cols]) for i in range(0, len(tiles), cols)])
        p = out / f"{view}.png"
        cv2.imwrite(str(p), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
        print(p, len(pick), "refused:", sum(n.startswith("refused") for n in notes),
              "edge stripes:", sum("EDGE" in n for n in notes), "warned:", sum(n.endswith(" W") for n in notes))


if __name__ == "__main__":
    main()
