"""Tiny random control models that match the tiny SDXL-shaped UNet (engine.tiny).

Written in the layouts the real ones are published in, so the app loads them through
the same code as the real ones:

* ``ip-adapter/ip-adapter_sdxl.safetensors`` — ``image_proj.*`` and ``ip_adapter.*``
  tensors as in h94/IP-Adapter, with ``ip-adapter/image_encoder/`` (a
  CLIPVisionModelWithProjection folder) beside it;
* ``controlnet-openpose-sdxl/`` — a single-type diffusers ControlNet folder;
* ``controlnet-union-sdxl-promax/`` — a ControlNetUnionModel folder (8 control types,
  as xinsir's promax file).

The zero-initialised output convolutions a new ControlNet starts with are filled with
small random values, so each control really changes the picture.
"""

from __future__ import annotations

from pathlib import Path

IMAGE_SIZE, PROJECTION = 32, 32


def make_ip_adapter(unet, folder: Path, seed: int = 2, encoder: dict | None = None) -> Path:
    """An IP-Adapter for ``unet`` and its image encoder (tiny, or ``encoder``'s CLIP
    vision config: ViT-H for the GPU check); returns the weights file."""
    import torch
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(seed)
    folder.mkdir(parents=True, exist_ok=True)
    config = CLIPVisionConfig(**(encoder or {
        "hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 4,
        "num_hidden_layers": 2, "image_size": IMAGE_SIZE, "patch_size": 8,
        "projection_dim": PROJECTION, "hidden_act": "gelu",
    }))  # fmt: skip
    CLIPVisionModelWithProjection(config).save_pretrained(folder / "image_encoder")
    projection = config.projection_dim
    cross = unet.config.cross_attention_dim
    tensors = {
        "image_proj.proj.weight": torch.randn(cross * 4, projection) * 0.5,
        "image_proj.proj.bias": torch.zeros(cross * 4),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    key_id = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        hidden = _hidden_size(unet, name)
        tensors[f"ip_adapter.{key_id}.to_k_ip.weight"] = torch.randn(hidden, cross) * 0.3
        tensors[f"ip_adapter.{key_id}.to_v_ip.weight"] = torch.randn(hidden, cross) * 0.3
        key_id += 2
    path = folder / "ip-adapter_sdxl.safetensors"
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
    return path


def make_controlnets(unet, folder: Path, seed: int = 3) -> tuple[Path, Path]:
    """An OpenPose-named single-type ControlNet and a union one, both from ``unet``."""
    import torch
    from diffusers import ControlNetModel, ControlNetUnionModel

    torch.manual_seed(seed)
    single = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(4, 8, 8, 16))
    shaped = ControlNetUnionModel.from_unet(unet, conditioning_embedding_out_channels=(4, 8, 8, 16))
    width = unet.config.block_out_channels[0]  # the promax layout, at the tiny UNet's width
    union = ControlNetUnionModel.from_config(
        shaped.config,
        num_control_type=8,
        num_trans_channel=width,
        num_trans_head=4,
        num_proj_channel=width,
    )
    paths = folder / "controlnet-openpose-sdxl", folder / "controlnet-union-sdxl-promax"
    for model, path in zip((single, union), paths, strict=True):
        _wake(model)
        model.save_pretrained(path, safe_serialization=True)
    return paths


def _wake(model) -> None:
    """Fill a new ControlNet's zero convolutions (random weights that reach the UNet) and
    give its image encoder weights that carry the control image through."""
    import torch

    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.startswith("controlnet_cond_embedding") and param.ndim == 4:
                # default init through 8 thin layers forgets the image: keep its signal
                param.copy_(torch.randn(param.shape) * 2 / param[0].numel() ** 0.5)
            elif param.abs().sum() == 0 and ("controlnet_" in name or "spatial_ch" in name):
                param.copy_(torch.randn(param.shape) * 0.05)


def _hidden_size(unet, name: str) -> int:
    channels = unet.config.block_out_channels
    if name.startswith("mid_block"):
        return channels[-1]
    block = int(name.split(".")[1])
    return list(reversed(channels))[block] if name.startswith("up_blocks") else channels[block]
