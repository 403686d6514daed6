"""Faults the reliability harness found (issue 12): each bad input ends in the project's
own error naming the file, costs are bounded, and nothing of the client's is left lying about."""

import io
import json
import os
import stat
import struct
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, synthetic_head
from smp_studio.cli import main
from smp_studio.core.analysis.photo import MAX_WORKING_PIXELS, decode_photo, load_photo
from smp_studio.core.analysis.segmentation import segment
from smp_studio.core.errors import PhotoError, SettingsError
from smp_studio.core.io.atomic import atomic_write, remove_stale_temporaries
from smp_studio.core.io.project import Project, ProjectError, load_project, project_bytes, project_from_bytes, save_project
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.settings import Settings


@pytest.fixture(scope="module")
def small_project():
    img, _ = synthetic_head(size=160, seed=5)
    from smp_studio.core.analysis.photo import Photo

    photo = Photo.from_array(img, name="client.png")
    seg = segment(img)
    h = Hairline(np.array([[30.0, 50.0], [80.0, 40.0], [130.0, 50.0]]))
    return Project(photo, seg, Settings(seed=2, px_per_mm=3.0), h, notes="soft line")


def _rewrite(raw: bytes, manifest_text=None, change=None, add=()) -> bytes:
    """The project with its manifest edited (as JSON or as raw text) and entries added."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "manifest.json":
                if change:
                    m = json.loads(data)
                    change(m)
                    data = json.dumps(m).encode()
                if manifest_text:
                    data = manifest_text(data.decode()).encode()
            z.writestr(info.filename, data)
        for info, data in add:
            z.writestr(info, data)
    return out.getvalue()


def _set(path, value):
    def change(m):
        d = m
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return change


def _to_v0(settings):
    def change(m):
        m["schema_version"] = 0
        m["settings"] = settings
    return change


def _symlink_entry():
    info = zipfile.ZipInfo("masks/link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, b"/home/someone/.ssh/id_rsa"


BAD_PROJECTS = {
    "face_dir of letters": (dict(change=_set(["hairline", "face_dir"], ["a", "b"])), "face_dir"),
    "face_dir with a null": (dict(change=_set(["hairline", "face_dir"], [None, 1])), "face_dir"),
    "5,000-digit integer": (dict(manifest_text=lambda t: t[:-1] + ', "x": ' + "9" * 5000 + "}"), "number"),
    "v0 settings a string": (dict(change=_to_v0("abc")), "version 0"),
    "v0 settings a list": (dict(change=_to_v0([1, 2])), "version 0"),
    "session 2.5": (dict(change=_set(["settings", "session"], 2.5)), "whole number"),
    "seed 1.5": (dict(change=_set(["settings", "seed"], 1.5)), "whole number"),
    "hairline point at 1e300": (dict(change=_set(["hairline", "points", 0], [1e300, 5])), "off any photo"),
    "70,000 hairline points": (dict(change=_set(["hairline", "points"], [[50.0, 50.0]] * 70_000)), "at most"),
    "a symlink entry": (dict(add=[_symlink_entry()]), "symbolic link"),
    "a 65,535-character name": (dict(add=[(zipfile.ZipInfo("m" * 65_535), b"x")]), "characters long"),
    "head breadth not finite": (dict(change=_set(["segmentation", "head_breadth_px"], float("inf"))), "head"),
    "head breadth of 3 px": (dict(change=_set(["segmentation", "head_breadth_px"], 3.0)), "head"),
}


@pytest.mark.parametrize("case", list(BAD_PROJECTS))
def test_bad_projects_end_in_a_project_error_naming_the_file(small_project, case):
    edit, message = BAD_PROJECTS[case]
    raw = _rewrite(project_bytes(small_project), **edit)
    with pytest.raises(ProjectError, match=message) as e:
        project_from_bytes(raw, "client.smpx")
    assert str(e.value).startswith("client.smpx: ")


def test_the_cli_reports_a_bad_project_in_one_line(small_project, tmp_path, capsys):
    f = tmp_path / "client.smpx"
    f.write_bytes(_rewrite(project_bytes(small_project), change=_set(["hairline", "face_dir"], ["a", "b"])))
    assert main(["simulate", str(f), "-o", str(tmp_path / "out.png")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("smp-studio-cli: client.smpx:") and err.count("\n") == 1
    assert not (tmp_path / "out.png").exists()


def test_a_flipped_zip_version_in_the_table_of_contents(small_project):
    raw = bytearray(project_bytes(small_project))
    cd = raw.index(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<H", raw, cd + 6, 0x0050)  # "version needed to extract": 8.0
    with pytest.raises(ProjectError, match="damaged") as e:
        project_from_bytes(bytes(raw), "client.smpx")
    assert "client.smpx" in str(e.value)


@pytest.mark.parametrize("change", [_set(["settings", "sessions"], 3.0), _set(["settings", "session"], 2.0)])
def test_whole_number_floats_are_taken_as_whole_numbers_and_render(small_project, change):
    p = project_from_bytes(_rewrite(project_bytes(small_project), change=change), "client.smpx")
    assert isinstance(p.settings.sessions, int) and isinstance(p.settings.session, int)
    assert p.simulation().render().shape == small_project.photo.rgb.shape


@pytest.mark.parametrize("where", ["notes", "key"])
def test_a_lone_surrogate_never_makes_a_project_unsaveable(small_project, tmp_path, where):
    if where == "notes":
        edit = lambda t: t.replace('"soft line"', '"soft \\ud800 line"')  # noqa: E731
    else:
        edit = lambda t: t[:-1] + ', "k\\udc00": 1}'  # noqa: E731
    p = project_from_bytes(_rewrite(project_bytes(small_project), manifest_text=edit), "client.smpx")
    again = load_project(save_project(p, tmp_path / "again.smpx"))
    assert again.notes.startswith("soft") and again.notes.endswith("line")
    # And text that arrives by another way (a file name from a foreign disk) saves too.
    p.notes = "from \udcff disk"
    assert load_project(save_project(p, tmp_path / "third.smpx")).notes == "from \ufffd disk"


def _jpeg_with_malformed_exif() -> bytes:
    """Orientation 6, and an ASCII value under a tag Pillow expects to be a fraction (XPosition)."""
    im = Image.fromarray(np.tile(np.arange(48, dtype=np.uint8) * 5, (32, 1))[..., None].repeat(3, 2))
    exif = im.getexif()
    exif[0x0112] = 6
    exif[0x0131] = "sw"
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, quality=95)
    raw = bytearray(buf.getvalue())
    raw[raw.index(b"\x01\x31\x00\x02", raw.index(b"Exif"))+1] = 0x1E  # tag 0x0131 -> 0x011e
    return bytes(raw)


def test_malformed_exif_still_loads_and_is_turned_upright():
    p = decode_photo(_jpeg_with_malformed_exif(), name="client.jpg")
    assert p.size == (32, 48)  # orientation 6 applied: now portrait
    assert p.rgb[0, :, 0].std() < 10 < p.rgb[:, 0, 0].std()  # the gradient now runs down


# --- 2. denial of service -----------------------------------------------------------------

def test_a_hairline_file_with_70000_points_is_refused_at_once(tmp_path, capsys):
    f = tmp_path / "h.json"
    f.write_text(json.dumps({"points": [[100 + i % 7, 100.0] for i in range(70_000)]}))
    with pytest.raises(SettingsError, match="at most"):
        Hairline.from_json(f.read_text())
    assert main(["simulate", "--sample", "topdown-norwood6-shaved-look.jpg", "--hairline", str(f),
                 "-o", str(tmp_path / "x.png")]) == 1
    err = capsys.readouterr().err
    assert "h.json" in err and "at most" in err and err.count("\n") == 1


def test_the_waves_of_a_long_line_stay_gentle_and_follow_the_wavelength():
    """Many points, long and short segments: waves about a wavelength apart, never above the amplitude."""
    h = Hairline(np.column_stack([np.cumsum(np.random.default_rng(1).uniform(5, 80, 40)), np.full(40, 300.0)]))
    got = h.irregular_curve(macro_px=5.0, wavelength_px=40.0, rng=3)
    off = got[:, 1] - h.curve()[:, 1]
    assert np.abs(off).max() <= 5.0 + 1e-9 and np.abs(off).max() > 2.5
    crossings = np.count_nonzero(np.diff(np.sign(off[np.abs(off) > 0.2])) != 0)
    length = h.points[-1, 0] - h.points[0, 0]
    assert 0.3 * length / 40.0 < crossings < 1.5 * length / 40.0


# --- 3. memory --------------------------------------------------------------------------

# VmHWM, not ru_maxrss: the latter carries over the parent's size through fork and exec.
PEAK = textwrap.dedent("""
    import sys
    from smp_studio.core.analysis.photo import load_photo
    def kb(field):
        return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(field))
    base = kb("VmRSS:")
    p = load_photo(sys.argv[1])
    print(p.width, p.height, (kb("VmHWM:") - base) // 1024)
""")


def _peak_mb(path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, env=env, check=True)
    w, h, mb = map(int, r.stdout.split())
    return w, h, mb


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_small_jpeg_declaring_120_megapixels_decodes_small(tmp_path):
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 150, 120)).save(buf, "JPEG")
    raw = bytearray(buf.getvalue())
    struct.pack_into(">HH", raw, raw.index(b"\xff\xc0") + 5, 10950, 10950)  # what the header claims
    f = tmp_path / "claims.jpg"
    f.write_bytes(bytes(raw))
    w, h, mb = _peak_mb(f)
    assert mb < 300  # decoding it whole took 1.1 GB
    assert w * h <= MAX_WORKING_PIXELS


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_16bit_png_decodes_in_bands(tmp_path):
    a = np.zeros((8000, 8000), np.uint16)
    a[::5] = 50000
    f = tmp_path / "deep.png"
    Image.fromarray(a).save(f, compress_level=1)
    del a
    w, h, mb = _peak_mb(f)
    # Pillow's own 16-bit buffer is 122 MB and the result 48 MB; float copies of the whole took 1 GB.
    assert mb < 330
    assert w * h <= MAX_WORKING_PIXELS


def test_what_cannot_fit_is_refused_with_a_clear_message():
    buf = io.BytesIO()
    Image.new("I;16", (2000, 1000), 300).save(buf, "PNG")
    with pytest.raises(PhotoError, match=r"deep\.png: 2000x1000 in 16-bit gray needs about .* GB"):
        decode_photo(buf.getvalue(), name="deep.png", max_bytes=4_000_000)


def test_band_decoding_matches_a_whole_decode():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 65535, (300, 200), dtype=np.uint16)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    p = decode_photo(buf.getvalue(), name="d.png")
    want = (a.astype(np.float32) / 65535 * 255 + 0.5).astype(np.uint8)
    assert np.array_equal(p.rgb[..., 0], want)
    half = decode_photo(buf.getvalue(), name="d.png", max_working_pixels=200 * 300 // 4)
    assert half.size == (100, 150)
    assert abs(float(half.rgb.mean()) - float(want.mean())) < 1.0


# --- 4. leftover temporaries ---------------------------------------------------------------

def test_a_killed_saves_temporary_is_removed_by_the_next_save_or_open(small_project, tmp_path):
    target = save_project(small_project, tmp_path / "client.smpx")
    left = tmp_path / ".client.smpx.k2j4h5g6.saving"  # what a save killed mid-way leaves
    left.write_bytes(small_project.photo.rgb.tobytes())
    other = tmp_path / "notes.saving.txt"  # not ours: kept
    other.write_text("x")
    save_project(small_project, target)
    assert not left.exists() and other.exists()
    left.write_bytes(b"half")
    load_project(target)
    assert not left.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["client.smpx", "notes.saving.txt"]


LIVE_WRITER = textwrap.dedent("""
    import sys
    from smp_studio.core.io.atomic import atomic_write
    def writer(f):
        f.write(b"first half ")
        f.flush()
        print("writing", flush=True)
        sys.stdin.readline()
        f.write(b"second half")
    atomic_write(sys.argv[1], writer)
""")


@pytest.mark.skipif(sys.platform.startswith("win"), reason="file locks")
def test_a_save_in_progress_elsewhere_is_never_swept(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", LIVE_WRITER, str(tmp_path / "a.smpx")], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"writing"
        assert remove_stale_temporaries(tmp_path) == []
        atomic_write(tmp_path / "b.png", b"another save in the same folder")
        assert len([p for p in tmp_path.iterdir() if p.name.endswith(".saving")]) == 1
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
    assert (tmp_path / "a.smpx").read_bytes() == b"first half second half"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.smpx", "b.png"]


# --- 5. stderr stays one line ---------------------------------------------------------------

def _tiff_with_samples_per_pixel(n: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (90, 60, 40)).save(buf, "TIFF")
    raw = bytearray(buf.getvalue())
    (ifd,) = struct.unpack_from("<I", raw, 4)
    (count,) = struct.unpack_from("<H", raw, ifd)
    for i in range(count):
        e = ifd + 2 + 12 * i
        if struct.unpack_from("<H", raw, e)[0] == 277:  # SamplesPerPixel
            struct.pack_into("<H", raw, e + 8, n)
    return bytes(raw)


def _jpeg_with_a_tag_past_the_end() -> bytes:
    buf = io.BytesIO()
    im = Image.new("RGB", (32, 32), (90, 60, 40))
    exif = im.getexif()
    exif[0x010F] = "Camera maker"
    im.save(buf, "JPEG", exif=exif)
    raw = bytearray(buf.getvalue())
    tiff = raw.index(b"Exif\x00\x00") + 6
    end = "<" if raw[tiff:tiff + 2] == b"II" else ">"
    (ifd,) = struct.unpack_from(end + "I", raw, tiff + 4)
    (count,) = struct.unpack_from(end + "H", raw, tiff + ifd)
    for i in range(count):
        e = tiff + ifd + 2 + 12 * i
        if struct.unpack_from(end + "H", raw, e)[0] == 0x010F:
            struct.pack_into(end + "I", raw, e + 8, 10**8)  # its text "lies" far past the end
    return bytes(raw)


@pytest.mark.parametrize("make,code", [(lambda: _tiff_with_samples_per_pixel(2048), 1),
                                       (_jpeg_with_a_tag_past_the_end, 0)])
def test_decoder_messages_never_add_stderr_lines(tmp_path, make, code):
    f = tmp_path / ("client.tif" if code else "client.jpg")
    f.write_bytes(make())
    env = dict(os.environ, PYTHONPATH=str(ROOT), SMP_STUDIO_LOG=str(tmp_path / "log.txt"))
    env.pop("PYTHONWARNINGS", None)
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "info", str(f), "--json"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == code
    if code:
        assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("smp-studio-cli: client.tif:")
    else:
        assert r.stderr == ""
    assert (tmp_path / "log.txt").read_text().strip()  # what the decoder said is kept, in the log
