"""Small builders shared by tests (no fixtures here: plain functions)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dgx_pixels_app.core.document import Cel, Sprite

TOOLS = Path(__file__).parent / "tools"


def random_cel(sprite: Sprite, seed: int, coverage: float = 0.5) -> Cel:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(sprite.height, sprite.width, 4), dtype=np.uint8)
    image[..., 3] = np.where(rng.random((sprite.height, sprite.width)) < coverage, 255, 0)
    image[image[..., 3] == 0] = 0
    return Cel(image)


def read_with_ase_parser(path: Path) -> dict:
    """Parse ``path`` with the npm package ase-parser (an independent implementation)."""
    node = shutil.which("node")
    script = TOOLS / "read_ase.js"
    if node is None or not (TOOLS / "node_modules" / "ase-parser").is_dir():
        if _ci():
            raise AssertionError("node and tests/tools/node_modules are required in CI")
        pytest.skip("node or ase-parser not installed (run the README's test command)")
    result = subprocess.run(
        [node, str(script), str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def cel_pixels(cel: dict, depth: int = 32) -> np.ndarray:
    raw = base64.b64decode(cel["pixels"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(cel["h"], cel["w"], depth // 8)


def _ci() -> bool:
    import os

    return os.environ.get("CI") == "true"


def agent_server(root: Path, model: Path):
    """The MCP server over the local back end, confined to ``root`` (in-process: use it
    with ``mcp.client.client.Client(server)``), at 64 px and 1 step."""
    from dgx_pixels_app.engine.local import LocalBackend
    from dgx_pixels_app.jobs.queue import JobQueue
    from dgx_pixels_app.mcp.confine import Roots
    from dgx_pixels_app.mcp.server import ServerConfig, build_server

    config = ServerConfig(roots=Roots.of([str(root)]), model=str(model), resolution=64, steps=1)
    return build_server(JobQueue(LocalBackend()), config)
