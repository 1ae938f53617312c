"""Jobs on the queue's thread, awaited from asyncio: progress out, cancel in.

The queue runs jobs on its own thread (shared with the GUI inside the app); a
tool awaits its job here. Progress events are handed to the event loop with
``call_soon_threadsafe`` and reported to the client; if the client cancels the
request (or goes away), the awaiting task is cancelled and so is the job — its
files are written atomically, so nothing half-written is left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable

from dgx_pixels_app.core.errors import CancelledError
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.jobs.job import ImageReady, Job, JobProgress, JobResult, outcome
from dgx_pixels_app.jobs.queue import JobQueue

Progress = Callable[[float, float, str], Awaitable[None]]
_cancelled = [0]  # calls whose awaiting task was cancelled in this process


def cancelled_calls() -> int:
    """How many calls were cancelled mid-work (the client cancelled them, or went away:
    a stdio server whose client closes its pipes mid-call may end without a write
    failing, so this is how it knows the calls went with it)."""
    return _cancelled[0]


async def run_job(queue: JobQueue, job: Job, progress: Progress | None = None) -> JobResult:
    """Submit ``job`` and wait for it; raises CancelledError or DgxPixelsError."""
    loop = asyncio.get_running_loop()
    updates: asyncio.Queue = asyncio.Queue()

    def listen(event) -> None:
        if event.job is job and isinstance(event, JobProgress | ImageReady):
            loop.call_soon_threadsafe(updates.put_nowait, event)

    queue.subscribe(listen)
    ended = asyncio.wrap_future(job.ended)
    queue.submit(job)
    state: dict = {}
    try:
        while not ended.done():
            getter = asyncio.ensure_future(updates.get())
            await asyncio.wait({getter, ended}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                await _report(getter.result(), progress, state)
            else:
                getter.cancel()
        while not updates.empty():  # what arrived before the end, in order
            await _report(updates.get_nowait(), progress, state)
    except asyncio.CancelledError:
        job.token.cancel()  # the client cancelled or went away: stop the job too
        _cancelled[0] += 1
        raise
    finally:
        queue.unsubscribe(listen)
    return outcome(ended.result())


async def _report(event, progress: Progress | None, state: dict) -> None:
    """Progress on one scale that only grows: steps of all the job's images."""
    if progress is None:
        return
    if isinstance(event, JobProgress):
        state["steps"] = event.total
        total = max(1, event.of) * event.total
        await progress(
            event.done * event.total + event.step, total, f"step {event.step}/{event.total}"
        )
    elif state.get("steps"):
        steps = state["steps"]
        await progress(
            event.done * steps, max(1, event.of) * steps, f"image {event.done}/{event.of}"
        )


def blocking_runner(queue: JobQueue, cancel: CancelToken,
                    submit: Callable[[Job], object] | None = None) -> Callable[[Job], JobResult]:  # fmt: skip
    """A ``run(job)`` for code that runs jobs one after another on a worker thread
    (animations): each job goes through the shared queue (or ``submit``, the app's job
    client, so its progress and Cancel see them); ``cancel`` stops it."""

    def run(job: Job) -> JobResult:
        if cancel.cancelled:
            raise CancelledError("Cancelled.")
        (submit or queue.submit)(job)
        while True:
            try:
                return job.wait(0.05)
            except concurrent.futures.TimeoutError:
                if cancel.cancelled:
                    job.token.cancel()

    return run


async def run_worker(queue: JobQueue, work: Callable, ctx, message: str):
    """``work(run)`` on a worker thread, its jobs through the shared queue (``run``);
    cancelling the call stops them at the next step (files are written atomically)."""
    cancel = CancelToken()
    run = blocking_runner(queue, cancel)
    task = asyncio.ensure_future(asyncio.to_thread(work, run))
    if ctx is not None:
        await ctx.report_progress(0, 1, message)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        cancel.cancel()
        _cancelled[0] += 1
        raise
