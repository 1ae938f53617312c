"""A single-file SDXL ControlNet in diffusers' layout (what ComfyUI keeps in
``models/controlnet``), built without a config download: an SDXL ControlNet has its
UNet's shape, so the loaded model's UNet config is its config, and what differs (the
control image encoder's widths, a union model's control types) is read from the
file's own tensor shapes. The weights must then fit exactly."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.errors import ModelError


def load_controlnet_file(path: str | Path, unet, dtype):
    from diffusers import ControlNetModel, ControlNetUnionModel
    from safetensors.torch import load_file

    name = Path(path).name
    try:
        state = load_file(str(path))
    except (OSError, RuntimeError, ValueError) as exc:
        raise ModelError(f"Cannot read the ControlNet '{name}': {exc}") from exc
    widths = _embedding_widths(state)
    try:
        if "task_embedding" in state:
            shaped = ControlNetUnionModel.from_unet(
                unet, conditioning_embedding_out_channels=widths, load_weights_from_unet=False
            )
            types, trans = state["task_embedding"].shape
            model = ControlNetUnionModel.from_config(
                shaped.config, num_control_type=types, num_trans_channel=trans,
                num_proj_channel=state["spatial_ch_projs.weight"].shape[0],
                num_trans_head=_heads(trans),
            )  # fmt: skip
        else:
            model = ControlNetModel.from_unet(
                unet, conditioning_embedding_out_channels=widths, load_weights_from_unet=False
            )
        model.load_state_dict(state, strict=True)
    except (RuntimeError, KeyError, ValueError) as exc:
        raise ModelError(
            f"The ControlNet '{name}' does not fit the loaded model (is it for SDXL, in "
            f"diffusers' layout?): {str(exc)[:160]}"
        ) from exc
    return model.to(dtype=dtype)


def _embedding_widths(state: dict) -> tuple[int, ...]:
    """The control image encoder's channel widths: conv_in's, then every second block's."""
    widths = [state["controlnet_cond_embedding.conv_in.weight"].shape[0]]
    i = 1
    while f"controlnet_cond_embedding.blocks.{i}.weight" in state:
        widths.append(state[f"controlnet_cond_embedding.blocks.{i}.weight"].shape[0])
        i += 2
    return tuple(widths)


def _heads(width: int) -> int:
    """The union transformer's heads (not in the shapes): xinsir's 8 where they divide."""
    return 8 if width % 8 == 0 else 4 if width % 4 == 0 else 1
