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
