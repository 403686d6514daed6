"""How close our renders come to photos of real healed SMP (issue 10's table).

Renders the bundled samples and (when present) devdata photos with default
settings, cuts a 5 cm crop of treated scalp at 3 px/mm from the photo and from
the render, gives both the same JPEG treatment, and measures:

- contrast: 1 - L(dot) / L(skin around it), median and 90th percentile, over
  the dots a blob detector resolves;
- resolvable dots per cm² (blobs in the render minus blobs the same detector
  finds in the untreated crop: pores, stubble);
- transmission R/G/B at resolved dot centres: the dot centre over the skin
  around it (a 3 mm median per channel), the one reading a photo of real work
  allows (there is no untreated photo of it);
- elongation (major/minor axis of each blob) and orientation coherence
  (how aligned neighbouring elongated blobs are, 0 random .. 1 parallel);
- sharpness of the added pigment relative to the skin's own detail (share
  of detail energy in the finest band; > 1 means dots sharper than skin);
  sharp_raw: the same before the JPEG treatment. Compressing the photo and
  the render separately leaves each its own requantisation noise, which
  lands in the finest band of their difference: where the pigment is faint
  or sparse (or sits on hair taken for skin) it is most of what
  ``sharpness`` reads there, and blurring the dots does not lower it;
- skin_fine: that share for the photo's own skin. Dots 1 mm apart resolve at
  3 px/mm only when drawn about as sharp as the skin of the photos behind the
  issue's figures; on soft photos (a low skin_fine) fewer can resolve without
  being sharper than the skin around them, so read dots/cm² beside it.

The real column comes from sharp photos. The last row renders the same
default dots on a sharp phone photo of plain skin (synthetic, 12 px/mm, 1 px
blur) and measures it the same way: the condition the real figures were taken
in. A soft photo's dots resolve less and read fainter (the same ink blurred
wider), so its row may sit below the real column where this one should not:
the row after it photographs that same treated skin again as softly as a
typical 640 px devdata photo, which is what real work would measure there.

Usage::

    PYTHONPATH=$PWD python tools/realism_report.py [--devdata N] [--only NAME]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import cv2
import numpy as np

from smp_studio.core.analysis.photo import load_photo
from smp_studio.core.engine import photolook
from smp_studio.core.engine.simulation import Simulation
from smp_studio.core.model.settings import Settings
from smp_studio.resources import sample_photos

_ROOT = Path(__file__).resolve().parents[1]
DEVDATA = next((d / "shared" / "devdata" / "scalp_photos" for d in (_ROOT.parent, _ROOT.parent.parent)
                if (d / "shared" / "devdata").is_dir()), _ROOT.parent / "shared" / "devdata" / "scalp_photos")
CROP_MM = 50.0
PX_PER_MM = photolook.VIEWING_PX_PER_MM
JPEG_Q = photolook.SHARED_QUALITY
REAL = {"contrast_med": 0.11, "contrast_p90": 0.20, "dots_cm2": 38.0, "T_R": 0.90, "T_G": 0.87, "T_B": 0.84,
        "sharpness": 1.0, "sharp_raw": 1.0}


def lum(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)[..., 0] + 1.0  # 8-bit Lab L, 1..256


def jpeg(rgb: np.ndarray) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_Q])
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def skin_around(L: np.ndarray) -> np.ndarray:
    """The skin's lightness around each point: a 3 mm median (dots are the minority)."""
    return cv2.medianBlur(np.clip(L, 0, 255).astype(np.uint8), 9).astype(np.float32)


def blobs(L: np.ndarray, mask: np.ndarray, min_contrast: float = 0.03):
    """Dark blobs: local minima of a lightly smoothed L that stand out from the skin around."""
    sm = cv2.GaussianBlur(L, (0, 0), 0.7)
    around = skin_around(L)
    c = 1.0 - sm / np.maximum(around, 1e-3)
    is_min = sm <= cv2.erode(sm, np.ones((3, 3), np.uint8))
    ys, xs = np.nonzero(is_min & (c > min_contrast) & mask)
    return xs, ys, c[ys, xs]


def shape_of(L: np.ndarray, xs, ys):
    """Elongation and orientation of each blob from second moments of its darkness."""
    dark = np.maximum(skin_around(L) - L, 0)
    h, w = L.shape
    el, th = [], []
    yy, xx = np.mgrid[-2:3, -2:3]
    for x, y in zip(xs, ys):
        if x < 2 or y < 2 or x >= w - 2 or y >= h - 2:
            continue
        wgt = dark[y - 2:y + 3, x - 2:x + 3]
        wgt = np.maximum(wgt - 0.3 * wgt.max(), 0)
        s = wgt.sum()
        if s <= 0:
            continue
        mx, my = (wgt * xx).sum() / s, (wgt * yy).sum() / s
        cxx = (wgt * (xx - mx) ** 2).sum() / s
        cyy = (wgt * (yy - my) ** 2).sum() / s
        cxy = (wgt * (xx - mx) * (yy - my)).sum() / s
        tr, det = cxx + cyy, cxx * cyy - cxy**2
        disc = np.sqrt(max(tr * tr / 4 - det, 0))
        l1, l2 = tr / 2 + disc, max(tr / 2 - disc, 1e-3)
        el.append(np.sqrt(l1 / l2))
        th.append(0.5 * np.arctan2(2 * cxy, cxx - cyy))
    return np.array(el), np.array(th)


def coherence(xs, ys, el, th, radius=15.0) -> float:
    """Mean local alignment of elongated blobs (doubled-angle resultant within ~5 mm)."""
    sel = el > 1.3
    if sel.sum() < 8:
        return float("nan")
    p = np.column_stack([xs[:len(el)][sel], ys[:len(el)][sel]]).astype(float)
    z = np.exp(2j * th[sel])
    vals = []
    for i in range(len(p)):
        near = np.hypot(*(p - p[i]).T) < radius
        if near.sum() >= 4:
            vals.append(abs(z[near].mean()))
    # Random angles among n neighbours give ~1/sqrt(n): report the excess over that.
    return float(np.median(vals)) if vals else float("nan")


def fine_share(g: np.ndarray, mask: np.ndarray) -> float:
    """Share of an image's detail energy in the finest band (the bands the render's look reads)."""
    return photolook.fine_share(np.asarray(g, np.float32), mask)


def treated_crop(sim: Simulation, after: np.ndarray):
    """The 5 cm square of treated bare scalp deepest inside the zone, at 3 px/mm."""
    H, W = after.shape[:2]
    zw = cv2.resize(sim.zone.weight, (W, H), interpolation=cv2.INTER_LINEAR)
    vis = 1.0 - np.clip(sim.segmentation.hair_density, 0, 1)
    zd = cv2.resize(sim.zone.depth_mm, (W, H), interpolation=cv2.INTER_LINEAR)
    mask = ((zw > 0.8) & (vis > 0.6) & (zd > sim.settings.transition_mm)).astype(np.uint8)
    if mask.sum() < 100:
        return None
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    y, x = np.unravel_index(int(np.argmax(dist)), dist.shape)
    side = int(round(CROP_MM * sim.scale.px_per_mm))
    x0 = int(np.clip(x - side // 2, 0, max(W - side, 0)))
    y0 = int(np.clip(y - side // 2, 0, max(H - side, 0)))
    sl = (slice(y0, y0 + side), slice(x0, x0 + side))
    n = int(CROP_MM * PX_PER_MM)
    cut = lambda a, interp=cv2.INTER_AREA: cv2.resize(np.ascontiguousarray(a[sl]), (n, n), interpolation=interp)
    m = cut(mask * 255, cv2.INTER_AREA) > 200
    return cut(sim.photo.rgb), cut(after), m


def measure(before: np.ndarray, after: np.ndarray, mask: np.ndarray) -> dict:
    inner = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    raw = [cv2.cvtColor(a, cv2.COLOR_RGB2GRAY).astype(np.float32) for a in (before, after)]
    sharp_raw = fine_share(raw[1] - raw[0], inner) / max(fine_share(raw[0], inner), 1e-6)
    before, after = jpeg(before), jpeg(after)
    Lb, La = lum(before), lum(after)
    xs, ys, c = blobs(La, inner)
    xb, yb, _ = blobs(Lb, inner)
    area_cm2 = inner.sum() / (PX_PER_MM * 10) ** 2
    if area_cm2 < 1.0 or len(xs) < 5:
        return {}
    af = after.astype(np.float32) + 1
    sm_a = cv2.GaussianBlur(af, (0, 0), 0.6)
    around = np.dstack([skin_around(af[..., c]) for c in range(3)])
    T = np.median(sm_a[ys, xs] / around[ys, xs], axis=0)
    el, th = shape_of(La, xs, ys)
    gb = cv2.cvtColor(before, cv2.COLOR_RGB2GRAY).astype(np.float32)
    ga = cv2.cvtColor(after, cv2.COLOR_RGB2GRAY).astype(np.float32)
    sharp = fine_share(ga - gb, inner) / max(fine_share(gb, inner), 1e-6)
    return {"contrast_med": float(np.median(c)), "contrast_p90": float(np.percentile(c, 90)),
            "dots_cm2": (len(xs) - len(xb)) / area_cm2, "T_R": float(T[0]), "T_G": float(T[1]), "T_B": float(T[2]),
            "elongation": float(np.median(el)) if len(el) else float("nan"),
            "coherence": coherence(xs, ys, el, th), "sharpness": sharp, "sharp_raw": sharp_raw,
            "skin_fine": fine_share(gb, inner)}


def sharp_reference(skin=(205, 160, 135), px_per_mm=12.0, blur=1.0, shot_at=None) -> dict:
    """The default dots on a sharp phone photo of plain skin, cut and measured like the photos.

    ``shot_at`` ``(px_per_mm, blur_sigma)``: that treated skin photographed again as a soft,
    small photo (resampled, blurred, JPEG): what real work would measure in such a photo.
    """
    from smp_studio.core.engine.dots import place_dots
    from smp_studio.core.engine.photolook import PhotoLook
    from smp_studio.core.engine.pigment import pigment_for, rgb_to_lab
    from smp_studio.core.engine.render import render
    from smp_studio.core.engine.zones import FAR, Zone
    from smp_studio.core.model.scale import Scale

    n = int(CROP_MM * px_per_mm)
    rng = np.random.default_rng(0)
    grain = cv2.GaussianBlur(rng.normal(0, 6, (n, n)).astype(np.float32), (0, 0), 1.2)  # pores and mottling
    photo = np.clip(np.float32(skin) + grain[..., None], 0, 255).astype(np.uint8)
    photo = cv2.GaussianBlur(photo, (0, 0), blur)
    settings, scale = Settings(seed=1), Scale(px_per_mm)
    dots = place_dots(Zone(np.ones((n, n), np.float32), np.full((n, n), FAR, np.float32), 1.0, None),
                      settings, scale, rng=1)
    pig = pigment_for(settings, rgb_to_lab((52, 42, 36)), rgb_to_lab(skin))
    after = render(photo, dots, pigment=pig, settings=settings, scale=scale, look=PhotoLook(blur_sigma=blur),
                   occlusion=False)
    if shot_at is not None:
        k = int(CROP_MM * shot_at[0])
        photo, after = (jpeg(cv2.GaussianBlur(cv2.resize(a, (k, k), interpolation=cv2.INTER_AREA), (0, 0), shot_at[1]))
                        for a in (photo, after))
    m = int(CROP_MM * PX_PER_MM)
    cut = lambda a: cv2.resize(a, (m, m), interpolation=cv2.INTER_AREA)
    return measure(cut(photo), cut(after), np.ones((m, m), bool))


def photos(n_devdata: int, only: str | None):
    for p in sample_photos():
        view = p.name.split("-")[0]
        yield p, ("topdown" if view == "crown" else view)
    labels = DEVDATA / "labels.csv"
    if n_devdata and labels.is_file():
        rows = [r for r in csv.DictReader(open(labels)) if r["view"] in ("topdown", "front")
                and int(r["norwood_level"]) >= 4]
        rng = np.random.default_rng(10)
        for r in rng.permutation(rows)[:n_devdata]:
            yield DEVDATA / r["file"], r["view"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devdata", type=int, default=20, help="how many devdata photos (topdown/front, Norwood >= 4)")
    ap.add_argument("--only", help="only photos whose name contains this")
    ap.add_argument("--state", default="healed")
    args = ap.parse_args(argv)
    keys = ["contrast_med", "contrast_p90", "dots_cm2", "T_R", "T_G", "T_B", "elongation", "coherence", "sharpness",
            "sharp_raw", "skin_fine"]
    print(f"{'photo':<42}" + "".join(f"{k:>13}" for k in keys) + f"{'dilution':>10}")
    rows = []
    for path, view in photos(args.devdata, args.only):
        if args.only and args.only not in path.name:
            continue
        sim = Simulation(load_photo(path), Settings(view=view, seed=1))
        after = sim.render(state=args.state)
        crop = treated_crop(sim, after)
        if crop is None:
            continue
        m = measure(*crop)
        if not m:
            continue
        rows.append(m)
        print(f"{path.name[:42]:<42}" + "".join(f"{m[k]:13.3f}" for k in keys) + f"{sim.pigment.dilution:10.2f}")
    if not rows:
        print("no photo gave a measurable treated crop", file=sys.stderr)
        return 1
    print("-" * (42 + 13 * len(keys)))
    med = {k: float(np.nanmedian([r[k] for r in rows])) for k in keys}
    print(f"{'median over ' + str(len(rows)) + ' photos':<42}" + "".join(f"{med[k]:13.3f}" for k in keys))
    ref = sharp_reference()
    print(f"{'sharp phone photo, plain skin (synthetic)':<42}" + "".join(f"{ref[k]:13.3f}" for k in keys))
    # The same treated skin shot as softly as a typical 640 px devdata head photo (3.8 px/mm, 1.2 px blur).
    ref = sharp_reference(shot_at=(3.8, 1.2))
    print(f"{'  ... the same shot as a soft 640 px photo':<42}" + "".join(f"{ref[k]:13.3f}" for k in keys))
    print(f"{'real healed SMP (issue 10)':<42}" + "".join(
        f"{REAL[k]:13.3f}" if k in REAL else f"{'irregular':>13}" if k == "elongation"
        else f"{'follows skin':>13}" if k == "coherence" else f"{'?':>13}" for k in keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
