"""``dgx-pixels generate-tileset --prompt P``: seamless tile variations and a tileset."""

from __future__ import annotations

import argparse
import sys

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
from dgx_pixels_app.core.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate-tileset",
        help="seamless tiles: tile PNGs, a sheet + JSON, a Tiled .tsx, optionally into Bevy",
    )
    p.add_argument(
        "--prompt", required=True, help='what the tiles show, e.g. "stone dungeon floor"'
    )
    p.add_argument("--size", type=int, default=32, help="tile size in px: 8-128, a multiple of 4")
    p.add_argument("--variations", type=int, default=8, help="how many tiles (default 8)")
    p.add_argument(
        "--seamless", nargs="?", const="xy", default="", choices=("x", "y", "xy"),
        help="tile along x, y or both (just --seamless: both)",
    )  # fmt: skip
    p.add_argument("--palette", help="one palette for every tile: a name (db32, pico-8…) or a file")
    p.add_argument("--style", help="style preset (8bit, 16bit, gameboy, modern)")
    p.add_argument("-o", "--output", help="the folder (default: ./tileset-<prompt>/)")
    p.add_argument("--name", help="file names (default: from the prompt)")
    p.add_argument("--padding", type=int, default=0, help="pixels between tiles in the sheet")
    p.add_argument("--extrude", type=int, default=0, help="repeat tile edges N px (no bleeding)")
    p.add_argument("--columns", type=int, help="tiles per sheet row (default: up to 8)")
    p.add_argument(
        "--remove-background", action="store_true", help="make a flat background transparent"
    )
    p.add_argument("--bevy", metavar="GAME_DIR", help="also write the sheet into this Bevy project")
    add_overwrite_option(p)
    add_quiet_option(p)
    add_sampling_options(p)
    add_model_options(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.jobs.tileset import TilesetOptions, check_tile_size, prepare_tileset

    check_tile_size(args.size)
    note = cpu_defaults(args, "tile")
    options = TilesetOptions(
        prompt=args.prompt, model=resolve_model(args.model), size=args.size,
        variations=args.variations, seamless=args.seamless, palette=args.palette,
        output=args.output, style=args.style, seed=args.seed, steps=args.steps, cfg=args.cfg,
        scheduler=args.sampler, loras=parse_loras(args.lora), resolution=args.resolution,
        padding=args.padding, extrude=args.extrude, columns=args.columns,
        remove_background=args.remove_background, bevy=args.bevy, name=args.name,
        overwrite=args.overwrite, options=request_options_from(args),
    )  # fmt: skip
    job = prepare_tileset(options)
    say(note)  # the checks passed: now the CPU note is worth reading
    queue = make_queue(args)
    bar = JobBar(options.model, "tile", len(job.tasks), args.quiet)
    queue.subscribe(bar)
    try:
        result = queue.run(job)
    finally:
        bar.close()
        queue.backend.close()
    target = job.target
    flagged = 0
    for entry in target.manifest.images:
        if entry["status"] != "done":
            print(f"{entry['file']}  failed: {entry.get('error')}", file=sys.stderr)
            continue
        seam = entry["seam"]
        flag = "" if entry["seamless"] else "  ← visible seam"
        flagged += not entry["seamless"]
        print(f"{target.output / entry['file']}  seed {entry['seed']}  seam {seam['score']:.2f} "
              f"(x {seam['x']:.2f}, y {seam['y']:.2f}){flag}")  # fmt: skip
    for path in target.files[len(target.tiles) :]:
        print(f"wrote {path}")
    if target.bevy is not None:
        print_bevy_files(target.bevy)
        print()
        print(target.bevy_snippet)
    print(f"{counted(len(result.items), 'tile')}, {flagged} with a visible seam, {len(result.failures)} failed",
          file=sys.stderr)  # fmt: skip
    return 1 if result.failures else 0
