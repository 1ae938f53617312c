"""The job queue on the local back end with the tiny model: order, events, errors that
never stop the queue, cancel, post-steps and metrics."""

import threading

import numpy as np
import pytest

from dgx_pixels_app.core.errors import CancelledError, FileAccessError, ModelError
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
from dgx_pixels_app.engine.backend import Task
from dgx_pixels_app.engine.local import LocalBackend
from dgx_pixels_app.jobs.job import (
    ImageFailed,
    ImageReady,
    Job,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    PostSteps,
)
from dgx_pixels_app.jobs.metrics import MetricsLog
from dgx_pixels_app.jobs.queue import JobQueue


def req(**kw):
    base = {"prompt": "pixel art gem", "seed": 3, "steps": 2, "width": 64, "height": 64}
    return GenerationRequest(**{**base, **kw})


@pytest.fixture
def queue(engine, tmp_path):
    q = JobQueue(LocalBackend(engine), MetricsLog(tmp_path / "metrics.jsonl"))
    events = []
    q.subscribe(events.append)
    q.events = events
    yield q
    q.shutdown()


def kinds(events, job):
    return [type(e).__name__ for e in events if e.job is job]


def test_jobs_run_in_order_with_progress_images_and_metrics(queue, engine, tmp_path):
    first = queue.submit(Job.single(req(), count=2, label="first"))
    second = queue.submit(Job.single(req(seed=9), label="second"))
    assert queue.join(60)
    names = kinds(queue.events, first)
    assert names[0] == "JobStarted" and names[-1] == "JobFinished"
    assert names.count("JobProgress") == 2 and names.count("ImageReady") == 2
    finished = [e for e in queue.events if isinstance(e, JobFinished)]
    assert [e.job for e in finished] == [first, second]
    started_second = queue.events.index(
        next(e for e in queue.events if isinstance(e, JobStarted) and e.job is second)
    )
    assert queue.events.index(finished[0]) < started_second  # one at a time, in order
    result = finished[0].result
    assert [r.seed for r in result.requests] == [3, 4]
    # the pipeline changes nothing about the image: the engine alone makes the same one
    direct = engine.generate(req(), count=2)
    assert np.array_equal(result.images[0], direct.images[0])
    assert np.array_equal(result.images[1], direct.images[1])
    logged = MetricsLog(tmp_path / "metrics.jsonl").recent()
    assert [m.label for m in logged] == ["first", "second"]
    assert logged[0].images == 2 and logged[0].seconds_per_image > 0
    assert logged[0].it_per_second > 0 and logged[0].peak_memory_bytes > 0
    assert logged[0].status == "finished"


def test_post_steps_make_a_sprite_of_the_asked_size(queue):
    result = queue.run(Job.single(req(width=128, height=128), post=PostSteps(size=32)))
    art = result.items[0].art
    assert art.shape == (32, 32, 4)
    assert set(np.unique(art[..., 3])) <= {0, 255}


def test_a_failing_job_never_stops_the_queue(queue, foreign_loras):
    class Broken:
        def begin(self, job, model):
            raise RuntimeError("disk exploded")

    bad_lora = queue.submit(Job.single(req(loras=[LoraRef(str(foreign_loras[0]))])))
    crashing = queue.submit(Job.single(req(), target=Broken()))
    good = queue.submit(Job.single(req()))
    assert queue.join(60)
    failure = next(e for e in queue.events if isinstance(e, ImageFailed) and e.job is bad_lora)
    assert "does not fit" in failure.message or "another base" in failure.message
    crash = next(e for e in queue.events if isinstance(e, JobFailed) and e.job is crashing)
    assert "disk exploded" in crash.message
    assert any(isinstance(e, JobFinished) and e.job is good for e in queue.events)
    assert queue.backend.model is not None  # still loaded


def test_cancel_a_running_job_then_the_next_one_runs(queue):
    started = threading.Event()

    def on_event(event):
        if isinstance(event, JobProgress) and event.job is slow:
            started.set()

    queue.subscribe(on_event)
    slow = queue.submit(Job.single(req(steps=40), count=2))
    waiting = queue.submit(Job.single(req()))
    after = queue.submit(Job.single(req()))
    assert started.wait(60)
    queue.cancel(slow.id)
    queue.cancel(waiting.id)
    assert queue.join(60)
    cancelled = [e for e in queue.events if isinstance(e, JobCancelled)]
    assert [e.job for e in cancelled] == [slow, waiting]
    assert "of 40 steps" in cancelled[0].message
    assert "before it started" in cancelled[1].message
    assert any(isinstance(e, ImageReady) and e.job is after for e in queue.events)


def test_run_raises_for_the_caller(queue, tmp_path):
    job = Job.single(req())
    job.token.cancel()
    with pytest.raises(CancelledError):
        queue.run(job)
    with pytest.raises(FileAccessError, match="does not exist"):
        queue.run(Job([Task(0, req())], model=str(tmp_path / "missing-model.safetensors")))
    assert queue.backend.model is not None  # a bad path never unloads the resident model
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    with pytest.raises(ModelError):
        queue.run(Job([Task(0, req())], model=str(broken)))
    assert queue.backend.model is not None


def test_every_job_ends_once_whatever_its_last_steps_do(engine, tmp_path):
    """``job.ended`` is set even when the bookkeeping after the work fails, and a job that
    has run cannot be run again (its outcome is final)."""
    from dgx_pixels_app.core.errors import InvalidInputError
    from dgx_pixels_app.jobs.job import Job

    class Broken(LocalBackend):
        def memory_in_use(self) -> int:
            raise OSError("/proc is gone")

    queue = JobQueue(Broken(engine), None)
    job = Job([], label="nothing")
    queue.submit(job)
    event = job.ended.result(timeout=10)
    assert "failed unexpectedly" in event.message
    with pytest.raises(InvalidInputError, match="has run already"):
        queue.submit(job)
    queue.shutdown()


def test_one_load_time_everywhere(tiny_model, tmp_path):
    """The model's "loaded in" and the metrics' load are one figure: the whole wait."""
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.jobs.job import ModelLoaded

    q = JobQueue(LocalBackend(Engine()), MetricsLog(tmp_path / "metrics.jsonl"))
    events = []
    q.subscribe(events.append)
    try:
        q.run(Job([], model=str(tiny_model[0])))
    finally:
        q.shutdown()
    loaded = next(e for e in events if isinstance(e, ModelLoaded))
    logged = MetricsLog(tmp_path / "metrics.jsonl").recent()[-1]
    assert loaded.model.load_seconds == pytest.approx(logged.load_seconds, abs=0.001)
