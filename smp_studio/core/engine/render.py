"""Render impressions onto the photo: soft, irregular, under the skin.

Each impression is a soft Gaussian lobe plus a smaller offset lobe (so no two
look alike), splatted with sub-pixel accuracy and blurred per size bin (a few
blur passes however many dots). Pigment sits under the skin: it multiplies the
diffuse light in (approximately) linear light, so skin texture shows through,
and the specular shine, which sits on the surface, stays on top of it.

The same call renders the full-resolution export and a screen preview (any
crop and scale of the photo): dot sizes and coverage are defined in photo
pixels and scaled with the view, so both look the same at the same zoom.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.engine.dots import Dots
from smp_studio.core.engine.photolook import PhotoLook
from smp_studio.core.engine.pigment import HEALED_DENSITY, TINT_AGED, TINT_FRESH, TINT_HEALED, Pigment, rgb_to_lab
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

MIN_SIGMA = 0.35  # output pixels: below this a dot is a sub-pixel splat
#: How much of a clipped highlight's lost shine is assumed over pigment.
CLIP_BOOST = 0.4
SIGMA_PER_RADIUS = 1 / 1.2
BAND = 96  # rows composited at a time  # a soft dot of radius r ~ a Gaussian of this sigma
BINS_PER_OCTAVE = 2  # sigma bins (each costs one blur pass); ink is exact, shape within 19%
#: sRGB as approximately linear light (gamma 2): pigment multiplies light, not code values.
LINEAR = ((np.arange(256, dtype=np.float32) / 255.0) ** 2).reshape(1, 256)


@dataclass(frozen=True)
class View:
    """Which part of the photo an output image shows.

    Output pixel ``(u, v)`` shows photo point ``(x0 + u / scale, y0 + v / scale)``.
    """

    x0: float = 0.0
    y0: float = 0.0
    scale: float = 1.0

    def to_output(self, xy: np.ndarray) -> np.ndarray:
        return (np.asarray(xy, np.float64) - (self.x0, self.y0)) * self.scale

    def crop(self, rgb: np.ndarray, out_size: tuple[int, int]) -> np.ndarray:
        """The photo resampled for this view (area-averaged when shrinking)."""
        ow, oh = out_size
        if self.x0 == 0 and self.y0 == 0 and self.scale == 1.0 and rgb.shape[1] == ow and rgb.shape[0] == oh:
            return rgb
        if self.scale < 1.0:
            H, W = rgb.shape[:2]
            x0, y0 = max(int(np.floor(self.x0)), 0), max(int(np.floor(self.y0)), 0)
            x1 = min(int(np.ceil(self.x0 + ow / self.scale)) + 1, W)
            y1 = min(int(np.ceil(self.y0 + oh / self.scale)) + 1, H)
            sub = rgb[y0:y1, x0:x1]
            sw, sh = max(int(round((x1 - x0) * self.scale)), 1), max(int(round((y1 - y0) * self.scale)), 1)
            small = cv2.resize(sub, (sw, sh), interpolation=cv2.INTER_AREA)
            fx, fy = sw / (x1 - x0), sh / (y1 - y0)
            M = np.float32([[1, 0, -(self.x0 - x0) * fx], [0, 1, -(self.y0 - y0) * fy]])
            return cv2.warpAffine(small, M, (ow, oh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        M = np.float32([[self.scale, 0, -self.x0 * self.scale], [0, self.scale, -self.y0 * self.scale]])
        return cv2.warpAffine(rgb, M, (ow, oh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def state_factors(settings: Settings) -> dict:
    """How the chosen state changes every impression.

    ``size`` and ``opacity`` scale the healed dot, ``spread`` is the share of
    its ink in the soft halo around the core, ``soft`` an extra blur (in
    radii), ``tint`` the pigment's absorbance per channel (blue = 1) and
    ``redness`` the fresh skin's reaction.
    """
    darkness = settings.session_darkness_factor
    spread = settings.dot_spread
    if settings.state == "fresh":
        # Fresh: sits higher and wider, not yet lost with the scabs: darker, sharper, neutral.
        return {"size": 1.35, "opacity": 1.3 * darkness, "spread": spread, "soft": 0.3,
                "tint": TINT_FRESH, "redness": 1.0}
    if settings.state == "aged":
        n = settings.aged_years
        k = min(n / 10.0, 1.0)
        tint = tuple((1 - k) * a + k * b for a, b in zip(TINT_HEALED, TINT_AGED))
        return {"size": 1.0 + 0.035 * n, "opacity": float(np.exp(-0.06 * n)) * darkness,
                "spread": min(spread + 0.035 * n, 0.85), "soft": 0.04 * n, "tint": tint, "redness": 0.0}
    return {"size": 1.0, "opacity": darkness, "spread": spread, "soft": 0.0, "tint": TINT_HEALED, "redness": 0.0}


def render(base: np.ndarray, dots: Dots, *, pigment: Pigment, settings: Settings, scale: Scale,
           view: View = View(), occlusion: bool = True, visibility: np.ndarray | None = None,
           look: PhotoLook | None = None) -> np.ndarray:
    """Composite the impressions onto ``base``.

    Parameters
    ----------
    base : ndarray uint8 (h, w, 3)
        The photo as seen through ``view`` (the whole photo at ``View()``).
    dots : Dots
        Impressions for the session and state to show (see ``Dots.for_session``).
    pigment : Pigment
    settings : Settings
        ``state`` and ``aged_years`` pick fresh / healed / aged.
    scale : Scale
        Of the photo (not of the view).
    view : View, keyword-only
    occlusion : bool, keyword-only
        Hide pigment under hair strands that lie over it.
    visibility : ndarray float32 (h, w), optional, keyword-only
        How much skin shows at each output pixel (1 bare .. 0 covered by
        dense hair), in the view's geometry; pigment only shows through skin.
    look : PhotoLook, optional, keyword-only
        The photo's own blur and grain (``photolook.estimate_look``): the
        pigment is drawn no sharper and no cleaner than the photo.

    Returns
    -------
    ndarray uint8 (h, w, 3)
    """
    h, w = base.shape[:2]
    st = state_factors(settings)
    s = view.scale
    look = look or PhotoLook()
    if len(dots) == 0:
        return base.copy()
    p = view.to_output(dots.xy)
    r = dots.size_mm.astype(np.float64) * 0.5 * st["size"] * scale.px_per_mm * s
    sat = dots.satellite
    if dots.shape is not None:
        axis = dots.shape[:, :2].astype(np.float64)
        major, minor = dots.shape[:, 2].astype(np.float64), dots.shape[:, 3].astype(np.float64)
    else:
        axis = np.tile([1.0, 0.0], (len(r), 1))
        major = minor = np.ones(len(r))
    reach = r * (3 * SIGMA_PER_RADIUS * (2.2 + st["soft"]) * major + np.abs(sat[:, :2]).max(1))
    optical = max(look.blur_sigma * s, MIN_SIGMA)
    margin = float(reach.max()) + 3 * optical + 2
    inside = (p[:, 0] > -margin) & (p[:, 0] < w + margin) & (p[:, 1] > -margin) & (p[:, 1] < h + margin)
    if not inside.any():
        return base.copy()
    p, r, sat, axis, major, minor = p[inside], r[inside], sat[inside], axis[inside], major[inside], minor[inside]
    density = dots.opacity[inside] * st["opacity"] * pigment.strength * HEALED_DENSITY

    # Region of interest in output pixels, and a padded one to accumulate in so that
    # dots just outside the view still cast their tails into it (crop == export crop).
    bx0 = int(max(np.floor(p[:, 0].min() - margin), 0))
    by0 = int(max(np.floor(p[:, 1].min() - margin), 0))
    bx1 = int(min(np.ceil(p[:, 0].max() + margin), w))
    by1 = int(min(np.ceil(p[:, 1].max() + margin), h))
    if bx1 <= bx0 or by1 <= by0:
        return base.copy()
    pad = int(np.ceil(margin))
    rw, rh = bx1 - bx0 + 2 * pad, by1 - by0 + 2 * pad
    p = p - (bx0 - pad, by0 - pad)

    # Ink per dot (integrated, so a dot keeps its ink when smaller than a pixel),
    # shared between an elongated core (three lobes along its axis), an
    # irregular or doubling satellite, and the soft spread healing leaves.
    sig = r * SIGMA_PER_RADIUS
    s_min, s_maj = sig * minor, sig * major
    ink = density * 2 * np.pi * s_min * s_maj
    spread = st["spread"]
    core = ink * (1 - spread)
    # A dark core saturates (light let through can only fall to zero); shrunk below
    # the photo's blur in a preview it would not, and would read darker than the
    # export shrunk. Keep what each core absorbs as it is at the photo's own size.
    native = max(look.blur_sigma, MIN_SIGMA) * s
    at_view = 2 * np.pi * np.sqrt((s_min**2 + optical**2) * (s_maj**2 + optical**2))
    at_native = 2 * np.pi * np.sqrt((s_min**2 + native**2) * (s_maj**2 + native**2))
    core = core * _saturation(core / at_native) / _saturation(core / at_view)
    a = np.sqrt(np.maximum(s_maj**2 - s_min**2, 0) / 0.6)[:, None] * axis
    soft = sig * st["soft"]
    lobe_s = np.sqrt(s_min**2 + soft**2)
    main = core * (1 - 0.5 * sat[:, 2])
    # A dot whose length barely exceeds its width (or is sub-pixel in this view) is one lobe.
    long = np.hypot(a[:, 0], a[:, 1]) >= 0.35
    pts = [p, p[long] + a[long], p[long] - a[long], p + sat[:, :2] * r[:, None]]
    wts = [np.where(long, 0.4 * main, main), 0.3 * main[long], 0.3 * main[long], core * sat[:, 2]]
    sgs = [lobe_s, lobe_s[long], lobe_s[long], lobe_s * 0.8]
    # Drawn through the photo's own blur: never sharper than the skin around it.
    sgs = [np.sqrt(x**2 + optical**2) for x in sgs]
    layers = [(np.vstack(pts), np.concatenate(wts), np.concatenate(sgs))]
    if spread > 0:
        # The soft spread is a halo whose exact width does not show: one width for all
        # of it, set by the design (not by the dots in view, so a crop and the whole
        # image agree).
        typical = settings.dot_size_mm * 0.5 * st["size"] * scale.px_per_mm * s * SIGMA_PER_RADIUS
        halo = float(np.sqrt((2.2 * typical) ** 2 + (typical * st["soft"]) ** 2 + optical**2))
        layers.append((p, ink * spread, np.full(len(p), max(halo, MIN_SIGMA))))
    cover = _splat_blurred(*layers, shape=(rh, rw))
    cover = cover[pad:-pad, pad:-pad] if pad else cover
    roi = base[by0:by1, bx0:bx1]
    px = scale.px_per_mm * s
    red = _redness(cover, lobe_s, pigment) if st["redness"] > 0 else None
    skin_lin = (np.array(pigment.skin_rgb, np.float32) / 255.0) ** 2
    spec_floor = np.float32(1.3 * float(skin_lin.min()) + 0.02)
    # Filters that look at the photo around a pixel need this many rows of context.
    ctx = max(_hold_size(px), _strand_size(px)) // 2 + 1
    result = np.empty_like(base)  # outside the region of interest: the photo as it came in
    result[:by0], result[by1:] = base[:by0], base[by1:]
    result[by0:by1, :bx0], result[by0:by1, bx1:] = base[by0:by1, :bx0], base[by0:by1, bx1:]
    # In bands of rows: a 12 MP render is memory-bound, and a band's temporaries stay in cache.
    for y in range(0, roi.shape[0], BAND):
        y1 = min(y + BAND, roi.shape[0])
        c0, c1 = max(y - ctx, 0), min(y1 + ctx, roi.shape[0])
        around = roi[c0:c1]
        band = roi[y:y1]
        alpha = cv2.exp(cv2.multiply(cover[y:y1], -1.0))
        alpha = cv2.subtract(1.0, alpha)
        if occlusion:
            alpha = cv2.multiply(alpha, cv2.subtract(1.0, _hair_occlusion(around, px)[y - c0:y1 - c0]))
        if visibility is not None:
            alpha = cv2.multiply(alpha, np.ascontiguousarray(visibility[by0 + y:by0 + y1, bx0:bx1]))
        if settings.texture_hold > 0:
            alpha = cv2.multiply(alpha, _skin_hold(around, px, settings.texture_hold, look)[y - c0:y1 - c0])
        result[by0 + y:by0 + y1, bx0:bx1] = _composite(
            band, alpha, st, None if red is None else np.ascontiguousarray(red[y:y1]), spec_floor)
    return result


def _composite(roi, alpha, st, red, spec_floor) -> np.ndarray:
    """Pigment under the skin of one band: it multiplies the diffuse light (in
    approximately linear light); the specular shine stays on top."""
    chans = [cv2.LUT(c, LINEAR) for c in cv2.split(roi)]
    # Specular shine rides on the surface: split it off, add it back above the pigment.
    mn = cv2.min(cv2.min(chans[0], chans[1]), chans[2])
    spec = cv2.max(cv2.subtract(mn, float(spec_floor)), 0.0)
    # A clipped highlight hides how bright the shine really was, so over pigment a
    # near-white pixel keeps a little more shine; only a little (a blown-out crown
    # still shows its dots) and only over pigment (what has none stays as it was).
    boost = cv2.min(cv2.max(cv2.addWeighted(mn, 12.0, mn, 0.0, -9.0), 0.0), float(CLIP_BOOST))
    spec_top = cv2.add(spec, cv2.multiply(cv2.multiply(spec, boost), alpha))
    out = []
    for c in range(3):
        keep = cv2.addWeighted(alpha, -float(st["tint"][c]), alpha, 0.0, 1.0)  # light the pigment lets through
        if red is not None and c > 0:
            keep *= 1.0 - red * np.float32((0.0, 0.45, 0.36)[c])
        o = cv2.add(cv2.multiply(cv2.subtract(chans[c], spec), keep), spec_top)
        out.append(cv2.sqrt(cv2.min(o, 1.0)))
    composite = cv2.convertScaleAbs(cv2.merge(out), alpha=255.0)
    if red is None:
        composite = cv2.min(composite, roi)  # pigment only ever darkens
    return composite


def _saturation(peak: np.ndarray) -> np.ndarray:
    """What a Gaussian of this peak density absorbs over what it would unsaturated:
    ``Ein(d) / d`` with ``Ein(d) = integral_0^d (1 - exp(-t)) / t dt``."""
    return np.interp(peak, _EIN[0], _EIN[1])


def _ein_table(top: float = 60.0, n: int = 600) -> tuple[np.ndarray, np.ndarray]:
    d = np.linspace(0.0, top, n + 1)
    t = np.maximum(d, 1e-9)
    f = -np.expm1(-t) / t  # (1 - e^-t) / t
    ein = np.concatenate([[0.0], np.cumsum((f[1:] + f[:-1]) * 0.5 * np.diff(d))])
    return d, np.where(d > 0, ein / t, 1.0)


_EIN = _ein_table()


def _hold_size(px_per_mm: float) -> int:
    return max(3, int(round(0.6 * px_per_mm)) | 1)


def _strand_size(px_per_mm: float) -> int:
    return max(3, int(round(0.45 * px_per_mm)) | 1)


def _skin_hold(roi: np.ndarray, px_per_mm: float, hold: float, look: PhotoLook) -> np.ndarray:
    """How much more pigment each pixel holds: pores and furrows (darker than the
    skin around them) more, raised skin less. The photo's own grain rides along,
    so a dot is no cleaner than the skin it sits in."""
    g = cv2.cvtColor(roi, cv2.COLOR_RGB2GRAY)
    k = _hold_size(px_per_mm)
    around = cv2.blur(g, (k, k)).astype(np.float32)
    rel = cv2.divide(cv2.subtract(around, g.astype(np.float32)), cv2.max(around, 8.0))
    held = cv2.addWeighted(rel, float(hold * 4.0), rel, 0.0, 1.0)
    return cv2.min(cv2.max(held, 0.35), 1.8)


def _splat_blurred(*layers, shape) -> np.ndarray:
    """Sum of Gaussians: bilinear splats binned by sigma, blurred as a cascade.

    ``layers`` are ``(points, weights, sigmas)``. Bins sit on a fixed grid (half
    an octave), not on the dots in view, so a crop and the whole image blur each
    dot identically; a layer of one sigma (the halo) is one bin of its own.
    Widest first, each bin is added and the sum blurred on by what takes it to
    the next bin's width (Gaussians compose): one accumulator, and kernels that
    shrink as the cascade goes.
    """
    bins = {}
    for p, weight, sigma in layers:
        sig = np.maximum(sigma, MIN_SIGMA)
        if np.ptp(sig) == 0:  # one width: exact, not snapped to the grid
            bins.setdefault(float(sig[0]), []).append((p, weight))
            continue
        which = np.round(np.log2(sig) * BINS_PER_OCTAVE).astype(np.int64)
        order = np.argsort(which, kind="stable")
        keys, starts = np.unique(which[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        for b, i0, i1 in zip(keys, starts, ends):
            sel = order[i0:i1]
            bins.setdefault(float(2.0 ** (b / BINS_PER_OCTAVE)), []).append((p[sel], weight[sel]))
    acc, spare = np.zeros(shape, np.float32), np.empty(shape, np.float32)
    widths = sorted(bins, reverse=True)
    for i, width in enumerate(widths):
        for p, weight in bins[width]:
            _bilinear_splat(p, weight, acc)
        nxt = widths[i + 1] if i + 1 < len(widths) else 0.0
        step = float(np.sqrt(width**2 - nxt**2))
        if step > 0.05:
            k = 2 * int(np.ceil(3.0 * step)) + 1  # 3 sigma: the rest is below a byte
            cv2.GaussianBlur(acc, (k, k), step, dst=spare)  # not in place: that is much slower
            acc, spare = spare, acc
    return acc


def _bilinear_splat(p, weight, acc: np.ndarray) -> None:
    """Add weights bilinearly onto ``acc`` (points off it are dropped)."""
    h, w = acc.shape
    x, y = p[:, 0] - 0.5, p[:, 1] - 0.5  # pixel centres at +0.5
    ix, iy = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = (x - ix).astype(np.float32), (y - iy).astype(np.float32)
    weight = weight.astype(np.float32)
    flat = acc.reshape(-1)
    for dx, dy, wt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xx, yy = ix + dx, iy + dy
        ok = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
        np.add.at(flat, yy[ok] * w + xx[ok], (weight * wt)[ok])


def _hair_occlusion(roi: np.ndarray, px_per_mm: float) -> np.ndarray:
    """0..1: how much a hair strand covers each pixel (thin dark or light lines)."""
    if px_per_mm < 1.5:  # strands are sub-pixel at this zoom: leave it to the averaging
        return np.zeros(roi.shape[:2], np.float32)
    gray = cv2.cvtColor(roi, cv2.COLOR_RGB2GRAY)
    k = _strand_size(px_per_mm)
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bh = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, ker)
    th = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, ker)
    strength = cv2.max(bh, th).astype(np.float32)
    return np.clip((strength - 10.0) / 25.0, 0, 1)


def _redness(cover, sigma, pigment: Pigment) -> np.ndarray:
    """Fresh: redness around the impressions for 24-48 h, strongest on light skin."""
    halo = cv2.GaussianBlur(cover, (0, 0), max(3.0 * float(np.median(sigma)), 1.5))
    light = np.clip((rgb_to_lab(pigment.skin_rgb)[0] - 30.0) / 40.0, 0.15, 1.0)
    return np.clip(halo * 1.5, 0, 1) * np.float32(light)
