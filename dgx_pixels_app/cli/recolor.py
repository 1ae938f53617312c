"""``dgx-pixels recolor SPRITE --hue-shift 120,240 [--map '#a=#b,…'] -o FOLDER``: colour
variants of a sprite (every layer and frame), one ``.aseprite`` each."""

from __future__ import annotations

import argparse
from pathlib import Path

from dgx_pixels_app.cli.common import add_overwrite_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recolor", help="colour variants of a sprite: hue shifts or mappings")
    p.add_argument("sprite", help="an .aseprite or image file")
    p.add_argument("--hue-shift", help="degrees, comma-separated: one variant each (120,240)")
    p.add_argument("--map", action="append", default=[],
                   help="'#rrggbb=#rrggbb[,…]': one variant per --map")  # fmt: skip
    p.add_argument("-o", "--output", required=True, help="the folder for the variants")
    add_overwrite_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.core.errors import InvalidInputError
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.deploy import guard, remember
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.jobs.batch import check_output
    from dgx_pixels_app.jobs.recolor import (
        MAX_VARIANTS,
        hue_variant,
        mapped_variant,
        parse_hue_shifts,
        parse_mapping,
        variant_paths,
    )

    shifts = parse_hue_shifts(args.hue_shift) if args.hue_shift else []
    maps = [parse_mapping(text) for text in args.map]
    if not shifts and not maps:
        raise InvalidInputError(
            "Give --hue-shift DEGREES[,…] or --map '#rrggbb=#rrggbb' (or both)."
        )
    if len(shifts) + len(maps) > MAX_VARIANTS:
        raise InvalidInputError(f"At most {MAX_VARIANTS} variants at once.")
    sprite = open_document(args.sprite)
    folder = Path(args.output).expanduser()
    check_output(folder)
    paths = variant_paths(folder, Path(args.sprite).stem, shifts, len(maps))
    variants = [hue_variant(sprite, s) for s in shifts] + [mapped_variant(sprite, m) for m in maps]
    folder.mkdir(parents=True, exist_ok=True)
    guard(folder, paths, args.overwrite)  # refused before anything is written
    replaced = guard(folder, paths, args.overwrite, keep=True)
    for path, made in zip(paths, variants, strict=True):
        aseprite.save(made, path)
        print(f"wrote {path}")
    remember(folder, paths)
    for path, kept in replaced:
        print(f"replaced {path} (the old one is kept at {kept})")
    return 0
