"""Fixtures the jobs tests share."""

from __future__ import annotations

import pytest


@pytest.fixture
def game(tmp_path):
    folder = tmp_path / "my_game"
    folder.mkdir()
    (folder / "Cargo.toml").write_text('[package]\nname = "my_game"\n')
    return folder
