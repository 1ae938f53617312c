"""The GPU check's control rows: seconds per image with 0, 1 and 2 controls (a union
ControlNet made from the loaded UNet, random weights, the full SDXL shape) and with an
IP-Adapter (a ViT-H-shaped image encoder), ours against bare diffusers doing the same
call, and the memory resident with the union ControlNet and the IP-Adapter loaded.
bench/control_bench.py runs the same rows on the tiny models on a CPU."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.control import ControlRef, ReferenceRef
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine import gpu_rows as rows
from dgx_pixels_app.engine.backend import GuideImages

VIT_H = {"hidden_size": 1280, "intermediate_size": 5120, "num_attention_heads": 16,
         "num_hidden_layers": 32, "image_size": 224, "patch_size": 14, "projection_dim": 1024}  # fmt: skip


def make_models(unet, folder: Path, full: bool) -> dict:
    """A union ControlNet and an IP-Adapter for ``unet`` in ``folder`` (their paths)."""
    from diffusers import ControlNetUnionModel

    from dgx_pixels_app.engine.tiny_control import make_controlnets, make_ip_adapter

    if full:
        union = ControlNetUnionModel.from_unet(unet)
        union.register_to_config(num_control_type=8)
        path = folder / "controlnet-union-full"
        union.save_pretrained(path, safe_serialization=True)
        del union
        adapter = make_ip_adapter(unet, folder / "ip-adapter", encoder=VIT_H)
    else:
        _single, path = make_controlnets(unet, folder)
        adapter = make_ip_adapter(unet, folder / "ip-adapter")
    return {
        "union": str(path),
        "adapter": str(adapter),
        "encoder": str(adapter.parent / "image_encoder"),
    }


def control_rows(ctx, models: dict) -> list[rows.Row]:
    size = ctx.size
    request = GenerationRequest(
        ctx.prompt, seed=1, steps=ctx.steps, cfg=5.0, width=size, height=size
    )
    pose = np.zeros((size, size, 3), np.uint8)
    pose[size // 4 : size * 3 // 4, size // 2 - 4 : size // 2 + 4] = 255
    one = [ControlRef("pose", pose="walk/east/0", model=models["union"])]
    two = one + [ControlRef("depth", image="d.png", model=models["union"], strength=0.6)]
    ref = [ReferenceRef("ref.png", 0.7, adapter=models["adapter"], encoder=models["encoder"])]
    sprite = np.zeros((64, 64, 4), np.uint8)
    sprite[8:56, 20:44] = (200, 60, 40, 255)
    cases = [("0 controls", request, GuideImages()),
             ("1 control (union)", replace(request, controls=one), GuideImages([], [pose])),
             ("2 controls (union)", replace(request, controls=two), GuideImages([], [pose, pose])),
             ("IP-Adapter reference", replace(request, references=ref), GuideImages([sprite], [])),
             ("reference + pose", replace(request, references=ref, controls=one),
              GuideImages([sprite], [pose]))]  # fmt: skip
    engine, out, plain = ctx.engine, [], None
    for name, req, guides in cases:
        engine.generate(req, guides=guides)  # warm-up: loads the control models once
        seconds = rows.timed(lambda r=req, g=guides: engine.generate(r, guides=g), ctx.device)
        plain = plain or seconds
        out.append(rows.Row(f"controls: {name}", seconds, plain,
                            note="ratio: to 0 controls, same run"))  # fmt: skip
    out.append(_bare_union(ctx, models, pose, out[1].ours))
    out.append(rows.Row("controls: resident with union + IP-Adapter", None, None,
                        note=f"{_resident_gb(ctx.device):.2f} GB allocated"))  # fmt: skip
    return out


def _bare_union(ctx, models: dict, pose: np.ndarray, ours: float) -> rows.Row:
    """Bare diffusers: the union pipeline from the same components, the same call."""
    import torch
    from diffusers import ControlNetUnionModel, StableDiffusionXLControlNetUnionPipeline
    from PIL import Image

    net = ControlNetUnionModel.from_pretrained(models["union"], dtype=ctx.engine.model.dtype)
    pipe = StableDiffusionXLControlNetUnionPipeline.from_pipe(
        ctx.bare, controlnet=net.to(ctx.device)
    )
    pipe.set_progress_bar_config(disable=True)

    def call():
        pipe(prompt=ctx.prompt, num_inference_steps=ctx.steps, guidance_scale=5.0,
             width=ctx.size, height=ctx.size, control_image=[Image.fromarray(pose)],
             control_mode=[0], generator=torch.Generator(ctx.device).manual_seed(1),
             output_type="np")  # fmt: skip

    call()
    bare = rows.timed(call, ctx.device)
    return rows.Row("controls: 1 control, ours vs bare diffusers", ours, bare)


def _resident_gb(device) -> float:
    import torch

    if device.type == "cuda":
        return torch.cuda.memory_allocated(device) / 2**30
    with open("/proc/self/statm") as f:
        import os

        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30
