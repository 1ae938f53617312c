"""Shared fixtures. Every test gets its own settings/data folder (DGX_PIXELS_HOME)
and Qt runs offscreen, so the suite never touches the user's files or a display."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# a few hundred damaged files per reader in the normal run; --hypothesis-profile=long for more
settings.register_profile(
    "dgx", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.register_profile(
    "long", max_examples=4000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)  # fmt: skip


def pytest_configure(config):
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("dgx")


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


@pytest.fixture(scope="session")
def engine(tiny_model):
    """The tiny model loaded once in an in-process engine."""
    from dgx_pixels_app.engine.engine import Engine

    e = Engine()
    e.load(tiny_model[0])
    return e


@pytest.fixture(scope="session")
def foreign_loras(tiny_model, tmp_path_factory):
    """LoRAs made for another base: wrong shapes, and names that match nothing."""
    import torch
    from safetensors.torch import load_file, save_file

    state = load_file(str(tiny_model[1]))
    folder = tmp_path_factory.mktemp("foreign")
    wrong_shape = {
        k: (torch.randn(v.shape[0], v.shape[1] + 8) if "lora_A" in k or "lora.down" in k else v)
        for k, v in state.items()
    }
    save_file(wrong_shape, str(folder / "sd15-shaped.safetensors"))
    renamed = {
        k.replace("unet.", "lora_unet_other.").replace("down_blocks", "input_blocks_x"): v
        for k, v in state.items()
    }
    save_file(renamed, str(folder / "no-match.safetensors"))
    return folder / "sd15-shaped.safetensors", folder / "no-match.safetensors"
