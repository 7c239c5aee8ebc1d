"""The handler's layers and the absence of import cycles are checked by import-linter's contracts
(pyproject.toml, `make lint`): they hold on this tree, and an import placed inside a function
that crosses a layer or closes a circle breaks them, with a message naming it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the packages and their contracts, to break on purpose."""
    for package in ("handler", "shared_rules"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.ttf", "*.yaml"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_deferred_import(module: Path, statement: str) -> None:
    with module.open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef _probe() -> None:\n    {statement}  # noqa: F401\n")


def test_the_contracts_hold_on_this_tree(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_deferred_import_of_the_candidates_side_from_the_staff_side_breaks_the_layers(
        tree: Path) -> None:
    _add_deferred_import(tree / "handler/staff/progress.py",
                         "from handler.candidats import spam")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert "handler.staff is not allowed to import handler.candidats:" in result.stdout
    assert "- handler.staff.progress -> handler.candidats.spam (l." in result.stdout


def test_a_deferred_import_that_closes_a_circle_in_the_rules_breaks_the_no_cycle_contract(
        tree: Path) -> None:
    _add_deferred_import(tree / "shared_rules/pieces.py", "from shared_rules import registry")
    result = _lint_imports(tree)
    assert result.returncode == 1
    assert "No import cycle, at any depth, in handler and shared_rules BROKEN" in result.stdout
    assert "No cycles are allowed in shared_rules." in result.stdout
