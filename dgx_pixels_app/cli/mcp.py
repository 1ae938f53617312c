"""``dgx-pixels mcp``: the MCP server for agents, over stdio or Streamable HTTP."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mcp",
        help="serve MCP tools for agents (stdio, or HTTP on 127.0.0.1 with a bearer token)",
        description="Tools: list_models, list_loras, list_presets, generate_sprite, "
        "generate_animation, generate_tileset, pixelize_image, inspect_sprite, export_to_bevy, "
        "generate_and_deploy. Files are read and written only inside --allow-root folders.",
    )
    p.add_argument("--allow-root", action="append", default=[], metavar="DIR", required=True,
                   help="a folder the server may write into (repeatable; e.g. your Bevy project)")  # fmt: skip
    p.add_argument("--http", action="store_true", help="Streamable HTTP instead of stdio")
    p.add_argument("--port", type=int, help="HTTP port (default 8765; 0 picks a free one)")
    p.add_argument("--new-token", action="store_true", help="make a new bearer token (HTTP)")
    p.add_argument("--model", help="the SDXL model to generate with (default: as `generate`)")
    p.add_argument("--resolution", type=int, help="the model's image size (default: the kind's)")
    p.add_argument("--steps", type=int, help="default steps (default: the kind's)")
    p.add_argument("--device", default="auto", help="auto, cuda, cpu, mps")
    p.add_argument(
        "--backend", metavar="local|ray[:HOST:PORT]",
        help="where the agents' jobs run (default: the app's setting, local)",
    )  # fmt: skip
    p.add_argument("--workers", type=int, help="Ray workers (default: one per GPU)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from dgx_pixels_app.cli.common import make_queue, resolve_model
    from dgx_pixels_app.core.confine import confine_process
    from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError, OptionError
    from dgx_pixels_app.mcp.confine import Roots
    from dgx_pixels_app.mcp.server import ServerConfig, build_server
    from dgx_pixels_app.settings import models_dir

    if args.port is not None and not 0 <= args.port <= 65535:
        raise OptionError("port", f"must be 0 to 65535 (0: any free one), not {args.port}")
    if args.resolution is not None and (not 64 <= args.resolution <= 2048 or args.resolution % 8):
        raise InvalidInputError("--resolution must be a multiple of 8 from 64 to 2048.")
    roots = Roots.of(args.allow_root, readable=[models_dir()])
    try:
        model = resolve_model(args.model)
    except DgxPixelsError as exc:
        print(f"dgx-pixels mcp: {exc} Generation tools will say so.", file=sys.stderr)
        model = None
    queue = make_queue(args)
    config = ServerConfig(roots=roots, model=model, resolution=args.resolution, steps=args.steps)
    server = build_server(queue, config)
    confine_process(roots.writable)  # this process writes for agents only (core/confine)
    try:
        if args.http:
            from dgx_pixels_app.mcp.http import (
                DEFAULT_PORT,
                HOST,
                PortInUse,
                bind,
                get_token,
                serve_http,
            )

            token = get_token(args.new_token)
            try:
                sock = bind(DEFAULT_PORT if args.port is None else args.port)
            except PortInUse as exc:
                raise PortInUse(exc.port, "Choose another with --port (0: any free one).") from None

            def started(actual: int) -> None:
                print(f"MCP server: http://{HOST}:{actual}/mcp\nAuthorization: Bearer {token}",
                      file=sys.stderr, flush=True)  # fmt: skip

            asyncio.run(serve_http(server, token, sock, started))
        else:
            from dgx_pixels_app.mcp.bridge import cancelled_calls

            try:
                asyncio.run(server.run_stdio_async())
                gone = cancelled_calls() > 0  # (its pipes closed mid-call, nothing failed)
            except BaseException as exc:
                if not _client_gone(exc):
                    raise
                _quiet_stdout()
                gone = True
            if gone:
                print("dgx-pixels mcp: the client went away; its calls were cancelled.",
                      file=sys.stderr)  # fmt: skip
    finally:
        queue.shutdown(30)
    return 0


def _client_gone(exc: BaseException) -> bool:
    """The stdio client closed its end (it exited or was killed): not our error."""
    if isinstance(exc, BrokenPipeError | ConnectionResetError):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return all(_client_gone(e) for e in exc.exceptions)
    return False


def _quiet_stdout() -> None:
    """Nothing more can reach the client; without this, Python's final flush of stdout
    prints one more BrokenPipeError at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
