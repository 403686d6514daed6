import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from smp_studio.cli import main
from smp_studio.core.io.imageio import read_settings

SAMPLE = "topdown-norwood6-shaved-look.jpg"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_segment_writes_the_label_contract(tmp_path, capsys, samples_dir):
    out = tmp_path / "labels.png"
    code, so, _ = run(capsys, "segment", str(samples_dir / SAMPLE), "-o", str(out), "--overlay", str(tmp_path / "ov.png"))
    assert code == 0
    im = Image.open(out)
    assert im.mode == "L" and im.size == (640, 640)
    a = np.asarray(im)
    assert set(np.unique(a)) <= {0, 1, 2, 3} and (a == 1).mean() > 0.3
    assert Image.open(tmp_path / "ov.png").size == (640, 640)


def test_segment_uses_hints(tmp_path, capsys, samples_dir):
    hints = np.zeros((640, 640), np.uint8)
    hints[300:340, 300:340] = 2  # "this is hair"
    Image.fromarray(hints).save(tmp_path / "h.png")
    run(capsys, "segment", "--sample", SAMPLE, "-o", str(tmp_path / "l.png"), "--hints", str(tmp_path / "h.png"))
    assert (np.asarray(Image.open(tmp_path / "l.png"))[300:340, 300:340] == 3).all()


def test_simulate_renders_and_records_its_settings(tmp_path, capsys):
    out = tmp_path / "after.png"
    code, so, _ = run(capsys, "simulate", "--sample", SAMPLE, "-o", str(out), "--density", "140", "--seed", "7",
                      "--save-hairline", str(tmp_path / "hl.json"))
    assert code == 0 and "impressions" in so
    after = np.asarray(Image.open(out).convert("RGB"))
    from smp_studio.core.analysis.photo import load_photo
    from smp_studio.resources import sample_photo

    before = load_photo(sample_photo(SAMPLE)).rgb
    assert after.shape == before.shape and (after.astype(int) - before).mean() < -1
    rec = read_settings(out)
    assert rec["density_per_cm2"] == 140 and rec["seed"] == 7 and "hairline" in rec
    assert not Image.open(out).getexif()  # no camera metadata
    # the saved hairline, fed back, reproduces the image exactly
    out2 = tmp_path / "again.png"
    run(capsys, "simulate", "--sample", SAMPLE, "-o", str(out2), "--density", "140", "--seed", "7",
        "--hairline", str(tmp_path / "hl.json"))
    assert np.array_equal(np.asarray(Image.open(out2)), np.asarray(Image.open(out)))


def test_simulate_from_settings_file_and_jpeg_sidecar(tmp_path, capsys):
    (tmp_path / "s.json").write_text(json.dumps({"state": "fresh", "session": 1, "seed": 3}))
    out = tmp_path / "a.jpg"
    code, so, _ = run(capsys, "simulate", "--sample", SAMPLE, "-o", str(out), "--settings", str(tmp_path / "s.json"))
    assert code == 0 and "session 1 of 3, fresh" in so
    assert read_settings(out)["state"] == "fresh"


def test_compare_modes_and_recorded_label_choice(tmp_path, capsys):
    out = tmp_path / "c.png"
    assert run(capsys, "compare", "--sample", SAMPLE, "-o", str(out), "--mode", "side-by-side")[0] == 0
    assert Image.open(out).size[0] > 1280
    assert read_settings(out)["simulation_label"] is True
    code, so, _ = run(capsys, "compare", "--sample", SAMPLE, "-o", str(out), "--no-label")
    assert code == 0 and "WITHOUT" in so and read_settings(out)["simulation_label"] is False


def test_info_reports_scale_and_areas(capsys):
    code, so, _ = run(capsys, "info", "--sample", SAMPLE, "--json")
    d = json.loads(so)
    assert code == 0 and d["width"] == 640 and 2 < d["px_per_mm"] < 6
    assert d["area_cm2"]["bald skin"] > 50


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["simulate", "missing.jpg", "-o", "x.png"], "no such file"),
        (["simulate", "--sample", SAMPLE, "-o", "x.png", "--density", "5"], "density_per_cm2"),
        (["simulate", "--sample", SAMPLE, "-o", "x.gif"], ".png or .jpg"),
        (["simulate", "--sample", SAMPLE, "-o", "x.png", "--calibrate", "1,2,3"], "--calibrate"),
        (["simulate", "--sample", "nope.jpg", "-o", "x.png"], "no bundled sample"),
        (["simulate", "-o", "x.png"], "no photo given"),
    ],
)
def test_errors_are_one_clear_line_and_nonzero(tmp_path, capsys, monkeypatch, argv, msg):
    monkeypatch.chdir(tmp_path)
    code, so, err = run(capsys, *argv)
    assert code == 1
    assert msg in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_bad_hairline_and_mask_files(tmp_path, capsys):
    (tmp_path / "h.json").write_text("{not json")
    code, _, err = run(capsys, "simulate", "--sample", SAMPLE, "-o", str(tmp_path / "x.png"), "--hairline", str(tmp_path / "h.json"))
    assert code == 1 and "h.json" in err and "JSON" in err
    Image.new("L", (10, 10)).save(tmp_path / "l.png")
    code, _, err = run(capsys, "simulate", "--sample", SAMPLE, "-o", str(tmp_path / "x.png"), "--labels", str(tmp_path / "l.png"))
    assert code == 1 and "10x10" in err and "640x640" in err


def test_real_entry_point_in_a_subprocess(tmp_path):
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "simulate", "--sample", SAMPLE, "-o", "/nonexistent/dir/a.png"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stderr.strip().startswith("smp-studio-cli:") and len(r.stderr.strip().splitlines()) == 1
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "segment" in r.stdout and "simulate" in r.stdout
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "simulate", "--state", "wet"], capture_output=True, text=True)
    assert r.returncode == 2
