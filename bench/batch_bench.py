"""Batch and back-end benchmarks, each a ratio against a baseline measured in the same run.

    python bench/batch_bench.py [--model DIR] [--items 16] [--size 256] [--steps 4]

1. Pipeline overhead: a 16-item job through the JobQueue (no post-steps) against
   calling Engine.generate in a loop with the same requests (target <= 1.05x); the
   full batch (pixelize, PNG with parameters, manifest after every image, contact
   sheet) is shown beside it.
2. Ray scale-out: images/min with 2 Ray actors against 1 (torch threads 1 per actor;
   target >= 1.6x on a 2-core machine).
3. Ray per-job overhead: a 1-step 64 px job on one Ray actor against the same call
   on a local engine with one thread (target <= 50 ms).
4. UI stall: the longest gap of a Qt event loop (offscreen) while a batch runs on the
   GUI's job client (target < 16 ms).

Without --model it builds the tiny random SDXL-shaped model.
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
os.environ.setdefault("DGX_PIXELS_HOME", tempfile.mkdtemp(prefix="dgx-bench-home-"))

from dgx_pixels_app.core.generation import GenerationRequest  # noqa: E402
from dgx_pixels_app.engine.backend import Task
from dgx_pixels_app.engine.engine import Engine  # noqa: E402
from dgx_pixels_app.engine.local import LocalBackend  # noqa: E402
from dgx_pixels_app.jobs.batch import BatchOptions, prepare_batch  # noqa: E402
from dgx_pixels_app.jobs.items import parse_items  # noqa: E402
from dgx_pixels_app.jobs.job import Job  # noqa: E402
from dgx_pixels_app.jobs.queue import JobQueue  # noqa: E402


def requests(n: int, size: int, steps: int) -> list[GenerationRequest]:
    return [GenerationRequest(f"pixel art item {i}", seed=i, steps=steps, width=size, height=size)
            for i in range(n)]  # fmt: skip


def clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def overhead(model: str, n: int, size: int, steps: int, out: Path) -> list[tuple]:
    engine = Engine()
    engine.load(model)
    reqs = requests(n, size, steps)
    engine.generate(reqs[0])  # warm-up
    queue = JobQueue(LocalBackend(engine))
    loops, piped = [], []
    for _ in range(3):  # interleaved, medians: the machine's noise hits both alike
        loops.append(clock(lambda: [engine.generate(r, preview_every=0) for r in reqs]))
        tasks = [Task(i, r) for i, r in enumerate(reqs)]
        piped.append(clock(lambda t=tasks: queue.run(Job(t, previews=False))))
    loop, pipe = statistics.median(loops), statistics.median(piped)
    items = parse_items("\n".join(f"item {i}" for i in range(n)))
    options = BatchOptions(output=out / "batch", model=model, size=32, seed=0, steps=steps,
                           resolution=size, items_sha256="bench")  # fmt: skip
    full = clock(lambda: queue.run(prepare_batch(items, options)))
    return [
        (f"engine loop, {n} images", f"{loop:.2f} s", "1.00x (baseline)"),
        ("same through the job queue", f"{pipe:.2f} s", f"{pipe / loop:.3f}x (target <= 1.05x)"),
        ("full batch (pixelize, files, manifest)", f"{full:.2f} s", f"{full / loop:.3f}x"),
    ]


def ray_rows(model: str, n: int, size: int, steps: int) -> list[tuple]:
    from dgx_pixels_app.core.generation import CancelToken
    from dgx_pixels_app.engine.ray_backend import RayBackend

    reqs = requests(n, size, steps)
    rows = []
    rates = {}
    backend = None
    try:
        for workers in (1, 2):
            if backend is not None:
                backend.close()
            backend = RayBackend(workers=workers, threads=1)
            backend.load(model)
            backend.run([Task(0, reqs[0])], lambda e: None, CancelToken(), previews=False)
            seconds = clock(lambda b=backend: b.run([Task(i, r) for i, r in enumerate(reqs)],
                                                    lambda e: None, CancelToken(), previews=False))  # fmt: skip
            rates[workers] = n / seconds * 60
        rows.append(("Ray, 1 actor", f"{rates[1]:.1f} img/min", "1.00x (baseline)"))
        rows.append(("Ray, 2 actors", f"{rates[2]:.1f} img/min",
                     f"{rates[2] / rates[1]:.2f}x (target >= 1.6x)"))  # fmt: skip
        backend.close()
        backend = RayBackend(workers=1, threads=1)
        backend.load(model)
        tiny = GenerationRequest("x", seed=1, steps=1, width=64, height=64)
        backend.run([Task(0, tiny)], lambda e: None, CancelToken(), previews=False)
        via_ray = statistics.median(
            clock(lambda: backend.run([Task(0, tiny)], lambda e: None, CancelToken(), previews=False))
            for _ in range(15)
        )  # fmt: skip
    finally:
        if backend is not None:
            backend.close()
    import torch

    torch.set_num_threads(1)
    engine = Engine()
    engine.load(model)
    engine.generate(tiny)
    local = statistics.median(
        clock(lambda: engine.generate(tiny, preview_every=0)) for _ in range(15)
    )
    rows.append(("1-step 64 px job, local engine", f"{local * 1000:.1f} ms", "baseline"))
    rows.append(("same on one Ray actor", f"{via_ray * 1000:.1f} ms",
                 f"+{(via_ray - local) * 1000:.1f} ms overhead (target <= 50 ms)"))  # fmt: skip
    return rows


def ui_stall(model: str, size: int, steps: int, out: Path) -> list[tuple]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from dgx_pixels_app.gui.job_client import JobClient

    app = QApplication.instance() or QApplication([])
    client = JobClient()
    done = []
    client.jobFinished.connect(lambda job, result: done.append(job))
    client.modelLoaded.connect(lambda m: done.append(m))
    client.load_model(model)
    while not done:
        app.processEvents()
    done.clear()
    items = parse_items("\n".join(f"item {i}" for i in range(8)))
    options = BatchOptions(output=out / "ui", model=model, size=32, seed=0, steps=steps,
                           resolution=size, items_sha256="bench")  # fmt: skip
    gaps, timer, elapsed = [], QTimer(), QElapsedTimer()
    elapsed.start()
    timer.timeout.connect(lambda: gaps.append(elapsed.restart()))
    timer.start(1)
    client.submit_job(prepare_batch(items, options))
    while not done:
        app.processEvents()
    timer.stop()
    client.shutdown()
    worst = max(gaps[1:]) if len(gaps) > 1 else 0
    return [("longest UI event-loop gap during a batch", f"{worst} ms",
             f"{worst / 16.7:.2f} of a 60 Hz frame (target < 16 ms)")]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        model = args.model
        if model is None:
            from dgx_pixels_app.engine.tiny import make_test_model

            model = str(make_test_model(out / "tiny")[0])
        rows = overhead(model, args.items, args.size, args.steps, out)
        if not args.skip_ray:
            rows += ray_rows(model, args.items, args.size, args.steps)
        rows += ui_stall(model, args.size, args.steps, out)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>14}  ratio")
    for name, value, ratio in rows:
        print(f"{name.ljust(width)}  {value:>14}  {ratio}")


if __name__ == "__main__":
    main()
