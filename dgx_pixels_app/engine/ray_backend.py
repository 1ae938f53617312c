"""The Ray back end: one resident engine per GPU (or per CPU slot) on a Ray cluster.

Ray does the distributed work — scheduling actors onto GPUs, restarting a dead
actor, moving images between machines; this module only says what runs where.
Each actor holds its own :class:`Engine` with the model loaded once, switches
LoRAs as adapters, and streams progress events back through a Ray streaming
generator. Tasks fan out to idle actors; outcomes are delivered in task order.

A worker lost mid-task (its machine rebooted, its node was killed) never loses
the task: it runs again on a live worker (see :mod:`.ray_dispatch` for the rules),
and no outcome is reported twice. Joining a cluster (tokens, one-line errors) is
:mod:`.ray_cluster`; the actor itself is :mod:`.ray_worker`.

Ray is optional (``pip install .[cluster]``); importing this module without it
raises a :class:`ModelError` that says how to install it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from dgx_pixels_app.core.errors import ModelError, OptionError, first_line
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.engine.backend import Backend, Emit, ModelInfo, Task, same_model
from dgx_pixels_app.engine.ray_cluster import (
    Cluster,
    connect,
    divert_native_stderr,
    parse_address,
)
from dgx_pixels_app.engine.ray_dispatch import Dispatch
from dgx_pixels_app.engine.ray_worker import EngineWorker
from dgx_pixels_app.engine.settings import EngineSettings

log = logging.getLogger(__name__)
MAX_RESTARTS = 3  # Ray restarts a lost worker this often before it is replaced

try:
    import ray
    from ray.exceptions import ActorUnavailableError, RayActorError
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
        with contextlib.suppress(OSError):  # an unwritable data folder: Ray's output stays
            divert_native_stderr()  # before any progress bar holds on to sys.stderr
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
            max_restarts=MAX_RESTARTS,
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
            raise ModelError(f"A Ray worker could not start: {first_line(exc)}") from exc
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
        Dispatch(ray, self.actors, self._replace, tasks, emit, cancel, previews).run()

    def _replace(self, number: int) -> None:
        """A new worker in place of a dead one; it loads the model on its first task."""
        with contextlib.suppress(Exception):  # already gone
            ray.kill(self.actors[number], no_restart=True)
        path = str(self._model.path) if self._model else ""
        self.actors[number] = self._actor_class.remote(path, asdict(self.settings), self.threads)

    def configure(self, settings: EngineSettings) -> None:
        """New workers start with these; running ones take them for their next load."""
        self.settings = settings
        if self.actors:  # never before the cluster is joined: ray.get would start a Ray
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
