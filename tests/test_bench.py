"""The benchmark runs to the end and reports what it claims to (small sizes: a smoke test).

Speed targets are in the benchmark's output, never asserted here.
"""

import json
import os
import re
import subprocess
import sys

import pytest


def test_engine_benchmark_prints_ratios_to_a_blur_pass():
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "bench", "--sizes", "0.5", "--repeat", "1", "--no-gui"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for stage in ("one 5x5 blur pass (reference)", "segmentation", "face", "render 200k dots", "preview re-render",
                  "open to first result"):
        line = next(l for l in r.stdout.splitlines() if stage in l)
        s, x = map(float, re.search(r"(\d+\.\d+)\s+(\d+\.\d+)", line).groups())
        assert x > 0, line
    assert next(l for l in r.stdout.splitlines() if "one 5x5 blur pass" in l).split()[-1] == "1.0"
    ratio = next(l for l in r.stdout.splitlines() if "GIF time / MP4 time" in l)  # the GIF wipe's bound
    assert float(ratio.split()[-4]) > 0 and ratio.split()[-1] in ("ok", "OVER")


def test_bench_json_is_the_contract_outside_checks_read():
    pytest.importorskip("PySide6")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "bench", "--sizes", "0.3", "--repeat", "1", "--json"],
                       capture_output=True, text=True, timeout=600, env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)  # one JSON object, nothing else on stdout
    assert out["blur_s"] > 0
    for name in ("segmentation", "render_200k", "preview", "drag_median", "drag_p95", "open_to_first_result"):
        st = out["stages"][name]
        assert st["s"] > 0 and st["x_blur"] > 0, name
    # ratios of the engine's stages are to the blur pass printed with them
    seg = out["stages"]["segmentation"]
    assert seg["x_blur"] == pytest.approx(seg["s"] / out["blur_s"])
    assert out["stages"]["drag_p95"]["s"] >= out["stages"]["drag_median"]["s"]


def test_gui_drag_benchmark_runs_headless():
    pytest.importorskip("PySide6")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-m", "smp_studio.gui.bench", "0.5", "4"], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert "event to repaint, median" in r.stdout and "95th pct" in r.stdout
