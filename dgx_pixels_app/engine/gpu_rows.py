"""The GPU check's measurements: each row times the app's engine and bare diffusers
doing the same work on the same device in the same run (see gpu_check)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Row:
    name: str
    ours: float | None = None  # seconds (or images per minute where ``unit`` says)
    bare: float | None = None
    unit: str = "s"
    note: str = ""
    peak_gb: float | None = None  # working memory: the peak above what was resident before

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.bare:
            return None
        return self.ours / self.bare


@dataclass
class Context:
    """What the rows share: device, both pipelines, the prompt, sizes and a deadline."""

    device: object
    engine: object  # the app's Engine, model loaded
    bare: object  # a bare StableDiffusionXLPipeline on the same device
    size: int
    steps: int
    deadline: float
    prompt: str = "pixel art knight, side view, game sprite"
    images: dict = field(default_factory=dict)  # name -> list of RGBA arrays (quality checks)

    def left(self) -> float:
        return self.deadline - time.perf_counter()


def sync(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def once(fn, device) -> float:
    """Seconds for one call (a first, compiling or loading call), the device synced."""
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


def timed(fn, device, repeat: int = 2) -> float:
    """The median of ``repeat`` timed calls (after the caller's warm-up)."""
    times = []
    for _ in range(repeat):
        sync(device)
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_BASE = [0]  # bytes allocated when the peak was last reset


def reset_peak(device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        _BASE[0] = torch.cuda.memory_allocated(device)


def peak_gb(device) -> float | None:
    """The peak since reset_peak, above what was allocated then (both pipelines stay
    resident during the check: their weights are not this row's)."""
    import torch

    if device.type == "cuda":
        return (torch.cuda.max_memory_allocated(device) - _BASE[0]) / 2**30
    return None


def bare_call(ctx: Context, seed: int = 1, count: int = 1, **extra):
    import torch

    generators = [torch.Generator(ctx.device).manual_seed(seed + i) for i in range(count)]
    args = {"prompt": ctx.prompt, "num_inference_steps": ctx.steps, "guidance_scale": 6.0,
            "width": ctx.size, "height": ctx.size, "generator": generators,
            "num_images_per_prompt": count, "output_type": "np", **extra}  # fmt: skip
    with torch.inference_mode():
        return ctx.bare(**args).images


def request(ctx: Context, **changes):
    from dgx_pixels_app.core.generation import GenerationRequest

    values = {"prompt": ctx.prompt, "seed": 1, "steps": ctx.steps, "cfg": 6.0,
              "width": ctx.size, "height": ctx.size, "scheduler": "euler", **changes}  # fmt: skip
    return GenerationRequest(**values)


def plain(ctx: Context) -> Row:
    """One image at the check's size and steps, bf16/SDPA, Euler."""
    req = request(ctx)
    ctx.engine.generate(req)  # warm-up both paths
    bare_call(ctx)
    reset_peak(ctx.device)
    ours = timed(
        lambda: ctx.images.__setitem__("bf16", ctx.engine.generate(req).images), ctx.device
    )
    peak = peak_gb(ctx.device)
    bare = timed(lambda: bare_call(ctx), ctx.device)
    return Row(f"{ctx.size}² × {ctx.steps} steps, one image", ours, bare, peak_gb=peak)


PROMPTS = ["knight", "potion", "sword", "slime", "wizard", "chest", "shield", "bat"]


def batch(ctx: Context, count: int = 8) -> Row:
    """Images per minute for ``count`` different prompts in one batched call (the app's
    batching) against bare diffusers' prompt list; each warmed up at 2 steps first."""
    prompts = [f"pixel art {p}, game sprite" for p in PROMPTS[:count]]
    reqs = [request(ctx, prompt=p, seed=i) for i, p in enumerate(prompts)]
    warm = [request(ctx, prompt=p, seed=i, steps=2) for i, p in enumerate(prompts)]

    def bare(steps=ctx.steps):
        import torch

        generators = [torch.Generator(ctx.device).manual_seed(i) for i in range(count)]
        with torch.inference_mode():
            ctx.bare(prompt=prompts, num_inference_steps=steps, guidance_scale=6.0,
                     width=ctx.size, height=ctx.size, generator=generators, output_type="np")  # fmt: skip

    ctx.engine.generate_group(warm), bare(2)
    reset_peak(ctx.device)
    ours = timed(lambda: ctx.engine.generate_group(reqs), ctx.device, repeat=1)
    peak = peak_gb(ctx.device)
    t_bare = timed(bare, ctx.device, repeat=1)
    return Row(f"{count} prompts batched, images/min", 60 * count / ours, 60 * count / t_bare,
               unit="img/min", peak_gb=peak)  # fmt: skip


def turbo(ctx: Context, lora_path: str, fused: bool) -> Row:
    """A 4-step SDXL-Lightning recipe (trailing Euler, CFG 0) with a LoRA of its shape."""
    from diffusers import EulerDiscreteScheduler

    from dgx_pixels_app.core.generation import LoraRef

    req = request(ctx, steps=4, cfg=0.0, recipe="lightning-4step",
                  loras=[LoraRef(lora_path, 1.0)])  # fmt: skip
    ctx.engine.fuse_distilled = fused
    ctx.engine.generate(req)
    reset_peak(ctx.device)
    ours = timed(lambda: ctx.engine.generate(req), ctx.device, repeat=3)
    peak = peak_gb(ctx.device)
    ctx.engine.fuse_distilled = True
    ctx.engine.loras.apply([])
    bare_pipe = ctx.bare
    saved = bare_pipe.scheduler
    bare_pipe.scheduler = EulerDiscreteScheduler.from_config(
        saved.config, timestep_spacing="trailing"
    )
    bare_pipe.load_lora_weights(lora_path, adapter_name="lightning")
    if fused:
        bare_pipe.fuse_lora()
    try:
        bare_call(ctx, num_inference_steps=4, guidance_scale=0.0)
        bare = timed(lambda: bare_call(ctx, num_inference_steps=4, guidance_scale=0.0),
                     ctx.device, repeat=3)  # fmt: skip
    finally:
        if fused:
            bare_pipe.unfuse_lora()
        bare_pipe.unload_lora_weights()
        bare_pipe.scheduler = saved
    label = "fused" if fused else "as adapter"
    return Row(f"turbo: Lightning 4 steps, LoRA {label}", ours, bare, peak_gb=peak)


def lora_switch(ctx: Context, lora_path: str, other: str) -> Row:
    """Switching between two resident LoRAs: the app's LoRA set against diffusers'
    set_adapters on the same two adapters (both loaded once, not timed)."""
    from dgx_pixels_app.core.generation import LoraRef

    loras = ctx.engine.loras
    loras.apply([LoraRef(lora_path, 1.0)])
    loras.apply([LoraRef(other, 0.8)])
    ctx.bare.load_lora_weights(lora_path, adapter_name="a")
    ctx.bare.load_lora_weights(other, adapter_name="b")

    def ours():
        loras.apply([LoraRef(lora_path, 1.0)])
        loras.apply([LoraRef(other, 0.8)])

    def bare():
        ctx.bare.set_adapters(["a"], adapter_weights=[1.0])
        ctx.bare.set_adapters(["b"], adapter_weights=[0.8])

    t_ours = timed(ours, ctx.device, repeat=3) / 2
    t_bare = timed(bare, ctx.device, repeat=3) / 2
    ctx.bare.unload_lora_weights()
    loras.clear()  # the later rows run on the plain UNet, as bare's do
    return Row("LoRA switch, two resident adapters", t_ours, t_bare)


def difference(a: list, b: list) -> tuple[float, float]:
    """(max, mean) absolute 8-bit pixel difference over matching images."""
    diffs = [np.abs(x[..., :3].astype(np.int16) - y[..., :3].astype(np.int16))
             for x, y in zip(a, b, strict=False)]  # fmt: skip
    if not diffs:
        return float("nan"), float("nan")
    return float(max(d.max() for d in diffs)), float(np.mean([d.mean() for d in diffs]))


def sprite_difference(a: list, b: list, target: int = 64) -> float:
    """Share of sprite pixels that differ after pixelize reduces both to ``target`` px."""
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

    shares = []
    for x, y in zip(a, b, strict=False):
        opts = PixelizeOptions(cell=x.shape[1] / target, colors=16)
        px, py = pixelize(x, opts).image, pixelize(y, opts).image
        if px.shape != py.shape:
            shares.append(1.0)
            continue
        shares.append(float(np.mean(np.any(px != py, axis=-1))))
    return float(np.mean(shares)) if shares else float("nan")
