"""Engine endurance: 100 generations cancelled at random steps from another thread, then
one that completes. Each cancel lands within one step, the model stays loaded, and the
process's memory after the 100th is within a stated margin of the first."""

from __future__ import annotations

import os
import random
import threading

import numpy as np
import pytest

from dgx_pixels_app.core.errors import CancelledError
from dgx_pixels_app.core.generation import CancelToken, GenerationRequest

RUNS = int(os.environ.get("DGX_ENDURANCE_RUNS", "100"))
MEMORY_MARGIN = 64 * 2**20  # bytes of RSS growth allowed over the 100 cancelled runs


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_cancel_100_times_then_complete(engine):
    rng = random.Random(7)
    request = GenerationRequest("endurance", seed=1, steps=20, width=64, height=64)
    first = engine.generate(request).images[0]
    memory = []
    late_steps = []
    for run in range(RUNS):
        token = CancelToken()
        target = rng.randint(1, 15)
        reached = threading.Event()
        after_cancel = []

        def progress(p, target=target, reached=reached, token=token, after=after_cancel):
            if token.cancelled:
                after.append(p.step)
            if p.step == target:
                reached.set()

        canceller = threading.Thread(target=lambda r=reached, t=token: (r.wait(30), t.cancel()))
        canceller.start()
        with pytest.raises(CancelledError, match="Cancelled after"):
            engine.generate(request, progress=progress, cancel=token, preview_every=0)
        canceller.join(30)
        late_steps.append(len(after_cancel))
        assert engine.model is not None
        if run in (0, RUNS - 1):
            memory.append(rss())
    assert max(late_steps) <= 1  # every cancel landed within the step that was running
    done = engine.generate(request)
    assert np.array_equal(done.images[0], first)  # the model is intact: same seed, same image
    growth = memory[-1] - memory[0]
    print(f"\nRSS after run 1: {memory[0] / 2**20:.1f} MiB, after run {RUNS}: {memory[-1] / 2**20:.1f} MiB "
          f"({growth / 2**20:+.1f} MiB); steps after cancel: max {max(late_steps)}")  # fmt: skip
    assert growth < MEMORY_MARGIN
