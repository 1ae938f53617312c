"""The tiny SDXL-shaped model is built once per test session, with random weights,
entirely offline (the real CLIP tokenizer comes from resources/)."""

import pytest


@pytest.fixture(scope="session")
def engine(tiny_model):
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
