"""Shared fixtures. Every test gets its own settings/data folder (DGX_PIXELS_HOME)
and Qt runs offscreen, so the suite never touches the user's files or a display."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("dgx-home")
    monkeypatch.setenv("DGX_PIXELS_HOME", str(home))
    monkeypatch.setenv("HF_HUB_CACHE", str(home / "hf-cache"))
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """The tiny SDXL-shaped model (random weights, built offline), once per session."""
    from dgx_pixels_app.engine.tiny import make_test_model

    folder, lora = make_test_model(tmp_path_factory.mktemp("tiny-sdxl"))
    return folder, lora
