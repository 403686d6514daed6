"""Load a client photo into 8-bit RGB, safely, keeping the original bytes.

Every failure is a :class:`PhotoError` whose message names the file and says
what is wrong with it; no decoder traceback reaches the user.
"""

from __future__ import annotations

import io
import struct
import zlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from smp_studio.core.errors import PhotoError
from smp_studio.core.files import read_user_file

try:  # HEIC/HEIF from phones
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - the dependency is declared; keep loading others
    pillow_heif = None

#: Refuse photos above this many pixels (a decompression bomb or a scan, not a scalp photo).
MAX_PIXELS = 120_000_000
#: Refuse files above this many bytes before decoding anything.
MAX_FILE_BYTES = 400 * 1024 * 1024


@dataclass(frozen=True, eq=False)
class Photo:
    """An orientation-corrected 8-bit RGB photo and the bytes it came from.

    Attributes
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
        Pixels after EXIF orientation, in RGB order.
    data : bytes
        The original file, untouched (for the project file).
    name : str
        File name (for messages and exports).
    format : str
        Decoder's name for the format (``"JPEG"``, ``"PNG"``, ``"HEIF"``...).
    """

    rgb: np.ndarray = field(repr=False)
    data: bytes = field(repr=False, default=b"")
    name: str = "photo"
    format: str = "RAW"

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """``(width, height)`` in pixels."""
        return self.width, self.height

    @classmethod
    def from_array(cls, image, name: str = "array") -> "Photo":
        """Wrap an in-memory image (any dtype, gray, RGB or RGBA) as a Photo.

        >>> Photo.from_array(np.zeros((4, 6), np.float32)).size
        (6, 4)
        """
        return cls(to_rgb8(np.asarray(image)), b"", name, "RAW")


def load_photo(path, *, max_pixels: int = MAX_PIXELS) -> Photo:
    """Read a photo file (JPEG, PNG, TIFF, WebP, HEIC/HEIF, BMP).

    EXIF orientation is applied; gray, palette, alpha, 16-bit and CMYK images
    become 8-bit RGB.

    Parameters
    ----------
    path : str or Path
        The file; non-ASCII names are fine.
    max_pixels : int, keyword-only
        Refuse images with more pixels than this.

    Raises
    ------
    PhotoError
        The file is missing, empty, not an image, truncated or damaged, or too large.
    """
    path = Path(path)
    label = path.name or str(path)
    data = read_user_file(path, max_bytes=MAX_FILE_BYTES, error=PhotoError, what="photo")
    return decode_photo(data, name=label, max_pixels=max_pixels)


def decode_photo(data: bytes, *, name: str = "photo", max_pixels: int = MAX_PIXELS) -> Photo:
    """Decode photo bytes (see :func:`load_photo`)."""
    if not data:
        raise PhotoError(f"{name}: the file is empty")
    try:
        with warnings.catch_warnings():
            # Our own limit below reports the size; Pillow's error still guards the extremes.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            w, h = im.size
            if w * h > max_pixels:
                raise PhotoError(
                    f"{name}: {w}x{h} is {w * h / 1e6:.0f} megapixels, more than the "
                    f"{max_pixels / 1e6:.0f} MP limit (a decompression bomb or not a photo)"
                )
            if w < 16 or h < 16:
                raise PhotoError(f"{name}: {w}x{h} pixels is too small to be a scalp photo")
            fmt = im.format or "unknown"
            im = ImageOps.exif_transpose(im)
            rgb = _pil_to_rgb8(im)
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise PhotoError(f"{name}: not an image file, or a format SMP Studio cannot read") from None
    except Image.DecompressionBombError:
        raise PhotoError(
            f"{name}: more than the {max_pixels / 1e6:.0f} megapixel limit (a decompression bomb or not a photo)"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error) as e:
        msg = str(e).lower()
        if "truncat" in msg or isinstance(e, EOFError) or "premature" in msg:
            raise PhotoError(f"{name}: the file is truncated (incomplete download or copy?)") from None
        raise PhotoError(f"{name}: the image data is damaged ({e})") from None
    return Photo(rgb, bytes(data), name, fmt)


def _pil_to_rgb8(im: Image.Image) -> np.ndarray:
    mode = im.mode
    if mode == "CMYK":
        # Adobe-style CMYK JPEGs are stored inverted; Pillow already accounts for that.
        return np.asarray(im.convert("RGB"))
    if mode in ("RGB",):
        return np.asarray(im).copy()
    if mode in ("P", "PA", "LA", "RGBA", "La", "RGBa"):
        return to_rgb8(np.asarray(im.convert("RGBA")))
    if mode in ("1", "L", "YCbCr", "LAB", "HSV"):
        return np.asarray(im.convert("RGB"))
    # 16-bit and float modes: I;16, I;16B, I, F and friends.
    return to_rgb8(np.asarray(im))


def to_rgb8(a: np.ndarray) -> np.ndarray:
    """Any gray/RGB/RGBA array of any dtype as 8-bit RGB (alpha over white).

    >>> to_rgb8(np.full((2, 2), 65535, np.uint16))[0, 0].tolist()
    [255, 255, 255]
    """
    a = np.asarray(a)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.dtype == np.uint8:
        f = None
    elif a.dtype == np.bool_:
        f = a.astype(np.float32)
    elif np.issubdtype(a.dtype, np.integer):
        top = 65535.0 if a.max(initial=0) > 255 else 255.0
        f = a.astype(np.float32) / top
    else:
        f = np.nan_to_num(a.astype(np.float32))
        if f.max(initial=0) > 1.0:
            f = f / f.max()
    if f is not None:
        a = (np.clip(f, 0, 1) * 255 + 0.5).astype(np.uint8)
    if a.ndim == 2:
        return np.repeat(a[..., None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise PhotoError(f"unsupported image shape {a.shape}")
    if a.shape[2] == 4:
        alpha = a[..., 3:4].astype(np.float32) / 255.0
        rgb = a[..., :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)
        return (rgb + 0.5).astype(np.uint8)
    return np.ascontiguousarray(a)
