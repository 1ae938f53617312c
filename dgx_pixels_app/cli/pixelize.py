"""``dgx-pixels pixelize``: imports numpy and Pillow only, never torch or Qt."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from dgx_pixels_app.core.errors import DgxPixelsError, FileAccessError, InvalidInputError
from dgx_pixels_app.core.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pixelize",
        help="turn an SDXL-style pseudo pixel art image into a true-resolution sprite",
        description="Detects the art-pixel grid, reads one colour per cell, reduces the "
        "palette and removes the background. Writes one output pixel per art pixel (RGBA PNG).",
    )
    p.add_argument("input", nargs="+", help="the image(s) to convert (PNG, JPEG, WebP…)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="the PNG to write; with several inputs (or a path ending in /), a folder that "
        "gets one <name>.png per input",
    )
    p.add_argument("--cell", type=float, help="force the cell size in pixels (default: detect)")
    p.add_argument(
        "--layout", metavar="COLSxROWS",
        help="the image is a strip or sheet of this many frames or tiles (4x1, 8x4): the "
        "cell is found in each and the whole is read at their median",
    )  # fmt: skip
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
    p.add_argument(
        "--no-cleanup",
        action="store_true",
        help="keep stray pixels (cleaned up only for cells under 8 px, where they are noise)",
    )
    p.add_argument(
        "--scale", type=int, default=1, help="also enlarge the result N x (nearest neighbour)"
    )
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.formats.images import read_rgba
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

    start = time.perf_counter()
    if args.cell is not None and not 1 <= args.cell <= 512:
        raise InvalidInputError("--cell must be between 1 and 512 pixels.")
    if args.colors is not None and not 1 <= args.colors <= 256:
        raise InvalidInputError("--colors must be between 1 and 256.")
    if not 1 <= args.scale <= 64:
        raise InvalidInputError("--scale must be between 1 and 64.")
    background = parse_color(args.background) if args.background is not None else None
    palette = None
    if args.palette:
        from dgx_pixels_app.formats.palettes import find_palette

        palette = find_palette(args.palette)
    jobs = _outputs(args.input, args.output)
    options = PixelizeOptions(
        cell=args.cell,
        layout=parse_layout(args.layout) if args.layout else None,
        cell_method=args.method,
        colors=args.colors,
        palette=palette,
        reduce_palette=not args.keep_colors,
        dither=args.dither,
        remove_background=not args.keep_background,
        background_tolerance=args.tolerance,
        background_color=background,
        contiguous=args.contiguous,
        cleanup=not args.no_cleanup,
    )
    if len(jobs) == 1:
        _one(read_rgba(jobs[0][0]), jobs[0][1], options, args, start)
        return 0
    # several images: the next one is decoded while this one is pixelized, and a bad
    # file is reported and skipped, the others still written
    from concurrent.futures import ThreadPoolExecutor

    failed = 0
    with ThreadPoolExecutor(1) as reader:
        upcoming = reader.submit(read_rgba, jobs[0][0])
        for n, (_source, target) in enumerate(jobs):
            current = upcoming
            if n + 1 < len(jobs):
                upcoming = reader.submit(read_rgba, jobs[n + 1][0])
            try:
                _one(current.result(), target, options, args, time.perf_counter())
            except DgxPixelsError as exc:
                failed += 1
                print(f"dgx-pixels: error: {exc}", file=sys.stderr)
    if not args.quiet:
        print(
            f"{len(jobs) - failed} of {len(jobs)} images pixelized into {args.output} "
            f"({time.perf_counter() - start:.2f} s)"
        )
    return 2 if failed else 0


def _outputs(inputs: list[str], output: str) -> list[tuple[str, Path]]:
    """(input, output PNG) pairs: one file, or a folder of <input name>.png."""
    many = len(inputs) > 1 or output.endswith(("/", os.sep)) or Path(output).is_dir()
    if not many:
        if Path(output).suffix.lower() != ".png":
            raise InvalidInputError(f"The output must be a .png file, not '{output}'.")
        return [(inputs[0], Path(output))]
    folder = Path(output)
    if folder.suffix.lower() == ".png":
        raise InvalidInputError(
            f"With several inputs, -o is a folder for their PNGs, not the file '{output}'."
        )
    if folder.exists() and not folder.is_dir():
        raise InvalidInputError(f"'{output}' is a file, not a folder.")
    pairs = [(name, folder / f"{Path(name).stem}.png") for name in inputs]
    seen: dict[Path, str] = {}
    for name, target in pairs:
        if target in seen:
            raise InvalidInputError(
                f"'{seen[target]}' and '{name}' would both be written to '{target}': "
                "rename one, or run them separately."
            )
        seen[target] = name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"Cannot make the folder '{folder}': {exc.strerror or exc}.") from exc
    return pairs


def _one(image, target: Path, options, args: argparse.Namespace, start: float) -> None:
    import numpy as np

    from dgx_pixels_app.formats.images import write_png
    from dgx_pixels_app.pixelize.pipeline import pixelize

    result = pixelize(image, options)
    out = result.image
    if args.scale > 1:
        out = np.repeat(np.repeat(out, args.scale, axis=0), args.scale, axis=1)
    write_png(target, out)
    if not args.quiet:
        h, w = result.image.shape[:2]
        cell = result.cell_size
        cell_text = f"cell {cell[0]:.2f}x{cell[1]:.2f} px, " if cell else ""
        colours, taken = len(result.palette), result.background_cells
        taken = "" if taken is None else f" ({counted(int(taken.sum()), 'cell')})"
        print(
            f"{target}: {w}x{h} sprite, {cell_text}{counted(colours, 'colour')}, "
            f"background {'kept' if result.background is None else 'removed'}{taken} "
            f"({time.perf_counter() - start:.2f} s)"
        )
    for note in result.notes:
        print(f"note: {target.name}: {note}", file=sys.stderr)
    if options.cell is None and result.grid is not None:
        _say_close_grids(image, result, target, options)


def _say_close_grids(image, result, target: Path, options) -> None:
    """Never a silent guess: when another grid reads the picture about as well (or a
    finer one much better), say which, and how to ask for it."""
    from dgx_pixels_app.pixelize.candidates import as_sprites, candidates, close_call

    chosen = result.grid.x.cell
    others = [c for c in close_call(candidates(image, result.grid), chosen) if c.cell != chosen]
    others = as_sprites(image, options, result, others)
    if others:
        shown = "; ".join(f"{c.cell:.2f} px → {c.size[0]}x{c.size[1]} ({c.left:.1%} left inside, "
                          f"--cell {c.cell:.2f})" for c in others)  # fmt: skip
        print(f"note: {target.name}: read at {chosen:.2f} px; it reads about as well at "
              f"{shown}", file=sys.stderr)  # fmt: skip


def parse_layout(text: str) -> tuple[int, int]:
    """'4x1' → (4, 1)."""
    from dgx_pixels_app.pixelize.layout import check_layout

    match = re.fullmatch(r"\s*(\d{1,3})\s*[xX×]\s*(\d{1,3})\s*", text)
    if match is None:
        raise InvalidInputError(f"--layout is COLUMNSxROWS (4x1, 8x4), not '{text[:40]}'.")
    layout = (int(match[1]), int(match[2]))
    try:
        check_layout(layout)
    except InvalidInputError as exc:
        raise InvalidInputError(f"--layout: {exc}") from exc
    return layout


def parse_color(text: str) -> tuple[int, int, int]:
    """'#rrggbb' or 'rrggbb' (or '#rgb') as an RGB tuple."""
    value = text.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6 or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise InvalidInputError(f"--background takes a colour like #f4f1ea, not '{text}'.")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))
