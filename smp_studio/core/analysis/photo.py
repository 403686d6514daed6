"""Load a client photo into 8-bit RGB, safely, keeping the original bytes.

Every failure is a :class:`PhotoError` whose message names the file and says
what is wrong with it; no decoder traceback reaches the user.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

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
#: Larger photos are decoded at a reduced size (a 48 MP phone photo is kept whole).
MAX_WORKING_PIXELS = 50_000_000
#: Refuse photos whose decoding would need more memory than this (see ``_decode_cost``).
MAX_DECODE_BYTES = 1536 * 1024 * 1024

log = logging.getLogger(__name__)


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
    declared_size : (int, int) or None
        ``(width, height)`` the file declares, after orientation; larger than
        :attr:`size` when the photo was decoded reduced.
    """

    rgb: np.ndarray = field(repr=False)
    data: bytes = field(repr=False, default=b"")
    name: str = "photo"
    format: str = "RAW"
    declared_size: tuple | None = None

    @property
    def reduced(self) -> bool:
        """Whether the photo was decoded at less than the size its file declares."""
        return self.declared_size is not None and tuple(self.declared_size) != self.size

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


def load_photo(path, *, max_pixels: int = MAX_PIXELS, max_working_pixels: int = MAX_WORKING_PIXELS,
               max_bytes: int | None = None) -> Photo:
    """Read a photo file (JPEG, PNG, TIFF, WebP, HEIC/HEIF, BMP).

    EXIF orientation is applied; gray, palette, alpha, 16-bit and CMYK images
    become 8-bit RGB. Photos above ``max_working_pixels`` are decoded at a
    reduced size (JPEG straight from the compressed data), so what a photo
    costs in memory is bounded by what the studio works at, not what the file
    declares.

    Parameters
    ----------
    path : str or Path
        The file; non-ASCII names are fine.
    max_pixels : int, keyword-only
        Refuse images that declare more pixels than this.
    max_working_pixels : int, keyword-only
        Larger photos are reduced to at most this many pixels while decoding.
    max_bytes : int, keyword-only
        Refuse photos whose decoding would need more memory than this
        (default: :data:`MAX_DECODE_BYTES`, or less when the machine has less free).

    Raises
    ------
    PhotoError
        The file is missing, empty, not an image, truncated or damaged, or too large.
    """
    return decode_photo(photo_bytes(path), name=photo_label(path), max_pixels=max_pixels,
                        max_working_pixels=max_working_pixels, max_bytes=max_bytes)


def photo_bytes(path) -> bytes:
    """A photo file's bytes, or a PhotoError saying why not (see :func:`load_photo`)."""
    return read_user_file(Path(path), max_bytes=MAX_FILE_BYTES, error=PhotoError, what="photo")


def photo_label(path) -> str:
    """The name a photo goes by in messages and exports."""
    path = Path(path)
    return path.name or str(path)


def decode_photo(data: bytes, *, name: str = "photo", max_pixels: int = MAX_PIXELS,
                 max_working_pixels: int = MAX_WORKING_PIXELS, max_bytes: int | None = None) -> Photo:
    """Decode photo bytes (see :func:`load_photo`).

    >>> import io
    >>> buf = io.BytesIO()
    >>> Image.new("I;16", (40, 30), 65535).save(buf, "PNG")
    >>> p = decode_photo(buf.getvalue(), name="deep.png", max_working_pixels=300)
    >>> p.size, p.rgb[0, 0].tolist()
    ((20, 15), [255, 255, 255])
    """
    if not data:
        raise PhotoError(f"{name}: the file is empty")
    with warnings.catch_warnings(record=True) as caught:
        # Decoder warnings (odd metadata, ...) must not add lines to the CLI's one-line
        # messages: they go to the log. Our own limit reports the size.
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            rgb, fmt, declared = _decode(data, name, max_pixels, max_working_pixels, max_bytes)
        except PhotoError:
            raise
        except UnidentifiedImageError:
            raise PhotoError(f"{name}: not an image file, or a format SMP Studio cannot read") from None
        except Image.DecompressionBombError:
            raise PhotoError(f"{name}: more than the {max_pixels / 1e6:.0f} megapixel limit "
                             "(a decompression bomb or not a photo)") from None
        except MemoryError:
            raise PhotoError(f"{name}: there is not enough free memory to open this photo") from None
        except (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError, KeyError, struct.error,
                zlib.error) as e:
            # Pillow's decoders raise many kinds on damaged data; all mean the same to the user.
            msg = str(e).lower()
            if "truncat" in msg or isinstance(e, EOFError) or "premature" in msg:
                raise PhotoError(f"{name}: the file is truncated (incomplete download or copy?)") from None
            raise PhotoError(f"{name}: the image data is damaged ({type(e).__name__}: {e})"[:300]) from None
        finally:
            for w in caught:
                log.info("%s: %s", name, w.message)
    return Photo(rgb, bytes(data), name, fmt, declared)


def _decode(data: bytes, name: str, max_pixels: int, max_working: int, max_bytes: int | None):
    im = Image.open(io.BytesIO(data))
    w, h = im.size
    if w * h > max_pixels:
        raise PhotoError(f"{name}: {w}x{h} is {w * h / 1e6:.0f} megapixels, more than the "
                         f"{max_pixels / 1e6:.0f} MP limit (a decompression bomb or not a photo)")
    if w < 16 or h < 16:
        raise PhotoError(f"{name}: {w}x{h} pixels is too small to be a scalp photo")
    fmt = im.format or "unknown"
    orientation = _orientation(im, name)
    if w * h > max_working and fmt in ("JPEG", "MPO"):
        # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 as it decodes: the full size never exists.
        for s in (2, 4, 8):
            if -(-w // s) * -(-h // s) <= max_working or s == 8:
                im.draft(None, (-(-w // s), -(-h // s)))
                break
    cost = _decode_cost(im.size, im.mode, max_working)
    budget = max_bytes if max_bytes is not None else _memory_budget()
    if cost > budget:
        raise PhotoError(f"{name}: {w}x{h} in {_MODE_WORDS.get(im.mode, im.mode)} needs about {cost / 2**30:.1f} GB "
                         f"to open, more than the {budget / 2**30:.1f} GB this computer can spare; "
                         "save it smaller or as JPEG")
    im.load()
    rgb = _pil_to_rgb8(im, max_working)
    if rgb.shape[0] * rgb.shape[1] < w * h:
        log.info("%s: %dx%d decoded at %dx%d to bound memory", name, w, h, rgb.shape[1], rgb.shape[0])
    return _orient(rgb, orientation), fmt, ((h, w) if orientation in (5, 6, 7, 8) else (w, h))


def _orientation(im: Image.Image, name: str) -> int:
    """EXIF orientation 1-8; unreadable or malformed metadata means upright (and a log line)."""
    try:
        o = im.getexif().get(0x0112, 1)
        o = int(o[0] if isinstance(o, (tuple, list)) and o else o)
    except Exception as e:  # metadata is untrusted: any parser failure means "no orientation"
        log.info("%s: unreadable EXIF metadata ignored (%s: %s)", name, type(e).__name__, e)
        return 1
    return o if 1 <= o <= 8 else 1


def _orient(a: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation to (H, W, 3) pixels, as :func:`PIL.ImageOps.exif_transpose` does."""
    ops = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
           5: lambda a: a.transpose(1, 0, 2), 6: lambda a: np.rot90(a, -1),
           7: lambda a: a.transpose(1, 0, 2)[::-1, ::-1], 8: lambda a: np.rot90(a, 1)}
    return np.ascontiguousarray(ops[orientation](a)) if orientation in ops else a


#: Bytes per pixel Pillow holds for each mode (multi-band modes are stored 4 bytes a pixel).
_NATIVE_BPP = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
_MODE_WORDS = {"I;16": "16-bit gray", "I;16B": "16-bit gray", "I": "32-bit gray", "F": "floating point"}


def _decode_cost(size, mode: str, max_working: int) -> int:
    """Peak bytes to decode: the decoder's buffer, the 8-bit result and one band of work."""
    w, h = size
    k = _reduction(w, h, max_working)
    out = -(-w // k) * -(-h // k) * 3
    band = min(_band_rows(w, k), h) * w * 16
    return w * h * _NATIVE_BPP.get(mode, 4) + 2 * out + band  # 2 x out: an orientation copy


def _memory_budget() -> int:
    """What a decode may use: :data:`MAX_DECODE_BYTES`, or half the free memory if that is less."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return min(MAX_DECODE_BYTES, int(line.split()[1]) * 1024 // 2)
    except (OSError, ValueError, IndexError):
        pass
    return MAX_DECODE_BYTES


def _reduction(w: int, h: int, max_working: int) -> int:
    """The smallest whole factor that brings ``w`` x ``h`` within ``max_working`` pixels."""
    k = 1
    while -(-w // k) * -(-h // k) > max_working:
        k += 1
    return k


def _band_rows(w: int, k: int) -> int:
    """Rows per band: about 4 MP of work at a time, a multiple of the reduction factor."""
    return max(k, (4_000_000 // max(w, 1)) // k * k)


def _pil_to_rgb8(im: Image.Image, max_working: int) -> np.ndarray:
    """8-bit RGB, converted (and reduced when too large) a band of rows at a time.

    Working in bands keeps the float copies of a 16-bit or float photo to a few MB
    instead of several times the whole photo.
    """
    w, h = im.size
    k = _reduction(w, h, max_working)
    top = _top(im)
    out = np.empty((-(-h // k), -(-w // k), 3), np.uint8)
    step = _band_rows(w, k)
    for y0 in range(0, h, step):
        band = _band_to_rgb8(im.crop((0, y0, w, min(y0 + step, h))), top)
        if k > 1:
            band = np.asarray(Image.fromarray(band).reduce(k))
        out[y0 // k: y0 // k + band.shape[0]] = band
    return out


def _band_to_rgb8(im: Image.Image, top: float | None) -> np.ndarray:
    mode = im.mode
    if mode == "CMYK":
        # Adobe-style CMYK JPEGs are stored inverted; Pillow already accounts for that.
        return np.asarray(im.convert("RGB"))
    if mode == "RGB":
        return np.asarray(im)
    if mode in ("P", "PA", "LA", "RGBA", "La", "RGBa"):
        return to_rgb8(np.asarray(im.convert("RGBA")))
    if mode in ("1", "L", "YCbCr", "LAB", "HSV"):
        return np.asarray(im.convert("RGB"))
    # 16-bit and float modes: I;16, I;16B, I, F and friends, scaled as the whole photo is.
    return _scaled_rgb8(np.asarray(im), top)


def _top(im: Image.Image) -> float | None:
    """The value that maps to white for deep modes, from the whole photo (not one band)."""
    if im.mode in ("1", "L", "P", "RGB", "RGBA", "CMYK", "YCbCr", "LA", "PA", "La", "RGBa", "LAB", "HSV"):
        return None
    lo, hi = im.getextrema()
    if im.mode == "F":
        hi = float(hi)
        return hi if math.isfinite(hi) and hi > 1.0 else 1.0
    return 65535.0 if hi > 255 else 255.0


def to_rgb8(a: np.ndarray) -> np.ndarray:
    """Any gray/RGB/RGBA array of any dtype as 8-bit RGB (alpha over white).

    >>> to_rgb8(np.full((2, 2), 65535, np.uint16))[0, 0].tolist()
    [255, 255, 255]
    """
    a = np.asarray(a)
    if a.dtype == np.uint8 or a.dtype == np.bool_:
        top = 1.0 if a.dtype == np.bool_ else None
    elif np.issubdtype(a.dtype, np.integer):
        top = 65535.0 if a.max(initial=0) > 255 else 255.0
    else:
        m = float(np.nan_to_num(a.astype(np.float32)).max(initial=0))
        top = m if m > 1.0 else 1.0
    return _scaled_rgb8(a, top)


def _scaled_rgb8(a: np.ndarray, top: float | None) -> np.ndarray:
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.dtype != np.uint8:
        f = np.nan_to_num(a.astype(np.float32)) / np.float32(top or 255.0)
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
