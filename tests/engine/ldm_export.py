"""Write a diffusers SDXL pipeline as a single-file checkpoint in the original (LDM /
ComfyUI / CivitAI) key layout, so the tests can exercise single-file loading on the
tiny model. The inverse of diffusers' own single-file conversion; test-only."""

from __future__ import annotations

import torch
from safetensors.torch import save_file

RESNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "norm2": "out_layers.0", "conv2": "out_layers.3",
          "time_emb_proj": "emb_layers.1", "conv_shortcut": "skip_connection"}  # fmt: skip
UNET_TOP = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
            "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2",
            "add_embedding.linear_1": "label_emb.0.0", "add_embedding.linear_2": "label_emb.0.2"}  # fmt: skip


def _resnet_name(rest: str) -> str:
    head, _, tail = rest.partition(".")
    return f"{RESNET.get(head, head)}.{tail}"


def unet_to_ldm(unet) -> dict:
    lpb = unet.config.layers_per_block
    out = {}
    for key, value in unet.state_dict().items():
        parts = key.split(".")
        new = None
        for d, ldm in UNET_TOP.items():
            if key.startswith(d + "."):
                new = ldm + key[len(d) :]
        if new is None and parts[0] == "down_blocks":
            b = int(parts[1])
            if parts[2] == "resnets":
                i = 1 + b * (lpb + 1) + int(parts[3])
                new = f"input_blocks.{i}.0." + _resnet_name(".".join(parts[4:]))
            elif parts[2] == "attentions":
                i = 1 + b * (lpb + 1) + int(parts[3])
                new = f"input_blocks.{i}.1." + ".".join(parts[4:])
            elif parts[2] == "downsamplers":
                i = 1 + b * (lpb + 1) + lpb
                new = f"input_blocks.{i}.0.op." + parts[-1]
        elif new is None and parts[0] == "mid_block":
            index = {"resnets.0": 0, "attentions.0": 1, "resnets.1": 2}[f"{parts[1]}.{parts[2]}"]
            rest = ".".join(parts[3:])
            new = f"middle_block.{index}." + (_resnet_name(rest) if parts[1] == "resnets" else rest)
        elif new is None and parts[0] == "up_blocks":
            b = int(parts[1])
            if parts[2] == "resnets":
                i = b * (lpb + 1) + int(parts[3])
                new = f"output_blocks.{i}.0." + _resnet_name(".".join(parts[4:]))
            elif parts[2] == "attentions":
                i = b * (lpb + 1) + int(parts[3])
                new = f"output_blocks.{i}.1." + ".".join(parts[4:])
            elif parts[2] == "upsamplers":
                i = b * (lpb + 1) + lpb
                has_attention = any(
                    k.startswith(f"up_blocks.{b}.attentions.") for k in unet.state_dict()
                )
                new = f"output_blocks.{i}.{2 if has_attention else 1}.conv." + parts[-1]
        if new is None:
            raise KeyError(f"no LDM name for {key}")
        out["model.diffusion_model." + new] = value
    return out


def vae_to_ldm(vae) -> dict:
    n = len(vae.config.up_block_types)
    out = {}
    attn = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}
    for key, value in vae.state_dict().items():
        new = key.replace("conv_norm_out", "norm_out")
        for side in ("encoder", "decoder"):
            if key.startswith(f"{side}.mid_block.attentions.0."):
                rest = key[len(f"{side}.mid_block.attentions.0.") :]
                for d, ldm in attn.items():
                    if rest.startswith(d + "."):
                        rest = ldm + rest[len(d) :]
                new = f"{side}.mid.attn_1.{rest}"
                if value.ndim == 2:
                    value = value[:, :, None, None]
            elif key.startswith(f"{side}.mid_block.resnets."):
                k = int(key.split(".")[3])
                new = f"{side}.mid.block_{k + 1}." + ".".join(key.split(".")[4:])
        parts = new.split(".")
        if parts[0] == "encoder" and parts[1] == "down_blocks":
            i = parts[2]
            if parts[3] == "resnets":
                new = f"encoder.down.{i}.block.{parts[4]}." + ".".join(parts[5:])
            else:
                new = f"encoder.down.{i}.downsample.conv." + parts[-1]
        elif parts[0] == "decoder" and parts[1] == "up_blocks":
            block = n - 1 - int(parts[2])
            if parts[3] == "resnets":
                new = f"decoder.up.{block}.block.{parts[4]}." + ".".join(parts[5:])
            else:
                new = f"decoder.up.{block}.upsample.conv." + parts[-1]
        out["first_stage_model." + new.replace("conv_shortcut", "nin_shortcut")] = value
    return out


def clip_l_to_ldm(text_encoder) -> dict:
    state = text_encoder.state_dict()
    return {
        "conditioner.embedders.0.transformer."
        + (k if k.startswith("text_model.") else "text_model." + k): v
        for k, v in state.items()
        if not k.endswith("position_ids")
    }


def clip_g_to_ldm(text_encoder_2) -> dict:
    prefix = "conditioner.embedders.1.model."
    state = {k if k.startswith(("text_model.", "text_projection")) else "text_model." + k: v
             for k, v in text_encoder_2.state_dict().items()}  # fmt: skip
    out = {
        prefix + "positional_embedding": state["text_model.embeddings.position_embedding.weight"],
        prefix + "token_embedding.weight": state["text_model.embeddings.token_embedding.weight"],
        prefix + "ln_final.weight": state["text_model.final_layer_norm.weight"],
        prefix + "ln_final.bias": state["text_model.final_layer_norm.bias"],
        prefix + "text_projection": state["text_projection.weight"].T.contiguous(),
    }
    layers = {int(k.split(".")[3]) for k in state if k.startswith("text_model.encoder.layers.")}
    for n in sorted(layers):
        src, dst = f"text_model.encoder.layers.{n}.", f"{prefix}transformer.resblocks.{n}."
        for a, b in (
            ("layer_norm1", "ln_1"),
            ("layer_norm2", "ln_2"),
            ("mlp.fc1", "mlp.c_fc"),
            ("mlp.fc2", "mlp.c_proj"),
            ("self_attn.out_proj", "attn.out_proj"),
        ):
            for p in ("weight", "bias"):
                out[f"{dst}{b}.{p}"] = state[f"{src}{a}.{p}"]
        for p in ("weight", "bias"):
            out[f"{dst}attn.in_proj_{p}"] = torch.cat(
                [state[f"{src}self_attn.{q}_proj.{p}"] for q in "qkv"]
            )
    return out


def save_single_file(pipe, path) -> None:
    state = {
        **unet_to_ldm(pipe.unet),
        **vae_to_ldm(pipe.vae),
        **clip_l_to_ldm(pipe.text_encoder),
        **clip_g_to_ldm(pipe.text_encoder_2),
    }
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
