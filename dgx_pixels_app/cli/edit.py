"""``dgx-pixels edit SPRITE OPERATION -o OUT.aseprite [options]``: the Sprite menu's
operations from the command line (outline, replace-color, hue-saturation,
brightness-contrast, rotate, canvas-size, sprite-size, trim, indexed, rgb)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dgx_pixels_app.cli.common import add_overwrite_option

FLAGS = {  # option: (type, help)
    "color": (str, "outline colour, '#rrggbb[aa]' (default black)"),
    "from": (str, "replace-color: the colour to replace"),
    "to": (str, "replace-color: the colour to put instead"),
    "tolerance": (int, "replace-color: 0-255 per channel"),
    "hue": (float, "hue-saturation: degrees, -180..180"),
    "saturation": (float, "hue-saturation: -100..100 %"),
    "lightness": (float, "hue-saturation: -100..100 %"),
    "brightness": (float, "brightness-contrast: -100..100"),
    "contrast": (float, "brightness-contrast: -100..100"),
    "angle": (float, "rotate: degrees clockwise (RotSprite)"),
    "width": (int, "canvas-size / sprite-size: new width"),
    "height": (int, "canvas-size / sprite-size: new height"),
    "anchor": (str, "canvas-size: center, top-left, top, …"),
    "left": (int, "canvas-size: pixels to add on the left (negative cuts)"),
    "top": (int, "canvas-size: pixels to add at the top"),
    "right": (int, "canvas-size: pixels to add on the right"),
    "bottom": (int, "canvas-size: pixels to add at the bottom"),
    "percent": (float, "sprite-size: scale in %"),
    "reduce": (str, "indexed: none, nearest, add or sprite"),
}
SWITCHES = {"inside": "outline: the shape's own edge", "diagonal": "outline: 8-connected",
            "shade": "outline: a darker shade of the pixel beside it"}  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    from dgx_pixels_app.jobs.edit import OPERATIONS

    p = sub.add_parser("edit", help="touch up a sprite: outline, colours, size, rotate, indexed")
    p.add_argument("sprite", help="an .aseprite or image file")
    p.add_argument("operation", choices=OPERATIONS)
    p.add_argument("-o", "--output", required=True, help="the new .aseprite file")
    p.add_argument("--layer", help="only this layer (by name)")
    p.add_argument("--frame", type=int, help="only this frame (1 = the first)")
    for name, (kind, text) in FLAGS.items():
        p.add_argument(f"--{name}", dest=f"opt_{name}", type=kind, help=text)
    for name, text in SWITCHES.items():
        p.add_argument(f"--{name}", dest=f"opt_{name}", action="store_true", default=None,
                       help=text)  # fmt: skip
    add_overwrite_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.core.words import counted
    from dgx_pixels_app.jobs.edit import edit_file

    options = {k.removeprefix("opt_"): v for k, v in vars(args).items()
               if k.startswith("opt_") and v is not None}  # fmt: skip
    done = edit_file(Path(args.sprite), args.operation, options, Path(args.output).expanduser(),
                     args.layer, args.frame, args.overwrite)  # fmt: skip
    what = "nothing changed" if not done["changed"] else (
        f"{counted(done['cels_changed'], 'cel')} changed" if done["cels_changed"] is not None
        else "{}×{} → {}×{}, {}".format(*done["size_before"], *done["size"], done["color_mode"]))  # fmt: skip
    print(f"{args.operation}: {what}; wrote {done['file']}")
    for path, kept in done["replaced"]:
        print(f"replaced {path} (the old one is kept at {kept})")
    return 0
