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
from smp_studio.core.engine.pigment import PIGMENT_AGED, PIGMENT_FRESH, PIGMENT_HEALED, Pigment, rgb_to_lab
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

MIN_SIGMA = 0.45  # output pixels: below this a dot is a sub-pixel splat
#: Photos do not resolve single pixels (lens, demosaicing, JPEG): a dot drawn
#: sharper than the photo's own detail looks pasted on, so no dot is sharper
#: than this, in photo pixels.
OPTICAL_SIGMA = 0.8
#: How much of a clipped highlight's lost shine is assumed over pigment.
CLIP_BOOST = 0.3
SIGMA_PER_RADIUS = 1 / 1.2  # a soft dot of radius r ~ a Gaussian of this sigma
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
    """How the chosen state changes every impression (size, opacity, colour, redness)."""
    darkness = settings.session_darkness_factor
    if settings.state == "fresh":
        return {"size": 1.3, "opacity": 1.35 * darkness, "color": PIGMENT_FRESH, "redness": 1.0}
    if settings.state == "aged":
        n = settings.aged_years
        k = min(n / 15.0, 1.0) * 0.6
        color = tuple(int(round((1 - k) * a + k * b)) for a, b in zip(PIGMENT_HEALED, PIGMENT_AGED))
        return {"size": 1.0 + 0.035 * n, "opacity": float(np.exp(-0.055 * n)) * darkness, "color": color, "redness": 0.0}
    return {"size": 1.0, "opacity": darkness, "color": PIGMENT_HEALED, "redness": 0.0}


def render(base: np.ndarray, dots: Dots, *, pigment: Pigment, settings: Settings, scale: Scale,
           view: View = View(), occlusion: bool = True, visibility: np.ndarray | None = None) -> np.ndarray:
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

    Returns
    -------
    ndarray uint8 (h, w, 3)
    """
    h, w = base.shape[:2]
    st = state_factors(settings)
    s = view.scale
    if len(dots) == 0:
        return base.copy()
    p = view.to_output(dots.xy)
    r = dots.size_mm.astype(np.float64) * 0.5 * st["size"] * scale.px_per_mm * s
    sigma_ink = r * SIGMA_PER_RADIUS  # how much ink the dot holds
    sigma = np.maximum(sigma_ink, OPTICAL_SIGMA * s)  # how it is drawn
    margin = 3 * max(float(sigma.max()), MIN_SIGMA) + 2
    inside = (p[:, 0] > -margin) & (p[:, 0] < w + margin) & (p[:, 1] > -margin) & (p[:, 1] < h + margin)
    if not inside.any():
        return base.copy()
    p, r, sigma, sigma_ink = p[inside], r[inside], sigma[inside], sigma_ink[inside]
    opacity = np.clip(dots.opacity[inside] * st["opacity"] * pigment.strength, 0, 0.97)
    sat = dots.satellite[inside]

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

    # Integrated coverage per lobe, so a dot keeps its ink when it is smaller than a pixel.
    peak = -np.log1p(-opacity)
    area = 2 * np.pi * sigma_ink**2
    main_w = peak * area * (1 - 0.5 * sat[:, 2])
    sat_w = peak * area * sat[:, 2]
    sat_p = p + sat[:, :2] * r[:, None]
    sat_sigma = sigma * 0.75
    cover = _splat_blurred(
        np.vstack([p, sat_p]), np.concatenate([main_w, sat_w]), np.concatenate([sigma, sat_sigma]), (rh, rw))
    cover = np.ascontiguousarray(cover[pad:-pad, pad:-pad]) if pad else cover
    alpha = 1.0 - cv2.exp(-cover)

    roi = np.ascontiguousarray(base[by0:by1, bx0:bx1])
    if occlusion:
        alpha *= 1.0 - _hair_occlusion(roi, scale.px_per_mm * s)
    if visibility is not None:
        alpha *= visibility[by0:by1, bx0:bx1]
    # Per channel with OpenCV: a 12 MP render is memory-bound, and these run vectorised.
    chans = [cv2.LUT(c, LINEAR) for c in cv2.split(roi)]
    skin_lin = (np.array(pigment.skin_rgb, np.float32) / 255.0) ** 2
    # Specular shine rides on the surface: split it off, add it back above the pigment.
    mn = cv2.min(cv2.min(chans[0], chans[1]), chans[2])
    spec = cv2.max(mn - np.float32(1.3 * float(skin_lin.min()) + 0.02), 0.0)
    # A clipped highlight hides how bright the shine really was, so over pigment a
    # near-white pixel keeps a little more shine; only a little (a blown-out crown
    # still shows its dots) and only over pigment (what has none stays as it was).
    boost = cv2.min(cv2.max(cv2.addWeighted(mn, 12.0, mn, 0.0, -9.0), 0.0), float(CLIP_BOOST))
    spec_top = cv2.add(spec, cv2.multiply(cv2.multiply(spec, boost), alpha))
    pig_lin = (np.array(st["color"], np.float32) / 255.0) ** 2
    trans = np.clip(pig_lin / np.maximum(skin_lin, 1e-4), 0, 1)  # what a full dot lets through
    if st["redness"] > 0:
        red = _redness(cover, sigma, pigment)
    out = []
    for c in range(3):
        keep = cv2.addWeighted(alpha, -float(1.0 - trans[c]), alpha, 0.0, 1.0)  # light the pigment lets through
        if st["redness"] > 0 and c > 0:
            keep *= 1.0 - red * np.float32((0.0, 0.32, 0.26)[c])
        o = cv2.add(cv2.multiply(cv2.subtract(chans[c], spec), keep), spec_top)
        out.append(cv2.sqrt(cv2.min(o, 1.0)))
    composite = cv2.convertScaleAbs(cv2.merge(out), alpha=255.0)
    if st["redness"] == 0:
        composite = cv2.min(composite, roi)  # pigment only ever darkens
    result = base.copy()
    result[by0:by1, bx0:bx1] = composite
    return result


def _splat_blurred(p, weight, sigma, shape) -> np.ndarray:
    """Sum of Gaussians: bilinear splats binned by sigma, one blur per bin.

    Bins sit on a fixed grid (a fifth of an octave), not on the dots in view,
    so a crop and the whole image blur each dot identically.
    """
    h, w = shape
    logs = np.log2(np.maximum(sigma, MIN_SIGMA))
    which = np.round(logs * BINS_PER_OCTAVE).astype(np.int64)
    out = np.zeros((h, w), np.float32)
    acc = np.empty((h, w), np.float32)
    blurred = np.empty((h, w), np.float32)
    for b in np.unique(which):
        sel = which == b
        if not _bilinear_splat(p[sel], weight[sel], acc):
            continue
        cv2.GaussianBlur(acc, (0, 0), float(2.0 ** (b / BINS_PER_OCTAVE)), dst=blurred)
        cv2.add(out, blurred, dst=out)
    return out


def _bilinear_splat(p, weight, acc: np.ndarray) -> bool:
    """Spread weights bilinearly onto ``acc`` (overwritten); False if nothing lands."""
    h, w = acc.shape
    x, y = p[:, 0] - 0.5, p[:, 1] - 0.5  # pixel centres at +0.5
    ix, iy = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    fx, fy = (x - ix).astype(np.float32), (y - iy).astype(np.float32)
    weight = weight.astype(np.float32)
    r0 = max(int(iy.min()), 0)
    r1 = min(int(iy.max()) + 2, h)
    if r1 <= r0:
        return False
    idx, val = [], []
    for dx, dy, wt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xx, yy = ix + dx, iy + dy
        ok = (xx >= 0) & (xx < w) & (yy >= r0) & (yy < r1)
        idx.append((yy[ok] - r0) * w + xx[ok])
        val.append((weight * wt)[ok])
    band = np.bincount(np.concatenate(idx), np.concatenate(val), minlength=(r1 - r0) * w)
    acc[:r0] = 0
    acc[r1:] = 0
    acc[r0:r1] = band.reshape(r1 - r0, w)
    return True


def _hair_occlusion(roi: np.ndarray, px_per_mm: float) -> np.ndarray:
    """0..1: how much a hair strand covers each pixel (thin dark or light lines)."""
    if px_per_mm < 1.5:  # strands are sub-pixel at this zoom: leave it to the averaging
        return np.zeros(roi.shape[:2], np.float32)
    gray = cv2.cvtColor(roi, cv2.COLOR_RGB2GRAY)
    k = max(3, int(round(0.45 * px_per_mm)) | 1)
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
