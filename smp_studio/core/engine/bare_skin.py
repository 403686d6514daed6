"""The bare skin under hair: its tone filled in from the skin around, and how far the photo strays from it.

The shave preview replaces hair by skin: it needs that skin's tone and
shading where hair hides it (:func:`fill_skin`), and to know what really is
hair (:func:`hair_evidence`): a dark-skinned head's blotches or a shine,
which the segmentation may call hair, keep the bare skin's colour and are
left as they are.
"""

from __future__ import annotations

import cv2
import numpy as np

from smp_studio.core.engine.buzz import BUZZ_WIDE_MM, buzz_share

WORK = 768  # long side of the working image for the skin fill
#: The same for a draft (a photo's first look, replaced within moments): its maps carry tone and
#: light that vary over centimetres, alike at this size (a few levels apart in a pixel here and
#: there), at well under half the cost.
DRAFT_WORK = 320


def working_size(H: int, W: int, work: int = WORK) -> tuple[int, int]:
    """(w, h) of the working image (long side at most ``work``) the skin fill and the shave's maps of a
    (H, W) photo are made at.

    >>> working_size(3000, 4000), working_size(3000, 4000, DRAFT_WORK)
    ((768, 576), (320, 240))
    """
    f = min(1.0, work / max(H, W))
    return max(int(round(W * f)), 4), max(int(round(H * f)), 4)


def mask_bytes(mask: np.ndarray) -> np.ndarray:
    """A mask as uint8 for OpenCV: a bool mask's own bytes (0 or 1, no copy of a 12 MP mask).

    >>> mask_bytes(np.array([True, False])).tolist(), mask_bytes(np.array([2, 0])).tolist()
    ([1, 0], [2, 0])
    """
    mask = np.asarray(mask)
    return mask.view(np.uint8) if mask.dtype == bool else np.asarray(mask, np.uint8)


def fill_skin(rgb: np.ndarray, mask: np.ndarray, fallback_rgb=(200, 160, 140), *, skin: np.ndarray | None = None,
              working: bool = False, under: bool = False, inset: int = 1, below: float = 0.02,
              work: int = WORK) -> np.ndarray:
    """Skin under the hair: tone and shading pulled in from the bare skin around (push-pull fill).

    ``skin`` (bool) says which pixels may teach the fill (default: all
    outside ``mask``); background must not, or a wall bleeds onto the scalp.
    ``rgb`` and ``skin`` may come at the photo's size or already at the
    working size (see :func:`working_size`).
    With ``under``, the ``skin`` pixels under ``mask`` teach it too (skin seen
    through a veil of strands). Pixels within ``inset`` working pixels of the
    edge of what teaches do not (there skin and hair mix). Pixels where
    ``mask`` is ``below`` or more do not either (by default: any of it).
    Returns float32 (H, W, 3) in 0..255 at the photo's size (``working``: at
    the working size it is computed at, at most ``work`` pixels across).

    >>> img = np.full((64, 64, 3), 200, np.uint8); img[20:40, 20:40] = 30
    >>> m = np.zeros((64, 64), np.float32); m[18:42, 18:42] = 1
    >>> bool(abs(fill_skin(img, m)[30, 30, 0] - 200) < 5)
    True
    """
    H, W = mask.shape
    w, h = working_size(H, W, work)
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    # Only clearly bare skin teaches the fill (strand edges would smear in as blotches).
    known = cv2.resize(np.asarray(mask, np.float32), (w, h), interpolation=cv2.INTER_LINEAR) < below
    if skin is not None:
        teach = cv2.resize(mask_bytes(skin), (w, h), interpolation=cv2.INTER_NEAREST) > 0
        known = teach if under else known & teach
    known = cv2.erode(known.astype(np.uint8), np.ones((2 * inset + 1,) * 2, np.uint8)).astype(np.float32)
    if known.sum() < 10:
        return np.broadcast_to(np.array(fallback_rgb, np.float32), (h, w, 3) if working else (H, W, 3)).copy()
    # Push: known-weighted pyramid down to where every cell has seen some skin.
    levels = [(small * known[..., None], known)]
    while min(levels[-1][1].shape) > 2 and (levels[-1][1] <= 1e-4).any():
        c, k = levels[-1]
        levels.append((cv2.pyrDown(c), cv2.pyrDown(k)))
    # Pull: from coarse to fine, each level keeps what it knows and borrows the rest.
    c, k = levels[-1]
    est = c / np.maximum(k, 1e-6)[..., None]
    if (k <= 1e-4).any():
        est[k <= 1e-4] = np.array(fallback_rgb, np.float32)
    for c, k in reversed(levels[:-1]):
        up = cv2.resize(est, (k.shape[1], k.shape[0]), interpolation=cv2.INTER_LINEAR)
        own = c / np.maximum(k, 1e-6)[..., None]
        a = np.clip(k * 2.0, 0, 1)[..., None]
        own *= a  # (own * a + up * (1 - a), in place: the same sums, without four copies of the image)
        up *= 1 - a
        own += up
        est = own
    return est if working else cv2.resize(est, (W, H), interpolation=cv2.INTER_LINEAR)


#: How far (share of the bare skin's lightness plus share of its colourfulness) the photo must
#: stray from the skin filled in beside it before it is clipped as hair: uneven but bare skin
#: (a dark-skinned head's blotches, a shine) strays less than 0.15; hair, 0.3 or more.
HAIR_EVIDENCE = (0.15, 0.35)
SHINE_LIFT = 25.0  # grey levels of the darkest channel above the skin's from which a shine is sure
EVIDENCE_PX_PER_MM = 2.0  # the hair evidence's working resolution
MIN_BARE_SHARE = 0.02  # of the head: less bare skin than this is too little to judge hair against
SHINE_MAX_MM = 30.0  # a shine is a spot narrower than this; a wider pale patch is white hair


def channel_mean(img: np.ndarray) -> np.ndarray:
    """``img.mean(axis=2)`` of an RGB float image, to the last bit (numpy adds the channels in turn,
    then divides by 3), for a tenth of the cost of numpy's reduction over interleaved channels.
    Float images only (an integer image's sum would wrap): a ValueError says so.

    >>> a = np.random.default_rng(0).random((40, 50, 3)).astype(np.float32)
    >>> bool((channel_mean(a) == a.mean(axis=2)).all())
    True
    """
    if img.dtype.kind != "f":
        raise ValueError(f"channel_mean takes a float image, not {img.dtype}")
    out = img[..., 0] + img[..., 1]
    out += img[..., 2]
    out /= 3
    return out


def _channel(op, img: np.ndarray) -> np.ndarray:
    """The darkest (``cv2.min``) or lightest (``cv2.max``) channel of an RGB image (numpy's axis
    reductions are several times slower on interleaved channels)."""
    return op(op(img[..., 0], img[..., 1]), img[..., 2])


def coarse_morphology(a: np.ndarray, op: int, size_px: float) -> np.ndarray:
    """``a`` opened or closed (``op``: ``cv2.MORPH_OPEN`` or ``cv2.MORPH_CLOSE``) by a disc ``size_px``
    across, on a reduced copy where the disc is ~15 cells across: a wide disc at full size costs
    tens of milliseconds, and what it keeps or fills is that coarse anyway.

    >>> a = np.zeros((200, 200), np.float32); a[50:150, 50:95] = a[50:150, 105:150] = 1
    >>> bool(coarse_morphology(a, cv2.MORPH_CLOSE, 30)[100, 100] > 0.9)  # the 10 px gap closes
    True
    """
    h, w = a.shape
    k = max(1.0, size_px / 15.0)
    small = cv2.resize(a, (max(int(w / k), 1), max(int(h / k), 1)), interpolation=cv2.INTER_AREA)
    d = max(3, int(round(size_px / k)) | 1)
    small = cv2.morphologyEx(small, op, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (d, d)))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def hair_evidence(rgb: np.ndarray, hair: np.ndarray, bald: np.ndarray, mm: float, *,
                  strands: np.ndarray | None = None, keep_buzz: bool = False) -> np.ndarray:
    """How much the photo looks like hair, not skin, where ``hair`` (working size) says hair (0..1).

    Hair is darker than the bare skin beside it, and often greyer (less
    colourful); a patch the segmentation took for hair but which keeps the
    skin's lightness and colour is uneven skin, and clipping it would paint a
    flat patch of "skin" over real skin. Compared at about 2 mm, against the
    skin filled in from the bald pixels around. Lighter or only greyer than
    the skin is hair (white or grey) only where ``strands`` (0..1, working
    size) are seen, and away from a shine (lighter and greyer too, but a
    near-white spot). With ``keep_buzz``, hair already buzzed short is not
    hair to clip either (:func:`~smp_studio.core.engine.buzz.buzz_share`).

    >>> img = np.full((80, 80, 3), (150, 100, 70), np.uint8); img[20:60, 20:40] = (20, 18, 16)
    >>> img[20:60, 45:65] = (135, 90, 62)  # a slightly darker blotch of the same skin
    >>> hair = np.zeros((80, 80), np.float32); hair[20:60, 20:65] = 1
    >>> ev = hair_evidence(img, hair, hair == 0, 1.0)
    >>> bool(ev[40, 30] > 0.9), bool(ev[40, 55] < 0.1)
    (True, True)
    """
    out = hair.shape[::-1]
    if np.count_nonzero(bald & (hair < 0.02)) < MIN_BARE_SHARE * max(np.count_nonzero(bald | (hair > 0.02)), 1):
        # Too little bare skin to compare with (a veil of pale hair over the whole top): what was
        # called hair is clipped, as the segmentation says.
        return np.ones_like(hair, dtype=np.float32)
    # Judged over millimetres: at EVIDENCE_PX_PER_MM is enough, and a fraction of the work.
    f = min(1.0, EVIDENCE_PX_PER_MM / max(mm, 1e-6))
    if f < 0.8:
        size = (max(int(round(out[0] * f)), 8), max(int(round(out[1] * f)), 8))
        mm *= size[0] / out[0]
        hair = cv2.resize(hair, size, interpolation=cv2.INTER_AREA)
        bald = cv2.resize(bald.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        strands = None if strands is None else cv2.resize(strands, size, interpolation=cv2.INTER_AREA)
    small = cv2.resize(rgb, hair.shape[::-1], interpolation=cv2.INTER_AREA)
    skin = fill_skin(small, hair, skin=bald)
    k = max(1.0, 1.0 * mm)
    blurred = cv2.GaussianBlur(small, (0, 0), k)
    lab_p = cv2.cvtColor(blurred, cv2.COLOR_RGB2LAB).astype(np.float32)
    lab_s = cv2.cvtColor(np.clip(skin, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    darker = (lab_s[..., 0] - lab_p[..., 0]) / np.maximum(lab_s[..., 0], 1.0)
    # Saturation as chroma over (L + 16) stays the same in shade and in light (see the
    # segmentation's hair density): shaded skin is darker, but no greyer; hair is another pigment.
    sat_p = np.hypot(lab_p[..., 1] - 128, lab_p[..., 2] - 128) / (lab_p[..., 0] * (100 / 255) + 16)
    sat_s = np.hypot(lab_s[..., 1] - 128, lab_s[..., 2] - 128) / (lab_s[..., 0] * (100 / 255) + 16)
    greyer = (sat_s - sat_p) / np.maximum(sat_s, 0.05)
    lo, hi = HAIR_EVIDENCE
    grey = np.maximum(greyer, 0)
    # Greyer counts with darker: greyer alone is also a shine washing the skin out.
    ev = np.clip((np.maximum(darker, 0) + grey * np.clip(darker / 0.1, 0, 1) - lo) / (hi - lo), 0, 1)
    if strands is not None:
        ev = np.maximum(ev, np.clip((np.abs(darker) + grey - lo) / (hi - lo), 0, 1) * strands)
    # A shine: its darkest channel lifted well above the skin's, near white, and a spot of a
    # couple of centimetres at most (a pale veil of white hair over a whole crown is hair). Around
    # it the fill learnt the shine's own light (the skin between its glints reads "darker"), and
    # its core is as neutral as white hair: nothing within a few millimetres of one is clipped.
    lift = _channel(cv2.min, blurred).astype(np.float32) - _channel(cv2.min, np.clip(skin, 0, 255).astype(np.float32))
    bright = np.clip((_channel(cv2.max, blurred).astype(np.float32) - 200.0) / 25.0, 0, 1)
    shine = cv2.GaussianBlur(np.clip((lift - SHINE_LIFT) / SHINE_LIFT, 0, 1) * bright, (0, 0), max(1.0, 2.0 * mm))
    shine = np.clip((shine - coarse_morphology(shine, cv2.MORPH_OPEN, SHINE_MAX_MM * mm) - 0.3) / 0.4, 0, 1)
    shine = cv2.dilate(shine, np.ones((3, 3), np.uint8), iterations=max(1, int(round(3.0 * mm))))
    ev *= 1.0 - shine
    if keep_buzz:
        # A buzz is one haircut over centimetres: scattered flecks of it in long hair are not kept,
        # which would leave a patchwork of clipped and long hair.
        buzz = buzz_share(darker, cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32), mm)
        ev *= 1.0 - coarse_morphology(buzz, cv2.MORPH_OPEN, BUZZ_WIDE_MM * mm)
    # Decided over a few millimetres: a clipped patch never ends on a pixel's whim.
    ev = cv2.GaussianBlur(ev, (0, 0), max(1.0, 3.0 * mm))
    return ev if ev.shape[::-1] == out else cv2.resize(ev, out, interpolation=cv2.INTER_LINEAR)


TEXTURE_MM = 1.0  # the skin's texture: its detail finer than this (pores, stubble points, grain)
TEXTURE_PATCH_MM = (5.0, 24.0)  # side of the patch of bare skin it is read from: at least, at most
TEXTURE_GAIN = 1.8  # the patch's texture is made at most this much stronger or weaker to match the skin beside
#: A patch whose detail runs one way more than this is lines, not pores: a wrinkled forehead read as
#: the bare skin (0.81 on norwood5_front_018), strands (0.60) or blinds. Bare scalps: 0.12-0.39.
TEXTURE_MAX_COHERENCE = 0.5


def _relative_detail(g: np.ndarray, px_per_mm: float) -> np.ndarray:
    """Detail finer than ``TEXTURE_MM`` of a grey image, as a share of its local lightness."""
    low = cv2.GaussianBlur(g, (0, 0), max(0.7, TEXTURE_MM * px_per_mm), borderType=cv2.BORDER_REFLECT)
    return g / np.maximum(low, 1.0) - 1.0


def _coherence(a: np.ndarray) -> float:
    """How much ``a``'s detail runs one way (0: pores, every way alike; 1: parallel lines)."""
    gx, gy = cv2.Sobel(a, cv2.CV_32F, 1, 0), cv2.Sobel(a, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    return float(np.hypot(jxx - jyy, 2 * jxy) / (jxx + jyy + 1e-12))


def skin_texture(rgb: np.ndarray, bare: np.ndarray, px_per_mm: float, *,
                 beside: np.ndarray | None = None) -> np.ndarray | None:
    """A seamless tile of the bare skin's own fine texture, as a share of its lightness (float32,
    zero mean), read from the largest square of ``bare`` (bool, any size covering ``rgb``, e.g. the
    working size) clear of anything else; None when no square of ``TEXTURE_PATCH_MM[0]`` fits.
    ``px_per_mm`` at ``rgb``'s size.

    The tile is the patch beside its mirror images: no seam where it repeats.
    With ``beside`` (bool, ``bare``'s size), its strength is that of the
    texture there (within a factor ``TEXTURE_GAIN``): the skin beside what is
    clipped may be rougher (stubble buzzed so short it reads as bare) or
    smoother than the clearest patch.

    >>> rng = np.random.default_rng(0)
    >>> img = np.clip(rng.normal(150, 12, (200, 200, 3)), 0, 255).astype(np.uint8)
    >>> bare = np.zeros((100, 100), bool); bare[10:90, 10:90] = True
    >>> t = skin_texture(img, bare, 4.0)
    >>> t.shape[0] == t.shape[1] > 40, bool(0.03 < t.std() < 0.1), skin_texture(img, bare & False, 4.0)
    (True, True, None)
    """
    H, W = rgb.shape[:2]
    f = W / bare.shape[1]  # photo pixels per mask pixel
    clear = cv2.distanceTransform(np.pad(np.asarray(bare, np.uint8), 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    _, deepest, _, (x, y) = cv2.minMaxLoc(clear)
    x, y = int((x + 0.5) * f), int((y + 0.5) * f)
    lo, hi = (v * px_per_mm for v in TEXTURE_PATCH_MM)
    half = int(min((deepest - 1) * f / np.sqrt(2.0), hi / 2))  # the square inside the clear disc
    if 2 * half < lo:
        return None
    box = np.s_[max(y - half, 0):y + half, max(x - half, 0):x + half]
    g = cv2.cvtColor(np.ascontiguousarray(rgb[box]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    rel = _relative_detail(g, px_per_mm)
    # (A speck of glare or a stray strand in the patch would repeat with every tile.)
    mad = float(np.median(np.abs(rel))) + 1e-4
    rel = np.clip(rel, -6 * mad, 6 * mad)
    rel -= rel.mean()
    if _coherence(rel) > TEXTURE_MAX_COHERENCE:
        return None  # lines (forehead wrinkles, strands, blinds) tiled over the scalp read as stripes
    if beside is not None and np.count_nonzero(beside) * f * f > 4 * half * half:
        # Read at up to 4 px/mm: a millimetre's detail still shows, at a fraction of the work.
        k = min(1.0, 4.0 / px_per_mm)
        rows, cols = np.flatnonzero(beside.any(axis=1)), np.flatnonzero(beside.any(axis=0))
        y0, y1 = int(rows[0] * f), min(int((rows[-1] + 1) * f), H)
        x0, x1 = int(cols[0] * f), min(int((cols[-1] + 1) * f), W)
        g = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
        g = cv2.resize(g, None, fx=k, fy=k, interpolation=cv2.INTER_AREA).astype(np.float32)
        b = cv2.resize(beside[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.uint8), (g.shape[1], g.shape[0]),
                       interpolation=cv2.INTER_NEAREST) > 0
        there = float(np.median(np.abs(_relative_detail(g, px_per_mm * k)[b]))) if b.any() else mad
        small = cv2.resize(rel, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        here = float(np.median(np.abs(_relative_detail(small + 1.0, px_per_mm * k)))) + 1e-4
        rel *= float(np.clip(there / here, 1.0 / TEXTURE_GAIN, TEXTURE_GAIN))
    top = np.hstack([rel, rel[:, ::-1]])
    return np.ascontiguousarray(np.vstack([top, top[::-1]]), dtype=np.float32)
