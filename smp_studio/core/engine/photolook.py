"""A photo's own blur and grain, so the pigment can be drawn no cleaner than it.

A dot drawn sharper or smoother than the skin around it looks pasted on. We
estimate how soft the photo is from the width of its sharpest edges (hair,
ears, the head's outline: the optics) and from how soft its texture reads
(``skimage.measure.blur_effect``, mapped to a Gaussian sigma on a reference
texture: compression and noise reduction smooth faint detail, such as pores
and healed pigment, beyond the optics), how much sensor/JPEG noise it carries
(``skimage.restoration.estimate_sigma``) and whether it was sharpened (a
halo-like excess of fine detail). The render then blurs the pigment by the
same amount and lets it carry the photo's own grain. Estimates run once per
photo on a bounded central crop (cache them; see ``Simulation.look``).

The frame's sharpest edges and texture are often not the skin's: a chair's
mesh or window blinds behind the head, hair at the fringe. Where the bare
skin itself is softer than that (focus falling off over the dome, noise
reduction smearing smooth skin), a dot drawn through the frame's blur is
sharper than the pores around it: pepper laid on top. So the skin's own
detail is read too (``skin_detail_sigma``), at 100 % and at the scale a
treated area is judged at arm's length, and no dot is drawn sharper than it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np

CROP = 512  # side of the central crop the grain estimators look at (native pixels)
EDGE_CROP = 1024  # side of the central crop the edge-width estimator looks at
REBLUR = 1.0  # sigma of the re-blur that edge widths are read from
TEXTURE_SHARE = 0.7  # how far the pigment's blur goes from the edges' toward the texture's
#: A dot's sharpness: its share of detail energy in the finest band (sigma FINE px) of all
#: its detail (up to COARSE px), as tools/realism_report.py reads it. No dot may exceed the skin's.
FINE, COARSE = 0.8, 3.0
#: Pixels per mm at which a treated area is judged at a normal viewing distance (issue 10's blind test).
VIEWING_PX_PER_MM = 3.0
DETAIL_MAX_MM = 2.0  # the softest skin detail a dot is widened to (in mm: the same skin at any resolution)
SKIN_INSET_MM = 2.0  # skin this far from its edge (hair, the head's outline) shows the skin's own detail
SHARED_QUALITY = 85  # a phone's or messenger's JPEG: how a result is usually seen
SKIN_SAMPLE = 640  # side of the window of bare skin read at full resolution (bounds the time)


@dataclass(frozen=True)
class PhotoLook:
    """How soft and how grainy a photo is, in its own pixels.

    Attributes
    ----------
    blur_sigma : float
        Gaussian sigma (photo pixels) of the photo's effective optical blur.
    noise : float
        Standard deviation of the photo's grain, 0..1 units.
    sharpened : float
        0 (none) .. 1 (strong in-camera sharpening).
    detail_sigma : float
        Gaussian sigma (photo pixels) of the sharpest dot no sharper than the
        bare skin's own detail (0: not measured). A dot narrower than this
        through ``blur_sigma`` is drawn this wide.
    """

    blur_sigma: float = 0.8
    noise: float = 0.01
    sharpened: float = 0.0
    detail_sigma: float = 0.0


@functools.cache
def _blur_table() -> tuple[np.ndarray, np.ndarray]:
    """blur_effect of a crisp reference texture (pores and strands) at known sigmas."""
    from skimage.measure import blur_effect

    # A natural image's amplitude falls as 1/f: the reference does too.
    rng = np.random.default_rng(7)
    n = 256
    fy, fx = np.meshgrid(np.fft.fftfreq(n), np.fft.fftfreq(n), indexing="ij")
    f = np.maximum(np.hypot(fx, fy), 1.0 / n)
    spec = (rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))) / f
    ref = np.real(np.fft.ifft2(spec)).astype(np.float32)
    sig = np.array([0.0, 0.5, 0.8, 1.1, 1.5, 2.0, 2.7, 3.5, 4.5], np.float32)
    vals = []
    for s in sig:
        img = cv2.GaussianBlur(ref, (0, 0), float(s)) if s > 0 else ref
        img = (img - img.min()) / (img.max() - img.min())
        vals.append(blur_effect(img))
    return np.array(vals, np.float32), sig


def estimate_look(rgb: np.ndarray) -> PhotoLook:
    """The blur, grain and sharpening of a photo, from its central crop.

    ``detail_sigma`` is left at 0: the bare skin's detail is read apart
    (:func:`skin_detail_sigma`), as it depends on the segmentation and the
    scale, not on the photo alone (``Simulation.look`` puts the two together).

    Examples
    --------
    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> sharp = load_photo(sample_photo()).rgb
    >>> soft = cv2.GaussianBlur(sharp, (0, 0), 3.0)
    >>> estimate_look(soft).blur_sigma > estimate_look(sharp).blur_sigma + 1
    True
    """
    from skimage.measure import blur_effect

    H, W = rgb.shape[:2]
    c = min(CROP, H, W)
    y0, x0 = (H - c) // 2, (W - c) // 2
    g = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y0 + c, x0:x0 + c]), cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    vals, sig = _blur_table()
    texture = float(np.interp(float(blur_effect(g)), vals, sig))  # vals increase with sigma
    edge = edge_blur(rgb)
    # Edges give the optics; JPEG and noise reduction soften faint texture (and faint
    # pigment) beyond that, which the texture's own blur shows. A healed dot is faint
    # detail the size of a pore, so it is drawn nearer the texture's softness than the edges'.
    blur = texture if edge is None else (1 - TEXTURE_SHARE) * edge + TEXTURE_SHARE * max(texture, edge)
    noise = noise_sigma(g)
    # Sharpening leaves more finest-band detail than the blur allows: a rough flag.
    fine = g - cv2.GaussianBlur(g, (0, 0), 0.7)
    mid = g - cv2.GaussianBlur(g, (0, 0), 2.0)
    ratio = float(fine.std() / max(mid.std(), 1e-6))
    sharpened = float(np.clip((ratio - 0.55) / 0.3, 0, 1)) if blur > 0.9 else 0.0
    return PhotoLook(blur_sigma=float(np.clip(blur, 0.5, 4.5)), noise=float(np.clip(noise, 0.0, 0.08)),
                     sharpened=sharpened)


def dot_fine_share(sigma):
    """Share of a Gaussian dot's detail energy in the finest band (see ``FINE``), by its sigma (px).

    A scatter of dots has a flat spectrum under each one's Gaussian, ``exp(-sigma² k²)``;
    each band is the image minus its blur, ``1 - exp(-b² k² / 2)``: integrated in closed form.

    >>> bool(dot_fine_share(0.6) > dot_fine_share(1.0) > dot_fine_share(2.0))
    True
    """
    v = np.asarray(sigma, np.float64) ** 2

    def band(b):
        a = b * b / 2
        return 1 / v - 2 / (v + a) + 1 / (v + 2 * a)

    return band(FINE) / band(COARSE)


def fine_share(g: np.ndarray, mask: np.ndarray) -> float:
    """Share of ``g``'s detail energy in the finest band, over ``mask``."""
    fine = g - cv2.GaussianBlur(g, (0, 0), FINE)
    whole = g - cv2.GaussianBlur(g, (0, 0), COARSE)
    return float(np.square(fine[mask]).sum() / max(float(np.square(whole[mask]).sum()), 1e-9))


def _shared(g: np.ndarray) -> np.ndarray:
    """``g`` as a JPEG shared at ``SHARED_QUALITY`` shows it: compression smooths faint grain, not a dot."""
    ok, buf = cv2.imencode(".jpg", np.clip(g + 0.5, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, SHARED_QUALITY])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32)


def skin_detail_sigma(rgb: np.ndarray, skin: np.ndarray, *, px_per_mm: float | None = None) -> float:
    """Sigma (pixels) of the sharpest Gaussian dot no sharper than the bare skin's detail, 0 without enough skin.

    Read at 100 % and, on a photo finer than ``VIEWING_PX_PER_MM``, also at
    that scale (a dot shrinks to a point faster than skin texture, which
    looks alike at every scale): the wider of the two, in photo pixels.

    >>> rng = np.random.default_rng(0)
    >>> grain = rng.normal(150, 12, (200, 200, 1)).astype(np.float32).repeat(3, 2)
    >>> sharp, soft = (np.clip(cv2.GaussianBlur(grain, (0, 0), b), 0, 255).astype(np.uint8) for b in (0.7, 2.0))
    >>> bare = np.ones((200, 200), bool)
    >>> bool(skin_detail_sigma(soft, bare) > skin_detail_sigma(sharp, bare) + 0.5)
    True
    """
    px = float(px_per_mm) if px_per_mm else VIEWING_PX_PER_MM
    inset = max(int(round(SKIN_INSET_MM * px)), 2)
    skin = np.asarray(skin, np.uint8)
    H, W = skin.shape
    # A bounded window (plus the inset) around the middle of the bare skin: time stays flat at 12 MP.
    f = min(1.0, 256 / max(H, W))
    coarse = cv2.resize(skin, (max(int(W * f), 1), max(int(H * f), 1)), interpolation=cv2.INTER_NEAREST)
    ys, xs = np.nonzero(coarse)
    if len(ys) == 0:
        return 0.0
    side = SKIN_SAMPLE + 2 * inset
    cy, cx = int(np.median(ys) / f), int(np.median(xs) / f)
    y0, x0 = max(min(cy - side // 2, H - side), 0), max(min(cx - side // 2, W - side), 0)
    sl = (slice(y0, y0 + side), slice(x0, x0 + side))
    m = cv2.erode(skin[sl], np.ones((2 * inset + 1,) * 2, np.uint8), borderValue=0) > 0
    if m.sum() < 2000:
        return 0.0
    g = cv2.cvtColor(np.ascontiguousarray(rgb[sl]), cv2.COLOR_RGB2GRAY).astype(np.float32)
    sig = np.linspace(0.3, 8.0, 300)
    shares = dot_fine_share(sig)  # falls as sigma grows

    def needed(share):
        return float(np.interp(-share, -shares, sig))

    out = needed(fine_share(g, m))
    k = VIEWING_PX_PER_MM / px
    if k < 0.95:  # the same skin seen at arm's length
        small = cv2.resize(g, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
        small = _shared(small)
        sm = cv2.resize(m.astype(np.float32), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) > 0.99
        if sm.sum() >= 500:
            out = max(out, needed(fine_share(small, sm)) / k)
    return min(out, DETAIL_MAX_MM * px)


def edge_blur(rgb: np.ndarray) -> float | None:
    """Gaussian sigma (pixels) of the photo's in-focus edges, or None without enough edges.

    Re-blurring an edge of width ``s`` by ``s0`` lowers its gradient by
    ``s / sqrt(s**2 + s0**2)`` (Zhuo and Sim, "Defocus map estimation from a
    single image", 2011). Read at the stronger half of the edges, the lower
    quartile is the focus of the subject rather than of the background.

    >>> from smp_studio.resources import sample_photo
    >>> from smp_studio.core.analysis.photo import load_photo
    >>> rgb = load_photo(sample_photo()).rgb
    >>> a, b = edge_blur(rgb), edge_blur(cv2.GaussianBlur(rgb, (0, 0), 2.0))
    >>> 1.5 < (b * b - a * a) ** 0.5 < 2.5
    True
    """
    H, W = rgb.shape[:2]
    c = min(EDGE_CROP, H, W)
    y0, x0 = (H - c) // 2, (W - c) // 2
    g = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y0 + c, x0:x0 + c]), cv2.COLOR_RGB2GRAY)

    def grad(a):
        return cv2.magnitude(cv2.Sobel(a, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(a, cv2.CV_32F, 0, 1, ksize=3))

    f = g.astype(np.float32)
    m0, m1 = grad(f), grad(cv2.GaussianBlur(f, (0, 0), REBLUR))
    edges = cv2.Canny(g, 60, 140) > 0
    if edges.sum() < 200:
        return None
    strong = edges & (m0 > np.median(m0[edges]))
    ratio = m0[strong] / np.maximum(m1[strong], 1e-3)
    sig = REBLUR / np.sqrt(np.maximum(ratio**2 - 1.0, 1e-3))
    return float(np.percentile(sig, 25))


def noise_sigma(g: np.ndarray) -> float:
    """Donoho's wavelet noise estimate (``skimage.restoration.estimate_sigma``).

    scikit-image needs PyWavelets for it; without that package the same
    estimator runs on Haar diagonal details (median absolute value / 0.6745).

    >>> g = np.random.default_rng(0).normal(0.5, 0.02, (256, 256))
    >>> round(noise_sigma(g), 2)
    0.02
    """
    try:
        from skimage.restoration import estimate_sigma

        return float(estimate_sigma(g, channel_axis=None))
    except ImportError:
        h, w = (g.shape[0] // 2) * 2, (g.shape[1] // 2) * 2
        a = np.asarray(g, np.float64)[:h, :w]
        hh = (a[0::2, 0::2] - a[0::2, 1::2] - a[1::2, 0::2] + a[1::2, 1::2]) / 2
        return float(np.median(np.abs(hh)) / 0.6745)
