"""Shave preview: the client's remaining long hair clipped to stubble.

Nobody wears SMP under 2 cm of hair: for the full shaved look the client
clips what is left. This replaces hair in and around the treated area by
skin (tone and shading filled in from the neighbouring bald scalp) carrying
stubble of a chosen guard length in the hair's own colour, so the design is
judged on the head the client will really have.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.analysis.masks import dilate_disc
from smp_studio.core.engine.bands import Upsampler, grain_tile, nonzero_columns, span_union, tiled, warped_rows
from smp_studio.core.engine.bare_skin import (WORK, channel_mean, coarse_morphology, fill_skin, hair_evidence,
                                                mask_bytes, skin_texture, working_size)
from smp_studio.core.engine.buzz import lone_patches
from smp_studio.core.engine.dotshape import DirectionField
from smp_studio.core.engine.outline import beyond, hair_runs_on, past_outline
from smp_studio.core.engine.smoothing import wide_blur
from smp_studio.core.engine.stubble import follicle_points, follicle_share, hair_cast, stubble_cover, stubble_share
from smp_studio.core.model.scale import Scale

STRAND_CONTRAST = 10  # grey levels a strand stands out from the skin beside it
#: How much of its colour the skin under dense hair loses, once clipped. (At 0.5 clipped brown hair
#: turned into grey blobs beside the unclipped thinning hair of the front sample.)
UNDER_HAIR_GREY = 0.25
FADE_MM = 15.0  # the clipped area fades out over this beyond ``around_mm``
THIN_FROM = 0.2  # hair density from which the clippers take hair (thinning hair included)
CLOSE_MM = 6.0  # gaps narrower than this between clipped patches are clipped too
#: How much the stubble shadow gathers at the follicles (share of itself): at 0.3 a clipped head's
#: texture is about that of a photo of a real buzz cut (detail 0.06 of its lightness, the bundled
#: shaved-look sample's; a flat tint with grain read as felt, at a third of it).
FOLLICLE_GRAIN = 0.3
#: When less of the bare skin than this share lies beside what is clipped, the skin under it (seen
#: through a veil of pale strands) teaches the fill, not the nearest bare skin off the head.
VEIL_KNOWN = 0.1
#: The follicles' grain in the clipped head's lightness is at most this share of it: black follicles on
#: pale skin under flash, at FOLLICLE_GRAIN, peppered the crown sample's clipped ring like granite
#: (at 0.07 its fine detail is 0.045 of its lightness; the shaved-look sample's real buzz cut, 0.062,
#: as streaks). Brown stubble on tan skin stays below it.
GRAIN_SHARE = 0.07
VEIL_MIN_PX = 10  # working pixels of bare skin, at least, for a veil to be read from
TEACH_BELOW = 0.3  # bare skin clipped less than this teaches the fill (the clipped area's soft edge)
TEXTURE_RING_MM = 10.0  # the bare skin's texture is matched within this of what is clipped
VEIL_TONE_MM = 4.0  # the skin seen through such a veil is read over this (its strands are not skin)


def shave_region(hair_density: np.ndarray, head_mask: np.ndarray, zone_weight: np.ndarray, scale: Scale, *,
                 around_mm: float = 25.0, edge_mm: float = 4.0, rgb: np.ndarray | None = None,
                 bald: np.ndarray | None = None, fade: np.ndarray | None = None,
                 keep_buzz: bool = True, work: int = WORK) -> np.ndarray:
    """Where hair is clipped: hair on the head, in the zone or within ``around_mm`` of it (photo size, float 0..1).

    With ``rgb``, sparse hair over the zone is clipped too where strands are
    actually seen (thin lines at the photo's resolution), so shaded bare
    skin, which reads as weak "hair" density, is not "shaved".
    With ``bald`` (bool, photo size), only within ``around_mm`` of the convex
    hull of the bald skin: the skull is convex and carries the bald skin, and
    this keeps a mis-segmented wall or shirt from being "shaved" into skin.
    With ``keep_buzz`` (the default; it needs ``rgb`` and ``bald``), hair already buzzed
    short is left as it is (:mod:`~smp_studio.core.engine.buzz`): its own stubble is best.
    Within ``edge_mm`` of the head's outline only the hair clipped just
    inside it is, out to the outline (:func:`shave`, given the head, moves
    the outline in as clippers do): that rim is the same hair seen edge-on,
    where a bald head's shaded rim, which reads as hair too, has nothing
    clipped inside it and stays. The frame's edge is not an outline.
    ``zone_weight`` and ``fade`` (0..1, multiplies the result) may be of any
    size covering the photo. The maps are at most ``work`` pixels across.

    >>> dens = np.zeros((100, 100), np.float32); dens[:, :50] = 1
    >>> zone = np.zeros((100, 100), np.float32); zone[:, 45:] = 1
    >>> m = shave_region(dens, np.ones((100, 100), bool), zone, Scale(1.0), around_mm=10)
    >>> bool(m[50, 40] > 0.5), bool(m[50, 10] < 0.5), bool(m[50, 80] < 0.5)
    (True, True, True)
    """
    H, W = hair_density.shape
    w, h = working_size(H, W, work)
    dens = cv2.resize(np.asarray(hair_density, np.float32), (w, h), interpolation=cv2.INTER_AREA)  # (no copy)
    head = cv2.resize(mask_bytes(head_mask), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    zone = cv2.resize(zone_weight.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR) > 0.05
    mm = scale.px_per_mm * (w / W)  # working pixels per mm
    # The clipped area ends softly (as a barber blends it), never along a ruled line.
    ramp = max(FADE_MM * mm, 1.0)
    near = np.clip((around_mm * mm - cv2.distanceTransform((~zone).astype(np.uint8), cv2.DIST_L2, 5)) / ramp + 1, 0, 1)
    hair = np.clip((dens - THIN_FROM) / 0.15, 0, 1)
    if rgb is not None:
        # Long strands over a thinning top count too (weak density), where strands are seen.
        frac = _strand_fraction(rgb, scale, (w, h))
        seen = np.clip((frac - 0.1) / 0.15, 0, 1)
        hair = np.maximum(hair, np.clip((dens - 0.06) / 0.1, 0, 1) * zone * seen)
    hair = hair * head * near
    if bald is not None:
        b = cv2.resize(mask_bytes(bald), (w, h), interpolation=cv2.INTER_NEAREST)
        pts = cv2.findNonZero(b)
        if pts is None:
            return np.zeros((H, W), np.float32)
        hull = np.zeros((h, w), np.uint8)
        # The hull of the outlines is the hull of the whole, from far fewer points.
        outlines, _ = cv2.findContours(b, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.fillConvexPoly(hull, cv2.convexHull(np.vstack(outlines)), 1)
        hair *= np.clip((around_mm * mm - cv2.distanceTransform(1 - hull, cv2.DIST_L2, 5)) / ramp + 1, 0, 1)
        if rgb is not None:
            # One buzz clips thinning and dense hair alike: the gaps between patches of it close, so
            # the clipped scalp is one piece, never a patchwork of clipped and long hair; what in a
            # gap is bare skin (a blotch, a shine) is then kept by the hair evidence.
            ev = hair_evidence(rgb, hair, b > 0, mm, strands=seen, keep_buzz=keep_buzz)
            hair = np.maximum(hair, coarse_morphology(hair, cv2.MORPH_CLOSE, 2 * CLOSE_MM * mm)) * ev
            if keep_buzz:  # (and a patch of it alone in the buzz kept round it is left too)
                hair *= 1.0 - dilate_disc(lone_patches(hair, b > 0, mm), 2 * int(round(mm)) + 1)
    if edge_mm > 0:
        inside = cv2.distanceTransform(np.pad(head.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 5)[1:-1, 1:-1]
        edge_px = max(edge_mm * mm, 1e-3)
        cut = hair * np.clip(inside / edge_px - 1.0, 0, 1)
        d = 2 * int(round(2 * edge_px)) + 1
        # (From what is surely clipped, and broad: a bald head's shade along its rim reads as hair too,
        # half-heartedly or in a thin crescent.)
        sure = coarse_morphology(np.clip((cut - 0.5) / 0.3, 0, 1), cv2.MORPH_OPEN, 3 * edge_px)
        reach = dilate_disc(sure, d)
        hair = np.maximum(cut, np.minimum(hair, reach))
    if rgb is not None:  # (a patch clipped where the head's mask ends inside its own hair is that hair: left)
        hair *= hair_runs_on(cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA), head, hair, mm=mm)
    feather = max(1.0, 1.0 * scale.px_per_mm * (w / W))  # ~1 mm soft edge
    hair = cv2.GaussianBlur(hair.astype(np.float32), (0, 0), feather)
    if fade is not None:
        hair *= cv2.resize(np.asarray(fade, np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.resize(hair, (W, H), interpolation=cv2.INTER_LINEAR)


def _strand_fraction(rgb: np.ndarray, scale: Scale, size: tuple[int, int]) -> np.ndarray:
    """Share of pixels within ~2 mm that lie on a hair strand, at ``size`` (w, h), float32.

    Strands are a pixel or two wide, so they are found at full resolution; a
    square kernel of 0.8 mm stands in for a 1 mm disc (the same strands, at a
    fraction of the cost on a 12 MP photo).
    """
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    k = max(5, int(round(scale.mm_to_px(0.8))) | 1)
    ker = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    strands = cv2.max(cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, ker), cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, ker))
    # 8-bit until averaged down (a float copy at 48 MP would be 200 MB).
    on = cv2.resize(cv2.compare(strands, STRAND_CONTRAST, cv2.CMP_GT), size, interpolation=cv2.INTER_AREA)
    on = on.astype(np.float32) * np.float32(1 / 255)
    b = max(1, int(round(scale.mm_to_px(2.0) * size[0] / gray.shape[1]))) | 1
    return cv2.blur(on, (b, b))


def shave(rgb: np.ndarray, region: np.ndarray, scale: Scale, *, guard_mm: float, hair_rgb, seed: int = 0,
          field: DirectionField | None = None, skin_rgb=(200, 160, 140), noise: float = 0.01,
          skin_mask: np.ndarray | None = None, blur_sigma: float = 0.8,
          follicles: np.ndarray | None = None, head_mask: np.ndarray | None = None,
          work: int = WORK) -> np.ndarray:
    """The photo with the hair in ``region`` clipped to stubble of ``guard_mm``.

    Parameters
    ----------
    rgb : ndarray uint8 (H, W, 3)
    region : ndarray float32 (H, W)
        0..1, where to clip (``shave_region``).
    scale : Scale
    guard_mm : float, keyword-only
        Clipper guard: 0 (bare follicles showing as dots) to 3 mm.
    hair_rgb : tuple, keyword-only
        The client's hair colour.
    field : DirectionField, optional, keyword-only
        Growth direction for the stubble (random directions without it).
    skin_rgb, noise : keyword-only
        Fallback skin colour where no bare skin is near; the photo's grain (0..1), given to the filled skin.
    skin_mask : ndarray bool (H, W), optional, keyword-only
        Pixels of the head (the fill learns skin only from these).
    blur_sigma : float, keyword-only
        The photo's own blur (pixels): stubble is drawn no sharper.
    follicles : ndarray float (h, w), optional, keyword-only
        How densely the clipped hair grew (0..1, any size, e.g. the detected
        hair density): dense hair leaves a darker stubble shadow than thinning
        hair. Default: dense everywhere in ``region``.
    head_mask : ndarray bool (H, W), optional, keyword-only
        The head. Where hair is clipped at its outline the outline moves in:
        the long hair stood off the skull, and the background seen past the
        clipped head is filled in from the background beside it.
    work : int, keyword-only
        The working size's long side, at most, for the tone, light and shadow maps.

    Returns
    -------
    ndarray uint8 (H, W, 3)

    Examples
    --------
    >>> img = np.full((120, 120, 3), 190, np.uint8); img[:, :60] = 40
    >>> reg = np.zeros((120, 120), np.float32); reg[:, :60] = 1
    >>> out = shave(img, reg, Scale(4.0), guard_mm=0.5, hair_rgb=(40, 30, 25))
    >>> bool(out[:, :50].mean() > 120)  # skin shows where the long hair was
    True
    """
    if region.max() <= 0.01:
        return rgb.copy()
    # Work on the region's bounding box (plus room for the fill to learn skin).
    on = region > 0.002
    ys, xs = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    m = int(round(30 * scale.px_per_mm))
    Hf, Wf = region.shape
    y0, y1 = max(int(ys[0]) - m, 0), min(int(ys[-1]) + m + 1, Hf)
    x0, x1 = max(int(xs[0]) - m, 0), min(int(xs[-1]) + m + 1, Wf)
    out = rgb.copy()  # (what the clipped share does not reach is left as it is, in place)
    _shave_box(np.ascontiguousarray(rgb[y0:y1, x0:x1]), np.ascontiguousarray(region[y0:y1, x0:x1]), scale,
               out[y0:y1, x0:x1], guard_mm=guard_mm, hair_rgb=hair_rgb, seed=seed,
               field=field if field is None or (x0, y0) == (0, 0) else _shifted(field, x0, y0),
               skin_rgb=skin_rgb, noise=noise, blur_sigma=blur_sigma,
               skin_mask=None if skin_mask is None else skin_mask[y0:y1, x0:x1],
               follicles=None if follicles is None else _crop_any(follicles, (Hf, Wf), x0, y0, x1, y1),
               head_mask=None if head_mask is None else head_mask[y0:y1, x0:x1], work=work)
    return out


def _shave_box(rgb: np.ndarray, region: np.ndarray, scale: Scale, out: np.ndarray, *, guard_mm: float, hair_rgb,
               seed: int, field, skin_rgb, noise: float, skin_mask, blur_sigma: float, follicles,
               head_mask, work: int = WORK) -> None:
    """:func:`shave` on a box of the photo (``rgb``, ``region``), into ``out`` (the photo there)."""
    H, W = region.shape
    px = scale.px_per_mm
    rng = np.random.default_rng([seed, 31])
    # Tone, shading and the clipped hair's colour vary over centimetres: all at a working size,
    # brought up once. Only the grain and the stubble are drawn at full resolution.
    w, h = working_size(H, W, work)  # the fill's own size: its maps and these line up
    rs = cv2.resize(region, (w, h), interpolation=cv2.INTER_AREA)
    # (The fill reads the skin mask at this size: brought down once, for it and for the veil's test.)
    bare = None if skin_mask is None else cv2.resize(mask_bytes(skin_mask), (w, h),
                                                      interpolation=cv2.INTER_NEAREST) > 0
    veiled = bare is not None and _veiled(rs, bare)
    # Under a veil, neither its strands nor its edge (skin and hair mixed) are the skin's tone (cm-wide).
    tone_px = VEIL_TONE_MM * px * w / W
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)  # (the fill reads it as it is)
    # The bare skin in the clipped area's soft edge teaches too: it is the skin nearest the hair,
    # in its light (beyond the edge, on a head turning from the light, it may be far lighter).
    skin = fill_skin(small, region, skin_rgb, skin=bare, working=True, under=veiled,
                     inset=max(1, int(round(tone_px))) if veiled else 1, below=0.02 if bare is None else TEACH_BELOW,
                     work=work)
    if veiled:  # (the fill learnt the skin where it is, in its own light)
        skin = cv2.GaussianBlur(skin, (0, 0), max(1.0, tone_px))
    # The light falling on the hair fell on the skin beneath too: keep half its gradient. Under a veil
    # it is the light of the skin the fill learnt from: out beyond it (a head's rim turning from the
    # flash, under dark hair) the fill only carries that light on, an even pale disc.
    g = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    big = max(3.0, 6.0 * px * w / W)
    low = wide_blur(g * rs, big) / np.maximum(wide_blur(rs, big), 1e-3)
    lit = (rs > 0.5) & bare if veiled else rs > 0.5
    if lit.any():  # (with no skin in that light to compare with, the fill's light is left as learnt)
        skin *= (np.clip(low / max(float(np.median(low[lit])), 1.0), 0.6, 1.3) ** 0.5)[..., None]
    hair = np.array(hair_rgb, np.float32)
    # This head's own hair: the darker strand pixels of what is clipped (full-resolution pixels, as
    # strands are a pixel or two wide; a sparse sample of them is plenty).
    k = max(1, int(np.sqrt(H * W / 1e6)))
    strands = rgb[::k, ::k][region[::k, ::k] > 0.5]
    if len(strands) > 200 // (k * k):
        lum0 = channel_mean(strands.astype(np.float32))
        hair = np.median(strands[lum0 <= np.percentile(lum0, 25)], axis=0).astype(np.float32)
    # The hair takes the skin's shading: darker where the skin is darker.
    lum = channel_mean(skin)
    ref = float(np.median(lum[rs > 0.3])) if (rs > 0.3).any() else float(lum.mean())
    hair_shaded = np.clip(lum / max(ref, 1.0), 0.4, 1.4)[..., None] * hair

    # A clipped head reads as a "stubble shadow": the cut shafts and the roots beneath the skin,
    # darker the denser the hair grew and the longer the guard leaves it.
    dense = np.ones((h, w), np.float32) if follicles is None else follicle_share(follicles, (w, h), px * w / W,
                                                                                  within=head_mask)
    shadow = stubble_share(dense, guard_mm)
    # Skin that grew dense hair has not seen the sun, and the roots beneath it cast grey: a
    # clipped head of thick hair is a grey shadow, not the tan of the neck the fill learnt from.
    grey = (UNDER_HAIR_GREY * dense)[..., None]
    skin = hair_cast(skin * (1.0 - grey) + lum[..., None] * grey, small, dense, px * w / W)
    grain = _follicle_grain(skin, hair_shaded, shadow)
    # Past the clipped head's outline: the background, where the long hair stood off the skull.
    outline = past_outline(small, head_mask, rs, px * w / W, guard_mm=guard_mm)
    stubble = stubble_cover(region, rng, px, guard_mm=guard_mm, field=field, blur_sigma=blur_sigma,
                            dense=dense if follicles is not None else None)
    # Pores and grain, so the filled skin is no smoother than the skin beside it.
    level = 255 * max(noise, 0.006) * 1.5
    tile = grain_tile(rng, sigma=max(0.6, 0.08 * px), level=level)
    # Better still, the texture of this client's own bare skin beside it (pores, and the stubble of a
    # head buzzed so short it reads as bare): a smooth fill inside it reads as a pale hole.
    texture = None
    if bare is not None:  # (found at the working size: the clear patch and the skin beside are broad)
        clear = bare & (rs < 0.02)
        ring = cv2.dilate((rs > 0.5).astype(np.uint8), np.ones((3, 3), np.uint8),
                          iterations=max(1, int(round(TEXTURE_RING_MM * px * w / W)))) > 0
        texture = skin_texture(rgb, clear, px, beside=ring & clear)
        texture = None if texture is None else 1.0 + texture  # (what the skin is multiplied by)
    # The shadow is made of follicles: points with the skin between them, never a flat tint.
    follicle_tile = follicle_points(rng, px=px, blur_sigma=blur_sigma)
    # One pass at full size, a band of rows at a time (it stays in the cache): photo ->
    # (skin + grain) -> stubble shadow and shafts over it, by the clipped share; only over the
    # columns the clipped share reaches (``out`` holds the photo elsewhere).
    up = Upsampler((w, h), W, H)
    reach = None if outline is None else outline[0][..., 1] != 0
    edged = None if outline is None else outline[0].any(axis=2)
    step = max(16, BAND_PIXELS // max(W, 1))
    for y0 in range(0, H, step):
        y1 = min(y0 + step, H)
        up.band(y0, y1)
        runs = [] if reach is None else up.spans(reach)
        xa, xb = span_union(nonzero_columns(region[y0:y1]), (runs[0][0], runs[-1][1]) if runs else None)
        if xa >= xb:
            continue
        sk = up.rows(skin, xa, xb)
        if texture is None:
            sk += tiled(tile, y0, y1, xa, xb)[..., None]
        else:
            sk *= tiled(texture, y0, y1, xa, xb)[..., None]
        # (One channel is brought up by warpAffine's own arithmetic, a last bit apart from remap's:
        # whole rows of it, as cheap as a piece of three.)
        a = warped_rows(shadow, W, H, y0, y1)[:, xa:xb]
        g = FOLLICLE_GRAIN if grain is None else warped_rows(grain, W, H, y0, y1)[:, xa:xb]
        a *= np.clip(1.0 + g * tiled(follicle_tile, y0, y1, xa, xb), 0.0, 2.0)
        # The outline's maps are zero but in a thin rim: each side of it on its own.
        rims = [] if edged is None else [(max(c, xa), min(d, xb)) for c, d in up.spans(edged) if c < xb and d > xa]
        rims = [(c, d, up.rows(outline[0], c, d)) for c, d in rims]  # (beyond, reach, edge-on)
        if outline is not None:  # seen edge-on, the stubble's shadow deepens: (1 - a) ** (1 + k e)
            t = np.clip(1.0 - a, 1e-3, 1.0)
            for c, d, edge in rims:  # (the power only where it is not 1)
                e = edge[..., 2]
                on = e > 0
                part = t[:, c - xa:d - xa]
                part[on] **= 1.0 + EDGE_ON_DEPTH * e[on]
            a = 1.0 - t
        if stubble is not None:  # shafts over the shadow: together they cover 1 - (1 - a)(1 - s)
            a += stubble[y0:y1, xa:xb].astype(np.float32) * np.float32(1 / 255) * (1.0 - a)
        hs = up.rows(hair_shaded, xa, xb)
        hs -= sk
        hs *= np.clip(a, 0, 1)[..., None]
        sk += hs  # now the clipped scalp
        r = region[y0:y1, xa:xb]
        if rims:
            r = r.copy()
        for c, d, edge in rims:
            part = np.s_[:, c - xa:d - xa]
            bg = beyond(rgb, up.rows(outline[1], c, d), origin=(c, y0), k=W / w)
            bg -= sk[part]
            bg *= edge[..., :1]
            sk[part] += bg
            r[part] = np.maximum(r[part], edge[..., 1])
        o = rgb[y0:y1, xa:xb].astype(np.float32)
        sk -= o
        sk *= r[..., None]
        o += sk
        o += 0.5
        out[y0:y1, xa:xb] = np.clip(o, 0, 255, out=o)


BAND_PIXELS = 256_000  # pixels composited at a time
#: Stubble seen edge-on: toward the clipped head's outline the line of sight crosses more of it
#: (its shadow's depth grows up to this many times, over ``outline.EDGE_ON_MM``), a thin darker rim.
EDGE_ON_DEPTH = 1.5


def _follicle_grain(skin: np.ndarray, hair: np.ndarray, shadow: np.ndarray) -> np.ndarray | None:
    """How much the stubble shadow gathers at the follicles (share of itself, at the working size of
    ``skin`` and ``hair``, RGB, and ``shadow``, the share it covers): ``FOLLICLE_GRAIN``, but never
    making the clipped head's lightness more uneven than ``GRAIN_SHARE`` of itself. None where it is
    ``FOLLICLE_GRAIN`` everywhere.

    The grain's depth is the shadow's times the hair's contrast with the skin: black hair on pale
    skin under flash peppered the head with black dots, a granite no buzz cut shows (its follicles
    merge into an even shadow at a photo's resolution).
    """
    sk, hl = channel_mean(skin), channel_mean(hair)
    depth = FOLLICLE_GRAIN * shadow * np.maximum(sk - hl, 0.0)
    lum = sk - shadow * (sk - hl)
    cap = GRAIN_SHARE * np.maximum(lum, 1.0)
    if not (depth > cap).any():
        return None
    return (FOLLICLE_GRAIN * np.minimum(1.0, cap / np.maximum(depth, 1e-6))).astype(np.float32)


def _veiled(region: np.ndarray, bare: np.ndarray) -> bool:
    """Whether ``region`` covers nearly all the ``bare`` skin (both at one size): a crown under a veil
    of pale strands, clipped whole, leaves no bare skin beside it to learn the skin from. (No bare
    skin at all is no veil: there is nothing under the region to learn from either.)"""
    n = np.count_nonzero(bare)
    return n >= VEIL_MIN_PX and np.count_nonzero(bare & (region < 0.02)) < VEIL_KNOWN * n


def _crop_any(a: np.ndarray, full: tuple[int, int], x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    """The part of ``a`` (any size, covering a (H, W) = ``full`` photo) under the photo box."""
    H, W = full
    fy, fx = a.shape[0] / H, a.shape[1] / W
    return a[int(y0 * fy):max(int(np.ceil(y1 * fy)), int(y0 * fy) + 1), int(x0 * fx):max(int(np.ceil(x1 * fx)), int(x0 * fx) + 1)]


class _shifted:
    """A direction field seen from a crop whose corner is at ``(x0, y0)``."""

    def __init__(self, field: DirectionField, x0: int, y0: int):
        self.field, self.off = field, np.array([x0, y0], np.float32)

    def sample(self, xy):
        return self.field.sample(np.asarray(xy, np.float32) + self.off)
