"""Measure segmentation against ../shared/devdata (development aid, data not shipped).

face_parsing: per-class IoU for background / skin / hair (our bald skin = skin,
thinning + dense hair = hair). scalp_photos: how the bald fraction tracks the
Norwood labels (mean per stage and Spearman correlation), per view.

    python tools/eval_segmentation.py [DEVDATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from smp_studio.core import load_photo
from smp_studio.core.analysis.segmentation import segment


def face_parsing_iou(root: Path, limit: int | None = None) -> dict[str, float]:
    inter, union = np.zeros(3), np.zeros(3)
    names = sorted((root / "face_parsing" / "images").glob("*.jpg"))[:limit]
    for f in names:
        gt = np.asarray(Image.open(root / "face_parsing" / "labels" / (f.stem + ".png")))
        lab = segment(load_photo(f).rgb, face_exclude=False).labels
        ours = np.choose(lab, [0, 1, 2, 2])
        for c in range(3):
            inter[c] += np.sum((ours == c) & (gt == c))
            union[c] += np.sum((ours == c) | (gt == c))
    iou = inter / np.maximum(union, 1)
    return {"background": iou[0], "skin": iou[1], "hair": iou[2], "images": len(names)}


def spearman(x, y) -> float:
    rx = np.argsort(np.argsort(x)).astype(float)
    ry = np.argsort(np.argsort(y)).astype(float)
    return float(np.corrcoef(rx, ry)[0, 1])


def norwood_tracking(root: Path, step: int = 1, views=None) -> dict:
    rows = [r for r in csv.DictReader(open(root / "scalp_photos" / "labels.csv")) if views is None or r["view"] in views]
    rows = rows[::step]
    by_view = defaultdict(list)
    for r in rows:
        seg = segment(load_photo(root / "scalp_photos" / r["file"]).rgb)
        by_view[r["view"]].append((int(r["norwood_level"]), seg.bald_fraction()))
    out = {}
    for view, pairs in sorted(by_view.items()):
        lv = np.array([p[0] for p in pairs])
        bf = np.array([p[1] for p in pairs])
        means = {int(k): round(float(bf[lv == k].mean()), 3) for k in sorted(set(lv))}
        out[view] = {"n": len(pairs), "spearman": round(spearman(lv, bf), 3), "mean_bald_by_stage": means}
    return out


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1].parent / "shared" / "devdata")
    step = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print("face_parsing IoU:", {k: round(v, 3) if isinstance(v, float) else v for k, v in face_parsing_iou(root).items()})
    for view, r in norwood_tracking(root, step).items():
        print(view, r)
