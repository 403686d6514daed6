"""Measure the view classification and the face search on ../shared/devdata (data not shipped).

Per view: how many photos are classified right, the confusion, how often a
face is found, and the mean time per photo. ``--step N`` measures every Nth
photo (the machines are shared).

    python tools/eval_view.py [DEVDATA_DIR] [--step N]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.view import VIEW_NAMES, classify_view


def evaluate(root: Path, step: int = 1) -> dict:
    rows = list(csv.DictReader(open(root / "scalp_photos" / "labels.csv")))[::step]
    confusion, faces, total, seconds = Counter(), Counter(), Counter(), 0.0
    for r in rows:
        t = time.perf_counter()
        g = classify_view(load_photo(root / "scalp_photos" / r["file"]).rgb)
        seconds += time.perf_counter() - t
        confusion[(r["view"], g.view)] += 1
        faces[r["view"]] += g.face is not None
        total[r["view"]] += 1
    return {"confusion": confusion, "faces": faces, "total": total, "seconds": seconds / max(len(rows), 1)}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("devdata", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "devdata"))
    ap.add_argument("--step", type=int, default=1)
    a = ap.parse_args()
    res = evaluate(Path(a.devdata), a.step)
    c, tot = res["confusion"], res["total"]
    head = "true / predicted"
    print(f"{head:<16}" + "".join(f"{v:>9}" for v in VIEW_NAMES) + "  accuracy  face found")
    for v in VIEW_NAMES:
        n = max(tot[v], 1)
        print(f"{v:<16}" + "".join(f"{c[(v, p)]:>9}" for p in VIEW_NAMES)
              + f"  {c[(v, v)] / n:8.1%}  {res['faces'][v] / n:10.1%}")
    n = sum(tot.values())
    print(f"overall {sum(c[(v, v)] for v in VIEW_NAMES) / max(n, 1):.1%} of {n} photos, "
          f"{res['seconds']:.2f} s per photo")
