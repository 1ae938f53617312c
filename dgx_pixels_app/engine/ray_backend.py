"""The Ray back end: one resident engine per GPU (or per CPU slot) on a Ray cluster.

Ray does the distributed work — scheduling actors onto GPUs, restarting a dead
actor, moving images between machines; this module only says what runs where.
Each actor holds its own :class:`Engine` with the model loaded once, switches
LoRAs as adapters, and streams progress events back through a Ray streaming
generator. Tasks fan out to idle actors; outcomes are delivered in task order.

If an actor dies mid-task (its machine rebooted, the process was killed), the
task goes back to the front of the queue and runs on whichever actor is free
next — Ray restarts the dead one, which reloads the model on its next task. A
task is retried at most :data:`MAX_ATTEMPTS` times, so nothing is lost and no
outcome is reported twice.

Ray is optional (``pip install .[cluster]``); importing this module without it
raises a :class:`ModelError` that says how to install it.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, ModelError, OptionError
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.engine.backend import (
    Backend,
    Emit,
    ModelInfo,
    Task,
    TaskDone,
    TaskFailed,
    TaskProgress,
    same_model,
)
from dgx_pixels_app.engine.ray_cluster import Cluster, connect, parse_address
from dgx_pixels_app.engine.ray_worker import EngineWorker, _Cancelled
from dgx_pixels_app.engine.settings import EngineSettings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # per task: the first run and two retries on other actors
MAX_ACTOR_FAILURES = 3  # an actor that died this often is dropped from the pool
RESTART_PAUSE = 1.0  # seconds before a dead actor (being restarted by Ray) gets work again

try:
    import ray
    from ray.exceptions import ActorDiedError, ActorUnavailableError, RayActorError
except ImportError:  # pragma: no cover - exercised only without the extra
    ray = None


class RayBackend(Backend):
    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        settings: EngineSettings | None = None,
        threads: int | None = None,
    ) -> None:
        """Checks its arguments only: the cluster is joined on first use, on the thread
        that runs jobs (a window never waits on the network)."""
        if ray is None:
            raise ModelError(
                "The Ray back end needs Ray: install DGX-Pixels with the cluster extra "
                "(pip install '.[cluster]')."
            )
        if workers is not None and not 1 <= workers <= 256:
            raise OptionError("workers", f"must be 1 to 256, not {workers}")
        if address:
            parse_address(address)
        self.address = address
        self.settings = settings or EngineSettings()
        self.requested = (workers, threads)
        self.cluster: Cluster | None = None
        self.actors: list = []
        self._model: ModelInfo | None = None

    def _connect(self) -> None:
        if self.cluster is not None:
            return
        self.cluster = connect(self.address)
        gpus = int(ray.cluster_resources().get("GPU", 0))
        workers, threads = self.requested
        self.use_gpu = gpus > 0 and self.settings.device in ("auto", "cuda")
        self.workers = workers or (gpus if self.use_gpu else 1)
        self.threads = threads if threads is not None else (None if self.use_gpu else 1)
        self._actor_class = ray.remote(EngineWorker).options(
            num_gpus=1 if self.use_gpu else 0,
            num_cpus=0 if self.use_gpu else (self.threads or 1),
            max_restarts=MAX_ACTOR_FAILURES,
            max_task_retries=0,
            max_concurrency=3,  # a task, its cancel, and a status call at once
        )

    # -- models ------------------------------------------------------------------------
    def load(self, model: str | Path) -> ModelInfo:
        self._connect()
        path = str(Path(model).expanduser().resolve())
        if self._model is not None and same_model(self._model.path, path):
            return self._model
        if not self.actors:
            settings = asdict(self.settings)
            self.actors = [
                self._actor_class.remote(path, settings, self.threads) for _ in range(self.workers)
            ]
            calls = [actor.ensure.remote() for actor in self.actors]
        else:
            calls = [actor.switch.remote(path) for actor in self.actors]
        try:
            answers = ray.get(calls)
        except RayActorError as exc:
            raise ModelError(f"A Ray worker could not start: {_first_line(exc)}") from exc
        failed = [message for ok, message in answers if not ok]
        if failed:
            self._model = None
            raise ModelError(failed[0])
        info = answers[0][1]
        info.workers = len(self.actors)
        self._model = info
        return info

    @property
    def model(self) -> ModelInfo | None:
        return self._model

    def worker_pids(self, timeout: float = 60.0) -> list[tuple[str, int]]:
        """(host, pid) of each worker, waiting for any that Ray is restarting."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return ray.get([actor.where.remote() for actor in self.actors])
            except ActorUnavailableError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    # -- running ---------------------------------------------------------------------------
    def run(
        self, tasks: Sequence[Task], emit: Emit, cancel: CancelToken, previews: bool = True
    ) -> None:
        if self._model is None:
            raise ModelError("No model is loaded on the Ray workers: load one first.")
        order = {task.index: n for n, task in enumerate(tasks)}
        outcomes: dict[int, TaskDone | TaskFailed] = {}
        delivered = [0]

        def settle(event: TaskDone | TaskFailed) -> None:
            outcomes[order[event.index]] = event
            while delivered[0] in outcomes:
                emit(outcomes.pop(delivered[0]))
                delivered[0] += 1

        pending = deque(tasks)
        attempts: Counter = Counter()
        failures: Counter = Counter()
        idle = list(range(len(self.actors)))
        resting: dict[int, float] = {}  # actor number -> when Ray should have restarted it
        running: dict = {}  # generator -> (actor number, task)
        cancelled_message = None
        while pending or running or (resting and pending):
            now = time.monotonic()
            for number, until in list(resting.items()):
                if now >= until:
                    del resting[number]
                    idle.append(number)
            if cancel.cancelled and cancelled_message is None:
                cancelled_message = "Cancelled."
                pending.clear()
                for number, task in running.values():
                    self.actors[number].cancel.remote(task.index)
            while idle and pending and cancelled_message is None:
                number, task = idle.pop(0), pending.popleft()
                gen = (
                    self.actors[number]
                    .generate.options(num_returns="streaming")
                    .remote(task, previews)
                )
                running[gen] = (number, task)
            if not running:
                if resting and pending and cancelled_message is None:
                    time.sleep(0.05)
                    continue
                if not idle and pending:
                    for task in pending:
                        settle(TaskFailed(task.index, "Every Ray worker failed; nothing ran."))
                    pending.clear()
                continue
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.1)
            for gen in ready:
                number, task = running[gen]
                try:
                    event = ray.get(next(gen))
                except StopIteration:
                    del running[gen]
                    idle.append(number)
                    continue
                except (RayActorError, ActorDiedError, ActorUnavailableError) as exc:
                    del running[gen]
                    attempts[task.index] += 1
                    failures[number] += 1
                    log.warning("Ray worker %d died running task %d: %s", number, task.index, exc)
                    if failures[number] < MAX_ACTOR_FAILURES:
                        # Ray restarts it (it reloads the model): give it a moment first
                        resting[number] = time.monotonic() + RESTART_PAUSE
                    if cancelled_message is None and attempts[task.index] < MAX_ATTEMPTS:
                        pending.appendleft(task)
                    else:
                        settle(TaskFailed(task.index, f"A Ray worker died: {_first_line(exc)}"))
                    continue
                if isinstance(event, TaskProgress):
                    emit(event)
                elif isinstance(event, _Cancelled):
                    cancelled_message = event.message
                else:
                    settle(event)
        if cancelled_message is not None:
            raise CancelledError(cancelled_message)

    def configure(self, settings: EngineSettings) -> None:
        """New workers start with these; running ones take them for their next load."""
        self.settings = settings
        ray.get([actor.configure.remote(asdict(settings)) for actor in self.actors])

    def unload(self) -> None:
        """Free the workers (and their models); the next load starts new ones."""
        for actor in self.actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception:  # already gone
                log.debug("actor already gone", exc_info=True)
        self.actors = []
        self._model = None

    def close(self) -> None:
        self.unload()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
