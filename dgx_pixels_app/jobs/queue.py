"""The job queue: jobs run one after another on one back end, with events.

Qt-free. ``submit`` hands a job to the queue's own worker thread (the GUI and the
in-app agent server share one queue, so they share the resident model);
``run`` executes a job on the calling thread (the CLI, benchmarks, tests). Both
go through the same :meth:`JobQueue.execute`, so no front end holds generation
logic another lacks.

Listeners receive every event on the thread that runs the job; a GUI adapter
turns them into signals for its own thread. A job that fails or is cancelled is
reported and the queue goes on with the next one.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import replace

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError, InvalidInputError
from dgx_pixels_app.engine.backend import Backend, TaskDone, TaskFailed, TaskProgress
from dgx_pixels_app.jobs.guides import resolve_guides
from dgx_pixels_app.jobs.job import (
    BackendState,
    Event,
    ImageFailed,
    ImageReady,
    ImageResult,
    Job,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobResult,
    JobStarted,
    ModelLoaded,
    outcome,
)
from dgx_pixels_app.jobs.metrics import JobMetrics, MetricsLog
from dgx_pixels_app.jobs.post import apply_post
from dgx_pixels_app.jobs.requests import resolve_speeds

log = logging.getLogger(__name__)
Listener = Callable[[Event], None]


def _fresh(job: Job) -> None:
    """A job runs once: its outcome is final (make a new Job to run it again)."""
    if job.ended.done() or job.backend_name:
        raise InvalidInputError(f"Job {job.id} ({job.label}) has run already: make a new one.")


class _Run:
    """One job's bookkeeping while it runs."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.started = time.monotonic()
        self.wait = self.started - job.submitted
        self.result = JobResult(job)
        self.load_seconds = 0.0
        self.peak = 0
        self.target_begun = False


class JobQueue:
    def __init__(self, backend: Backend, metrics: MetricsLog | None = None) -> None:
        self.backend = backend
        self.metrics = metrics
        self._listeners: list[Listener] = []
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._pending: dict[int, Job] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- listeners and submission -------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def submit(self, job: Job) -> Job:
        """Queue ``job`` behind the others; returns at once. The job runs in a copy of
        the submitter's context, so a confined caller's jobs write only where it may."""
        _fresh(job)
        job.context = contextvars.copy_context()
        with self._lock:
            self._pending[job.id] = job
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self._thread.start()
        self._jobs.put(job)
        return job

    def cancel(self, job_id: int) -> None:
        with self._lock:
            job = self._pending.get(job_id)
        if job is not None:
            job.token.cancel()

    def cancel_all(self) -> None:
        with self._lock:
            jobs = list(self._pending.values())
        for job in jobs:
            job.token.cancel()

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    def pending(self) -> list[Job]:
        with self._lock:
            return list(self._pending.values())

    def join(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job is done (True) or ``timeout`` passes (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.busy:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def shutdown(self, timeout: float = 30.0) -> None:
        self.cancel_all()
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job.context.run(self.execute, job)
            except Exception:  # execute never raises; if it ever did, the queue goes on
                log.exception("job %s", job.id)
            finally:
                with self._lock:
                    self._pending.pop(job.id, None)

    # -- running ---------------------------------------------------------------------------
    def run(self, job: Job) -> JobResult:
        """Execute ``job`` on this thread; raises what it failed with (CancelledError…)."""
        _fresh(job)
        return outcome(self.execute(job))

    def execute(self, job: Job) -> Event:
        """Run one job to its end, reporting every step; returns its last event (also set
        on ``job.ended``, whatever happens) and never raises."""
        run = _Run(job)
        event: Event = JobFailed(job, "The job failed unexpectedly.")
        try:
            event = self._run_to_end(run)
        except Exception as exc:  # a bug in the bookkeeping itself: still one last event
            log.exception("job %s: its last steps failed", job.id)
            event = JobFailed(job, f"The job failed unexpectedly: {exc}", DgxPixelsError(str(exc)))
        finally:
            if not job.ended.done():  # (a waiter may have cancelled its future)
                with contextlib.suppress(concurrent.futures.InvalidStateError):
                    job.ended.set_result(event)
        self._emit(event)
        return event

    def _run_to_end(self, run: _Run) -> Event:
        job = run.job
        job.backend_name = self.backend.name
        self._emit(JobStarted(job, run.wait))
        error: BaseException | None = None
        try:
            self._steps(run)
            status, message = "finished", ""
        except CancelledError as exc:
            status, message, error = "cancelled", str(exc), exc
        except DgxPixelsError as exc:
            status, message, error = "failed", str(exc), exc
        except Exception as exc:  # a bug: logged with its traceback, reported, queue goes on
            log.exception("job %s failed", job.id)
            status, message = "failed", f"The job failed unexpectedly: {exc}"
            error = DgxPixelsError(message)
        if status != "finished" and run.target_begun:
            self._finish_target(job, cancelled=True)
        run.result.seconds = time.monotonic() - run.started
        metrics = self._record(run, status)
        self._emit(BackendState(job, self.backend.model, self.backend.memory_in_use()))
        if status == "finished":
            return JobFinished(job, run.result, metrics)
        if status == "cancelled":
            return JobCancelled(job, message, run.result)
        return JobFailed(job, message, error)

    def _steps(self, run: _Run) -> None:
        """Configure, unload, load, run the tasks, finish the target: the job's work."""
        job = run.job
        if job.token.cancelled:
            raise CancelledError("Cancelled before it started.")
        if job.configure is not None:
            self.backend.configure(job.configure)
        if job.unload:
            self.backend.unload()
        # references' and controls' images read and their models chosen, on this thread
        # and before a model load (a missing ControlNet never costs an SDXL load)
        tasks = resolve_guides(job.tasks)
        if job.model and not self.backend.is_loaded(job.model):
            t0 = time.perf_counter()
            info = self.backend.load(job.model)
            run.load_seconds = time.perf_counter() - t0
            # one figure everywhere: the whole wait (reading, building, moving to the
            # device), the same the metrics give, not the loader's part of it
            self._emit(ModelLoaded(job, replace(info, load_seconds=run.load_seconds)))
        elif job.model and not job.tasks:  # "load this model": it already is
            self._emit(ModelLoaded(job, self.backend.model))
        if job.target is not None:
            job.target.begin(job, self.backend.model)
            run.target_begun = True
        if job.tasks:
            requests = resolve_speeds([t.request for t in tasks])
            tasks = [replace(t, request=r) for t, r in zip(tasks, requests, strict=True)]
            self.backend.run(tasks, lambda e: self._on_task(run, e), job.token,
                             previews=job.previews)  # fmt: skip
        if job.target is not None:
            job.target.finish(cancelled=False)

    def _on_task(self, run: _Run, event) -> None:
        job, result, total = run.job, run.result, run.job.image_count
        if isinstance(event, TaskProgress):
            self._emit(JobProgress(job, event.index, event.step, event.total,
                                   event.preview, len(result.items), total))  # fmt: skip
        elif isinstance(event, TaskDone):
            run.peak = max(run.peak, event.peak_memory)
            self._deliver(job, event, result, total)
        elif isinstance(event, TaskFailed):
            result.failures.append((event.index, event.message))
            if job.target is not None:
                job.target.fail(event.index, event.message)
            self._emit(ImageFailed(job, event.index, event.message))

    def _deliver(self, job: Job, event: TaskDone, result: JobResult, total: int) -> None:
        gen = event.result
        per_image = gen.seconds / max(1, len(gen.images))
        for number, (raw, request) in enumerate(zip(gen.images, gen.requests, strict=True)):
            art, frames = apply_post(raw, job.post) if job.post is not None else (None, [])
            item = ImageResult(event.index, number, raw, art, frames, request, per_image,
                               gen.steps_per_second, event.worker)  # fmt: skip
            if job.target is not None:
                job.target.write(item)
            result.items.append(item)
            self._emit(ImageReady(job, item, len(result.items), total))

    def _finish_target(self, job: Job, cancelled: bool) -> None:
        try:
            job.target.finish(cancelled=cancelled)
        except Exception:  # the job already failed or was cancelled: that is what is said
            log.warning("could not finish the job's files", exc_info=True)

    def _record(self, run: _Run, status: str) -> JobMetrics:
        job, result = run.job, run.result
        images = len(result.items)
        gen_seconds = sum(item.seconds for item in result.items)
        model = self.backend.model
        metrics = JobMetrics(
            job=job.id, label=job.label, backend=self.backend.name, status=status,
            images=images, failed=len(result.failures), load_seconds=round(run.load_seconds, 3),
            seconds=round(time.monotonic() - job.submitted - run.wait, 3),
            seconds_per_image=round(gen_seconds / images, 3) if images else 0.0,
            it_per_second=round(result.steps_per_second, 3),
            peak_memory_bytes=int(run.peak), queue_wait_seconds=round(run.wait, 3),
            model=str(model.path) if model else "",
        )  # fmt: skip
        if self.metrics is not None and (job.tasks or run.load_seconds):
            self.metrics.append(metrics)
        return metrics

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener never stops the queue
                log.exception("job listener failed")
