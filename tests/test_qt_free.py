"""The core and the CLI must run where Qt is absent (servers, notebooks, CI)."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "smp_studio"


def test_core_and_cli_import_without_loading_qt():
    code = (
        "import sys\n"
        "import smp_studio.core, smp_studio.cli\n"
        "from smp_studio.core.engine import render, dots, zones, pigment\n"
        "from smp_studio.core.analysis import segmentation\n"
        "from smp_studio.core.model import hairline\n"
        "from smp_studio.core.output import compare\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6')]\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_no_module_in_core_or_cli_names_qt():
    files = list((PKG / "core").rglob("*.py")) + list((PKG / "cli").rglob("*.py"))
    offenders = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{f.name}: {n}" for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy")]
    assert offenders == []


def test_import_contracts_hold():
    """import-linter: no Qt in the core or CLI, and the core's layers point one way."""
    import shutil

    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extra"
    out = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=PKG.parent)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout
