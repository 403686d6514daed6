"""Hide who the client is before an image is used in marketing.

Faces and eyes are found with the face analysis (MediaPipe's face mesh, which
also finds faces looking down); a profile it cannot see falls back to
OpenCV's Haar cascades, and the artist can add regions by hand. When nothing
is found, nothing is claimed: callers report it and record no anonymisation. Found regions
can be blurred, covered with a bar (eyes), or cropped away (keeping the
scalp above the face).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from smp_studio.core.analysis.beside_face import cascade_named
from smp_studio.core.errors import SettingsError

MODES = ("blur", "bar", "crop")


@dataclass(frozen=True)
class Region:
    """A rectangle ``(x, y, w, h)`` in image pixels and what it is."""

    x: int
    y: int
    w: int
    h: int
    kind: str = "manual"  # "face", "eyes" or "manual"

    @classmethod
    def parse(cls, text: str) -> "Region":
        """``"x,y,w,h"`` as a manual region."""
        try:
            x, y, w, h = (int(round(float(v))) for v in text.split(","))
        except ValueError:
            raise SettingsError(f"a region is x,y,w,h in pixels, not {text!r}") from None
        if w <= 0 or h <= 0:
            raise SettingsError(f"region {text!r} has no area")
        return cls(x, y, w, h)


_last: tuple | None = None  # (image, regions): an export asks for the same photo's faces twice


def detect(rgb: np.ndarray) -> list[Region]:
    """Faces and eyes on a photo (the face mesh first, then the Haar cascades for profiles)."""
    global _last
    if _last is not None and _last[0] is rgb:
        return list(_last[1])
    from smp_studio.core.analysis.face import find_face

    face = find_face(rgb)
    found = face_regions(face) if face is not None else _haar(rgb)
    _last = (rgb, found)
    return list(found)


def face_regions(face) -> list[Region]:
    """The face (forehead to chin, ear to ear) and a band over both eyes, from a found face."""
    x, y, w, h = face.box(margin=0.12)
    eyes = face.landmarks[[33, 133, 362, 263, 159, 145, 386, 374, 105, 334], :2]
    (ex0, ey0), (ex1, ey1) = eyes.min(0), eyes.max(0)
    pad = (ex1 - ex0) * 0.12
    return [Region(int(x), int(y), int(np.ceil(w)), int(np.ceil(h)), "face"),
            Region(int(ex0 - pad), int(ey0 - pad), int(np.ceil(ex1 - ex0 + 2 * pad)), int(np.ceil(ey1 - ey0 + 2 * pad)),
                   "eyes")]


def _haar(rgb: np.ndarray) -> list[Region]:
    h, w = rgb.shape[:2]
    f = min(1.0, 800 / max(h, w))  # detection is scale-invariant enough: run it small
    small = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else rgb
    gray = cv2.equalizeHist(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY))
    found: list[Region] = []
    min_face = max(24, int(min(gray.shape) * 0.12))
    for name, flip in (("haarcascade_frontalface_default.xml", False), ("haarcascade_profileface.xml", False),
                       ("haarcascade_profileface.xml", True)):
        c = cascade_named(name)
        if c is None:
            continue
        g = cv2.flip(gray, 1) if flip else gray
        for (x, y, fw, fh) in c.detectMultiScale(g, 1.1, 6, minSize=(min_face, min_face)):
            if flip:
                x = g.shape[1] - x - fw
            found.append(Region(int(x / f), int(y / f), int(fw / f), int(fh / f), "face"))
    eyes = cascade_named("haarcascade_eye.xml")
    if eyes is not None:
        min_eye = max(10, int(min(gray.shape) * 0.03))
        for (x, y, ew, eh) in eyes.detectMultiScale(gray, 1.1, 8, minSize=(min_eye, min_eye)):
            found.append(Region(int(x / f), int(y / f), int(ew / f), int(eh / f), "eyes"))
    return _corroborated(_merge(found))


def _merge(regions: list[Region]) -> list[Region]:
    """Drop regions found twice (a face seen by the frontal and the profile cascade)."""
    out: list[Region] = []
    for r in sorted(regions, key=lambda r: -r.w * r.h):
        if not any(r.kind == o.kind and _iou(r, o) > 0.3 for o in out):
            out.append(r)
    return out


def _corroborated(regions: list[Region]) -> list[Region]:
    """Faces with an eye in their upper part, and the eyes inside them.

    Scalps fool the cascades now and then (a crown looks like a face to
    them); blurring a patch of scalp would spoil the very image being shown.
    What detection misses, the artist adds as a manual region.
    """
    faces = [r for r in regions if r.kind == "face"]
    eyes = [r for r in regions if r.kind == "eyes"]

    def inside(e, f, upper=1.0):
        cx, cy = e.x + e.w / 2, e.y + e.h / 2
        return f.x <= cx <= f.x + f.w and f.y <= cy <= f.y + f.h * upper

    kept = [f for f in faces if any(inside(e, f, 0.65) for e in eyes)]
    return kept + [e for e in eyes if any(inside(e, f) for f in kept)]


def _iou(a: Region, b: Region) -> float:
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / float(a.w * a.h + b.w * b.h - inter)


def anonymise(rgb: np.ndarray, *, mode: str = "blur", regions: list[Region] | None = None,
              detect_faces: bool = True) -> tuple[np.ndarray, list[Region]]:
    """Hide faces and eyes (and any manual regions).

    Parameters
    ----------
    rgb : ndarray (H, W, 3) uint8
    mode : {'blur', 'bar', 'crop'}, keyword-only
        ``blur`` hides each region; ``bar`` covers eyes with a black bar and
        blurs faces; ``crop`` keeps only the image above the highest face or
        manual region (the scalp), or everything if none was found.
    regions : list of Region, keyword-only
        Added by hand.
    detect_faces : bool, keyword-only

    Returns
    -------
    image, regions
        The anonymised image and every region that was hidden.
    """
    if mode not in MODES:
        raise SettingsError(f"anonymise mode {mode!r} is not one of {', '.join(MODES)}")
    H, W = rgb.shape[:2]
    found = (detect(rgb) if detect_faces else []) + list(regions or [])
    out = rgb.copy()
    if mode == "crop":
        tops = [r.y for r in found if r.kind in ("face", "manual")] + [r.y - r.h for r in found if r.kind == "eyes"]
        if tops:
            top = max(int(min(tops)), 1)
            out = out[:top]
        return out, found
    k = max(15, int(round(max(H, W) * 0.04)) | 1)
    for r in found:
        x0, y0 = max(r.x, 0), max(r.y, 0)
        x1, y1 = min(r.x + r.w, W), min(r.y + r.h, H)
        if x1 <= x0 or y1 <= y0:
            continue
        if mode == "bar" and r.kind == "eyes":
            pad = r.h // 4
            out[max(y0 - pad, 0) : min(y1 + pad, H), x0:x1] = 0
            continue
        patch = out[y0:y1, x0:x1]
        # Pixelate, then blur: no detail survives to be sharpened back.
        small = cv2.resize(patch, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
        out[y0:y1, x0:x1] = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR),
                                             (k, k), 0)
    return out, found
