import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from conftest import synthetic_head
from smp_studio.core.errors import SmpError
from smp_studio.core.analysis.photo import Photo, load_photo
from smp_studio.core.io.project import (
    SCHEMA_VERSION, Project, ProjectError, load_project, project_bytes, project_from_bytes, save_project,
)
from smp_studio.core.analysis.edits import NO_EDIT
from smp_studio.core.analysis.segmentation import segment
from smp_studio.core.model.settings import Settings
from smp_studio.core.engine.simulation import Simulation


@pytest.fixture
def project(samples_dir):
    photo = load_photo(samples_dir / "topdown-norwood6-shaved-look.jpg")
    seg = segment(photo.rgb)
    sim = Simulation(photo, Settings(seed=11, density_per_cm2=130, px_per_mm=4.1, scale_source="calibration"))
    edits = np.full(seg.labels.shape, NO_EDIT, np.uint8)
    edits[100:150, 300:350] = 0
    scar = np.zeros(seg.labels.shape, bool)
    scar[400:404, 200:400] = True
    return Project(photo, seg, sim.settings, sim.hairline.move_point(2, (250.5, 520.25)), edits, scar,
                   "Prefers a soft line; Ünïcode notes ✓")


def test_round_trip_renders_the_identical_image(project, tmp_path):
    before = project.simulation().render()
    path = save_project(project, tmp_path / "client.smpx")
    loaded = load_project(path)
    assert np.array_equal(loaded.simulation().render(), before)
    assert loaded.photo.data == project.photo.data  # original bytes, untouched
    assert loaded.notes == project.notes and loaded.created and loaded.modified
    assert loaded.settings == project.settings
    assert np.array_equal(loaded.scar, project.scar) and np.array_equal(loaded.edits, project.edits)
    assert loaded.simulation().scale.source == "calibrated"


def test_the_same_design_gives_the_same_bytes(project):
    a = project_bytes(project)
    b = project_bytes(project)
    assert a == b


def test_file_is_a_readable_zip_with_a_versioned_manifest(project, tmp_path):
    path = save_project(project, tmp_path / "p.smpx")
    with zipfile.ZipFile(path) as z:
        m = json.loads(z.read("manifest.json"))
        names = set(z.namelist())
    assert m["schema_version"] == SCHEMA_VERSION
    assert {"photo/original.jpg", "masks/auto_labels.png", "masks/auto_density.npy", "masks/edits.png", "masks/scar.png"} <= names
    assert m["settings"]["seed"] == 11 and m["hairline"]["points"][2] == [250.5, 520.25]
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)  # not the temp file's private mode


def test_unknown_keys_survive_a_round_trip(project, tmp_path):
    project.extras = {"future_feature": {"a": [1, 2]}}
    project.settings = Settings.from_dict(dict(project.settings.to_dict(), future_setting=3))
    p = save_project(project, tmp_path / "p.smpx")
    again = save_project(load_project(p), tmp_path / "q.smpx")
    with zipfile.ZipFile(again) as z:
        m = json.loads(z.read("manifest.json"))
    assert m["future_feature"] == {"a": [1, 2]} and m["settings"]["future_setting"] == 3


def _rewrite(src_bytes: bytes, change_manifest=None, drop=(), add=None, replace=None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(src_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if info.filename == "manifest.json" and change_manifest:
                m = json.loads(data)
                change_manifest(m)
                data = json.dumps(m).encode()
            if replace and info.filename in replace:
                data = replace[info.filename]
            z.writestr(info.filename, data)
        for name, data in (add or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def test_older_schema_migrates_on_load(project):
    def to_v0(m):
        m["schema_version"] = 0
        m["hairline_points"] = m.pop("hairline")["points"]
        m["seed"] = m["settings"].pop("seed")

    raw = _rewrite(project_bytes(project), to_v0)
    loaded = project_from_bytes(raw, "old.smpx")
    assert loaded.settings.seed == 11
    assert np.allclose(loaded.hairline.points, project.hairline.points)


def _bomb_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", b"{" + b" " * (300 * 1024 * 1024) + b"}")
    return buf.getvalue()


def _deep():
    return b"[" * 100000 + b"]" * 100000


HOSTILE = {
    "not a zip": (lambda b: b"PK\x03\x04 this is not really a zip", "not an SMP Studio project"),
    "truncated": (lambda b: b[: len(b) // 2], "not an SMP Studio project"),
    "dot-dot entry": (lambda b: _rewrite(b, add={"../../evil.txt": b"x"}), "outside the project"),
    "absolute entry": (lambda b: _rewrite(b, add={"/etc/evil": b"x"}), "outside the project"),
    "zip bomb": (lambda b: _bomb_zip(), "expands"),
    "deep manifest": (lambda b: _rewrite(b, replace={"manifest.json": _deep()}), "nested"),
    "huge manifest": (lambda b: _rewrite(b, replace={"manifest.json": b"[" + b"0," * 600000 + b"0]"}), "larger than allowed"),
    "manifest not an object": (lambda b: _rewrite(b, replace={"manifest.json": b"[1, 2]"}), "JSON object"),
    "wrong types": (lambda b: _rewrite(b, lambda m: m.update(settings="dense")), "'settings' should be dict"),
    "bad setting": (lambda b: _rewrite(b, lambda m: m["settings"].update(density_per_cm2=-4)), "density_per_cm2"),
    "missing photo": (lambda b: _rewrite(b, drop=("photo/original.jpg",)), "'photo/original.jpg' is missing"),
    "missing mask": (lambda b: _rewrite(b, drop=("masks/auto_labels.png",)), "is missing"),
    "photo swapped": (lambda b: _rewrite(b, replace={"photo/original.jpg": b"\xff\xd8\xff" + b"0" * 100}), "fingerprint"),
    "newer version": (lambda b: _rewrite(b, lambda m: m.update(schema_version=99)), "newer SMP Studio"),
    "no version": (lambda b: _rewrite(b, lambda m: m.pop("schema_version")), "schema_version"),
    "mask wrong size": (lambda b: _rewrite(b, replace={"masks/auto_labels.png": _png(np.zeros((10, 10), np.uint8))}), "10x10"),
    "density not finite": (lambda b: _rewrite(b, replace={"masks/auto_density.npy": _npy(np.full((640, 640), np.nan, np.float32))}), "outside 0..1"),
    "pickle in npy": (lambda b: _rewrite(b, replace={"masks/auto_density.npy": _npy(np.array([object()], dtype=object), pickle=True)}), "not a readable array"),
}


def _png(a):
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "PNG")
    return buf.getvalue()


def _npy(a, pickle=False):
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=pickle)
    return buf.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_projects_get_a_specific_error_and_write_nothing(project, tmp_path, monkeypatch, case):
    make, message = HOSTILE[case]
    raw = make(project_bytes(project))
    f = tmp_path / "in" / "hostile.smpx"
    f.parent.mkdir()
    f.write_bytes(raw)
    monkeypatch.chdir(tmp_path / "in")
    with pytest.raises(ProjectError, match=message) as e:
        load_project(f)
    assert "hostile.smpx" in str(e.value)
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["hostile.smpx"]
    assert not (tmp_path / "evil.txt").exists()


KILL_SCRIPT = r"""
import sys, numpy as np
from smp_studio.core.analysis.photo import Photo
from smp_studio.core.io.project import Project, save_project
from smp_studio.core.analysis.segmentation import segment
rng = np.random.default_rng(0)
rgb = rng.integers(0, 255, (1000, 1000, 3), dtype=np.uint8)  # incompressible: ~0.3 s a save
seg = segment(rgb)
k = 0
print("ready", flush=True)
while True:
    k += 1
    save_project(Project(Photo.from_array(rgb), seg, notes=f"version {k}"), sys.argv[1])
"""


def test_killing_a_save_at_any_moment_leaves_a_valid_file(tmp_path, project):
    target = tmp_path / "client.smpx"
    save_project(project, target)  # the old version
    rng = np.random.default_rng(7)
    seen = set()
    for attempt in range(10):
        proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(target)], stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(float(rng.uniform(0.0, 1.5)))  # mid-save or between saves
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        loaded = load_project(target)  # never broken: the old file or a complete new one
        seen.add("old" if loaded.notes == project.notes else "new")
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "client.smpx"]
    assert all(n.endswith(".saving") for n in leftovers)  # only half-written temporaries, never the target
    assert "new" in seen
    save_project(project, target)  # the next save sweeps what the killed ones left (the client's photo)
    assert [p.name for p in tmp_path.iterdir()] == ["client.smpx"]


def test_missing_folder_and_not_a_file(tmp_path, project):
    with pytest.raises(SmpError, match="does not exist"):
        save_project(project, tmp_path / "nope" / "p.smpx")
    with pytest.raises(ProjectError, match="no such file"):
        load_project(tmp_path / "absent.smpx")
    with pytest.raises(ProjectError, match="folder"):
        load_project(tmp_path)


def test_array_photo_round_trips(tmp_path):
    img, truth = synthetic_head(size=200)
    p = Project(Photo.from_array(img), segment(img), Settings(seed=3))
    q = load_project(save_project(p, tmp_path / "a.smpx"))
    assert np.array_equal(q.photo.rgb, img)
    assert np.array_equal(q.simulation().render(), p.simulation().render())


def test_cli_renders_a_project_as_designed(tmp_path, project, capsys):
    from PIL import Image

    from smp_studio.cli import main

    path = save_project(project, tmp_path / "p.smpx")
    assert main(["simulate", str(path), "-o", str(tmp_path / "a.png")]) == 0
    out = np.asarray(Image.open(tmp_path / "a.png").convert("RGB"))
    assert np.array_equal(out, project.simulation().render())
    assert main(["project", "--sample", "topdown-norwood7-fair-skin.jpg", "-o", str(tmp_path / "n.smpx"),
                 "--seed", "4", "--notes", "hello"]) == 0
    assert load_project(tmp_path / "n.smpx").notes == "hello"
    assert main(["simulate", str(tmp_path / "missing.smpx"), "-o", str(tmp_path / "b.png")]) == 1
    assert "no such file" in capsys.readouterr().err
