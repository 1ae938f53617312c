"""``dgx-pixels generate PROMPT``: sprites from one prompt, through the jobs pipeline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgx_pixels_app.cli.common import (
    add_guide_options,
    add_model_options,
    add_overwrite_option,
    add_request_options,
    cpu_defaults,
    guides_from,
    make_queue,
    note_recipe,
    parse_loras,
    request_options_from,
    resolve_model,
    say,
)
from dgx_pixels_app.cli.progress import JobBar, add_quiet_option
from dgx_pixels_app.core.errors import InvalidInputError


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser(
        "generate",
        help="generate sprites with SDXL (+ LoRAs): generate [KIND] PROMPT",
        description="KIND (optional) is an asset kind from presets/asset-kinds.toml (character, "
        "tile, item, ui-icon, effect): it wraps the prompt in the kind's template and sets its "
        'recommended size, steps and CFG. Example: dgx-pixels generate character "medieval knight"',
    )
    gen.add_argument("words", nargs="+", metavar="[KIND] PROMPT")
    gen.add_argument("--style", help="style preset (8bit, 16bit, gameboy, modern)")
    add_model_options(gen)
    gen.add_argument("--negative", default="", help="negative prompt")
    gen.add_argument("--steps", type=int, help="default: the kind's (presets)")
    gen.add_argument("--cfg", type=float, help="default: the kind's (presets)")
    gen.add_argument("--seed", type=int, help="default: random (printed)")
    gen.add_argument("--width", type=int, help="default: the kind's (presets)")
    gen.add_argument("--height", type=int, help="default: the kind's (presets)")
    gen.add_argument("--count", type=int, default=1)
    gen.add_argument(
        "--scheduler",
        help="euler, euler_a, dpmpp_2m, dpmpp_2m_karras, ddim, unipc (default: the kind's)",
    )
    add_request_options(gen)
    add_guide_options(gen)
    gen.add_argument(
        "--raw", action="store_true", help="keep SDXL's output as it is (skip pixelize)"
    )
    gen.add_argument(
        "-o",
        "--output",
        help="OUT.png (OUT-1.png, OUT-2.png… when --count > 1); default: named from the "
        "prompt, never a name a file already has",
    )
    add_overwrite_option(gen)
    add_quiet_option(gen)
    gen.set_defaults(handler=run)


def output_paths(output: str, count: int) -> list[Path]:
    out = Path(output)
    if out.suffix.lower() != ".png":
        raise InvalidInputError(f"The output must be a .png file, not '{output}'.")
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i}{out.suffix}") for i in range(1, count + 1)]


def kind_and_prompt(words: list[str]) -> tuple[str | None, str]:
    """``[KIND] PROMPT``: with two words the first is an asset kind (checked by the builder)."""
    if len(words) > 2:
        raise InvalidInputError(
            'Give the prompt as one argument in quotes: generate [KIND] "a knight with a cape".'
        )
    if len(words) == 1:
        return None, words[0]
    return words[0], words[1]


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.jobs.guides import prepare
    from dgx_pixels_app.jobs.job import Job, PostSteps
    from dgx_pixels_app.jobs.requests import Choices, build_request

    kind, subject = kind_and_prompt(args.words)
    note = cpu_defaults(args, kind)
    references, controls = guides_from(args)
    request = build_request(Choices(
        subject, kind=kind, style=args.style, negative=args.negative, seed=args.seed,
        steps=args.steps, cfg=args.cfg, width=args.width, height=args.height,
        scheduler=args.scheduler, loras=parse_loras(args.lora),
        options=request_options_from(args), references=references, controls=controls,
    ), args.count)  # fmt: skip
    request, guides = prepare(request)  # models chosen, images read: before the model loads
    note_recipe(args, request)
    target = _target(args, subject)
    say(note)  # the checks passed: now the CPU note is worth reading
    model = resolve_model(args.model)
    queue = make_queue(args)
    bar = JobBar(model, "image", args.count, args.quiet)
    queue.subscribe(bar)
    job = Job.single(request, args.count, guides=guides, post=None if args.raw else PostSteps(),
                     model=model, label="generate", previews=False, target=target)  # fmt: skip
    try:
        result = queue.run(job)
    finally:
        bar.close()
        queue.backend.close()
    for path, item in target.written:
        image = item.raw if args.raw else item.art
        print(f"{path}  seed {item.request.seed}  {image.shape[1]}x{image.shape[0]}")
    for path, kept in target.replaced:
        print(f"replaced {path} (the old one is in {kept})", file=sys.stderr)
    for _index, message in result.failures:
        print(f"dgx-pixels: error: {message}", file=sys.stderr)
    print(f"{result.seconds:.2f} s, {result.steps_per_second:.2f} it/s", file=sys.stderr)
    return 0 if not result.failures else 2


def _target(args: argparse.Namespace, subject: str):
    """Exactly the -o names (nothing hand-made replaced unless --overwrite), or names
    from the prompt that no file in the current folder has yet."""
    from dgx_pixels_app.formats.deploy import guard
    from dgx_pixels_app.jobs.items import slug
    from dgx_pixels_app.jobs.targets import PngFolder

    if args.output is None:
        return PngFolder(Path.cwd(), name=lambda _item: slug(subject), raw=args.raw)
    paths = output_paths(args.output, args.count)
    folder = paths[0].parent
    if not folder.is_dir():
        raise InvalidInputError(f"The folder '{folder}' does not exist.")
    guard(folder, paths, args.overwrite)  # refused before any work
    return PngFolder(folder, paths=paths, raw=args.raw, overwrite=args.overwrite)
