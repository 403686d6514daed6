"""Render impressions onto the photo: soft, irregular, under the skin.

Each impression is a few soft Gaussian lobes (an elongated core, an offset
satellite, the halo healing leaves), laid down by ``splat`` at a cost of a few
blur passes however many dots. Pigment sits under the skin: it multiplies the
diffuse light in (approximately) linear light, so skin texture shows through,
and the specular shine, which sits on the surface, stays on top of it. Where
there is no shine that is one 8-bit multiply per channel; tiles where shine
meets pigment take the exact path. Large images go in strips of rows, side by
side, each equal to that part of the whole.

The same call renders the full-resolution export and a screen preview (any
crop and scale of the photo): dot sizes and coverage are defined in photo
pixels and scaled with the view, so both look the same at the same zoom.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.engine.dots import Dots
from smp_studio.core.engine.lookup import lookup3, pack3
from smp_studio.core.engine.photolook import PhotoLook
from smp_studio.core.engine.rows import take_rows
from smp_studio.core.engine.shine import CLIP_BOOST, LINEAR, composite, shine_floor, shine_table
from smp_studio.core.engine.skin import hold_size, pigment_hold, skin_factors, strand_size
from smp_studio.core.engine.splat import MIN_SIGMA, Wide, bins as _bins, cascade as _cascade, saturation as _saturation
from smp_studio.core.engine.threads import done as _done, pool as _pool, side as _side
from smp_studio.core.engine.pigment import HEALED_DENSITY, TINT_AGED, TINT_FRESH, TINT_HEALED, Pigment, rgb_to_lab
from smp_studio.core.model.scale import Scale
from smp_studio.core.model.settings import Settings

SIGMA_PER_RADIUS = 1 / 1.2
#: Cores' ink is calibrated on a sharp photo (blur 1/12 mm: 12 px/mm, 1 px); on a softer one a core keeps
#: up to CORE_BLUR_KEEP times it, taken from the spread, so its dots still read as faint dots (README,
#: Realism), drawn CORE_DETAIL times as wide as the skin's detail allows: the spread's ink comes with some
#: of its softness. (2.6 times made pepper and leopard spots of soft photos at 100 %: issue 10.)
CORE_REF_BLUR_MM = 1.0 / 12.0
CORE_BLUR_KEEP = 1.5
CORE_DETAIL = 1.3
#: Where a dot's blurred width (variance) is this many times a sharp photo's, the photo merges the dots:
#: the spread holds a dot's mean ink there, and the cores up to CORE_EVEN of the way to it.
MERGED_AT = 2.6
CORE_EVEN = 0.7
BAND = 96  # rows composited at a time
THREADS = True
STRIP = 384  # rows of a strip rendered side by side with others (a multiple of BAND)
TILE = 256  # columns of a band redone exactly where shine meets pigment
AHEAD_PIXELS = 12_000_000  # photo filters worked out ahead of the strips (8 bytes each while held)
#: How far a dense core turns from the skin's warm cast toward neutral charcoal (0..1); more
#: would make a preview of sub-pixel dots read warmer than the export shrunk.
NEUTRAL = 0.6
LOBES = 1.6  # how much wider than one Gaussian a core split in lobes absorbs at its own size


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

    @classmethod
    def fitted(cls, photo_size, box, *, enlarge: bool = False) -> tuple["View", tuple[int, int]]:
        """The whole photo fitted in ``box`` (w, h): the view and its output size.

        >>> View.fitted((4000, 3000), (1600, 1000))
        (View(x0=0.0, y0=0.0, scale=0.3333333333333333), (1333, 1000))
        """
        (w, h), (bw, bh) = photo_size, box
        k = min(bw / w, bh / h)
        k = k if enlarge else min(k, 1.0)
        return cls(0.0, 0.0, k), (max(int(w * k), 1), max(int(h * k), 1))

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
        return {"size": 1.25, "opacity": 0.8 * darkness, "spread": spread, "soft": 0.3,
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
           look: PhotoLook | None = None, skin: list | None = None, lit: float = 0.0) -> np.ndarray:
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
        How much skin shows at each output pixel (1 bare .. 0 covered by dense hair), in the view's geometry.
    look : PhotoLook, optional, keyword-only
        The photo's own blur and grain (``photolook.estimate_look``): pigment no sharper than the photo.
    skin : list of ndarray float32 (h, w), optional, keyword-only
        ``skin.skin_factors`` of the whole of ``base`` when known (a drag re-renders one view many times).
    lit : float, keyword-only
        The treated scalp's lit skin (``shine.lit_level``): only light above it shines.

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
    reach = r * (3 * SIGMA_PER_RADIUS * (1.5 + st["soft"]) * major + np.maximum(np.abs(sat[:, 0]), np.abs(sat[:, 1])))
    optical = max(look.blur_sigma * s, MIN_SIGMA)
    detail = look.detail_sigma * CORE_DETAIL
    floor = detail * s  # no dot sharper than the bare skin's own detail (and its softness), where softer
    # The soft spread (light scattered in the skin): one width, set by the design, not by the dots in view.
    typical = settings.dot_size_mm * 0.5 * st["size"] * scale.px_per_mm * s * SIGMA_PER_RADIUS
    halo = float(np.sqrt((settings.spread_mm * scale.px_per_mm * s) ** 2 + (typical * st["soft"]) ** 2 + optical**2))
    margin = max(float(reach.max()) + 3 * max(optical, floor), 3 * halo if st["spread"] > 0 else 0.0) + 2
    inside = (p[:, 0] > -margin) & (p[:, 0] < w + margin) & (p[:, 1] > -margin) & (p[:, 1] < h + margin)
    if not inside.any():
        return base.copy()
    opacity = dots.opacity
    spread_op = dots.spread_opacity  # None: the spread holds the dot's own ink
    if not inside.all():  # (a whole-image render skips the gathers)
        keep = np.flatnonzero(inside)
        p, sat, axis, r, major, minor, opacity, spread_op = (None if x is None else take_rows(x, keep) for x in (
            p, sat, axis, r, major, minor, opacity, spread_op))
    density = opacity * st["opacity"] * pigment.strength * pigment.reach * HEALED_DENSITY

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
    roi = base[by0:by1, bx0:bx1]
    px = scale.px_per_mm * s
    # Filters that look at the photo around a pixel need this many rows of context.
    ctx = max(hold_size(px), strand_size(px)) // 2 + 1

    def skin_at(y, y1):
        if skin is not None:
            return [f[by0 + y:by0 + y1, bx0:bx1] for f in skin]
        return skin_factors(roi, y, y1, ctx=ctx, px=px, occlusion=occlusion, hold=pigment_hold(settings))

    # In strips of rows, side by side: each writes its own rows, and equals that part of
    # the whole; a 12 MP render is memory-bound, and a band's temporaries stay in cache.
    # Strips of a fixed height (not one per core), so every machine renders the same bytes.
    rows = roi.shape[0]
    step = rows if not THREADS or rows * roi.shape[1] < 2_000_000 else STRIP
    spans = [(r, min(r + step, rows)) for r in range(0, rows, step)]
    # What the photo alone decides (hair strands over the skin, pores) is worked out beside the
    # dots' lobes, which take one core: for the first AHEAD_PIXELS of rows (what that time covers;
    # no more is held at once), the rest strip by strip as before.
    ahead, queued = {}, 0
    for r0, r1 in (spans if len(spans) > 1 and skin is None else []):
        for y in range(r0, r1, BAND):
            if queued >= AHEAD_PIXELS:
                break
            ahead[y] = _pool().submit(skin_at, y, min(y + BAND, r1))
            queued += (min(y + BAND, r1) - y) * roi.shape[1]

    # Ink per dot (integrated, so a dot keeps its ink when smaller than a pixel),
    # shared between an elongated core (three lobes along its axis), an
    # irregular or doubling satellite, and the soft spread healing leaves.
    sig = r * SIGMA_PER_RADIUS
    s_min, s_maj = sig * minor, sig * major
    ink = density * 2 * np.pi * sig * sig
    # The skin turning away from the camera shows each dot smaller (its core: ``area``) and packs them
    # closer, which dots placed evenly in the photo's pixels do not: the ink those closer dots would
    # add goes to the even spread (at a photo's resolution such packed dots read as one shadow). With
    # none of it the treated shadow paled toward the head's outline (issue 10: a front view's lit top
    # paler than its front edge, the dots gone from under the dome's highlights).
    area = minor * major
    spread = st["spread"]
    # A soft photo spreads a core's ink over sig² + blur²: the core keeps up to CORE_BLUR_KEEP times
    # its ink there, so its dots still read as dots (at the photo's own size: a preview reads as the export).
    sig_native, blur_native, ref = sig / s, max(look.blur_sigma, MIN_SIGMA), CORE_REF_BLUR_MM * scale.px_per_mm
    wider = np.maximum(sig_native**2 + blur_native**2, detail**2) / (sig_native**2 + ref**2)
    held = np.clip(wider, 1, CORE_BLUR_KEEP)
    # The same ink in all (the treated area greys alike from afar): what the cores keep, the spread gives up. Where
    # the photo's blur merges the dots, the spread holds a dot's mean ink there (no clump of a few strong ones),
    # and so, up to CORE_EVEN, do the cores: their differences read there as blotches, not as varied dots.
    mean_ink = ink if spread_op is None else ink * (spread_op / np.maximum(opacity, 1e-6))
    merged = np.clip((wider - 1.0) / (MERGED_AT - 1.0), 0.0, 1.0)
    ink_s = ink + merged * (mean_ink - ink)
    core = (ink + CORE_EVEN * merged * (mean_ink - ink)) * area * (1 - spread)
    kept = core * held
    halo_ink = np.maximum(ink_s * spread + mean_ink * (1 - spread) * (1 - area) - (kept - core), 0.0)
    core = kept
    # A dark core saturates (light let through can only fall to zero); shrunk below
    # the photo's blur in a preview it would not, and would read darker than the
    # export shrunk. Keep what each core absorbs as it is at the photo's own size.
    native = max(look.blur_sigma, MIN_SIGMA) * s
    if native != optical:
        at_view, at_native = (2 * np.pi * np.sqrt(np.maximum(s_min**2 + b**2, floor**2)
                                                  * np.maximum(s_maj**2 + b**2, floor**2)) for b in (optical, native))
        core = core * _saturation(core / (at_native * LOBES)) / _saturation(core / at_view)
    a = np.sqrt(np.maximum(s_maj**2 - s_min**2, 0) / 0.6)[:, None] * axis
    soft = sig * st["soft"]
    lobe_s = np.sqrt(s_min**2 + soft**2)
    main = core * (1 - 0.5 * sat[:, 2])
    # A dot whose length barely exceeds its width (or is sub-pixel in this view) is one lobe.
    ax, ay = a[:, 0], a[:, 1]
    long = ax * ax + ay * ay >= 0.35**2  # (np.hypot: 15x slower)
    li = np.flatnonzero(long)
    p_long, a_long, side, s_long = take_rows(p, li), take_rows(a, li), 0.3 * main[li], lobe_s[li]
    pts = [p, p_long + a_long, p_long - a_long, p + sat[:, :2] * r[:, None]]
    wts = [np.where(long, 0.4 * main, main), side, side, core * sat[:, 2]]
    sgs = [lobe_s, s_long, s_long, lobe_s * 0.8]
    # Drawn through the photo's own blur: never sharper than the skin around it.
    sgs = [np.maximum(np.sqrt(x**2 + optical**2), floor) for x in sgs]
    layers = [(np.vstack(pts).astype(np.float32), np.concatenate(wts).astype(np.float32), np.concatenate(sgs))]
    wide = None  # wide and faint: on a coarse grid aligned to the view's pixels (a region reads as the whole)
    if spread > 0:
        origin = (int(round(view.x0 * s)) + bx0 - pad, int(round(view.y0 * s)) + by0 - pad)
        args = (p.astype(np.float32), halo_ink.astype(np.float32), max(halo, MIN_SIGMA), (rw, rh), origin)
        # Drawn beside the binning of the other lobes when strips go side by side (the render's pool
        # is busy then with the photo's filters); the strips wait for it.
        wide = _side().submit(Wide, *args) if len(spans) > 1 else _done(Wide(*args))
    bins = _bins(layers)
    widths = sorted(bins, reverse=True)
    steps = [float(np.sqrt(wd**2 - nx**2)) for wd, nx in zip(widths, widths[1:] + [0.0])]
    reach = sum(int(np.ceil(3.0 * st_)) for st_ in steps if st_ > 0.05) + 2  # of the blur cascade
    red_sigma = max(3.0 * float(np.median(lobe_s)), 1.5) if st["redness"] > 0 else 0.0
    red_reach = int(np.ceil(4.0 * red_sigma)) + 1 if red_sigma else 0
    spec_floor = shine_floor(pigment.skin_rgb, lit=lit, scar=settings.treatment == "scar")
    result = np.empty_like(base)  # outside the region of interest: the photo as it came in
    result[:by0], result[by1:] = base[:by0], base[by1:]
    result[by0:by1, :bx0], result[by0:by1, bx1:] = base[by0:by1, :bx0], base[by0:by1, bx1:]
    # Shine on the surface: what lies above the skin's own diffuse light, per darkest channel.
    spec_lut = shine_table(spec_floor)
    # A clipped highlight hides how bright the shine really was, so over pigment a
    # near-white pixel keeps a little more shine; only a little (a blown-out crown
    # still shows its dots) and only over pigment (what has none stays as it was).
    boost_lut = (spec_lut * np.clip(12.0 * LINEAR - 9.0, 0.0, CLIP_BOOST)).astype(np.float32)
    tint = np.array(st["tint"], np.float32)
    # Where there is no shine, pigment under the skin scales each channel (gamma 2:
    # sqrt(lin * keep) = value * sqrt(keep)): one 8-bit multiply by a factor per alpha.
    keep_lut = _keep(np.arange(256, dtype=np.float32)[:, None] / 255.0, tint[None, :]).reshape(1, 256, 3)
    factor32 = pack3(np.round(255.0 * np.sqrt(keep_lut)).astype(np.uint8))
    shine8 = int(np.searchsorted(spec_lut[0] > 0, True))  # darkest channel from which a pixel shines

    def band_at(y, y1, cover, red):
        """Composite ROI rows ``y:y1`` given their cover (and redness)."""
        band = roi[y:y1]
        alpha = cv2.subtract(1.0, cv2.exp(np.negative(cover)))  # (cv2.multiply by a number: 10x slower)
        for f in ahead.pop(y).result() if y in ahead else skin_at(y, y1):
            alpha = cv2.multiply(alpha, f)
        if visibility is not None:
            alpha = cv2.multiply(alpha, np.ascontiguousarray(visibility[by0 + y:by0 + y1, bx0:bx1]))
        out = result[by0 + y:by0 + y1, bx0:bx1]
        a8 = cv2.convertScaleAbs(alpha, alpha=255.0)
        if red is not None:  # fresh: the skin reddens too, in linear light
            out[:] = composite(band, alpha, a8, keep_lut, red, spec_lut, boost_lut)
            return
        out[:] = cv2.multiply(band, lookup3(a8, factor32), scale=1.0 / 255.0)
        # Shine rides on top of the pigment: redo the (few) tiles where pigment meets it.
        red_, green, blue = cv2.split(band)  # a pixel shines from its darkest channel up (inRange on 3: 1.7x slower)
        darkest = cv2.min(cv2.min(red_, green), blue)
        hit = cv2.bitwise_and(cv2.threshold(darkest, shine8 - 1, 255, cv2.THRESH_BINARY)[1], a8)
        if cv2.countNonZero(hit):
            cols = np.flatnonzero(hit.any(0))
            for t in np.unique(cols // TILE):
                sl = slice(t * TILE, min((t + 1) * TILE, band.shape[1]))
                out[:, sl] = composite(band[:, sl], np.ascontiguousarray(alpha[:, sl]),
                                        np.ascontiguousarray(a8[:, sl]), keep_lut, None, spec_lut, boost_lut)

    def strip(r0, r1):
        """ROI rows ``r0:r1``: their dots splatted and blurred (with the blur's reach of
        rows around, so a strip equals that part of the whole), then composited."""
        m = reach + red_reach
        a0, a1 = max(r0 + pad - m, 0), min(r1 + pad + m, rh)
        cover = _cascade(bins, widths, steps, a0, a1, rw)
        if wide is not None:
            cv2.add(cover, wide.result().rows(a0, a1), dst=cover)
        red = None
        if red_sigma:
            red = _redness(cover, red_sigma, pigment)
        k0 = r0 + pad - a0
        for y in range(r0, r1, BAND):
            y1 = min(y + BAND, r1)
            sl = slice(k0 + y - r0, k0 + y1 - r0)
            band_at(y, y1, cover[sl, pad:rw - pad], None if red is None else red[sl, pad:rw - pad])

    if len(spans) > 1:
        list(_pool().map(lambda sp: strip(*sp), spans))
    else:
        for sp in spans:
            strip(*sp)
    return result


def _keep(alpha, tint):
    """Light a pigment of cover ``alpha`` lets through, per channel of absorbance ``tint``.

    A faint dot takes the tint's cast (a tint that takes blue first leaves a warm
    grey); a dense core turns neutral, charcoal rather than rust: the carbon
    itself is black, and any cast is the skin's, over it.

    >>> k = _keep(np.array([[0.2], [1.0]]), np.array([0.66, 0.82, 1.0]))
    >>> bool(k[0, 0] > k[0, 2]) and bool(k[1, 0] / k[1, 2] < k[0, 0] / k[0, 2] * 2.5)
    True
    """
    a = np.asarray(alpha, np.float32)
    t = np.asarray(tint, np.float32)
    w = NEUTRAL * a * a
    return np.clip(1.0 - a * ((1.0 - w) * t + w * t.mean(-1, keepdims=True)), 0.0, 1.0).astype(np.float32)


def _redness(cover, sigma: float, pigment: Pigment) -> np.ndarray:
    """Fresh: redness around the impressions for 24-48 h, strongest on light skin."""
    halo = cv2.GaussianBlur(cover, (0, 0), sigma)
    light = np.clip((rgb_to_lab(pigment.skin_rgb)[0] - 30.0) / 40.0, 0.15, 1.0)
    return np.clip(halo * 1.5, 0, 1) * np.float32(light)
