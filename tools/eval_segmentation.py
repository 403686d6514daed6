"""Measure segmentation against ../shared/devdata (development aid, data not shipped).

face_parsing (FASSEG V3, 182 images, yaw -90..+90): per-class IoU for
background / skin / hair (our bald skin = skin, thinning + dense hair = hair),
summed over all images, in the region that matters for a hairline: the rows
above the eyebrows. ``--whole`` also reports the whole image (where FASSEG's
"skin" includes the eyes, mouth and neck, which the studio treats as face).

The brow line of each image comes from the truth where FASSEG labelled the
eyebrows (hair islands inside the skin), else from the face mesh
(``find_face``), else from the same person's other poses of the same series
(their heads sit at the same height). Face results are cached in /tmp.

A plain colour-threshold baseline (YCrCb skin box, dark = hair, the rest
background) is measured the same way, as the floor any method must beat.

scalp_photos: how the bald fraction tracks the Norwood labels (mean per stage
and Spearman correlation), per view. ``--scalp`` counts, per view and stage,
the photos the studio would treat at all (the treatable scalp shows bald or
thinning skin, the view taken from the labels): a man with a full head of
hair seen from behind (Norwood 2) has nothing to treat, so treating him means
pigment on his hair, nape or ears.

    python tools/eval_segmentation.py [DEVDATA_DIR] [--step N] [--whole] [--norwood] [--scalp] [--by-yaw] [--worst N]

DEVDATA_DIR defaults to $SMP_DEVDATA, else ../shared/devdata beside the repository (or beside a
folder above it, for a worktree).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import tempfile
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core import load_photo
from smp_studio.core.analysis.segmentation import segment

CACHE = Path(tempfile.gettempdir()) / "smp_studio_fasseg_face_brows.json"


def _truth_brow_row(gt: np.ndarray) -> int | None:
    """Top row of the eyebrows where FASSEG labels them: small hair islands ringed by skin."""
    hair = (gt == 2).astype(np.uint8)
    n, cc, st, _ = cv2.connectedComponentsWithStats(hair, connectivity=8)
    tops = []
    for i in range(1, n):
        if st[i, cv2.CC_STAT_AREA] < 50 or st[i, cv2.CC_STAT_AREA] > 0.02 * gt.size:
            continue
        comp = cc == i
        rim = cv2.dilate(comp.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & ~comp
        if (gt[rim] == 1).mean() > 0.7:
            tops.append(int(st[i, cv2.CC_STAT_TOP]))
    return min(tops) if tops else None


def _face_brow_rows(names: list[Path]) -> dict[str, float | None]:
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    todo = [f for f in names if f.stem not in cache]
    if todo:
        from smp_studio.core.analysis.face import find_face

        for f in todo:
            face = find_face(load_photo(f).rgb)
            cache[f.stem] = None if face is None else face.brow_y
        CACHE.write_text(json.dumps(cache))
    return {f.stem: cache[f.stem] for f in names}


def brow_rows(root: Path, names: list[Path]) -> dict[str, int]:
    """Image row of the brow line for each FASSEG image (see the module's notes)."""
    rows, need_face = {}, []
    for f in names:
        r = _truth_brow_row(np.asarray(cv2.imread(str(root / "face_parsing" / "labels" / (f.stem + ".png")), 0)))
        if r is None:
            need_face.append(f)
        rows[f.stem] = r
    face = _face_brow_rows(need_face) if need_face else {}
    for k, v in face.items():
        rows[k] = None if v is None else int(round(v))
    by_series = defaultdict(list)  # "personne01140+0-90": person 01, series 1
    for k, v in rows.items():
        if v is not None:
            by_series[k[:11]].append(v)
    missing = [k for k, v in rows.items() if v is None]
    if missing:
        # Brows the mesh could not find (profiles under hair): the same series' other poses.
        allf = sorted((root / "face_parsing" / "images").glob("*.jpg"))
        for f in allf:
            if f.stem[:11] in {m[:11] for m in missing} and f.stem not in rows:
                r = _truth_brow_row(np.asarray(cv2.imread(str(root / "face_parsing" / "labels" / (f.stem + ".png")), 0)))
                if r is None:
                    v = _face_brow_rows([f])[f.stem]
                    r = None if v is None else int(round(v))
                if r is not None:
                    by_series[f.stem[:11]].append(r)
        overall = int(np.median([v for v in rows.values() if v is not None] or [200]))
        for k in missing:
            s = by_series.get(k[:11])
            rows[k] = int(np.median(s)) if s else overall
    return rows


def baseline_labels(rgb: np.ndarray) -> np.ndarray:
    """A plain colour-threshold segmentation: 0 background, 1 skin, 2 hair.

    Skin: the classic YCrCb box (Cr 133..173, Cb 77..127). Hair: what is left
    and dark (luma under 90). Background: the rest.
    """
    ycc = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2YCrCb)
    y, cr, cb = ycc[..., 0], ycc[..., 1], ycc[..., 2]
    skin = (cr >= 133) & (cr <= 173) & (cb >= 77) & (cb <= 127) & (y > 40)
    return np.where(skin, 1, np.where(y < 90, 2, 0)).astype(np.uint8)


def engine_labels(rgb: np.ndarray) -> np.ndarray:
    """The studio's default segmentation, as 0 background, 1 skin, 2 hair."""
    return np.choose(segment(rgb).labels, [0, 1, 2, 2]).astype(np.uint8)


def face_parsing_iou(root: Path, limit: int | None = None, *, step: int = 1, region: str = "above_brows",
                     method=engine_labels, per_image: list | None = None,
                     by_yaw: dict | None = None) -> dict[str, float]:
    """Summed per-class IoU over FASSEG, in ``region`` ("above_brows" or "whole").

    ``by_yaw``, a dict, is filled with the same IoUs per head yaw (the name's last number).
    """
    yaw_sums = defaultdict(lambda: np.zeros((2, 3)))
    inter, union = np.zeros(3), np.zeros(3)
    names = sorted((root / "face_parsing" / "images").glob("*.jpg"))[::step][:limit]
    brows = brow_rows(root, names) if region == "above_brows" else {}
    for f in names:
        gt = np.asarray(cv2.imread(str(root / "face_parsing" / "labels" / (f.stem + ".png")), 0))
        ours = method(load_photo(f).rgb)
        keep = np.ones(gt.shape, bool)
        if region == "above_brows":
            keep[brows[f.stem]:] = False
        i1, u1 = np.zeros(3), np.zeros(3)
        for c in range(3):
            i1[c] = np.sum((ours == c) & (gt == c) & keep)
            u1[c] = np.sum(((ours == c) | (gt == c)) & keep)
        inter += i1
        union += u1
        yaw_sums[int(re.findall(r"[+-]\d+", f.stem)[-1])] += (i1, u1)
        if per_image is not None:
            per_image.append((f.stem, *(i1 / np.maximum(u1, 1))))
    if by_yaw is not None:
        for yaw, (i, u) in sorted(yaw_sums.items()):
            by_yaw[yaw] = tuple(float(v) for v in i / np.maximum(u, 1))
    iou = inter / np.maximum(union, 1)
    return {"background": float(iou[0]), "skin": float(iou[1]), "hair": float(iou[2]), "images": len(names)}


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


def treated_counts(root: Path, step: int = 1, views=None, stages=None) -> dict:
    """Per (view, Norwood stage): how many photos, and how many the studio would treat."""
    from smp_studio.core.analysis.scalp import treatable_scalp

    rows = [r for r in csv.DictReader(open(root / "scalp_photos" / "labels.csv"))
            if (views is None or r["view"] in views) and (stages is None or int(r["norwood_level"]) in stages)]
    out = defaultdict(lambda: [0, 0])
    for r in rows[::step]:
        rgb = load_photo(root / "scalp_photos" / r["file"]).rgb
        sc = treatable_scalp(segment(rgb), view=r["view"], photo_rgb=rgb)
        c = out[(r["view"], int(r["norwood_level"]))]
        c[0] += 1
        c[1] += int(sc.has_scalp)
    return dict(sorted(out.items()))


def _devdata() -> Path:
    """../shared/devdata beside the repository, or beside a folder holding it (a worktree)."""
    repo = Path(__file__).resolve().parents[1]
    for d in repo.parents:
        if (d / "shared" / "devdata").is_dir():
            return d / "shared" / "devdata"
    return repo.parent / "shared" / "devdata"


def _fmt(r: dict) -> str:
    return f"bg {r['background']:.3f}  skin {r['skin']:.3f}  hair {r['hair']:.3f}  ({r['images']} images)"


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=os.environ.get("SMP_DEVDATA", str(_devdata())))
    ap.add_argument("--step", type=int, default=1)
    ap.add_argument("--whole", action="store_true", help="also the whole image")
    ap.add_argument("--baseline", action="store_true", help="also the colour-threshold baseline")
    ap.add_argument("--norwood", action="store_true", help="also the Norwood tracking on scalp_photos")
    ap.add_argument("--scalp", action="store_true", help="also the photos treated at all, per view and stage")
    ap.add_argument("--worst", type=int, default=0, help="list the N images with the lowest mean IoU")
    ap.add_argument("--by-yaw", action="store_true", help="also the IoUs per head yaw")
    a = ap.parse_args()
    root = Path(a.root)
    per: list = []
    yaws: dict = {}
    print("engine, above the brows:  ", _fmt(face_parsing_iou(root, step=a.step, per_image=per, by_yaw=yaws)))
    if a.by_yaw:
        for yaw, (bg, skin, hair) in yaws.items():
            print(f"    yaw {yaw:+4d}: bg {bg:.3f}  skin {skin:.3f}  hair {hair:.3f}")
    if a.worst:
        for row in sorted(per, key=lambda r: sum(r[1:]))[:a.worst]:
            print("   ", row[0], " ".join(f"{v:.2f}" for v in row[1:]))
    if a.baseline:
        print("baseline, above the brows:", _fmt(face_parsing_iou(root, step=a.step, method=baseline_labels)))
    if a.whole:
        print("engine, whole image:      ", _fmt(face_parsing_iou(root, step=a.step, region="whole")))
        if a.baseline:
            print("baseline, whole image:    ",
                  _fmt(face_parsing_iou(root, step=a.step, region="whole", method=baseline_labels)))
    if a.norwood:
        for view, r in norwood_tracking(root, a.step).items():
            print(view, r)
    if a.scalp:
        for (view, stage), (n, treated) in treated_counts(root, a.step).items():
            print(f"{view:8s} Norwood {stage}: treated {treated:3d} of {n}")
