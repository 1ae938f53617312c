"""``dgx-pixels info``: versions, compute device, memory and model folders."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="versions, compute device, memory and model folders")
    p.add_argument(
        "--no-device", action="store_true", help="skip importing torch to probe the device"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.engine.info import collect_info, format_info

    print(format_info(collect_info(probe_device=not args.no_device)))
    return 0
