"""A wipe from before to after, for social media (MP4, animated GIF or WebP)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from smp_studio.core.output import compare
from smp_studio.core.io.atomic import atomic_write
from smp_studio.core.errors import SmpError

FORMATS = (".mp4", ".gif", ".webp")


def wipe_frames(before: np.ndarray, after: np.ndarray, *, seconds: float = 4.0, fps: int = 20,
                hold: float = 0.6, label: bool = True, width: int | None = 720, brand: str = "") -> list[np.ndarray]:
    """Frames of a divider sweeping from before (left) to after, and back.

    The divider eases in and out; the first and last ``hold`` seconds show the
    plain before and after. Every frame carries the "Simulation" label unless
    ``label=False``.
    """
    if before.shape != after.shape:
        raise SmpError("before and after differ in size")
    if width and before.shape[1] > width:
        f = width / before.shape[1]
        size = (width, int(round(before.shape[0] * f)) // 2 * 2)  # even sizes for video encoders
        before = cv2.resize(before, size, interpolation=cv2.INTER_AREA)
        after = cv2.resize(after, size, interpolation=cv2.INTER_AREA)
    n = max(int(round(seconds * fps)), 4)
    n_hold = int(round(hold * fps))
    n_move = max((n - 2 * n_hold) // 2, 1)
    t = np.linspace(0, 1, n_move)
    ease = t * t * (3 - 2 * t)
    positions = [0.0] * n_hold + list(ease) + [1.0] * n_hold + list(ease[::-1])
    # position = share of the width that still shows "before", from the right edge inward
    frames = [compare.split(before, after, 1.0 - p, label=label, brand=brand) for p in positions]
    if frames[0].shape[0] % 2:  # the brand band can make the height odd: video encoders need it even
        frames = [f[:-1] for f in frames]
    return frames


def write_animation(path, frames: list[np.ndarray], fps: int = 20) -> Path:
    """Write frames as .mp4 (H.264-compatible MPEG-4 via OpenCV), .gif or .webp."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise SmpError(f"{path.name}: choose .mp4, .gif or .webp for an animation")
    if not frames:
        raise SmpError("no frames to write")
    if ext == ".mp4":
        h, w = frames[0].shape[:2]
        fd, tmp = tempfile.mkstemp(suffix=".mp4", dir=path.parent if str(path.parent) else ".")
        os.close(fd)
        try:
            vw = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
            if not vw.isOpened():
                raise SmpError("this OpenCV cannot write MP4 video; choose .gif or .webp")
            for f in frames:
                vw.write(cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
            vw.release()
            atomic_write(path, Path(tmp).read_bytes())
        finally:
            Path(tmp).unlink(missing_ok=True)
        return path
    kw = {"duration": int(round(1000 / fps)), "loop": 0}
    if ext == ".gif":
        ims = gif_frames(frames)
        kw["optimize"] = False
    else:
        ims = [Image.fromarray(f) for f in frames]
        kw.update(quality=85, method=4)
    kw.update(save_all=True, append_images=ims[1:])
    atomic_write(path, lambda fh: ims[0].save(fh, format="GIF" if ext == ".gif" else "WEBP", **kw))
    return path


def gif_palette(frames: list[np.ndarray], colours: int = 256) -> Image.Image:
    """One palette for every frame of a wipe, made once.

    A wipe shows only the before, the after and the divider and labels over
    them: the first, middle and last frames hold every colour that occurs.
    """
    pick = sorted({0, len(frames) // 4, len(frames) // 2, 3 * len(frames) // 4, len(frames) - 1})
    sample = np.vstack([frames[i][::2, ::2] for i in pick])
    return Image.fromarray(sample).quantize(colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def gif_frames(frames: list[np.ndarray]) -> list[Image.Image]:
    """The frames as palette images sharing one palette (one global colour table).

    Undithered, so the parts of the photo that do not change between frames
    are identical and each frame stores only the strip the divider moved.

    Examples
    --------
    >>> a, b = np.zeros((8, 8, 3), np.uint8), np.full((8, 8, 3), 200, np.uint8)
    >>> ims = gif_frames([a, b, a])
    >>> len({im.palette.tobytes() for im in ims}), ims[0].mode
    (1, 'P')
    """
    pal = gif_palette(frames)
    return [Image.fromarray(f).quantize(palette=pal, dither=Image.Dither.NONE) for f in frames]


def read_frames(path) -> list[np.ndarray]:
    """Frames of an animation written here (for checks and previews)."""
    path = Path(path)
    if path.suffix.lower() == ".mp4":
        cap = cv2.VideoCapture(str(path))
        out = []
        while True:
            ok, f = cap.read()
            if not ok:
                break
            out.append(cv2.cvtColor(f, cv2.COLOR_BGR2RGB))
        cap.release()
        return out
    with Image.open(path) as im:
        out = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            out.append(np.asarray(im.convert("RGB")))
        return out
