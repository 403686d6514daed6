"""Lighting check: the same result under harsh overhead light and camera flash.

Artists report that work which looks fine in person can look harsh under a
downlight or a phone's flash. From the photo's own shading we split the
scalp into light and reflectance (pigment and skin tone live in the
reflectance), then light the head again on a sphere model of it: a hard,
high light from above, or a flash from the camera with its hot spot. The
before and after images are relit identically, so the comparison stays fair.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.engine.dotshape import direction_field
from smp_studio.core.engine.smoothing import wide_blur

LIGHTS = ("overhead", "flash")


def _sphere_normals(head_mask: np.ndarray, shape) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel unit normals (nx, ny, nz) of a sphere fitted to the head, and its mask."""
    H, W = shape
    m = np.asarray(head_mask, bool)
    field = direction_field(np.zeros((H, W, 3), np.uint8), m)
    f = field.factor
    fore = cv2.resize(field.foreshorten, (W, H), interpolation=cv2.INTER_LINEAR)
    radial = cv2.resize(field.radial, (W, H), interpolation=cv2.INTER_LINEAR)
    nz = np.clip(fore, 0.0, 1.0)
    nxy = np.sqrt(np.clip(1.0 - nz**2, 0, 1))
    n = np.dstack([radial[..., 0] * nxy, radial[..., 1] * nxy, nz]).astype(np.float32)
    del f
    return n, m


@dataclass(frozen=True, eq=False)
class Relight:
    """A head's light under the check, read once: it relights any image of that head.

    What the check changes depends on the head, the light and the photo's own
    shading, not on the pigment: a hairline dragged with the check on relights
    each new result by a few multiplies (see :func:`light_for`).
    """

    gain: np.ndarray  # (H, W, 1) float32: new light over the photo's own
    spec: np.ndarray  # (H, W, 1) float32: the new light's shine, in linear light
    weight: np.ndarray  # (H, W, 1) float32: how much of the relit image is taken (0 off the head)

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """``rgb`` (uint8, the size the light was read at) under the check's light."""
        # In place where it can be: a canvas-sized image is relit every frame of a drag.
        lin = cv2.LUT(rgb, _SQUARES)
        np.multiply(lin, self.gain, out=lin)
        np.add(lin, self.spec, out=lin)
        np.clip(lin, 0.0, 1.0, out=lin)  # (a number given to cv2.min is read as (v, 0, 0, 0))
        out = cv2.sqrt(lin)
        np.multiply(out, np.float32(255.0), out=out)
        src = rgb.astype(np.float32)
        np.subtract(out, src, out=out)
        np.multiply(out, self.weight, out=out)
        return cv2.convertScaleAbs(cv2.add(src, out))


#: uint8 to linear light (0..1), for OpenCV's lookup.
_SQUARES = ((np.arange(256, dtype=np.float32) / 255.0) ** 2).reshape(1, 256)


def light_for(photo: np.ndarray, head_mask: np.ndarray, *, light: str = "flash", view: str = "topdown",
              strength: float = 1.0) -> Relight | None:
    """The check's light for a head, from ``photo``'s own shading (None when there is no head).

    Parameters are those of :func:`relight`; ``photo`` is the image whose
    shading is taken (the untreated photo, so a render and its photo are relit
    by exactly the same light).

    Examples
    --------
    >>> img = np.full((100, 100, 3), 40, np.uint8)
    >>> _ = cv2.circle(img, (50, 50), 35, (190, 150, 130), -1)
    >>> m = np.zeros((100, 100), bool); _ = cv2.circle(m.view(np.uint8), (50, 50), 35, 1, -1)
    >>> lit = light_for(img, m, light="flash")   # read once from the photo
    >>> inked = img.copy(); _ = cv2.circle(inked, (50, 50), 10, (120, 95, 85), -1)
    >>> a, b = lit.apply(img), lit.apply(inked)  # the photo and a render of it, under one light
    >>> bool(b[50, 50].mean() < a[50, 50].mean()), bool((a[2, 2] == img[2, 2]).all())
    (True, True)
    """
    if light not in LIGHTS:
        raise ValueError(f"light must be one of {', '.join(LIGHTS)}, not {light!r}")
    H, W = photo.shape[:2]
    if min(H, W) < 8:  # no head to light in a few pixels (and no sphere to fit to it)
        return None
    n, m = _sphere_normals(head_mask, (H, W))
    if not m.any():
        return None
    lum = ((photo.astype(np.float32) / 255.0) ** 2).mean(axis=2)
    # The photo's own light: the head's lightness at a scale far above pores and dots.
    s = max(2.0, 0.04 * float(np.sqrt(m.sum())))
    mf = m.astype(np.float32)
    shade = wide_blur(lum * mf, s) / np.maximum(wide_blur(mf, s), 1e-3)
    ref = float(np.percentile(shade[m], 90))
    shade = np.maximum(shade / max(ref, 1e-4), 0.05)
    if light == "flash":
        ldir = np.array([0.0, 0.0, 1.0], np.float32)
        diffuse = 0.06 + 1.0 * np.clip(n @ ldir, 0, 1) ** 0.7
        gloss, spec_k, exposure = 60.0, 0.55, 1.12
    else:
        ldir = np.array([0.0, -1.0, 0.45] if view != "topdown" else [0.0, -0.35, 1.0], np.float32)
        ldir /= np.linalg.norm(ldir)
        diffuse = 0.04 + 1.15 * np.clip(n @ ldir, 0, 1) ** 1.6  # hard: deep fall-off, little fill
        gloss, spec_k, exposure = 25.0, 0.45, 1.0
    half = ldir + np.array([0, 0, 1], np.float32)
    half /= np.linalg.norm(half)
    spec = spec_k * np.clip(n @ half, 0, 1) ** gloss
    # The reflectance (pigment and skin tone) is the image over the photo's light; lit anew.
    gain = (exposure * diffuse / shade).astype(np.float32)
    w = wide_blur(mf, max(1.0, s / 4)) * float(np.clip(strength, 0, 1))
    w = np.where(m, w, 0.0).astype(np.float32)
    return Relight(*(np.ascontiguousarray(a, np.float32)[..., None] for a in (gain, spec, w)))


def relight(rgb: np.ndarray, head_mask: np.ndarray, *, light: str = "flash", view: str = "topdown",
            strength: float = 1.0, shading_of: np.ndarray | None = None) -> np.ndarray:
    """The photo with its head lit by ``light`` ("overhead" or "flash").

    Parameters
    ----------
    rgb : ndarray uint8 (H, W, 3)
    head_mask : ndarray bool (H, W)
    light : str, keyword-only
    view : str, keyword-only
        Where "above" is: from the top of the image in front/side/back
        views, nearly along the camera for a top-down photo.
    strength : float, keyword-only
        0 keeps the photo's light, 1 is the full check.
    shading_of : ndarray uint8 (H, W, 3), optional, keyword-only
        Take the photo's light from this image (the untreated photo), so a
        render and its photo are relit by exactly the same light.

    Examples
    --------
    >>> img = np.full((100, 100, 3), 40, np.uint8)
    >>> _ = cv2.circle(img, (50, 50), 35, (190, 150, 130), -1)
    >>> m = np.zeros((100, 100), bool); _ = cv2.circle(m.view(np.uint8), (50, 50), 35, 1, -1)
    >>> out = relight(img, m, light="flash")
    >>> bool(out[50, 50].mean() > img[50, 50].mean()), bool((out[2, 2] == img[2, 2]).all())
    (True, True)
    """
    lit = light_for(rgb if shading_of is None else shading_of, head_mask, light=light, view=view, strength=strength)
    return rgb.copy() if lit is None else lit.apply(rgb)


def lighting_check(before: np.ndarray, after: np.ndarray, head_mask: np.ndarray, *, view: str = "topdown"
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Before and after, each under harsh overhead light and under flash.

    Returns ``{"overhead": (before, after), "flash": (before, after)}``.
    """
    out = {}
    for light in LIGHTS:
        lit = light_for(before, head_mask, light=light, view=view)
        out[light] = (before.copy(), after.copy()) if lit is None else (lit.apply(before), lit.apply(after))
    return out
