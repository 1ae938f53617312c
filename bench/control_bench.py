"""The cost of each control on the tiny models, on this machine: seconds per image
with 0, 1 and 2 controls (union ControlNet), with an IP-Adapter reference and with a
reference and a pose together, each as a ratio to plain generation in the same run;
and one control against bare diffusers making the same call.

    python bench/control_bench.py [--size 128] [--steps 8]

The GPU check (dgx-pixels benchmark --gpu) runs the same rows on a full-size
random-weight UNet with a full-size union ControlNet and a ViT-H-shaped IP-Adapter.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dgx_pixels_app.engine import gpu_rows as rows  # noqa: E402
from dgx_pixels_app.engine.engine import Engine  # noqa: E402
from dgx_pixels_app.engine.gpu_control import control_rows, make_models  # noqa: E402
from dgx_pixels_app.engine.tiny import make_test_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    import torch
    from diffusers import StableDiffusionXLPipeline

    with tempfile.TemporaryDirectory() as tmp:
        folder, _lora = make_test_model(Path(tmp) / "tiny")
        engine = Engine()
        engine.load(folder)
        bare = StableDiffusionXLPipeline.from_pretrained(folder, local_files_only=True)
        bare.set_progress_bar_config(disable=True)
        device = torch.device("cpu")
        ctx = rows.Context(device, engine, bare, args.size, args.steps, time.perf_counter() + 3600)
        table = control_rows(ctx, make_models(engine.model.pipe.unet, Path(tmp), full=False))
    print(
        f"tiny models, {args.size}² × {args.steps} steps, CFG 5, CPU ({torch.get_num_threads()} threads)"
    )
    print(f"{'row':<46} {'ours s':>8} {'base s':>8} {'ratio':>6}  note")
    for row in table:
        ours = f"{row.ours:.3f}" if row.ours else "-"
        base = f"{row.bare:.3f}" if row.bare else "-"
        ratio = f"{row.ratio:.2f}" if row.ratio else "-"
        print(f"{row.name:<46} {ours:>8} {base:>8} {ratio:>6}  {row.note}")


if __name__ == "__main__":
    main()
