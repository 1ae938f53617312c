"""Helpers for talking to ``dgx-pixels mcp`` with the SDK's own client."""

from __future__ import annotations

import base64
import io
import json
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def server_args(root: Path, model: Path, *extra: str) -> list[str]:
    return ["-m", "dgx_pixels_app", "mcp", "--allow-root", str(root), "--model", str(model),
            "--resolution", "64", "--steps", "2", *extra]  # fmt: skip


@asynccontextmanager
async def stdio_session(root: Path, model: Path, home: Path, *extra: str):
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    env = {**os.environ, "DGX_PIXELS_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    params = StdioServerParameters(
        command=sys.executable, args=server_args(root, model, *extra), env=env
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def text_of(result) -> str:
    return "".join(c.text for c in result.content if c.type == "text")


def image_of(result) -> np.ndarray:
    (block,) = [c for c in result.content if c.type == "image"]
    assert block.mime_type == "image/png"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(block.data))))


def data_of(result) -> dict:
    assert not result.is_error, text_of(result)
    assert result.structured_content == json.loads(text_of(result))
    return result.structured_content


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "root"
    game = root / "slime_game"
    game.mkdir(parents=True)
    (game / "Cargo.toml").write_text('[package]\nname = "slime_game"\n')
    return root, game
