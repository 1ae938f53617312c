"""``dgx-pixels benchmark``: the performance table on the user's own machine.

Model load time, one image's time, a batch's images per minute and the time to
switch LoRAs, all through the same jobs pipeline the app uses.
"""

from __future__ import annotations

import argparse
import sys
import time

from dgx_pixels_app.cli.common import add_model_options, make_queue, parse_loras, resolve_model
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("benchmark", help="measure load time, s/image, images/min, LoRA switch")
    add_model_options(p)
    p.add_argument("--size", type=int, default=1024, help="image size (default 1024)")
    p.add_argument("--steps", type=int, default=30, help="steps per image (default 30)")
    p.add_argument("--batch", type=int, default=8, help="images in the batch run (default 8)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    gpu = p.add_argument_group("the GPU check (no model needed, nothing downloaded)")
    gpu.add_argument("--gpu", action="store_true",
                     help="the app beside bare diffusers on a random full-size SDXL: load, "
                          "30 steps, batch of 8, 4-step turbo, LoRA switch, compiled, FP8, "
                          "tiny decoder, peak memory (CUDA only)")  # fmt: skip
    gpu.add_argument(
        "--minutes", type=float, default=8.0, help="the check's time limit (default 8)"
    )
    gpu.add_argument("--out", help="also write the check's table as JSON to this file")
    p.set_defaults(handler=run)


def run_gpu_check(args: argparse.Namespace) -> int:
    from dgx_pixels_app.engine.gpu_check import main as gpu_check

    if not 0.5 <= args.minutes <= 60:
        raise InvalidInputError("--minutes must be 0.5 to 60.")
    argv = ["--size", str(args.size), "--steps", str(args.steps), "--minutes", str(args.minutes)]
    return gpu_check(argv + (["--json", args.out] if args.out else []))


def run(args: argparse.Namespace) -> int:
    import json

    if args.gpu:
        return run_gpu_check(args)
    from dgx_pixels_app.core.generation import GenerationRequest, validate
    from dgx_pixels_app.engine.backend import Task
    from dgx_pixels_app.jobs.job import Job

    if not 1 <= args.batch <= 256:
        raise InvalidInputError("--batch must be 1 to 256.")
    base = GenerationRequest(
        "pixel art knight, game sprite", seed=1, steps=args.steps, width=args.size, height=args.size
    )
    validate(base)
    loras = parse_loras(args.lora)
    model = resolve_model(args.model)
    queue = make_queue(args)
    rows: list[tuple[str, str]] = []
    try:
        t0 = time.perf_counter()
        info = queue.backend.load(model)
        rows.append(("model load", f"{time.perf_counter() - t0:.2f} s"))
        rows.append(
            (
                "device",
                f"{info.device} {info.dtype} × {counted(info.workers, 'worker')} ({queue.backend.name})",
            )
        )
        queue.run(Job.single(base, previews=False, label="benchmark warm-up"))
        t0 = time.perf_counter()
        single = queue.run(Job.single(base, previews=False, label="benchmark single"))
        seconds = time.perf_counter() - t0
        rows.append(("single image", f"{seconds:.2f} s ({single.steps_per_second:.2f} it/s)"))
        tasks = [
            Task(i, GenerationRequest(**{**base.__dict__, "seed": i + 2}))
            for i in range(args.batch)
        ]
        t0 = time.perf_counter()
        queue.run(Job(tasks, previews=False, label="benchmark batch"))
        seconds = time.perf_counter() - t0
        rows.append((f"batch of {args.batch}", f"{args.batch / seconds * 60:.1f} images/min"))
        if loras:
            with_lora = GenerationRequest(**{**base.__dict__, "steps": 1, "loras": loras})
            without = GenerationRequest(**{**base.__dict__, "steps": 1})
            queue.run(Job.single(with_lora, previews=False))  # loads the adapter once
            queue.run(Job.single(without, previews=False))
            t0 = time.perf_counter()
            queue.run(Job.single(with_lora, previews=False))
            switch = time.perf_counter() - t0
            t0 = time.perf_counter()
            queue.run(Job.single(without, previews=False))
            plain = time.perf_counter() - t0
            rows.append(("LoRA switch", f"{max(0.0, switch - plain) * 1000:.0f} ms"))
        else:
            rows.append(("LoRA switch", "not measured (give --lora FILE)"))
    finally:
        queue.backend.close()
    if args.json:
        print(json.dumps(dict(rows), indent=2))
    else:
        width = max(len(k) for k, _ in rows)
        print(f"{'measure'.ljust(width)}  value", file=sys.stdout)
        for key, value in rows:
            print(f"{key.ljust(width)}  {value}")
    return 0
