"""``dgx-pixels make-test-model FOLDER``: a tiny SDXL-shaped model with random weights."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "make-test-model",
        help="write a tiny SDXL-shaped model with random weights (+ test-lora.safetensors)",
    )
    p.add_argument("folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.engine.tiny import make_test_model

    folder, lora = make_test_model(args.folder)
    print(f"wrote a tiny SDXL-shaped model to {folder}\nwrote its LoRA to {lora}")
    return 0
