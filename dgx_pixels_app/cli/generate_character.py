"""``dgx-pixels generate-character --reference hero.png --directions 4 --actions idle,walk``."""

from __future__ import annotations

import argparse
import sys

from dgx_pixels_app.cli.common import (
    add_model_options,
    add_overwrite_option,
    add_sampling_options,
    make_queue,
    parse_loras,
    print_bevy_files,
    request_options_from,
    resolve_model,
)
from dgx_pixels_app.cli.progress import JobBar, add_quiet_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate-character",
        help="one character in 1/2/4/8 directions and several actions, from a reference image "
        "(IP-Adapter + pose ControlNet): .aseprite with a tag per action_direction, sheet, GIFs",
    )
    p.add_argument("--reference", help="the character's reference image (a sprite)")
    p.add_argument("--prompt", help="what it is (helps the reference; default 'character')")
    p.add_argument("--directions", type=int, default=4, help="1 (east), 2, 4 or 8 (default 4)")
    p.add_argument("--actions", default="idle,walk",
                   help="pose templates, comma-separated: idle, walk, run, attack, jump, hurt, "
                   "cast, or one you saved (default idle,walk)")  # fmt: skip
    add_character_options(p)
    p.set_defaults(handler=run)


def add_character_options(p: argparse.ArgumentParser) -> None:
    """What generate-character and generate-animation --pose share."""
    p.add_argument("--character", metavar="NAME",
                   help="a saved character: its reference, prompt, seed, palette, LoRAs, model "
                   "and size (flags given override them)")  # fmt: skip
    p.add_argument("--save-as", metavar="NAME",
                   help="keep this character in your library for later --character NAME")  # fmt: skip
    p.add_argument("--size", type=int, help="sprite size in px (default 48)")
    p.add_argument("--shape", choices=("tall", "chibi"),
                   help="body proportions of the poses (default: chibi at 32 px and below)")  # fmt: skip
    p.add_argument("--view", choices=("side", "top-down"),
                   help="default: side for east/west only, else top-down")  # fmt: skip
    p.add_argument("--weight", type=float, help="the reference's weight (0-2, default 0.7)")
    p.add_argument("--pose-strength", type=float, default=1.0, help="the pose control's (0-2)")
    p.add_argument("--pose-end", type=float, default=1.0,
                   help="the pose acts over the steps 0..END (0-1; default 1)")  # fmt: skip
    p.add_argument("--chain", action="store_true",
                   help="each frame starts from the one before (image-to-image)")  # fmt: skip
    p.add_argument("--palette", help="snap every frame to this palette (default: the reference's)")
    p.add_argument("-o", "--output", help="the folder (default ./character-NAME/)")
    p.add_argument("--name", help="file names (default: from the prompt)")
    p.add_argument("--bevy", metavar="GAME_DIR", help="also export into this Bevy project")
    add_overwrite_option(p)
    add_quiet_option(p)
    add_sampling_options(p)
    add_model_options(p)


def options_from(args: argparse.Namespace, actions: list[str], facing=None):
    from dgx_pixels_app.core.errors import InvalidInputError
    from dgx_pixels_app.jobs.character import CharacterOptions

    saved = _saved(args)
    if not args.reference:
        raise InvalidInputError(
            "Give the character's reference image (--reference FILE) or a saved character "
            "(--character NAME)."
        )
    return CharacterOptions(
        reference=args.reference, model=resolve_model(args.model),
        prompt=args.prompt or "character", directions=getattr(args, "directions", 1),
        facing=facing, actions=[a.strip() for a in actions if a.strip()],
        size=48 if args.size is None else args.size, shape=args.shape, view=args.view,
        weight=args.weight if args.weight is not None else 0.7, pose_strength=args.pose_strength,
        pose_end=args.pose_end, chain=args.chain, palette=args.palette, output=args.output,
        name=args.name, seed=args.seed, steps=args.steps, cfg=args.cfg, scheduler=args.sampler,
        loras=parse_loras(args.lora), resolution=args.resolution,
        options=request_options_from(args), bevy=args.bevy, overwrite=args.overwrite,
    ) if saved is None else _with_saved(args, saved, actions, facing)  # fmt: skip


def _saved(args: argparse.Namespace):
    """The saved character named by --character (its values fill the flags not given)."""
    if not getattr(args, "character", None):
        return None
    from dgx_pixels_app.jobs.characters import load

    character, reference = load(args.character)
    args.reference = args.reference or str(reference)
    args.prompt = args.prompt or character.prompt
    args.seed = character.seed if args.seed is None else args.seed
    args.size = character.size if args.size is None else args.size
    args.shape, args.view = args.shape or character.shape, args.view or character.view
    args.weight = character.weight if args.weight is None else args.weight
    args.model = args.model or character.model
    if not args.lora:
        args.lora = [f"{lo['path']}:{lo['weight']}" for lo in character.loras]
    return character


def _with_saved(args, character, actions, facing):
    saved, args.character = args.character, None
    options = options_from(args, actions, facing)
    args.character = saved
    if args.palette is None and character.palette:
        options.palette = character.palette_object()
    return options


def run(args: argparse.Namespace) -> int:
    return make_character(options_from(args, args.actions.split(",")), args)


def make_character(options, args: argparse.Namespace) -> int:
    """Plan (every input checked), find the control models, generate, write, report."""
    from dgx_pixels_app.engine import hashes
    from dgx_pixels_app.jobs.character import generate, plan, requests_for
    from dgx_pixels_app.jobs.character_files import write_character

    chosen = plan(options)
    if getattr(args, "save_as", None):
        from dgx_pixels_app.jobs.characters import check_new

        check_new(args.save_as, overwrite=options.overwrite)  # before any work
    frames_in = requests_for(chosen)  # the control models found: before the base loads
    print(f"{chosen.frames} frames: " + ", ".join(f"{r.tag} ({r.skeletons})" for r in chosen.rows),
          file=sys.stderr)  # fmt: skip
    queue = make_queue(args)
    bar = JobBar(options.model, "frame", chosen.frames, getattr(args, "quiet", False))
    queue.subscribe(bar)
    try:
        frames, requests = generate(queue.run, chosen, frames_in)
    finally:
        bar.close()
        queue.backend.close()
    sha = hashes.sha256(options.model)
    files = write_character(chosen, frames, requests, sha)
    _report(files, chosen)
    if getattr(args, "save_as", None):
        from dgx_pixels_app.jobs.characters import keep

        print(f"saved the character to {keep(args.save_as, chosen, sha)}")
    return 0


def _report(files, chosen) -> None:
    print(f"{'tag':<22} {'frame':>5} {'palette':>8} {'height':>7} {'colours':>8}")
    k = 0
    for row in chosen.rows:
        for i in range(row.skeletons):
            f = files.figures[k]
            flag = "  ← check this frame" if f.flagged else ""
            print(f"{row.tag:<22} {i:>5} {f.palette_overlap:>7.0%} {f.height_drift:>6.0%} "
                  f"{f.histogram_distance:>8.2f}{flag}")  # fmt: skip
            k += 1
    for path in (files.aseprite, files.sheet, files.json, *files.gifs, files.manifest):
        print(f"wrote {path}")
    if files.bevy is not None:
        print_bevy_files(files.bevy)
        print()
        print(files.bevy.snippet)
