"""``dgx-pixels generate PROMPT``: sprites from one prompt, through the jobs pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgx_pixels_app.cli.common import add_model_options, make_queue, parse_loras, resolve_model
from dgx_pixels_app.core.errors import InvalidInputError


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser("generate", help="generate sprites with SDXL (+ LoRAs)")
    gen.add_argument("prompt")
    add_model_options(gen)
    gen.add_argument("--negative", default="", help="negative prompt")
    gen.add_argument("--steps", type=int, default=25)
    gen.add_argument("--cfg", type=float, default=6.0)
    gen.add_argument("--seed", type=int, help="default: random (printed)")
    gen.add_argument("--width", type=int, default=1024)
    gen.add_argument("--height", type=int, default=1024)
    gen.add_argument("--count", type=int, default=1)
    gen.add_argument(
        "--scheduler",
        default="euler",
        help="euler, euler_a, dpmpp_2m, dpmpp_2m_karras, ddim, unipc",
    )
    gen.add_argument(
        "--raw", action="store_true", help="keep SDXL's output as it is (skip pixelize)"
    )
    gen.add_argument(
        "-o", "--output", required=True, help="OUT.png (OUT-1.png, OUT-2.png… when --count > 1)"
    )
    gen.set_defaults(handler=run)


def output_paths(output: str, count: int) -> list[Path]:
    out = Path(output)
    if out.suffix.lower() != ".png":
        raise InvalidInputError(f"The output must be a .png file, not '{output}'.")
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i}{out.suffix}") for i in range(1, count + 1)]


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.core.generation import GenerationRequest
    from dgx_pixels_app.engine.engine import validate
    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.jobs.job import Job, JobProgress, ModelLoaded, PostSteps

    request = GenerationRequest(
        prompt=args.prompt, negative_prompt=args.negative, seed=args.seed, steps=args.steps, cfg=args.cfg,
        width=args.width, height=args.height, scheduler=args.scheduler, loras=parse_loras(args.lora),
    )  # fmt: skip
    validate(request, args.count)
    paths = output_paths(args.output, args.count)
    if not paths[0].parent.exists():
        raise InvalidInputError(f"The folder '{paths[0].parent}' does not exist.")
    model = resolve_model(args.model)
    queue = make_queue(args)

    def show(event) -> None:
        if isinstance(event, ModelLoaded):
            m = event.model
            print(f"loaded {m.path.name} ({m.kind}, {m.device}, {m.dtype}) in "
                  f"{m.load_seconds:.1f} s", file=sys.stderr)  # fmt: skip
        elif isinstance(event, JobProgress):
            print(f"\rstep {event.step}/{event.total}", end="", file=sys.stderr, flush=True)

    queue.subscribe(show)
    job = Job.single(request, args.count, post=None if args.raw else PostSteps(),
                     model=model, label="generate", previews=False)  # fmt: skip
    try:
        result = queue.run(job)
    finally:
        queue.backend.close()
    print(file=sys.stderr)
    for path, item in zip(paths, result.items, strict=False):
        image = item.raw if args.raw else item.art
        write_png(path, image, {"parameters": item.request.a1111_parameters(),
                                "dgx-pixels": item.request.to_json()})  # fmt: skip
        print(f"{path}  seed {item.request.seed}  {image.shape[1]}x{image.shape[0]}")
    for _index, message in result.failures:
        print(f"dgx-pixels: error: {message}", file=sys.stderr)
    print(f"{result.seconds:.2f} s, {result.steps_per_second:.2f} it/s", file=sys.stderr)
    return 0 if not result.failures else 2
