"""Engine benchmarks, each a ratio against a baseline measured in the same run.

    python bench/engine_bench.py [--model DIR] [--size 512] [--steps 4] [--full-unet]

1. Engine overhead: Engine.generate against a bare diffusers pipeline call on the same
   loaded model and settings (target <= 1.05x).
2. LoRA switch: changing LoRAs/weights on the resident model against a full reload of
   the model with the LoRA.
3. UI stall: the longest gap of a Qt event loop (offscreen) while a job runs on the
   GUI's job client (target: under one 60 Hz frame, 16.7 ms).

Without --model it builds the tiny random SDXL-shaped model. --full-unet swaps in a
UNet built from SDXL's published config with random weights (a step costs the same
whatever the weights): use it on a GPU at 1024 px to report s/image and it/s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from dgx_pixels_app.core.generation import GenerationRequest, LoraRef  # noqa: E402
from dgx_pixels_app.engine.engine import Engine  # noqa: E402
from dgx_pixels_app.engine.local import LocalBackend  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", help="an SDXL model folder or file (default: the tiny test model)"
    )
    parser.add_argument("--lora", help="a LoRA for the model (default: the tiny model's)")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--full-unet", action="store_true", help="random-weight full-size SDXL UNet"
    )
    args = parser.parse_args()
    import torch

    tmp = tempfile.TemporaryDirectory()
    if args.model:
        model, lora = args.model, args.lora
    else:
        from dgx_pixels_app.engine.tiny import make_test_model

        model, lora = (str(p) for p in make_test_model(Path(tmp.name) / "tiny"))
    engine = Engine()
    loaded = engine.load(model)
    pipe = loaded.pipe
    if args.full_unet:
        from diffusers import UNet2DConditionModel

        from dgx_pixels_app.resources import resource_path

        config = UNet2DConditionModel.load_config(resource_path("sdxl") / "unet")
        pipe.unet = UNet2DConditionModel.from_config(config).to(loaded.device, loaded.dtype)
        print(
            "full-size SDXL UNet (random weights):",
            sum(p.numel() for p in pipe.unet.parameters()) / 1e9,
            "G params",
        )
    print(
        f"model: {Path(model).name} on {loaded.device} ({loaded.dtype}), load {loaded.load_seconds:.2f} s"
    )
    request = GenerationRequest(
        "pixel art knight", seed=1, steps=args.steps, width=args.size, height=args.size
    )

    def bare():
        generator = torch.Generator(loaded.device).manual_seed(1)
        pipe(prompt=request.prompt, num_inference_steps=args.steps, guidance_scale=request.cfg,
             width=args.size, height=args.size, generator=generator, output_type="np")  # fmt: skip

    def ours():
        engine.generate(request)

    bare(), ours()  # warm-up both paths
    t_bare, t_ours = timed(bare, args.repeat), timed(ours, args.repeat)
    rows = [("bare diffusers call", t_bare, 1.0), ("Engine.generate", t_ours, t_ours / t_bare)]

    with_lora = (
        GenerationRequest(**{**request.__dict__, "loras": [LoraRef(lora, 0.8)]}) if lora else None
    )
    if with_lora:
        engine.generate(with_lora)

        def switch():
            engine.loras.apply([LoraRef(lora, 0.5)])
            engine.loras.apply([])
            engine.loras.apply([LoraRef(lora, 0.8)])

        def reload():
            fresh = Engine()
            fresh.load(model)
            fresh.loras.apply([LoraRef(lora, 0.8)])

        t_switch, t_reload = timed(switch, args.repeat) / 3, timed(reload, args.repeat)
        rows += [
            ("full reload + LoRA", t_reload, 1.0),
            ("LoRA switch (resident)", t_switch, t_switch / t_reload),
        ]

    stall = ui_stall(engine, request)
    print(f"\n{'measure':<26}{'seconds':>10}{'ratio':>9}")
    for name, seconds, ratio in rows:
        print(f"{name:<26}{seconds:>10.4f}{ratio:>8.3f}x")
    per_image = t_ours
    print(
        f"\ngeneration {args.size}x{args.size}, {args.steps} steps: {per_image:.3f} s/image, {args.steps / per_image:.2f} it/s (incl. text encode + VAE decode)"
    )
    print(f"UI event loop during a job: longest gap {stall:.1f} ms (one 60 Hz frame = 16.7 ms)")
    return 0


def ui_stall(engine: Engine, request: GenerationRequest) -> float:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from dgx_pixels_app.gui.job_client import JobClient

    app = QApplication.instance() or QApplication([])
    client = JobClient(LocalBackend(engine))
    gaps, clock, done = [], QElapsedTimer(), []
    timer = QTimer()
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    client.jobFinished.connect(lambda *_: done.append(1))
    clock.start()
    timer.start(2)
    for _ in range(3):
        client.submit(request)
    while len(done) < 3:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    client.shutdown()
    return float(max(gaps[1:] or [0]))


if __name__ == "__main__":
    raise SystemExit(main())
