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
import os
import queue
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, InvalidInputError, ModelError
from dgx_pixels_app.engine.backend import (
    Backend,
    Emit,
    ModelInfo,
    Task,
    TaskDone,
    TaskFailed,
    TaskProgress,
    model_info,
    peak_memory,
    run_task,
    same_model,
)
from dgx_pixels_app.engine.engine import CancelToken, Engine
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


class _Cancelled:
    def __init__(self, index: int, message: str) -> None:
        self.index, self.message = index, message


class EngineWorker:
    """A Ray actor: a resident engine. Created with ``ray.remote`` by the back end."""

    def __init__(self, model: str, settings: dict, threads: int | None) -> None:
        if threads:
            import torch

            torch.set_num_threads(threads)
        self.engine = Engine(EngineSettings(**settings))
        self.model_path = model
        self.tokens: dict[int, CancelToken] = {}

    def ensure(self) -> tuple[bool, object]:
        """(True, ModelInfo) once the model is loaded, or (False, a message)."""
        from dgx_pixels_app.core.errors import DgxPixelsError

        try:
            if self.engine.model is None or not same_model(self.engine.model.path, self.model_path):
                self.engine.load(self.model_path)
        except DgxPixelsError as exc:
            return False, str(exc)
        except Exception as exc:  # reported to the driver as a message
            return False, f"Could not load the model on {socket.gethostname()}: {exc}"
        return True, model_info(self.engine)

    def switch(self, model: str) -> tuple[bool, object]:
        self.model_path = model
        return self.ensure()

    def where(self) -> tuple[str, int]:
        return socket.gethostname(), os.getpid()

    def cancel(self, index: int) -> None:
        token = self.tokens.get(index)
        if token is not None:
            token.cancel()

    def generate(self, task: Task, previews: bool):
        """A streaming generator: TaskProgress… then TaskDone, TaskFailed or _Cancelled."""
        ok, info = self.ensure()
        if not ok:
            yield TaskFailed(task.index, info)
            return
        token = self.tokens[task.index] = CancelToken()
        events: queue.Queue = queue.Queue()
        worker = f"{socket.gethostname()}:{os.getpid()}"

        def work() -> None:
            def emit(event) -> None:
                if isinstance(event, TaskDone):
                    event.worker, event.peak_memory = worker, peak_memory()
                events.put(event)

            try:
                run_task(self.engine, task, emit, token, previews)
            except CancelledError as exc:
                events.put(_Cancelled(task.index, str(exc)))
            finally:
                events.put(None)

        thread = threading.Thread(target=work, name=f"task-{task.index}", daemon=True)
        thread.start()
        try:
            while (event := events.get()) is not None:
                yield event
        finally:
            self.tokens.pop(task.index, None)
            thread.join()


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInputError(
            f"A Ray address is HOST:PORT (e.g. 10.0.0.5:6379), not '{address}'."
        )
    return host, int(port)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Refuse an unreachable head at once, rather than after Ray's long retries."""
    host, port = parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise InvalidInputError(
            f"Cannot reach the Ray cluster at {host}:{port} ({exc.strerror or exc}). Start it "
            "on the head machine with 'ray start --head --port=6379', or use --backend local."
        ) from exc


class RayBackend(Backend):
    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        settings: EngineSettings | None = None,
        threads: int | None = None,
    ) -> None:
        if ray is None:
            raise ModelError(
                "The Ray back end needs Ray: install DGX-Pixels with the cluster extra "
                "(pip install '.[cluster]')."
            )
        if workers is not None and not 1 <= workers <= 256:
            raise InvalidInputError(f"Workers must be 1 to 256, not {workers}.")
        if address:
            parse_address(address)
        self.settings = settings or EngineSettings()
        self.started_ray = False
        self._guard = None
        if not ray.is_initialized():
            if address:
                check_reachable(address)
                ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
            else:
                from dgx_pixels_app.engine.reaper import guard_children

                # Ray's helpers must not outlive this process, even killed with -9
                self._guard = guard_children("/ray/")
                ray.init(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
                self.started_ray = True
        gpus = int(ray.cluster_resources().get("GPU", 0))
        self.use_gpu = gpus > 0 and self.settings.device in ("auto", "cuda")
        self.workers = workers or (gpus if self.use_gpu else 1)
        self.threads = threads if threads is not None else (None if self.use_gpu else 1)
        self.actors: list = []
        self._model: ModelInfo | None = None
        self._actor_class = ray.remote(EngineWorker).options(
            num_gpus=1 if self.use_gpu else 0,
            num_cpus=0 if self.use_gpu else (self.threads or 1),
            max_restarts=MAX_ACTOR_FAILURES,
            max_task_retries=0,
            max_concurrency=3,  # a task, its cancel, and a status call at once
        )

    # -- models ------------------------------------------------------------------------
    def load(self, model: str | Path) -> ModelInfo:
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

    def unload(self) -> None:
        self.close()

    def close(self) -> None:
        for actor in self.actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception:  # already gone
                log.debug("actor already gone", exc_info=True)
        self.actors = []
        self._model = None
        if self.started_ray and ray.is_initialized():
            ray.shutdown()
            self.started_ray = False
        if self._guard is not None:
            self._guard.stdin.close()  # the watchdog reaps anything Ray left behind
            self._guard.wait(10)
            self._guard = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]
