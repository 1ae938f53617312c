"""A full-size SDXL single-file checkpoint (the original Stability SGM/LDM key layout)
with random weights, built from the configs bundled in resources/sdxl: the GPU check
and the load benchmark measure real sizes without downloading a model.

The four models are built on the meta device (no memory); their meta state dicts give
every key and shape; the keys are mapped to the original layout and each tensor is
filled from a pool of Gaussian values (std 0.02; norm weights 1) and streamed to the
file one at a time, so writing never holds more than one tensor (~126 MB in fp16).

The diffusers -> original key mapping below is adapted from diffusers'
scripts/convert_diffusers_to_original_sdxl.py (huggingface/diffusers,
commit 58eb52c0803ea9af3abec60841c2a093bdf1f951),
Copyright The HuggingFace Team, licensed under the Apache License, Version 2.0
(http://www.apache.org/licenses/LICENSE-2.0). Changes: it works on meta tensors /
(name, shape) pairs, keeps the transform per key so tensors can be compared after a round
trip, and does not print.
"""

from __future__ import annotations

import json
import re
import struct
import sys
import time
from pathlib import Path

import torch

from dgx_pixels_app.resources import resource_path

CONFIG = resource_path("sdxl")
DTYPES = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}
ST_DTYPES = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32"}

# --------------------------------------------------------------------------------------
# Key mapping, adapted from diffusers scripts/convert_diffusers_to_original_sdxl.py
# (Apache-2.0, Copyright The HuggingFace Team).
# --------------------------------------------------------------------------------------

unet_conversion_map = [
    # (stable-diffusion, HF Diffusers)
    ("time_embed.0.weight", "time_embedding.linear_1.weight"),
    ("time_embed.0.bias", "time_embedding.linear_1.bias"),
    ("time_embed.2.weight", "time_embedding.linear_2.weight"),
    ("time_embed.2.bias", "time_embedding.linear_2.bias"),
    ("input_blocks.0.0.weight", "conv_in.weight"),
    ("input_blocks.0.0.bias", "conv_in.bias"),
    ("out.0.weight", "conv_norm_out.weight"),
    ("out.0.bias", "conv_norm_out.bias"),
    ("out.2.weight", "conv_out.weight"),
    ("out.2.bias", "conv_out.bias"),
    ("label_emb.0.0.weight", "add_embedding.linear_1.weight"),
    ("label_emb.0.0.bias", "add_embedding.linear_1.bias"),
    ("label_emb.0.2.weight", "add_embedding.linear_2.weight"),
    ("label_emb.0.2.bias", "add_embedding.linear_2.bias"),
]

unet_conversion_map_resnet = [
    ("in_layers.0", "norm1"),
    ("in_layers.2", "conv1"),
    ("out_layers.0", "norm2"),
    ("out_layers.3", "conv2"),
    ("emb_layers.1", "time_emb_proj"),
    ("skip_connection", "conv_shortcut"),
]

unet_conversion_map_layer = []
for i in range(3):
    for j in range(2):
        unet_conversion_map_layer.append(
            (f"input_blocks.{3 * i + j + 1}.0.", f"down_blocks.{i}.resnets.{j}.")
        )
        if i > 0:
            unet_conversion_map_layer.append(
                (f"input_blocks.{3 * i + j + 1}.1.", f"down_blocks.{i}.attentions.{j}.")
            )
    for j in range(4):
        unet_conversion_map_layer.append(
            (f"output_blocks.{3 * i + j}.0.", f"up_blocks.{i}.resnets.{j}.")
        )
        if i < 2:
            unet_conversion_map_layer.append(
                (f"output_blocks.{3 * i + j}.1.", f"up_blocks.{i}.attentions.{j}.")
            )
    if i < 3:
        unet_conversion_map_layer.append(
            (f"input_blocks.{3 * (i + 1)}.0.op.", f"down_blocks.{i}.downsamplers.0.conv.")
        )
        unet_conversion_map_layer.append(
            (f"output_blocks.{3 * i + 2}.{1 if i == 0 else 2}.", f"up_blocks.{i}.upsamplers.0.")
        )
unet_conversion_map_layer.append(("output_blocks.2.2.conv.", "output_blocks.2.1.conv."))
unet_conversion_map_layer.append(("middle_block.1.", "mid_block.attentions.0."))
for j in range(2):
    unet_conversion_map_layer.append((f"middle_block.{2 * j}.", f"mid_block.resnets.{j}."))


def unet_key_map(names) -> dict[str, str]:
    """diffusers name -> original name (order of the replacements matters)."""
    mapping = {k: k for k in names}
    for sd_name, hf_name in unet_conversion_map:
        if hf_name in mapping:
            mapping[hf_name] = sd_name
    for k, v in mapping.items():
        if "resnets" in k:
            for sd_part, hf_part in unet_conversion_map_resnet:
                v = v.replace(hf_part, sd_part)
            mapping[k] = v
    for k, v in mapping.items():
        for sd_part, hf_part in unet_conversion_map_layer:
            v = v.replace(hf_part, sd_part)
        mapping[k] = v
    return mapping


vae_conversion_map = [
    ("nin_shortcut", "conv_shortcut"),
    ("norm_out", "conv_norm_out"),
    ("mid.attn_1.", "mid_block.attentions.0."),
]
for i in range(4):
    for j in range(2):
        vae_conversion_map.append(
            (f"encoder.down.{i}.block.{j}.", f"encoder.down_blocks.{i}.resnets.{j}.")
        )
    if i < 3:
        vae_conversion_map.append((f"down.{i}.downsample.", f"down_blocks.{i}.downsamplers.0."))
        vae_conversion_map.append((f"up.{3 - i}.upsample.", f"up_blocks.{i}.upsamplers.0."))
    for j in range(3):
        vae_conversion_map.append(
            (f"decoder.up.{3 - i}.block.{j}.", f"decoder.up_blocks.{i}.resnets.{j}.")
        )
for i in range(2):
    vae_conversion_map.append((f"mid.block_{i + 1}.", f"mid_block.resnets.{i}."))

vae_conversion_map_attn = [
    ("norm.", "group_norm."),
    ("q.", "to_q."),
    ("k.", "to_k."),
    ("v.", "to_v."),
    ("proj_out.", "to_out.0."),
]


def vae_key_map(names) -> dict[str, str]:
    mapping = {k: k for k in names}
    for k, v in mapping.items():
        for sd_part, hf_part in vae_conversion_map:
            v = v.replace(hf_part, sd_part)
        mapping[k] = v
    for k, v in mapping.items():
        if "attentions" in k:
            for sd_part, hf_part in vae_conversion_map_attn:
                v = v.replace(hf_part, sd_part)
            mapping[k] = v
    return mapping


textenc_conversion_lst = [
    ("transformer.resblocks.", "text_model.encoder.layers."),
    ("ln_1", "layer_norm1"),
    ("ln_2", "layer_norm2"),
    (".c_fc.", ".fc1."),
    (".c_proj.", ".fc2."),
    (".attn", ".self_attn"),
    ("ln_final.", "text_model.final_layer_norm."),
    ("token_embedding.weight", "text_model.embeddings.token_embedding.weight"),
    ("positional_embedding", "text_model.embeddings.position_embedding.weight"),
]
_protected = {re.escape(x[1]): x[0] for x in textenc_conversion_lst}
_textenc_pattern = re.compile("|".join(_protected.keys()))


def _openclip_name(k: str) -> str:
    return _textenc_pattern.sub(lambda m: _protected[re.escape(m.group(0))], k)


# --------------------------------------------------------------------------------------
# Layout: one entry per original key.
# --------------------------------------------------------------------------------------
# Each entry: sd_key -> (shape, parts) where parts is a list of
# (component, diffusers_name, shape) whose tensors make up this key, and a transform tag:
#   "same"      the tensor as is
#   "conv1x1"   VAE mid attention linear weight stored as a 1x1 conv (shape + (1, 1))
#   "qkv"       text_encoder_2 q/k/v concatenated along dim 0 (in_proj_weight/bias)
#   "T"         text_encoder_2 text_projection stored transposed


def build_models_meta(config: Path = CONFIG):
    """The four SDXL models, built on the meta device from the bundled configs."""
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    with init_empty_weights():
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(config / "unet"))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(config / "vae"))
        te1 = CLIPTextModel(CLIPTextConfig.from_pretrained(config / "text_encoder"))
        te2 = CLIPTextModelWithProjection(CLIPTextConfig.from_pretrained(config / "text_encoder_2"))
    return {"unet": unet, "vae": vae, "text_encoder": te1, "text_encoder_2": te2}


def checkpoint_layout(config: Path = CONFIG) -> dict[str, tuple[tuple, str, list]]:
    """sd_key -> (shape, transform, [(component, diffusers_name, shape), ...])."""
    models = build_models_meta(config)
    shapes = {c: {k: tuple(v.shape) for k, v in m.state_dict().items()} for c, m in models.items()}
    layout: dict[str, tuple[tuple, str, list]] = {}

    for hf, sd in unet_key_map(shapes["unet"]).items():
        s = shapes["unet"][hf]
        layout["model.diffusion_model." + sd] = (s, "same", [("unet", hf, s)])

    for hf, sd in vae_key_map(shapes["vae"]).items():
        s = shapes["vae"][hf]
        if any(f"mid.attn_1.{w}.weight" in sd for w in ("q", "k", "v", "proj_out")) and len(s) != 1:
            layout["first_stage_model." + sd] = (s + (1, 1), "conv1x1", [("vae", hf, s)])
        else:
            layout["first_stage_model." + sd] = (s, "same", [("vae", hf, s)])

    for hf, s in shapes["text_encoder"].items():
        # transformers >= 5.6 flattened CLIPTextModel (no ``text_model.``); originals keep it
        sd = hf if hf.startswith("text_model.") else "text_model." + hf
        layout["conditioner.embedders.0.transformer." + sd] = (s, "same", [("text_encoder", hf, s)])

    qkv: dict[str, list] = {}
    for hf, s in shapes["text_encoder_2"].items():
        m = re.match(r"(.*\.self_attn)\.([qkv])_proj\.(weight|bias)$", hf)
        if m:
            key = _openclip_name(m.group(1)) + (
                ".in_proj_weight" if m.group(3) == "weight" else ".in_proj_bias"
            )
            qkv.setdefault(key, [None, None, None])["qkv".index(m.group(2))] = (
                "text_encoder_2",
                hf,
                s,
            )
            continue
        if hf == "text_projection.weight":
            layout["conditioner.embedders.1.model.text_projection"] = (
                (s[1], s[0]),
                "T",
                [("text_encoder_2", hf, s)],
            )
            continue
        layout["conditioner.embedders.1.model." + _openclip_name(hf)] = (
            s,
            "same",
            [("text_encoder_2", hf, s)],
        )
    for key, parts in qkv.items():
        assert None not in parts, key
        shape = (sum(p[2][0] for p in parts),) + parts[0][2][1:]
        layout["conditioner.embedders.1.model." + key] = (shape, "qkv", parts)
    return layout


def to_diffusers(
    sd_tensor: torch.Tensor, transform: str, parts: list
) -> dict[tuple[str, str], torch.Tensor]:
    """Undo the layout transform: {(component, diffusers_name): tensor}."""
    if transform == "same":
        return {(parts[0][0], parts[0][1]): sd_tensor}
    if transform == "conv1x1":
        return {(parts[0][0], parts[0][1]): sd_tensor.reshape(parts[0][2])}
    if transform == "T":
        return {(parts[0][0], parts[0][1]): sd_tensor.T}
    if transform == "qkv":
        out, start = {}, 0
        for comp, name, shape in parts:
            out[(comp, name)] = sd_tensor[start : start + shape[0]]
            start += shape[0]
        return out
    raise ValueError(transform)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------

_POOL = 1 << 24  # 16 M random values, reused at per-tensor offsets


def _is_norm_weight(key: str) -> bool:
    return key.endswith(".weight") and bool(
        re.search(r"(norm|ln_\d|ln_final|layer_norm)[^.]*\.weight$", key)
    )


def write_checkpoint(
    path,
    dtype: str = "fp16",
    device: str = "cpu",
    seed: int = 0,
    config: Path = CONFIG,
    verbose: bool = False,
) -> Path:
    """Write the random SDXL checkpoint to ``path`` and return it (a Path)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tdtype = DTYPES[dtype] if isinstance(dtype, str) else dtype
    device = torch.device(device)
    esize = torch.empty((), dtype=tdtype).element_size()
    layout = checkpoint_layout(config)

    header, offset = {}, 0
    names = sorted(layout)
    for name in names:
        shape = layout[name][0]
        n = 1
        for d in shape:
            n *= d
        header[name] = {
            "dtype": ST_DTYPES[tdtype],
            "shape": list(shape),
            "data_offsets": [offset, offset + n * esize],
        }
        offset += n * esize
    header["__metadata__"] = {
        "format": "pt",
        "generator": "dgx-pixels full_model",
        "seed": str(seed),
    }
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)

    gen = torch.Generator(device=device).manual_seed(seed)
    pool = (torch.randn(_POOL, generator=gen, device=device, dtype=torch.float32) * 0.02).to(tdtype)
    tmp = path.with_name(path.name + ".part")
    t0 = time.perf_counter()
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for idx, name in enumerate(names):
            shape = layout[name][0]
            n = header[name]["data_offsets"][1] // esize - header[name]["data_offsets"][0] // esize
            if _is_norm_weight(name):
                t = torch.ones(n, dtype=tdtype, device=device)
            else:
                t = torch.empty(n, dtype=tdtype, device=device)
                start = (seed * 1_000_003 + idx * 7_919_117) % _POOL
                filled = 0
                while filled < n:
                    take = min(n - filled, _POOL - start)
                    t[filled : filled + take] = pool[start : start + take]
                    filled += take
                    start = 0
            t = t.cpu().contiguous()
            f.write(t.view(torch.int16 if esize == 2 else torch.int32).numpy().data)
    tmp.replace(path)
    if verbose:
        print(
            f"wrote {path} ({path.stat().st_size / 1e9:.2f} GB, {len(names)} tensors) "
            f"in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    return path
