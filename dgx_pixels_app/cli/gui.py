"""``dgx-pixels gui [FILE]`` (also what ``dgx-pixels`` alone runs)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the app (the default)")
    p.add_argument("file", nargs="?", help="an .aseprite or image file to open")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.gui.app import run_gui

    return run_gui(args.file)
