import io

import numpy as np
import pytest
from PIL import Image

from smp_studio.core import PhotoError, load_photo
from smp_studio.core.analysis.photo import Photo


def _save(tmp_path, name, im, **kw):
    p = tmp_path / name
    im.save(p, **kw)
    return p


def test_jpeg_sample_loads_as_rgb8_and_keeps_bytes(samples_dir):
    f = samples_dir / "front-norwood4-hairline.jpg"
    p = load_photo(f)
    assert p.rgb.dtype == np.uint8 and p.rgb.shape == (640, 640, 3)
    assert p.data == f.read_bytes()
    assert p.format == "JPEG"


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("TIFF", "tif"), ("WEBP", "webp"), ("BMP", "bmp")])
def test_common_formats(tmp_path, fmt, ext):
    a = np.zeros((40, 60, 3), np.uint8)
    a[:, :30] = (200, 100, 50)
    kw = {"lossless": True} if fmt == "WEBP" else {}
    p = load_photo(_save(tmp_path, f"x.{ext}", Image.fromarray(a), format=fmt, **kw))
    assert p.size == (60, 40)
    assert tuple(p.rgb[20, 10]) == (200, 100, 50)


def test_heic_loads(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    a = np.full((64, 64, 3), (180, 120, 90), np.uint8)
    path = tmp_path / "phone.heic"
    pillow_heif.from_bytes(mode="RGB", size=(64, 64), data=a.tobytes()).save(path, quality=95)
    p = load_photo(path)
    assert p.size == (64, 64)
    assert np.abs(p.rgb.astype(int) - (180, 120, 90)).mean() < 6


def test_exif_orientation_is_applied(tmp_path):
    a = np.zeros((30, 50, 3), np.uint8)
    a[:, :10] = 255  # white stripe on the left of a landscape image
    im = Image.fromarray(a)
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90 CW to display
    p = load_photo(_save(tmp_path, "rot.jpg", im, exif=exif, quality=95))
    assert p.size == (30, 50)  # now portrait
    assert p.rgb[:8].mean() > 200  # the stripe is on top after rotation


def test_gray_alpha_16bit_cmyk_become_rgb8(tmp_path):
    g = load_photo(_save(tmp_path, "g.png", Image.fromarray(np.full((20, 20), 128, np.uint8))))
    assert g.rgb.shape == (20, 20, 3) and g.rgb[0, 0].tolist() == [128] * 3
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 255  # red, half transparent over white
    rgba[..., 3] = 128
    a = load_photo(_save(tmp_path, "a.png", Image.fromarray(rgba, "RGBA")))
    assert a.rgb[0, 0, 0] == 255 and 120 < a.rgb[0, 0, 1] < 135
    s16 = Image.fromarray(np.full((20, 20), 65535 // 4, np.uint16))
    b = load_photo(_save(tmp_path, "d.png", s16))
    assert b.rgb.dtype == np.uint8 and 60 < b.rgb[0, 0, 0] < 68
    cmyk = Image.new("CMYK", (20, 20), (0, 255, 255, 0))  # pure red in CMYK
    c = load_photo(_save(tmp_path, "c.jpg", cmyk, quality=95))
    assert c.rgb[10, 10, 0] > 200 and c.rgb[10, 10, 1] < 60


def test_non_ascii_path(tmp_path):
    d = tmp_path / "Kunden Müller" / "頭皮"
    d.mkdir(parents=True)
    p = load_photo(_save(d, "fotó.png", Image.new("RGB", (32, 32), (10, 20, 30))))
    assert p.name == "fotó.png" and p.rgb[0, 0].tolist() == [10, 20, 30]


@pytest.mark.parametrize(
    "content,expect",
    [
        (b"", "empty"),
        (b"hello, I am a text file\n" * 10, "not an image"),
    ],
)
def test_bad_files_get_specific_messages(tmp_path, content, expect):
    f = tmp_path / "bad.jpg"
    f.write_bytes(content)
    with pytest.raises(PhotoError, match=expect) as e:
        load_photo(f)
    assert "bad.jpg" in str(e.value)


def test_truncated_file(tmp_path, samples_dir):
    f = tmp_path / "cut.jpg"
    f.write_bytes((samples_dir / "front-norwood4-hairline.jpg").read_bytes()[:15000])
    with pytest.raises(PhotoError, match="truncated"):
        load_photo(f)


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    buf = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buf, "PNG")  # compresses to a few kB
    f = tmp_path / "bomb.png"
    f.write_bytes(buf.getvalue())
    with pytest.raises(PhotoError, match="megapixels"):
        load_photo(f, max_pixels=50_000_000)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(PhotoError, match="no such file"):
        load_photo(tmp_path / "nope.jpg")
    with pytest.raises(PhotoError, match="folder"):
        load_photo(tmp_path)


def test_from_array_any_dtype():
    p = Photo.from_array(np.linspace(0, 1, 100, dtype=np.float64).reshape(10, 10))
    assert p.rgb.dtype == np.uint8 and p.rgb.shape == (10, 10, 3)
    assert p.rgb[-1, -1, 0] == 255


@pytest.mark.parametrize("ext", ["tif", "png"])
def test_16bit_rgb_from_scanners_and_raw_converters(tmp_path, ext):
    import cv2

    a = np.zeros((30, 40, 3), np.uint16)
    a[:, :20] = (65535, 32768, 0)  # RGB
    f = tmp_path / f"deep.{ext}"
    cv2.imwrite(str(f), cv2.cvtColor(a, cv2.COLOR_RGB2BGR))
    p = load_photo(f)
    assert p.rgb.dtype == np.uint8 and p.rgb[5, 5].tolist() == [255, 128, 0]
