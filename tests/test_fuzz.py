"""Fuzzing: mutated photos and projects, with fixed seeds, each of which must either load
(and then render and save) or fail with the project's own error naming the file.

The default run mutates 2,000 inputs in seconds; ``pytest -m fuzz`` runs the long form
(40,000). A failure prints the seed, case number and mutation so it can be replayed.
"""

from __future__ import annotations

import io
import json
import stat
import struct
import warnings
import zipfile

import numpy as np
import pytest
from PIL import Image

from conftest import synthetic_head
from smp_studio.core.analysis.photo import Photo, decode_photo
from smp_studio.core.analysis.segmentation import segment
from smp_studio.core.errors import SmpError
from smp_studio.core.io.project import Project, project_bytes, project_from_bytes
from smp_studio.core.model.hairline import Hairline
from smp_studio.core.model.settings import Settings

SEED = 20261122
LABEL = "client-fuzz.smpx"


# --- seeds: small, so thousands of cases run in seconds -------------------------------------

def _photo_seeds() -> dict[str, bytes]:
    img, _ = synthetic_head(size=64, seed=1)
    im = Image.fromarray(img)
    exif = im.getexif()
    exif[0x0112] = 6
    exif[0x010F] = "Camera maker"
    exif[0x0132] = "2026:11:21 10:00:00"
    out = {}
    for fmt, kw in (("JPEG", {"exif": exif, "quality": 90}), ("PNG", {"exif": exif}), ("TIFF", {"exif": exif}),
                    ("WEBP", {"exif": exif, "quality": 80}), ("BMP", {}), ("GIF", {})):
        buf = io.BytesIO()
        im.save(buf, fmt, **kw)
        out[fmt] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray((img[..., 0].astype(np.uint16) * 257)).save(buf, "PNG")  # 16-bit gray
    out["PNG16"] = buf.getvalue()
    buf = io.BytesIO()
    Image.fromarray(np.dstack([img, np.full(img.shape[:2], 200, np.uint8)]), "RGBA").save(buf, "PNG")
    out["RGBA"] = buf.getvalue()
    return out


def _project_seeds() -> dict[str, bytes]:
    img, _ = synthetic_head(size=72, seed=2)
    seg = segment(img)
    h = Hairline(np.array([[10.0, 30.0], [36.0, 22.0], [62.0, 30.0]]))
    edits = np.full(img.shape[:2], 255, np.uint8)
    edits[5:9, 5:9] = 1
    scar = np.zeros(img.shape[:2], bool)
    scar[40:42, 10:30] = True
    base = Project(Photo.from_array(img, "client.png"), seg, Settings(seed=3, px_per_mm=2.0), h, edits, scar,
                   "notes", "2026-11-21T10:00:00+00:00", "2026-11-21T10:00:00+00:00")
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=85)
    jpeg = decode_photo(buf.getvalue(), name="client.jpg")
    with_jpeg = Project(jpeg, segment(jpeg.rgb), Settings(seed=4), None, notes="")
    return {"png project": project_bytes(base), "jpeg project": project_bytes(with_jpeg)}


# --- mutations ----------------------------------------------------------------------------------

NASTY = [None, True, False, 0, -1, 2.5, 3.0, 1e300, -1e300, float("nan"), float("inf"), "", "abc", "\ud800",
         "#12345g", [], {}, [1, 2], [None, 1], ["a", "b"], [[1e300, 0]], {"a": 1}, "x" * 5000, 2**63, -(2**70)]


def _bytes_mutation(rng, b: bytes) -> tuple[bytes, str]:
    b = bytearray(b)
    kind = int(rng.integers(6))
    if kind == 0:
        n = int(rng.integers(0, len(b)))
        return bytes(b[:n]), f"truncate at {n}"
    if kind in (1, 2):  # bit flips: anywhere, or in the headers and tables where parsers trust numbers
        region = (0, len(b)) if kind == 1 else ((0, min(len(b), 600)) if rng.random() < 0.5
                                                 else (max(0, len(b) - 600), len(b)))
        flips = []
        for _ in range(int(rng.integers(1, 6))):
            i = int(rng.integers(*region))
            bit = int(rng.integers(8))
            b[i] ^= 1 << bit
            flips.append((i, bit))
        return bytes(b), f"flip {flips}"
    if kind == 3:  # a field overwritten with an extreme number
        i = int(rng.integers(0, max(1, len(b) - 4)))
        v = [0, 0xFFFFFFFF, 0x7FFFFFFF, 0x10000, 1][int(rng.integers(5))]
        b[i:i + 4] = struct.pack("<I", v)
        return bytes(b), f"u32 {v:#x} at {i}"
    if kind == 4:  # a chunk repeated or cut out
        i, j = sorted(int(x) for x in rng.integers(0, len(b), 2))
        if rng.random() < 0.5:
            return bytes(b[:j] + b[i:j] + b[j:]), f"repeat {i}:{j}"
        return bytes(b[:i] + b[j:]), f"cut {i}:{j}"
    head = [b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe1", b"II*\x00", b"RIFF", b"GIF89a", b"BM"]
    h = head[int(rng.integers(len(head)))]
    return h + bytes(b[len(h):]), f"header {h!r}"


def _paths(v, prefix=()):
    yield prefix
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, prefix + (k,))
    elif isinstance(v, list) and v:
        i = len(v) // 2
        yield from _paths(v[0], prefix + (0,))
        yield from _paths(v[i], prefix + (i,))


def _manifest_mutation(rng, raw: bytes) -> tuple[bytes, str]:
    """A structure-aware change to manifest.json: what a buggy tool or a hand edit makes."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    m = json.loads(src.read("manifest.json"))
    kind = int(rng.integers(5))
    extra = []
    if kind <= 1:
        paths = [p for p in _paths(m) if p]
        p = paths[int(rng.integers(len(paths)))]
        parent = m
        for k in p[:-1]:
            parent = parent[k]
        if kind == 0:
            v = NASTY[int(rng.integers(len(NASTY)))]
            parent[p[-1]] = v
            what = f"{p} = {str(v)[:30]!r}"
        else:
            if isinstance(parent, dict):
                del parent[p[-1]]
            else:
                parent.pop(p[-1])
            what = f"delete {p}"
        text = json.dumps(m, allow_nan=True)
    elif kind == 2:  # long integers, lone surrogates in keys, or a v0 manifest
        text = json.dumps(m)
        choice = int(rng.integers(3))
        if choice == 0:
            text = text[:-1] + ', "big": ' + "7" * int(rng.integers(4000, 6000)) + "}"
            what = "long integer"
        elif choice == 1:
            text = text[:-1] + ', "k\\udc80": "v\\ud800"}'
            what = "lone surrogates"
        else:
            m["schema_version"] = 0
            m["settings"] = NASTY[int(rng.integers(len(NASTY)))]
            m["hairline_points"] = [[1, 2], [3, 4]]
            m.pop("hairline", None)
            text = json.dumps(m, allow_nan=True)
            what = f"v0 settings {str(m['settings'])[:20]!r}"
    elif kind == 3:  # many hairline points
        n = int(rng.choice([1, 499, 501, 5000]))
        m["hairline"] = {"points": [[float(i % 50), 20.0 + i % 3] for i in range(n)], "face_dir": [0, 1]}
        text = json.dumps(m)
        what = f"{n} hairline points"
    else:  # hostile extra entries
        text = json.dumps(m)
        choice = int(rng.integers(4))
        if choice == 0:
            info = zipfile.ZipInfo("masks/edits.png")
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            extra = [(info, b"/etc/passwd")]
            what = "symlink entry"
        elif choice == 1:
            extra = [(zipfile.ZipInfo("a/" * int(rng.integers(130, 32767))), b"x")]
            what = "long name"
        elif choice == 2:
            extra = [(zipfile.ZipInfo("../outside.txt"), b"x")]
            what = "dot-dot entry"
        else:
            extra = [(zipfile.ZipInfo(f"junk/{i}"), b"") for i in range(70)]
            what = "70 entries"
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as z:
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for info in src.infolist():
            data = text.encode("utf-8", "surrogatepass") if info.filename == "manifest.json" else src.read(info)
            z.writestr(info, data)
        for info, data in extra:
            z.writestr(info, data)
    return out.getvalue(), what


# --- the oracle -----------------------------------------------------------------------------------

def _check_photo(data: bytes):
    p = decode_photo(data, name="client-fuzz.jpg")
    assert p.rgb.dtype == np.uint8 and p.rgb.ndim == 3 and p.rgb.shape[2] == 3


def _check_project(data: bytes, render: bool):
    p = project_from_bytes(data, LABEL)
    again = project_from_bytes(project_bytes(p), LABEL)  # whatever loads must stay saveable
    assert again.settings == p.settings
    if render:  # and render: a bad value must be caught at load, not at render
        sim = p.simulation()
        assert sim.render().shape == p.photo.rgb.shape


def _run(n_cases: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    photos, projects = _photo_seeds(), _project_seeds()
    outcomes = {"loaded": 0, "refused": 0}
    bad = []
    for case in range(n_cases):
        if case % 2 == 0:
            name = list(photos)[case // 2 % len(photos)]
            data, what = _bytes_mutation(rng, photos[name])
            check = _check_photo
            label = "client-fuzz.jpg"
        else:
            name = list(projects)[case // 2 % len(projects)]
            structured = rng.random() < 0.5
            data, what = (_manifest_mutation if structured else _bytes_mutation)(rng, projects[name])

            def check(d, structured=structured):
                _check_project(d, render=structured)
            label = LABEL
        try:
            check(data)
            outcomes["loaded"] += 1
        except SmpError as e:
            if not str(e).startswith(f"{label}: ") or "\n" in str(e):
                bad.append(f"case {case} ({name}, {what}): message does not name the file in one line: {e}")
            outcomes["refused"] += 1
        except Exception as e:  # noqa: BLE001 - this is what the test is looking for
            bad.append(f"case {case} ({name}, {what}): {type(e).__name__}: {str(e)[:200]}")
    assert not bad, f"{len(bad)} of {n_cases} inputs (seed {seed}) escaped the project's errors:\n" + "\n".join(bad[:20])
    return outcomes


def test_2000_mutated_photos_and_projects_load_or_fail_clearly():
    outcomes = _run(2000, SEED)
    print("fuzz outcomes:", outcomes)
    assert outcomes["loaded"] > 100 and outcomes["refused"] > 500  # the mutations reach both ends


@pytest.mark.fuzz
@pytest.mark.parametrize("seed", range(SEED + 1, SEED + 5))
def test_long_fuzz(seed):
    _run(10_000, seed)


def test_fuzzed_inputs_through_the_cli_print_one_line(tmp_path, capsys):
    from smp_studio.cli import main

    rng = np.random.default_rng(SEED)
    projects = _project_seeds()
    for case in range(30):
        data, what = _manifest_mutation(rng, projects["png project"])
        f = tmp_path / f"case{case}.smpx"
        f.write_bytes(data)
        code = main(["info", str(f), "--json"])
        out, err = capsys.readouterr()
        assert code in (0, 1), what
        if code:
            assert err.startswith(f"smp-studio-cli: case{case}.smpx: ") and err.count("\n") == 1, (what, err)
        else:
            assert err == "" and json.loads(out)["width"] == 72, what
