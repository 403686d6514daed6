"""The examples in the core's docstrings run and say what they show."""

import doctest
import importlib
import pkgutil

import pytest

import smp_studio.core as core

MODULES = sorted(m.name for m in pkgutil.walk_packages(core.__path__, "smp_studio.core.") if not m.ispkg)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["./dev studio", "./dev test"]
    ci = (root / ".ci" / "run").read_text().splitlines()
    assert "./dev test" in [line.strip() for line in ci]


def test_readme_says_the_studio_needs_a_display_and_every_file_named_exists():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    assert "needs a display" in readme and "xvfb-run" in readme and "./dev studio" in readme
    assert "simulation\n  saves the project" not in readme and "simulation saves the project" not in readme
    for text in (readme, (root / "pyproject.toml").read_text()):
        for name in re.findall(r"[\w./-]+\.md\b|docs/[\w./-]+\.(?:png|jpg)\b", text):
            if not name.startswith("http"):
                assert (root / name).exists(), f"{name} is named but missing"
