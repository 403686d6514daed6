"""The benchmark commands run to the end and print their figures (small sizes: a smoke test).

Speed targets are in the benchmark's output, never asserted here.
"""

import os
import re
import subprocess
import sys


def test_engine_benchmark_prints_ratios_to_a_blur_pass():
    r = subprocess.run([sys.executable, "-m", "smp_studio.cli", "bench", "--sizes", "0.5", "--repeat", "1", "--no-gui"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    for stage in ("one 5x5 blur pass (reference)", "segmentation", "face", "render 200k dots", "preview re-render"):
        line = next(l for l in r.stdout.splitlines() if stage in l)
        assert re.search(r"\d+\.\d+\s+\d+\.\d+", line), line


def test_gui_drag_benchmark_runs_headless():
    import pytest

    pytest.importorskip("PySide6")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-m", "smp_studio.gui.bench", "0.5", "4"], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert "event to repaint, median" in r.stdout and "95th pct" in r.stdout
