"""The import-linter contracts in pyproject.toml hold, and fail on a planted violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_copy(
    tmp_path: Path, plant: tuple[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on a copy of the package, with `plant` = (module file, line) appended."""
    backend = tmp_path / "backend"
    shutil.copytree(
        ROOT / "backend" / "mes_dashboard",
        backend / "mes_dashboard",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    if plant is not None:
        path, line = plant
        with open(backend / "mes_dashboard" / path, "a", encoding="utf-8") as fh:
            fh.write(f"\n{line}\n")
    env = os.environ | {"PYTHONPATH": str(backend)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_clean_package_keeps_every_contract(tmp_path: Path) -> None:
    result = lint_copy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("plant", "contract"),
    [
        (
            ("sources/base.py", "from mes_dashboard.api import datasets"),
            "Backend layers point one way",
        ),
        (("snapshots/store.py", "import flask"), "Below api/ is plain Python (no Flask)"),
    ],
)
def test_a_planted_violation_breaks_its_contract(
    tmp_path: Path, plant: tuple[str, str], contract: str
) -> None:
    result = lint_copy(tmp_path, plant)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
