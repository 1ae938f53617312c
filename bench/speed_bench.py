"""Speed presets, batching and load time on this machine, each against bare diffusers
doing the same work in the same run.

    python bench/speed_bench.py [--size 512] [--full PATH.safetensors] [--skip-full]

1. Distilled recipes on the tiny model: plain sampling (the defaults' 25 Euler steps at
   CFG 6) against each recipe in presets/speed.toml with a LoRA under its published
   name: steps, seconds per image, and the ratio to bare diffusers set up by hand the
   same way (scheduler, options, timesteps, eta, fused LoRA).
2. The same on a full-size random-weight SDXL UNet at --size: one step with CFG and one
   without (a step costs the same whatever the weights), ours and bare; seconds per
   image for each recipe follow from its steps and whether it uses CFG.
3. Sequential against batched images per minute (4 prompts, tiny model), ours and bare.
4. The full-size single-file checkpoint (written once with random weights if --full is
   not given) to a ready pipeline: the app's loader against from_single_file.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dgx_pixels_app.core.generation import GenerationRequest, LoraRef  # noqa: E402
from dgx_pixels_app.engine.engine import Engine  # noqa: E402
from dgx_pixels_app.engine.recipes import recipe_arguments, recipe_scheduler  # noqa: E402
from dgx_pixels_app.resources import speed_data  # noqa: E402

PROMPTS = ["pixel art knight", "pixel art potion", "pixel art sword", "pixel art slime"]


def timed(fn, repeat: int = 3) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_call(pipe, size, steps, cfg, seed=1, prompts=None, **extra):
    import torch

    prompts = prompts or PROMPTS[:1]
    generators = [torch.Generator().manual_seed(seed + i) for i in range(len(prompts))]
    return pipe(prompt=prompts, num_inference_steps=steps, guidance_scale=cfg, width=size,
                height=size, generator=generators, output_type="np", **extra).images  # fmt: skip


def recipes_rows(engine, lora_folder: Path, size: int) -> list[tuple]:
    """Plain sampling and every recipe: (name, steps, ours s, bare s)."""
    pipe = engine.model.pipe
    rows = []
    plain = GenerationRequest(PROMPTS[0], seed=1, steps=25, cfg=6.0, width=size, height=size)
    rows.append(("plain: 25 Euler steps, CFG 6", 25, timed(lambda: engine.generate(plain)),
                 timed(lambda: bare_call(pipe, size, 25, 6.0))))  # fmt: skip
    original = pipe.scheduler
    for rid, recipe in speed_data().recipes.items():
        lora = lora_folder / (recipe.files[0] if recipe.files else f"{rid}-lora.safetensors")
        request = GenerationRequest(PROMPTS[0], seed=1, steps=recipe.steps, cfg=recipe.cfg,
                                    width=size, height=size, recipe=rid,
                                    loras=[LoraRef(str(lora), recipe.lora_weight)])  # fmt: skip
        ours = timed(lambda request=request: engine.generate(request))
        engine.loras.apply([])
        pipe.scheduler = recipe_scheduler(recipe, dict(original.config))
        pipe.load_lora_weights(str(lora), adapter_name="bench")
        pipe.fuse_lora(adapter_names=["bench"], lora_scale=recipe.lora_weight)
        extra = recipe_arguments(recipe)
        bare = timed(lambda r=recipe, e=extra: bare_call(pipe, size, r.steps, r.cfg, **e))
        pipe.unfuse_lora()
        pipe.delete_adapters("bench")  # only its own: the engine's adapters stay
        pipe.scheduler = original
        pipe._dgx_scheduler = None
        rows.append((f"{recipe.name} (CFG {recipe.cfg:g})", recipe.steps, ours, bare))
    return rows


def batch_rows(engine, size: int) -> list[tuple]:
    pipe = engine.model.pipe
    requests = [GenerationRequest(p, seed=10 + i, steps=4, cfg=6.0, width=size, height=size)
                for i, p in enumerate(PROMPTS)]  # fmt: skip
    sequential = timed(lambda: [engine.generate(r) for r in requests], repeat=2)
    batched = timed(lambda: engine.generate_group(requests), repeat=2)
    bare_seq = timed(lambda: [bare_call(pipe, size, 4, 6.0, 10 + i, [p])
                              for i, p in enumerate(PROMPTS)], repeat=2)  # fmt: skip
    bare_batch = timed(lambda: bare_call(pipe, size, 4, 6.0, 10, PROMPTS), repeat=2)
    n = len(PROMPTS)
    return [("sequential, 4 prompts × 4 steps", 60 * n / sequential, 60 * n / bare_seq),
            ("batched (one call), same work", 60 * n / batched, 60 * n / bare_batch)]  # fmt: skip


def full_unet_rows(engine, size: int) -> list[tuple]:
    """Seconds per step of a full-size UNet, with CFG (2 passes) and without."""
    from diffusers import UNet2DConditionModel

    from dgx_pixels_app.resources import resource_path

    pipe = engine.model.pipe
    tiny_unet = pipe.unet
    config = UNet2DConditionModel.load_config(resource_path("sdxl") / "unet")
    # the tiny text encoders' widths at the UNet's inputs (a negligible share of its work)
    config = {**config, **{k: tiny_unet.config[k] for k in (
        "cross_attention_dim", "projection_class_embeddings_input_dim",
        "addition_time_embed_dim")}}  # fmt: skip
    pipe.unet = UNet2DConditionModel.from_config(config).to(engine.model.device, engine.model.dtype)
    engine._derived.clear()
    rows = []
    try:
        for cfg in (6.0, 0.0):
            request = GenerationRequest(
                PROMPTS[0], seed=1, steps=1, cfg=cfg, width=size, height=size
            )
            ours = timed(lambda r=request: engine.generate(r), repeat=1)
            bare = timed(lambda c=cfg: bare_call(pipe, size, 1, c), repeat=1)
            rows.append((cfg, ours, bare))
    finally:
        pipe.unet = tiny_unet
    return rows


def load_rows(path: Path) -> tuple[float, float]:
    """Seconds to a ready pipeline, ours and bare from_single_file at the same dtype. The
    first load in a process pays ~9 s of one-time initialisation whoever goes first, so
    each is loaded twice (alternating) and the second figures are compared."""
    from diffusers import StableDiffusionXLPipeline

    from dgx_pixels_app.resources import resource_path

    def ours() -> float:
        engine = Engine()
        start = time.perf_counter()
        engine.load(path)
        seconds = time.perf_counter() - start
        engine.model_sha256()  # its hash, read after the load, is done before the next
        engine.unload()
        return seconds

    def bare() -> float:
        start = time.perf_counter()
        StableDiffusionXLPipeline.from_single_file(str(path), config=str(resource_path("sdxl")),
                                                   dtype=dtype, local_files_only=True)  # fmt: skip
        return time.perf_counter() - start

    from dgx_pixels_app.engine.settings import EngineSettings, resolve_device

    dtype = resolve_device(EngineSettings())[1]
    bare(), ours()  # first in the process: one-time costs
    return ours(), bare()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--full", help="a full-size single-file SDXL checkpoint to load")
    parser.add_argument("--skip-full", action="store_true", help="tiny-model rows only")
    args = parser.parse_args()
    from dgx_pixels_app.engine.tiny import make_test_model

    tmp = Path(tempfile.mkdtemp())
    try:
        model, lora = make_test_model(tmp / "tiny")
        for recipe in speed_data().recipes.values():  # each recipe's LoRA under its name
            name = recipe.files[0] if recipe.files else f"{recipe.id}-lora.safetensors"
            shutil.copy(lora, tmp / name)
        engine = Engine()
        engine.load(model)
        report(engine, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(engine, tmp: Path, args) -> None:
    print(f"tiny model, {args.size}², CPU threads: {_threads()}\n")
    rows = recipes_rows(engine, tmp, args.size)
    plain = rows[0][2]
    print(f"{'sampling':<44}{'steps':>6}{'ours s':>9}{'bare s':>9}{'ratio':>8}{'vs plain':>10}")
    for name, steps, ours, bare in rows:
        print(f"{name[:43]:<44}{steps:>6}{ours:>9.3f}{bare:>9.3f}{ours / bare:>7.2f}x"
              f"{plain / ours:>9.1f}x")  # fmt: skip
    print(f"\n{'images per minute':<44}{'ours':>9}{'bare':>9}{'ratio':>8}")
    for name, ours, bare in batch_rows(engine, args.size):
        print(f"{name:<44}{ours:>9.1f}{bare:>9.1f}{ours / bare:>7.2f}x")
    if args.skip_full:
        return
    print(f"\nfull-size SDXL UNet (random weights), {args.size}², one step:")
    steps = full_unet_rows(engine, args.size)
    for cfg, ours, bare in steps:
        print(f"  CFG {cfg:g}: ours {ours:.2f} s, bare {bare:.2f} s, ratio {ours / bare:.2f}x")
    with_cfg, without = steps[0][1], steps[1][1]
    print(f"  per image: plain 25 steps ≈ {25 * with_cfg:.0f} s; "
          + "; ".join(f"{r.id} ≈ {r.steps * (with_cfg if r.cfg > 1 else without):.0f} s"
                      for r in speed_data().recipes.values()))  # fmt: skip
    path = Path(args.full) if args.full else _write_full(tmp)
    ours, bare = load_rows(path)
    print(f"\nfull-size single-file load ({path.stat().st_size / 1e9:.1f} GB): ours {ours:.1f} s, "
          f"bare from_single_file {bare:.1f} s, ratio {ours / bare:.2f}x")  # fmt: skip


def _write_full(tmp: Path) -> Path:
    from dgx_pixels_app.engine.full_model import write_checkpoint

    return write_checkpoint(tmp / "sdxl-random-fp16.safetensors", dtype="fp16")


def _threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    raise SystemExit(main())
