"""``dgx-pixels pixelize``: imports numpy and Pillow only, never torch or Qt."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pixelize",
        help="turn an SDXL-style pseudo pixel art image into a true-resolution sprite",
        description="Detects the art-pixel grid, reads one colour per cell, reduces the "
        "palette and removes the background. Writes one output pixel per art pixel (RGBA PNG).",
    )
    p.add_argument("input", help="the image to convert (PNG, JPEG, WebP…)")
    p.add_argument("-o", "--output", required=True, help="the PNG to write")
    p.add_argument("--cell", type=float, help="force the cell size in pixels (default: detect)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--colors", type=int, help="reduce to exactly this many colours at most")
    group.add_argument(
        "--palette",
        help="snap to a palette: a .gpl/.hex/.pal file or a built-in name (pico-8, db32, …)",
    )
    group.add_argument("--keep-colors", action="store_true", help="no palette reduction")
    p.add_argument("--dither", action="store_true", help="ordered (Bayer 4x4) dithering")
    background = p.add_mutually_exclusive_group()
    background.add_argument(
        "--keep-background", action="store_true", help="do not make the background transparent"
    )
    background.add_argument(
        "--background",
        metavar="COLOR",
        help="the background colour as #rrggbb (default: found automatically)",
    )
    p.add_argument(
        "--tolerance", type=float, default=24.0, help="background colour tolerance (default 24)"
    )
    p.add_argument(
        "--contiguous",
        action="store_true",
        help="only remove background connected to the image border (keep enclosed holes)",
    )
    p.add_argument(
        "--method", choices=("median", "mode", "mean"), default="median", help="cell colour reading"
    )
    p.add_argument("--no-cleanup", action="store_true", help="keep orphan pixels")
    p.add_argument(
        "--scale", type=int, default=1, help="also enlarge the result N x (nearest neighbour)"
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from dgx_pixels_app.formats.images import read_rgba, write_png
    from dgx_pixels_app.formats.palettes import find_palette
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

    start = time.perf_counter()
    if args.cell is not None and not 1 <= args.cell <= 512:
        raise InvalidInputError("--cell must be between 1 and 512 pixels.")
    if args.colors is not None and not 1 <= args.colors <= 256:
        raise InvalidInputError("--colors must be between 1 and 256.")
    if not 1 <= args.scale <= 64:
        raise InvalidInputError("--scale must be between 1 and 64.")
    background = parse_color(args.background) if args.background is not None else None
    if Path(args.output).suffix.lower() != ".png":
        raise InvalidInputError(f"The output must be a .png file, not '{args.output}'.")
    options = PixelizeOptions(
        cell=args.cell,
        cell_method=args.method,
        colors=args.colors,
        palette=find_palette(args.palette) if args.palette else None,
        reduce_palette=not args.keep_colors,
        dither=args.dither,
        remove_background=not args.keep_background,
        background_tolerance=args.tolerance,
        background_color=background,
        contiguous=args.contiguous,
        cleanup=not args.no_cleanup,
    )
    image = read_rgba(args.input)
    result = pixelize(image, options)
    out = result.image
    if args.scale > 1:
        out = np.repeat(np.repeat(out, args.scale, axis=0), args.scale, axis=1)
    write_png(args.output, out)
    if not args.quiet:
        h, w = result.image.shape[:2]
        cell = result.cell_size
        cell_text = f"cell {cell[0]:.2f}x{cell[1]:.2f} px, " if cell else ""
        print(
            f"{args.output}: {w}x{h} sprite, {cell_text}{len(result.palette)} colours, "
            f"background {'kept' if result.background is None else 'removed'}"
            f"{'' if result.background_cells is None else f' ({int(result.background_cells.sum())} cells)'} "
            f"({time.perf_counter() - start:.2f} s)"
        )
    return 0


def parse_color(text: str) -> tuple[int, int, int]:
    """'#rrggbb' or 'rrggbb' (or '#rgb') as an RGB tuple."""
    value = text.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise InvalidInputError(f"--background takes a colour like #f4f1ea, not '{text}'.")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
