"""The layer contracts in pyproject.toml hold, and they do catch a violation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(folder: Path) -> subprocess.CompletedProcess:
    if not LINT.exists():
        pytest.skip("import-linter is not installed (run the README's test command)")
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "dgx_pixels_app", tmp_path / "dgx_pixels_app",
        ignore=shutil.ignore_patterns("__pycache__", "_data"),
    )  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("core/palette.py", "from dgx_pixels_app.jobs import queue", "Layers"),
        ("engine/settings.py", "import PySide6.QtCore", "Only the GUI imports Qt"),
        ("formats/gpl.py", "import torch", "stay light"),
        ("gui/tasks.py", "from dgx_pixels_app.cli import common", "Layers"),
        ("jobs/batch.py", "from dgx_pixels_app.engine.engine import Engine", "never a concrete"),
        ("gui/job_client.py", "from dgx_pixels_app.engine import local", "never a concrete"),
        ("engine/backend.py", "from dgx_pixels_app.engine import ray_backend", "No import cycles"),
        ("jobs/post.py", "from dgx_pixels_app.jobs import queue", "No import cycles"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, contract):
    folder = copy_project(tmp_path)
    path = folder / "dgx_pixels_app" / module
    path.write_text(path.read_text() + f"\n{line}  # added by the test\n")
    result = lint(folder)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), result.stdout


def test_no_module_over_400_lines_and_no_function_over_80():
    import ast

    too_long = []
    for path in sorted((ROOT / "dgx_pixels_app").rglob("*.py")):
        text = path.read_text()
        name = path.relative_to(ROOT)
        if len(text.splitlines()) > 400:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 80:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []


def test_nothing_outside_engine_reaches_into_the_engine_object():
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "dgx_pixels_app").rglob("*.py")
        if "engine.engine." in path.read_text() and "engine" not in path.parent.name
    ]
    assert found == []
