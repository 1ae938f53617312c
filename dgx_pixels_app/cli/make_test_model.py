"""``dgx-pixels make-test-model FOLDER``: a tiny SDXL-shaped model with random weights."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "make-test-model",
        help="write a tiny SDXL-shaped model with random weights (+ a LoRA, an IP-Adapter "
        "and ControlNets)",
    )
    p.add_argument("folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.engine.tiny import make_test_model

    folder, lora = make_test_model(args.folder)
    print(f"wrote a tiny SDXL-shaped model to {folder}\nwrote its LoRA to {lora}")
    print(f"wrote its IP-Adapter to {folder / 'ip-adapter'} and its ControlNets to "
          f"{folder / 'controlnet-openpose-sdxl'} and {folder / 'controlnet-union-sdxl-promax'}"
          "\n(add the folder with Model ▸ Add Models Folder… to use them)")  # fmt: skip
    return 0
