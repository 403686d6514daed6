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
    """

    blur_sigma: float = 0.8
    noise: float = 0.01
    sharpened: float = 0.0


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
