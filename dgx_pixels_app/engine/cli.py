"""``dgx-pixels generate`` and ``dgx-pixels make-test-model``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError


def register(sub: argparse._SubParsersAction) -> None:
    make = sub.add_parser(
        "make-test-model",
        help="write a tiny SDXL-shaped model with random weights (+ test-lora.safetensors)",
    )
    make.add_argument("folder")
    make.set_defaults(handler=run_make)

    gen = sub.add_parser("generate", help="generate sprites with SDXL (+ LoRAs)")
    gen.add_argument("prompt")
    gen.add_argument(
        "--model", required=True, help="a diffusers SDXL folder or a single-file .safetensors"
    )
    gen.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="FILE[:WEIGHT]",
        help="apply a LoRA (repeatable)",
    )
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
    gen.add_argument("--device", default="auto", help="auto, cuda, cpu, mps")
    gen.add_argument(
        "-o", "--output", required=True, help="OUT.png (OUT-1.png, OUT-2.png… when --count > 1)"
    )
    gen.set_defaults(handler=run_generate)


def run_make(args: argparse.Namespace) -> int:
    from dgx_pixels_app.engine.tiny import make_test_model

    folder, lora = make_test_model(args.folder)
    print(f"wrote a tiny SDXL-shaped model to {folder}\nwrote its LoRA to {lora}")
    return 0


def parse_lora(text: str):
    from dgx_pixels_app.core.generation import LoraRef

    path, _, weight = text.rpartition(":") if ":" in Path(text).name else (text, "", "")
    try:
        value = float(weight) if weight else 1.0
    except ValueError as exc:
        raise InvalidInputError(f"LoRA weight in '{text}' is not a number.") from exc
    if not -4 <= value <= 4:
        raise InvalidInputError(f"LoRA weight {value} is out of range (-4 to 4).")
    return LoraRef(path or text, value)


def output_paths(output: str, count: int) -> list[Path]:
    out = Path(output)
    if out.suffix.lower() != ".png":
        raise InvalidInputError(f"The output must be a .png file, not '{output}'.")
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i}{out.suffix}") for i in range(1, count + 1)]


def run_generate(args: argparse.Namespace) -> int:
    from dgx_pixels_app.core.generation import GenerationRequest
    from dgx_pixels_app.engine.engine import Engine, validate
    from dgx_pixels_app.engine.settings import EngineSettings
    from dgx_pixels_app.formats.images import write_png

    request = GenerationRequest(
        prompt=args.prompt, negative_prompt=args.negative, seed=args.seed, steps=args.steps, cfg=args.cfg,
        width=args.width, height=args.height, scheduler=args.scheduler,
        loras=[parse_lora(item) for item in args.lora],
    )  # fmt: skip
    validate(request, args.count)
    paths = output_paths(args.output, args.count)
    if not paths[0].parent.exists():
        raise InvalidInputError(f"The folder '{paths[0].parent}' does not exist.")
    engine = Engine(EngineSettings(device=args.device))
    model = engine.load(args.model)
    print(
        f"loaded {model.path.name} ({model.kind}, {model.device}, {str(model.dtype).replace('torch.', '')}) in {model.load_seconds:.1f} s",
        file=sys.stderr,
    )

    def progress(p) -> None:
        print(f"\rstep {p.step}/{p.total}", end="", file=sys.stderr, flush=True)

    result = engine.generate(request, count=args.count, progress=progress, preview_every=0)
    print(file=sys.stderr)
    for path, image, req in zip(paths, result.images, result.requests, strict=True):
        if not args.raw:
            from dgx_pixels_app.pixelize.pipeline import pixelize

            image = pixelize(image).image
        write_png(path, image)
        print(f"{path}  seed {req.seed}  {image.shape[1]}x{image.shape[0]}")
    print(f"{result.seconds:.2f} s, {result.steps_per_second:.2f} it/s", file=sys.stderr)
    return 0
