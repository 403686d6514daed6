"""Measure the view classification and the face search on ../shared/devdata (data not shipped).

Per view: how many photos are classified right, the confusion, how often a
face is found, how many network forwards (detector, mesh, iris) a photo costs
and the mean time per photo; the accuracy on even- and odd-numbered subjects
apart (tune on one, check the other: the held-out set has other men); then
how often the studio would ask (confidence below LOW_CONFIDENCE) and how often
the guesses it does not ask about are right. ``--step N`` measures every Nth
photo (the machines are shared); ``--wrong`` lists the photos classified wrong;
``--sheet PNG`` draws them on one contact sheet (true view, guess and
confidence on each), to look at what the classifier missed. Keep the sheet
outside the repository: it is made of development photos.

Two labels look swapped: norwood2_left_013 shows the man looking toward
image-right and norwood2_right_013 toward image-left (every other photo
labelled "left" looks toward image-left). Both count as wrong here, at high
confidence (the only side views classified wrong at or above LOW_CONFIDENCE).

    python tools/eval_view.py [DEVDATA_DIR] [--step N] [--wrong] [--sheet PNG]
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core.analysis import face_models
from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.analysis.view import LOW_CONFIDENCE, VIEW_NAMES, classify_view


def _counting_forwards():
    """Wrap the networks' runner to count forwards (wall time on a shared machine misleads)."""
    count = Counter()
    run = face_models._run

    def counted(name, blob):
        count[name] += blob.shape[0]
        return run(name, blob)

    face_models._run = counted
    return count


def evaluate(root: Path, step: int = 1) -> dict:
    rows = list(csv.DictReader(open(root / "scalp_photos" / "labels.csv")))[::step]
    confusion, faces, total, seconds = Counter(), Counter(), Counter(), 0.0
    confident, confident_right, wrong = 0, 0, []
    forwards, by_parity, parity_total = Counter(), Counter(), Counter()
    count = _counting_forwards()
    for r in rows:
        rgb = load_photo(root / "scalp_photos" / r["file"]).rgb
        t = time.perf_counter()
        count.clear()
        g = classify_view(rgb)
        seconds += time.perf_counter() - t
        forwards[r["view"]] += sum(count.values())
        parity = "odd" if int(r["subject"].rsplit("_", 1)[-1]) % 2 else "even"
        parity_total[parity] += 1
        by_parity[parity] += g.view == r["view"]
        confusion[(r["view"], g.view)] += 1
        faces[r["view"]] += g.face is not None
        total[r["view"]] += 1
        if g.confidence >= LOW_CONFIDENCE:
            confident += 1
            confident_right += g.view == r["view"]
        if g.view != r["view"]:
            wrong.append((r["file"], g.view, round(g.confidence, 2), r["view"]))
    return {"confusion": confusion, "faces": faces, "total": total, "seconds": seconds / max(len(rows), 1),
            "confident": confident, "confident_right": confident_right, "wrong": wrong, "forwards": forwards,
            "by_parity": by_parity, "parity_total": parity_total}


def contact_sheet(tiles, *, size: int = 200, columns: int = 8) -> np.ndarray:
    """One BGR image of the photos side by side, each captioned at its top-left.

    ``tiles`` holds (rgb, caption) pairs; empty when there are none.

    Examples
    --------
    >>> import numpy as np
    >>> contact_sheet([(np.zeros((50, 80, 3), np.uint8), "a")] * 3, size=20, columns=2).shape
    (40, 40, 3)
    """
    cells = []
    for rgb, caption in tiles:
        cell = cv2.resize(cv2.cvtColor(np.asarray(rgb, np.uint8), cv2.COLOR_RGB2BGR), (size, size),
                          interpolation=cv2.INTER_AREA)
        cv2.putText(cell, caption, (2, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 0, 0), 2)
        cv2.putText(cell, caption, (2, 12), cv2.FONT_HERSHEY_SIMPLEX, 0.35, (0, 255, 255), 1)
        cells.append(cell)
    if not cells:
        return np.zeros((0, 0, 3), np.uint8)
    columns = min(columns, len(cells))
    cells += [np.zeros_like(cells[0])] * (-len(cells) % columns)
    return np.vstack([np.hstack(cells[i:i + columns]) for i in range(0, len(cells), columns)])


def _default_devdata() -> Path:
    here = Path(__file__).resolve().parents[1]
    for p in (here.parent / "shared" / "devdata", here.parents[1] / "shared" / "devdata"):
        if p.exists():
            return p
    return here.parent / "shared" / "devdata"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("devdata", nargs="?", default=str(_default_devdata()))
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--wrong", action="store_true")
    ap.add_argument("--sheet", help="write the photos classified wrong to this PNG")
    a = ap.parse_args()
    res = evaluate(Path(a.devdata), a.step)
    c, tot = res["confusion"], res["total"]
    head = "true / predicted"
    print(f"{head:<16}" + "".join(f"{v:>9}" for v in VIEW_NAMES) + "  accuracy  face found  forwards")
    for v in VIEW_NAMES:
        n = max(tot[v], 1)
        print(f"{v:<16}" + "".join(f"{c[(v, p)]:>9}" for p in VIEW_NAMES)
              + f"  {c[(v, v)] / n:8.1%}  {res['faces'][v] / n:10.1%}  {res['forwards'][v] / n:8.0f}")
    n = sum(tot.values())
    print(f"overall {sum(c[(v, v)] for v in VIEW_NAMES) / max(n, 1):.1%} of {n} photos, "
          f"{res['seconds']:.2f} s per photo; "
          + ", ".join(f"{p} subjects {res['by_parity'][p] / max(res['parity_total'][p], 1):.1%}"
                      for p in ("even", "odd")))
    k = res["confident"]
    print(f"confident (>= {LOW_CONFIDENCE}): {k / max(n, 1):.1%} of photos, "
          f"right {res['confident_right'] / max(k, 1):.1%}; the studio asks on {1 - k / max(n, 1):.1%}")
    if a.wrong:
        for w in res["wrong"]:
            print(*w)
    if a.sheet and not res["wrong"]:
        print(f"every photo classified right: no sheet written to {a.sheet}")
    elif a.sheet:
        photos = Path(a.devdata) / "scalp_photos"
        cv2.imwrite(a.sheet, contact_sheet([(load_photo(photos / f).rgb, f"{true} > {guess} {conf:.2f}")
                                            for f, guess, conf, true in res["wrong"]]))
