"""Real batching: different prompts in one batched call, each image the one its seed
gives alone; which tasks group; how many at once."""

from __future__ import annotations

import numpy as np
import pytest

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import CancelToken, GenerationRequest
from dgx_pixels_app.engine.backend import Task, TaskDone
from dgx_pixels_app.engine.batching import batch_size, groups, per_image_bytes

PROMPTS = ["a sword", "a shield", "a red potion", "a blue gem"]


def _request(prompt: str, seed: int, **changes) -> GenerationRequest:
    values = {"prompt": prompt, "seed": seed, "steps": 2, "width": 64, "height": 64, **changes}
    return GenerationRequest(**values)


def _close(a, b) -> int:
    return int(np.abs(a.astype(int) - b.astype(int)).max())


@pytest.mark.parametrize("negative", ["", "blurry"])
def test_a_batch_of_prompts_gives_each_image_its_seeds_own(engine, negative):
    """CPU: at most 1 of 255 apart from the image made alone (batched matrix products
    round differently); the provenance is each image's own."""
    requests = [_request(p, 40 + i, negative_prompt=negative) for i, p in enumerate(PROMPTS)]
    batched = engine.generate_group(requests)
    for request, result in zip(requests, batched, strict=True):
        alone = engine.generate(request).images[0]
        assert _close(result.images[0], alone) <= 1
        assert result.requests[0].prompt == request.prompt
        assert result.requests[0].seed == request.seed
    assert _close(batched[0].images[0], batched[1].images[0]) > 10  # really different images


def test_requests_that_differ_in_more_than_prompt_and_seed_are_refused(engine):
    with pytest.raises(InvalidInputError, match="differ in more than prompt and seed"):
        engine.generate_group([_request("a", 1), _request("b", 2, steps=3)])


def test_which_tasks_share_a_call():
    tasks = [Task(0, _request("a", 1)), Task(1, _request("b", 2)), Task(2, _request("c", 3)),
             Task(3, _request("d", 4, negative_prompt="dark")),  # negatives: all or none
             Task(4, _request("e", 5, negative_prompt="dim")),
             Task(5, _request("f", 6, steps=9)),  # other settings
             Task(6, _request("g", 7), count=2),  # several images of one prompt: its own call
             Task(7, _request("h", 8), init_image=np.zeros((64, 64, 4), np.uint8))]  # fmt: skip
    runs = [[t.index for t in g] for g in groups(tasks, lambda _r: 2)]
    assert runs == [[0, 1], [2], [3, 4], [5], [6], [7]]
    assert [[t.index for t in g] for g in groups(tasks[:3], lambda _r: 8)] == [[0, 1, 2]]


def test_batch_size_is_the_cap_lowered_to_what_free_memory_holds():
    request = _request("a", 1, width=1024, height=1024, cfg=6.0)
    per = per_image_bytes(request, 2)
    assert per == 2 * 2**30
    assert batch_size(request, 8, None, 2) == 8
    assert batch_size(request, 8, 100 * 2**30, 2) == 8
    assert batch_size(request, 8, 6 * 2**30, 2) == 2  # 80 % of 6 GB holds two
    assert batch_size(request, 8, 2**20, 2) == 1  # never zero
    turbo = _request("a", 1, width=512, height=512, cfg=0.0)
    assert per_image_bytes(turbo, 2) == per // 8  # a quarter of the pixels, one pass


def test_the_local_back_end_runs_a_batch_in_one_call_and_reports_each_task(engine, monkeypatch):
    from dgx_pixels_app.engine.local import LocalBackend

    calls = []
    original = engine.generate_group

    def spy(requests, *args, **kwargs):
        calls.append(len(requests))
        return original(requests, *args, **kwargs)

    monkeypatch.setattr(engine, "generate_group", spy)
    backend = LocalBackend(engine)
    events = []
    tasks = [Task(i, _request(p, 60 + i)) for i, p in enumerate(PROMPTS)]
    backend.run(tasks, events.append, CancelToken())
    done = [e for e in events if isinstance(e, TaskDone)]
    assert calls == [4]
    assert [e.index for e in done] == [0, 1, 2, 3]
    alone = engine.generate(tasks[2].request).images[0]
    assert _close(done[2].result.images[0], alone) <= 1
    engine.settings.max_batch = 1
    try:
        calls.clear()
        backend.run(tasks, events.append, CancelToken())
        assert calls == []  # one task at a time: the plain path
    finally:
        engine.settings.max_batch = 8


def test_a_batch_that_fails_runs_its_images_one_at_a_time(engine, monkeypatch):
    """Out of memory (or one bad item) in a batched call: every image is made alone, so
    only an item that fails alone fails."""
    from dgx_pixels_app.engine.local import LocalBackend

    def too_big(*_args, **_kwargs):
        raise RuntimeError("CUDA out of memory")

    monkeypatch.setattr(engine, "generate_group", too_big)
    events = []
    tasks = [Task(i, _request(p, 80 + i)) for i, p in enumerate(PROMPTS[:3])]
    LocalBackend(engine).run(tasks, events.append, CancelToken())
    done = [e for e in events if isinstance(e, TaskDone)]
    assert [e.index for e in done] == [0, 1, 2]
    assert done[1].result.requests[0].seed == 81
