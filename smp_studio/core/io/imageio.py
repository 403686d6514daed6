"""Write images that carry no camera metadata, only the simulation settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from smp_studio.core.io.atomic import atomic_write
from smp_studio.core.errors import SmpError

SETTINGS_KEY = "smp-studio:settings"


def save_image(path, rgb: np.ndarray, *, settings: dict | None = None, quality: int = 92) -> Path:
    """Save PNG or JPEG (by extension) atomically; no EXIF, GPS or dates.

    The settings that made the image go into a PNG text chunk, or a JSON
    sidecar (``NAME.jpg.json``) for JPEG.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".png", ".jpg", ".jpeg"):
        raise SmpError(f"{path.name}: choose a .png or .jpg output file")
    im = Image.fromarray(np.ascontiguousarray(rgb))
    kw: dict = {}
    if ext == ".png":
        info = PngImagePlugin.PngInfo()
        if settings is not None:
            info.add_text(SETTINGS_KEY, json.dumps(settings, sort_keys=True))
        kw = {"format": "PNG", "pnginfo": info, "compress_level": 6}
    else:
        kw = {"format": "JPEG", "quality": quality, "subsampling": 0}
    atomic_write(path, lambda f: im.save(f, **kw))
    if ext != ".png" and settings is not None:
        side = path.with_name(path.name + ".json")
        atomic_write(side, lambda f: f.write(json.dumps(settings, indent=2, sort_keys=True).encode()))
    return path


def read_settings(path) -> dict | None:
    """The settings recorded in an image written by :func:`save_image`."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        with Image.open(path) as im:
            text = im.text.get(SETTINGS_KEY) if hasattr(im, "text") else None
        return json.loads(text) if text else None
    side = path.with_name(path.name + ".json")
    return json.loads(side.read_text()) if side.is_file() else None
