"""The GPU check's heavier rows: compiled and FP8 UNets, the tiny decoder, and a
random LoRA of a distilled LoRA's shape."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.engine import gpu_rows as rows

# SDXL-Lightning's and Hyper-SD's LoRAs cover the UNet's attention and feed-forward
# layers at rank 64 (about 394 MB in fp16): the same layers and rank here.
LORA_TARGETS = ["to_q", "to_k", "to_v", "to_out.0", "proj_in", "proj_out", "ff.net.0.proj",
                "ff.net.2"]  # fmt: skip


def make_lora(pipe, folder: Path, rank: int = 64) -> tuple[str, str]:
    """Two random LoRA files for ``pipe``'s UNet (a Lightning-shaped one and another)."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    paths = []
    for i, name in enumerate(("sdxl_lightning_4step_lora", "style_lora")):
        config = LoraConfig(r=rank, lora_alpha=rank, target_modules=LORA_TARGETS,
                            init_lora_weights=False)  # fmt: skip
        pipe.unet.add_adapter(config, adapter_name="tmp")
        generator = torch.Generator().manual_seed(i)
        with torch.no_grad():
            for pname, param in pipe.unet.named_parameters():
                if "lora_" in pname:
                    noise = torch.randn(param.shape, generator=generator) * 0.01
                    param.copy_(noise.to(param.device, param.dtype))
        state = get_peft_model_state_dict(pipe.unet, adapter_name="tmp")
        pipe.unet.delete_adapters("tmp")
        StableDiffusionXLPipeline.save_lora_weights(folder, unet_lora_layers=state,
                                                    weight_name=f"{name}.safetensors")  # fmt: skip
        paths.append(str(folder / f"{name}.safetensors"))
    return paths[0], paths[1]


def compiled(ctx: rows.Context) -> list:
    """Regional compilation: the app's switch against diffusers' own, first call and after."""
    from dgx_pixels_app.engine.speedups import compile_unet

    req = rows.request(ctx)
    compile_unet(ctx.engine.model.pipe.unet)
    first = rows.once(lambda: ctx.engine.generate(req), ctx.device)
    ours = rows.timed(lambda: ctx.images.__setitem__("compiled", ctx.engine.generate(req).images),
                      ctx.device)  # fmt: skip
    ctx.bare.unet.compile_repeated_blocks(fullgraph=True)
    bare_first = rows.once(lambda: rows.bare_call(ctx), ctx.device)
    bare = rows.timed(lambda: rows.bare_call(ctx), ctx.device)
    max_d, mean_d = rows.difference(ctx.images.get("bf16", []), ctx.images.get("compiled", []))
    return [
        rows.Row(
            "compiled UNet: first call (compiles)",
            first,
            None,
            note=f"bare's {bare_first:.1f} s reused the cache ours filled: no ratio",
        ),
        rows.Row(
            f"compiled UNet: {ctx.size}² × {ctx.steps} steps",
            ours,
            bare,
            note=f"vs eager bf16: max {max_d:.0f}, mean {mean_d:.2f} /255",
        ),
    ]


def fp8(ctx: rows.Context, path: Path, lora: str, compile_too: bool = True) -> list:
    """The FP8 UNet (the app's switch, loaded fresh) against torchao on bare diffusers,
    and its pixel difference against bf16 on the same seed, before and after pixelize."""
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings
    from dgx_pixels_app.engine.speedups import quantize_fp8

    settings = EngineSettings(device=str(ctx.device), fp8_unet=True, compile_unet=compile_too)
    ctx.engine.unload()
    engine = Engine(settings)
    engine.load(path)
    req = rows.request(ctx)
    first = rows.once(lambda: engine.generate(req), ctx.device)
    rows.reset_peak(ctx.device)
    ours = rows.timed(
        lambda: ctx.images.__setitem__("fp8", engine.generate(req).images), ctx.device
    )
    peak = rows.peak_gb(ctx.device)
    extra = _fp8_turbo(ctx, engine, lora) if ctx.left() > 120 else []
    engine.unload()
    bare = ctx.bare
    quantize_fp8(bare.unet)  # the same torchao config, on diffusers' own pipeline
    if compile_too:
        bare.unet.compile_repeated_blocks(fullgraph=True)
    rows.bare_call(ctx)
    t_bare = rows.timed(lambda: rows.bare_call(ctx), ctx.device)
    base = ctx.images.get("bf16", [])
    max_d, mean_d = rows.difference(base, ctx.images["fp8"])
    sprite = rows.sprite_difference(base, ctx.images["fp8"])
    label = "FP8 + compiled" if compile_too else "FP8"
    return [
        rows.Row(f"{label}: first call", first, None),
        rows.Row(
            f"{label}: {ctx.size}² × {ctx.steps} steps",
            ours,
            t_bare,
            peak_gb=peak,
            note=f"vs bf16: max {max_d:.0f}, mean {mean_d:.2f} /255; "
            f"sprite (64 px, 16 colours) pixels differing {100 * sprite:.1f} %",
        ),  # fmt: skip
        *extra,
    ]


def _fp8_turbo(ctx: rows.Context, engine, lora: str) -> list:
    """Turbo on the FP8 UNet: the distilled LoRA runs as an adapter (PEFT cannot merge
    into FP8 weights); the first call includes recompiling for the LoRA layers."""
    from dgx_pixels_app.core.generation import LoraRef

    req = rows.request(ctx, steps=4, cfg=0.0, recipe="lightning-4step", loras=[LoraRef(lora)])
    first = rows.once(lambda: engine.generate(req), ctx.device)
    seconds = rows.timed(lambda: engine.generate(req), ctx.device)
    return [rows.Row("FP8 + turbo (LoRA as adapter)", seconds, None,
                     note=f"first call {first:.1f} s")]  # fmt: skip


def tiny_decoder(ctx: rows.Context) -> rows.Row:
    """Decoding one latent: the tiny autoencoder (TAESD-XL's shape, random weights)
    against SDXL's VAE."""
    import torch
    from diffusers import AutoencoderTiny

    pipe = ctx.engine.model.pipe
    tiny = AutoencoderTiny().to(ctx.device, pipe.vae.dtype)
    side = ctx.size // 8
    latent = torch.randn(1, 4, side, side, device=ctx.device, dtype=pipe.vae.dtype)
    with torch.inference_mode():
        tiny.decode(latent), pipe.vae.decode(latent)
        t_tiny = rows.timed(lambda: tiny.decode(latent), ctx.device, repeat=3)
        t_full = rows.timed(lambda: pipe.vae.decode(latent), ctx.device, repeat=3)
    return rows.Row(f"decode one {ctx.size}² latent: tiny vs full VAE", t_tiny, t_full,
                    note="'bare' is SDXL's VAE")  # fmt: skip
