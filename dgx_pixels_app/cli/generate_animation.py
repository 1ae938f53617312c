"""``dgx-pixels generate-animation --prompt P --frames N --type idle``."""

from __future__ import annotations

import argparse

from dgx_pixels_app.cli.common import (
    add_model_options,
    add_overwrite_option,
    add_sampling_options,
    cpu_defaults,
    make_queue,
    parse_loras,
    print_bevy_files,
    request_options_from,
    resolve_model,
    say,
)
from dgx_pixels_app.cli.progress import JobBar, add_quiet_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate-animation",
        help="an animated sprite: frames, .aseprite with a tag, sheet + JSON, GIF, optionally into Bevy",
    )
    p.add_argument("--prompt", help='the character, e.g. "fantasy knight character"')
    p.add_argument("--frames", type=int, help="2-16 (default: the type's)")
    p.add_argument(
        "--type",
        default="idle",
        help="animation preset: idle, walk, attack… (presets/animations.toml)",
    )
    p.add_argument("--size", type=int, help="frame size in px (default 64)")
    p.add_argument("--method", default="strip", choices=("strip", "chain"),
                   help="strip: N poses in one image; chain: each frame from the one before")  # fmt: skip
    p.add_argument("--strength", type=float, help="chain: how much each frame may change")
    p.add_argument("--palette", help="snap every frame to a palette (name or file)")
    p.add_argument("-o", "--output", help="the folder (default: ./<type>-<prompt>/)")
    p.add_argument("--name", help="file names (default: from the prompt)")
    p.add_argument("--bevy", metavar="GAME_DIR", help="also export into this Bevy project")
    g = p.add_argument_group(
        "one character's frames from a pose template (IP-Adapter + pose ControlNet)"
    )
    g.add_argument(
        "--reference", help="the character's reference image: every frame keeps its look"
    )
    g.add_argument("--character", metavar="NAME", help="a saved character (generate-character "
                   "--save-as): its reference, prompt, seed, palette, LoRAs and model")  # fmt: skip
    g.add_argument("--pose", help="a pose template: idle, walk, run, attack, jump, hurt, cast or "
                   "one you saved (the frames and durations are the template's)")  # fmt: skip
    g.add_argument("--direction", default="east",
                   help="east, west, south, north, south-east… (default east)")  # fmt: skip
    g.add_argument("--shape", choices=("tall", "chibi"), help="default: chibi at 32 px and below")
    g.add_argument("--view", choices=("side", "top-down"), help="default: side for east/west")
    g.add_argument("--weight", type=float, help="the reference's weight (0-2, default 0.7)")
    g.add_argument("--pose-strength", type=float, default=1.0, help="the pose control's (0-2)")
    g.add_argument("--pose-end", type=float, default=1.0, help="the pose acts over steps 0..END")
    add_overwrite_option(p)
    add_quiet_option(p)
    add_sampling_options(p)
    add_model_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.pose or args.reference or args.character:
        return _posed(args)
    args.size = 64 if args.size is None else args.size
    note = cpu_defaults(args)
    if not args.prompt:
        from dgx_pixels_app.core.errors import InvalidInputError

        raise InvalidInputError('Give the character: --prompt "fantasy knight character".')
    from dgx_pixels_app.engine import hashes
    from dgx_pixels_app.jobs.animation import (
        AnimationOptions,
        check,
        generate_frames,
        write_animation,
    )

    options = AnimationOptions(
        prompt=args.prompt, model=resolve_model(args.model), frames=args.frames, type=args.type,
        size=args.size, method=args.method, palette=args.palette, output=args.output,
        name=args.name, seed=args.seed, steps=args.steps, cfg=args.cfg, scheduler=args.sampler,
        loras=parse_loras(args.lora), resolution=args.resolution, strength=args.strength,
        bevy=args.bevy, overwrite=args.overwrite, options=request_options_from(args),
    )  # fmt: skip
    check(options)
    if options.palette:
        from dgx_pixels_app.formats.palettes import find_palette

        find_palette(options.palette)
    say(note)  # the checks passed: now the CPU note is worth reading
    queue = make_queue(args)
    bar = JobBar(options.model, "frame", options.frames if options.method == "chain" else 1,
                 args.quiet)  # fmt: skip
    queue.subscribe(bar)
    try:
        frames, requests, chosen = generate_frames(queue.run, options)
    finally:
        bar.close()
        queue.backend.close()
    files = write_animation(options, frames, requests, chosen, hashes.sha256(options.model))
    print(f"{'frame':>5}  {'changed':>8}  {'box':>18}  {'drift':>7}")
    for i, (path, c) in enumerate(zip(files.frames, files.checks, strict=True)):
        box = "empty" if c.box is None else "{},{}-{},{}".format(*c.box)
        flag = "  ← check this frame" if c.broken(options.size) else ""
        print(f"{i:>5}  {c.change:>7.0%}  {box:>18}  {c.drift:>5.1f}px  {path.name}{flag}")
    for path in (files.aseprite, files.sheet, files.json, files.gif, files.manifest):
        print(f"wrote {path}")
    if files.bevy is not None:
        print_bevy_files(files.bevy)
        print()
        print(files.bevy.snippet)
    return 0


def _posed(args: argparse.Namespace) -> int:
    """--reference and --pose: the character job for one action and one direction."""
    from dgx_pixels_app.cli.generate_character import make_character, options_from
    from dgx_pixels_app.core.errors import InvalidInputError

    if not args.pose:
        raise InvalidInputError(
            "A reference or a character goes with --pose (a pose template: walk, attack…)."
        )
    args.chain = args.method == "chain"
    options = options_from(args, [args.pose], facing=[args.direction])
    if args.strength is not None:
        options.chain_strength = args.strength
    return make_character(options, args)
