"""Fanning tasks out to Ray workers, and what happens when a worker is lost.

Tasks go to idle workers; outcomes are delivered in task order. A worker can be
lost two ways, and neither loses a task:

- *unavailable* (its node went away, with the results it held, or it is being
  restarted): Ray restarts it,
  on a live node if its own is dead. The task goes back to the front of the queue
  without counting as an attempt, and the worker rests a while (longer each time)
  before it gets work again.
- *dead* (Ray gave up restarting it): it is replaced by a new worker, which Ray
  places on a live node and which loads the model on its first task. The task
  counts one attempt; after :data:`MAX_ATTEMPTS` deaths on the same task it is
  reported as failed, so a task that kills every worker cannot loop forever.

If no worker has been usable for :data:`STALL_SECONDS`, what is left fails with a
message instead of waiting for ever.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence

from dgx_pixels_app.core.errors import CancelledError, first_line
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.engine.backend import Emit, Task, TaskDone, TaskFailed, TaskProgress
from dgx_pixels_app.engine.ray_worker import _Cancelled

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # deaths of a worker while running the same task
REST = (1.0, 2.0, 4.0, 8.0, 15.0)  # seconds an unavailable worker rests, growing
STALL_SECONDS = 300.0  # no worker usable this long: what is left fails


class Dispatch:
    """One ``run``: ``workers`` is the back end's list of actors (replaced in place)."""

    def __init__(self, ray, workers: list, replace: Callable[[int], None], tasks: Sequence[Task],
                 emit: Emit, cancel: CancelToken, previews: bool) -> None:  # fmt: skip
        self.ray, self.workers, self.replace = ray, workers, replace
        self.emit, self.cancel, self.previews = emit, cancel, previews
        self.order = {task.index: n for n, task in enumerate(tasks)}
        self.outcomes: dict[int, TaskDone | TaskFailed] = {}
        self.delivered = 0
        self.pending = deque(tasks)
        self.attempts: Counter = Counter()
        self.losses: Counter = Counter()  # per worker, since its last success
        self.idle = list(range(len(workers)))
        self.resting: dict[int, float] = {}  # worker -> when it may get work again
        self.running: dict = {}  # generator -> (worker, task)
        self.cancelled: str | None = None
        self.progress_at = time.monotonic()

    def run(self) -> None:
        while self.pending or self.running:
            self._wake()
            self._check_cancel()
            self._start()
            if not self.running:
                self._wait_for_workers()
                continue
            ready, _ = self.ray.wait(list(self.running), num_returns=1, timeout=0.1)
            for gen in ready:
                self._step(gen)
        if self.cancelled is not None:
            raise CancelledError(self.cancelled)

    def _settle(self, event: TaskDone | TaskFailed) -> None:
        self.outcomes[self.order[event.index]] = event
        while self.delivered in self.outcomes:
            self.emit(self.outcomes.pop(self.delivered))
            self.delivered += 1

    def _wake(self) -> None:
        now = time.monotonic()
        for number, until in list(self.resting.items()):
            if now >= until:
                del self.resting[number]
                self.idle.append(number)

    def _check_cancel(self) -> None:
        if self.cancel.cancelled and self.cancelled is None:
            self.cancelled = "Cancelled."
            self.pending.clear()
            for number, task in self.running.values():
                self.workers[number].cancel.remote(task.index)

    def _start(self) -> None:
        while self.idle and self.pending and self.cancelled is None:
            number, task = self.idle.pop(0), self.pending.popleft()
            worker = self.workers[number]
            gen = worker.generate.options(num_returns="streaming").remote(task, self.previews)
            self.running[gen] = (number, task)

    def _wait_for_workers(self) -> None:
        """Nothing runs: workers are resting (restarting) or there are none at all."""
        if self.pending and self.cancelled is None:
            if time.monotonic() - self.progress_at > STALL_SECONDS or not self.workers:
                for task in self.pending:
                    self._settle(TaskFailed(task.index, "No Ray worker could run it (every "
                                            "worker was lost); nothing ran."))  # fmt: skip
                self.pending.clear()
            else:
                time.sleep(0.05)

    def _step(self, gen) -> None:
        from ray.exceptions import (
            ActorDiedError,
            ActorUnavailableError,
            ObjectLostError,
            RayActorError,
        )

        number, task = self.running[gen]
        try:
            event = self.ray.get(next(gen))
        except StopIteration:
            del self.running[gen]
            self.idle.append(number)
            self.losses[number] = 0
            return
        except (ActorUnavailableError, ObjectLostError) as exc:  # its node went away
            del self.running[gen]
            self._unavailable(number, task, exc)
            return
        except (ActorDiedError, RayActorError) as exc:
            del self.running[gen]
            self._died(number, task, exc)
            return
        self.progress_at = time.monotonic()
        if isinstance(event, TaskProgress):
            self.emit(event)
        elif isinstance(event, _Cancelled):
            self.cancelled = event.message
        else:
            self._settle(event)

    def _unavailable(self, number: int, task: Task, exc: BaseException) -> None:
        log.warning("Ray worker %d unavailable running task %d: %s", number, task.index, exc)
        rest = REST[min(self.losses[number], len(REST) - 1)]
        self.losses[number] += 1
        self.resting[number] = time.monotonic() + rest
        if self.cancelled is None:
            self.pending.appendleft(task)  # not the task's fault: no attempt counted

    def _died(self, number: int, task: Task, exc: BaseException) -> None:
        log.warning("Ray worker %d died running task %d: %s", number, task.index, exc)
        self.attempts[task.index] += 1
        self.replace(number)  # a new worker, placed by Ray on a live node
        self.losses[number] = 0
        self.resting[number] = time.monotonic() + REST[0]
        if self.cancelled is None and self.attempts[task.index] < MAX_ATTEMPTS:
            self.pending.appendleft(task)
        else:
            self._settle(TaskFailed(task.index, f"A Ray worker died: {first_line(exc)}"))
