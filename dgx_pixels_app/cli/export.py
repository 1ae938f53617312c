"""``dgx-pixels export``: sprite sheets with JSON, Bevy projects, animated .aseprite.

SRC is an ``.aseprite`` file, an Aseprite sheet ``.json``, a GIF/APNG, or one or
more PNG frames (frames numbered from 0). Imports numpy and Pillow only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dgx_pixels_app.cli.common import add_overwrite_option, print_bevy_files
from dgx_pixels_app.core.errors import InvalidInputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write a sprite sheet + JSON, an animated .aseprite, or into a Bevy project",
        description="Examples:\n"
        "  dgx-pixels export hero.aseprite -o hero.png --format sheet --columns 4 --padding 1\n"
        "  dgx-pixels export f0.png f1.png f2.png -o walk.aseprite --durations 100,100,150 --tag walk:0-2:pingpong\n"
        "  dgx-pixels export hero.aseprite --bevy ~/games/my_game --name hero\n"
        "  dgx-pixels export anim.aseprite -o anim.gif --format gif [--tag walk]\n"
        "  dgx-pixels export anim.aseprite -o anim.png --format apng [--tag walk]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "sources", nargs="+", metavar="SRC", help=".aseprite, sheet .json, GIF/APNG, or PNG frames"
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", help="the file to write (.png sheet, .aseprite)")
    target.add_argument(
        "--bevy", metavar="GAME_DIR", help="a Bevy project folder (with Cargo.toml)"
    )
    p.add_argument(
        "--format",
        choices=("sheet", "aseprite", "gif", "apng"),
        help="default: from the output's extension (.png: a sheet)",
    )
    p.add_argument("--layout", choices=("rows", "columns", "packed"), default="rows")
    p.add_argument("--columns", type=int, help="frames per row (rows) or per column (columns)")
    p.add_argument("--padding", type=int, default=0, help="pixels between frames")
    p.add_argument("--border", type=int, default=0, help="pixels around the sheet")
    p.add_argument("--extrude", type=int, default=0, help="repeat each frame's edge pixels N times")
    p.add_argument("--trim", action="store_true", help="crop frames to their opaque pixels")
    p.add_argument(
        "--merge-duplicates", action="store_true", help="identical frames share one cell"
    )
    p.add_argument(
        "--power-of-two", action="store_true", help="round the sheet size up to powers of two"
    )
    p.add_argument("--scale", type=int, default=1, help="nearest-neighbour scale 1..8")
    p.add_argument("--layer", help="only this layer (default: visible layers merged)")
    p.add_argument("--json-array", action="store_true", help="JSON frames as an array, not a hash")
    p.add_argument(
        "--tag", action="append", default=[],
        help="NAME: export only this tag; NAME:FROM-TO[:forward|reverse|pingpong]: define a tag (PNG frames)",
    )  # fmt: skip
    p.add_argument("--durations", help="frame durations in ms, comma-separated (PNG frames)")
    p.add_argument("--name", help="asset name in the Bevy project (default: the source's name)")
    p.add_argument(
        "--subfolder", default="sprites", help="folder inside assets/ (default: sprites)"
    )
    p.add_argument(
        "--with-aseprite", action="store_true", help="also copy the .aseprite into assets/"
    )
    add_overwrite_option(p)
    p.set_defaults(handler=run)


def _load(args: argparse.Namespace):
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.frames import parse_durations, parse_tag, sprite_from_pngs

    definitions = [parse_tag(t) for t in args.tag if ":" in t]
    selections = [t for t in args.tag if ":" not in t]
    if len(selections) > 1:
        raise InvalidInputError("Give at most one --tag NAME to export.")
    sources = [Path(s) for s in args.sources]
    if len(sources) > 1 or definitions or args.durations:
        if any(s.suffix.lower() != ".png" for s in sources):
            raise InvalidInputError(
                "Several sources, --durations and tag definitions need PNG frames."
            )
        durations = parse_durations(args.durations, len(sources)) if args.durations else None
        sprite = sprite_from_pngs(sources, durations, definitions)
    else:
        sprite = open_document(sources[0])
    return sprite, (selections[0] if selections else None), sources[0].stem


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.formats.sheet import SheetOptions

    sprite, tag, stem = _load(args)
    options = SheetOptions(
        layout=args.layout, columns=args.columns, padding=args.padding, border=args.border,
        extrude=args.extrude, trim=args.trim, merge_duplicates=args.merge_duplicates,
        power_of_two=args.power_of_two, scale=args.scale, tag=tag, layer=args.layer,
    )  # fmt: skip
    if args.bevy:
        from dgx_pixels_app.formats.bevy import export_to_bevy

        result = export_to_bevy(sprite, args.bevy, args.name or stem, args.subfolder, options,
                                args.with_aseprite, args.overwrite)  # fmt: skip
        grid = result.sheet.grid
        print_bevy_files(result)
        print(
            f"// {len(result.sheet.frames)} frames of {grid['tile_size'][0]}x{grid['tile_size'][1]} px, "
            f"{grid['columns']} columns x {grid['rows']} rows\n"
        )
        print(result.snippet)
        return 0
    output = Path(args.output)
    kinds = {
        ".aseprite": "aseprite",
        ".ase": "aseprite",
        ".png": "sheet",
        ".gif": "gif",
        ".apng": "apng",
    }
    kind = args.format or kinds.get(output.suffix.lower())
    if kind in ("gif", "apng"):
        from dgx_pixels_app.formats.animation import save_animation

        count = save_animation(sprite, output, kind, tag, args.scale)
        print(f"wrote {output}: {count} frames{f' (tag {tag})' if tag else ''}")
        return 0
    if kind == "aseprite":
        from dgx_pixels_app.formats import aseprite

        aseprite.save(sprite, output)
        print(
            f"wrote {output}: {sprite.width}x{sprite.height}, {len(sprite.frames)} frames, {len(sprite.tags)} tags"
        )
        return 0
    if kind != "sheet" or output.suffix.lower() != ".png":
        raise InvalidInputError(
            f"Cannot tell what to write as '{output.name}': use .png (sheet) or .aseprite."
        )
    from dgx_pixels_app.formats.sheet_json import write_sheet_files

    form = "array" if args.json_array else "hash"
    sheet = write_sheet_files(sprite, options, output, form, stem)
    h, w = sheet.image.shape[:2]
    print(f"wrote {output} ({w}x{h}, {len(sheet.frames)} frames) and {output.with_suffix('.json')}")
    return 0
