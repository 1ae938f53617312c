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
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.jobs.batch import check_output
    from dgx_pixels_app.jobs.recolor import parse_hue_shifts, parse_mapping
    from dgx_pixels_app.jobs.variants import named_variants, write_files

    if not args.hue_shift and not args.map:
        raise InvalidInputError(
            "Give --hue-shift DEGREES[,…] or --map '#rrggbb=#rrggbb' (or both)."
        )
    if args.hue_shift:
        parse_hue_shifts(args.hue_shift)  # its errors before the sprite is read
    for text in args.map:
        parse_mapping(text)
    folder = Path(args.output).expanduser()
    check_output(folder)
    sprite = open_document(args.sprite)
    named = named_variants(sprite, args.hue_shift or "", args.map)
    written, replaced = write_files(named, folder, Path(args.sprite).stem, args.overwrite)
    for path in written:
        print(f"wrote {path}")
    for path, kept in replaced:
        print(f"replaced {path} (the old one is kept at {kept})")
    return 0
