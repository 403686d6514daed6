"""Before/after images: a split at a divider and a labelled side-by-side.

Both carry a visible "Simulation" label by default; turning it off is an
explicit ``label=False`` that the caller records with the export.
"""

from __future__ import annotations

import functools

import numpy as np
from PIL import Image, ImageDraw, ImageFont

DISCLAIMER = "Simulation - not a guarantee of results"  # ASCII: every bundled font has it


@functools.cache
def _font(px: int):
    try:
        return ImageFont.load_default(size=px)
    except TypeError:  # Pillow built without FreeType: the small bitmap font still labels
        return ImageFont.load_default()


def _label(draw: ImageDraw.ImageDraw, xy, text: str, px: int, anchor: str = "la") -> None:
    font = _font(px)
    x0, y0, x1, y1 = draw.textbbox(xy, text, font=font, anchor=anchor)
    pad = max(px // 3, 3)
    draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=(0, 0, 0, 150))
    draw.text(xy, text, font=font, fill=(255, 255, 255, 255), anchor=anchor)


def finish(img: np.ndarray, labels, banner: bool, brand: str = "") -> np.ndarray:
    """``img`` with its ``labels`` ((x, y), text, anchor) drawn, the simulation banner (``banner``) and
    the clinic's ``brand``: how every exported comparison is finished."""
    h, w = img.shape[:2]
    px = max(12, int(round(min(h, w) * 0.035)))
    base = Image.fromarray(img).convert("RGBA")
    over = Image.new("RGBA", base.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(over)
    for xy, text, anchor in labels:
        _label(d, xy, text, px, anchor)
    if banner:
        _label(d, (w // 2, h - px), DISCLAIMER, px, "ms")
    out = np.asarray(Image.alpha_composite(base, over).convert("RGB"))
    return brand_band(out, brand, px) if brand else out


def brand_band(img: np.ndarray, brand: str, px: int) -> np.ndarray:
    """The clinic's name in a band under the image: the same place on every export."""
    h, w = img.shape[:2]
    band_h = int(px * 2.2)
    band = Image.new("RGB", (w, band_h), (38, 40, 44))
    d = ImageDraw.Draw(band)
    d.text((px, band_h // 2), brand, font=_font(px), fill=(255, 255, 255), anchor="lm")
    return np.vstack([img, np.asarray(band)])


def labelled(after: np.ndarray, *, label: bool = True, brand: str = "") -> np.ndarray:
    """The simulated image alone, with the "Simulation" label (and the clinic band)."""
    if not label:
        return brand_band(after, brand, max(12, int(round(min(after.shape[:2]) * 0.035)))) if brand else after.copy()
    px = max(12, int(round(min(after.shape[:2]) * 0.035)))
    return finish(after, [((px, px), "Simulation", "la")], True, brand)


def split(before: np.ndarray, after: np.ndarray, position: float = 0.5, *, label: bool = True,
          brand: str = "") -> np.ndarray:
    """Before on the left of a divider at ``position`` (0..1 of the width), after on the right.

    Examples
    --------
    >>> b = np.zeros((100, 200, 3), np.uint8); a = np.full_like(b, 200)
    >>> out = split(b, a, 0.25, label=False)
    >>> int(out[50, 10, 0]), int(out[50, 150, 0])
    (0, 200)
    """
    if before.shape != after.shape:
        raise ValueError(f"before {before.shape} and after {after.shape} differ in size")
    h, w = before.shape[:2]
    x = int(round(np.clip(position, 0.0, 1.0) * w))
    out = after.copy()
    out[:, :x] = before[:, :x]
    lw = max(1, w // 400)
    out[:, max(x - lw, 0) : x + lw] = 255
    if not label:
        return brand_band(out, brand, max(12, int(round(min(h, w) * 0.035)))) if brand else out
    px = max(12, int(round(min(h, w) * 0.035)))
    m = px
    labels = []
    if x > 6 * px:
        labels.append(((m, m), "Before", "la"))
    if w - x > 10 * px:
        labels.append(((w - m, m), "After (simulation)", "ra"))
    return finish(out, labels, True, brand)


def side_by_side(before: np.ndarray, after: np.ndarray, *, label: bool = True,
                 titles=("Before", "After (simulation)"), gap: int | None = None, brand: str = "") -> np.ndarray:
    """Before and after next to each other, with titles and the disclaimer."""
    if before.shape != after.shape:
        raise ValueError(f"before {before.shape} and after {after.shape} differ in size")
    h, w = before.shape[:2]
    g = max(4, w // 100) if gap is None else gap
    out = np.full((h, 2 * w + g, 3), 255, np.uint8)
    out[:, :w] = before
    out[:, w + g :] = after
    if not label:
        return brand_band(out, brand, max(12, int(round(min(h, w) * 0.035)))) if brand else out
    px = max(12, int(round(min(h, w) * 0.035)))
    labels = [((px, px), titles[0], "la"), ((w + g + px, px), titles[1], "la")]
    return finish(out, labels, True, brand)
