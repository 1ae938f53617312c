"""The ``dgx-pixels`` command line: a thin front end over the same services as the GUI.

Subcommands import what they need inside their handlers so that ``--version``,
``info`` (until it asks torch about the device) and file commands start fast and
never load Qt or torch. A :class:`DgxPixelsError` is printed as one line and
exits with status 2; no user ever sees a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dgx_pixels_app import __version__
from dgx_pixels_app.core.errors import DgxPixelsError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


def _cmd_gui(args: argparse.Namespace) -> int:
    from dgx_pixels_app.gui.app import run_gui

    return run_gui(args.file)


def _cmd_info(args: argparse.Namespace) -> int:
    from dgx_pixels_app.info import collect_info, format_info

    print(format_info(collect_info(probe_device=not args.no_device)))
    return EXIT_OK


def _cmd_inspect(args: argparse.Namespace) -> int:
    import json

    from dgx_pixels_app.formats.documents import open_document

    sprite = open_document(args.file)
    summary = {
        "width": sprite.width,
        "height": sprite.height,
        "layers": [
            {"name": la.name, "visible": la.visible, "locked": la.locked, "opacity": la.opacity}
            for la in sprite.layers
        ],
        "frames": [f.duration_ms for f in sprite.frames],
        "tags": [
            {"name": t.name, "from": t.start, "to": t.end, "direction": str(t.direction)}
            for t in sprite.tags
        ],
        "palette_colors": len(sprite.palette),
        "generated_cels": sum(1 for cel in sprite.cels.values() if cel.generation is not None),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            f"{args.file}: {sprite.width}x{sprite.height}, {len(sprite.frames)} frames "
            f"({', '.join(f'{d} ms' for d in summary['frames'])}), {len(sprite.palette)} colours"
        )
        for layer in summary["layers"]:
            flags = [k for k in ("visible", "locked") if layer[k]]
            print(f"  layer {layer['name']!r} opacity {layer['opacity']} {' '.join(flags)}")
        for tag in summary["tags"]:
            print(f"  tag {tag['name']!r} frames {tag['from']}-{tag['to']} {tag['direction']}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dgx-pixels",
        description="Make game sprites with Stable Diffusion XL: generate, pixelize, edit, "
        "animate and export to Bevy. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"dgx-pixels {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.add_argument("file", nargs="?", help="an .aseprite or image file to open")
    gui.set_defaults(handler=_cmd_gui)

    info = sub.add_parser("info", help="versions, compute device, memory and model folders")
    info.add_argument(
        "--no-device", action="store_true", help="skip importing torch to probe the device"
    )
    info.set_defaults(handler=_cmd_info)

    inspect = sub.add_parser("inspect", help="list a sprite file's layers, frames and tags")
    inspect.add_argument("file", help="an .aseprite or image file")
    inspect.add_argument("--json", action="store_true", help="machine-readable output")
    inspect.set_defaults(handler=_cmd_inspect)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


def _register_pixelize(sub: argparse._SubParsersAction) -> None:
    from dgx_pixels_app.pixelize.cli import register

    register(sub)


def _register_export(sub: argparse._SubParsersAction) -> None:
    from dgx_pixels_app.export_cli import register

    register(sub)


def _register_engine(sub: argparse._SubParsersAction) -> None:
    from dgx_pixels_app.engine.cli import register

    register(sub)


# Subcommands that live beside their feature; each registers its own parser.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_pixelize,
    _register_export,
    _register_engine,
]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", None) or (lambda a: _cmd_gui(_gui_defaults(a)))
    try:
        return handler(args)
    except DgxPixelsError as exc:
        print(f"dgx-pixels: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("dgx-pixels: interrupted", file=sys.stderr)
        return 130


def _gui_defaults(args: argparse.Namespace) -> argparse.Namespace:
    args.file = None
    return args


if __name__ == "__main__":
    raise SystemExit(main())
