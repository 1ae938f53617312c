"""The ``dgx-pixels`` command line: one module per subcommand, each a thin front end
over the same jobs, formats and pixelize code the GUI and the agent server use.

Each subcommand module has ``register(subparsers)`` and imports what it needs
inside its handler, so ``--version``, ``inspect``, ``pixelize`` and ``export``
start fast and never load Qt or torch. A :class:`DgxPixelsError` is printed as
one ``dgx-pixels: error:`` line and exits with status 2; no user ever sees a
traceback for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from dgx_pixels_app import __version__
from dgx_pixels_app.core.errors import DgxPixelsError, OptionError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]

# Subcommand modules, in the order `dgx-pixels --help` lists them.
COMMANDS = (
    "gui",
    "info",
    "inspect",
    "generate",
    "generate_tileset",
    "generate_animation",
    "generate_character",
    "batch",
    "pixelize",
    "export",
    "recolor",
    "edit",
    "train_lora",
    "mcp",
    "benchmark",
    "make_test_model",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` (a subcommand's module name) the parser for
    that one subcommand: a command then imports no other command's module."""
    parser = argparse.ArgumentParser(
        prog="dgx-pixels",
        description="Make game sprites with Stable Diffusion XL: generate, pixelize, edit, "
        "animate and export to Bevy. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"dgx-pixels {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only else COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _command_module(argv: Sequence[str]) -> str | None:
    """The module of the subcommand ``argv`` starts with, if it names a known one."""
    name = argv[0].replace("-", "_") if argv else None
    return name if name in COMMANDS else None


def phrase(error: DgxPixelsError) -> str:
    """The message as this command line says it: an option named as its flag."""
    if isinstance(error, OptionError):
        return error.phrased(lambda option: "--" + option.replace("_", "-"))
    from dgx_pixels_app.formats.deploy import DeployConflict

    if isinstance(error, DeployConflict):
        return error.phrased("--overwrite")
    return str(error)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(_command_module(argv))  # reads presets (the declared options)
    except DgxPixelsError as exc:
        print(f"dgx-pixels: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        from dgx_pixels_app.cli.gui import run

        args.file = None
        handler = run
    try:
        return handler(args)
    except DgxPixelsError as exc:
        print(f"dgx-pixels: error: {phrase(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("dgx-pixels: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
