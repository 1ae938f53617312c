"""The back-end interface: what the jobs layer asks of whatever runs the model.

A back end loads a model, runs a list of :class:`Task` (one engine call each) and
reports a stream of events through a callback: progress (with a small preview),
a finished task with its images, or a failed one. Exactly one ``TaskDone`` or
``TaskFailed`` arrives per task, in task order, whatever order the work finished
in. Cancel is a :class:`CancelToken`; a cancelled run raises ``CancelledError``
after reporting what did finish.

Two implementations: :class:`LocalBackend` (the resident in-process
:class:`~dgx_pixels_app.engine.engine.Engine`) and
:class:`~dgx_pixels_app.engine.ray_backend.RayBackend` (one resident engine per
GPU on a Ray cluster). Front ends never know which one runs their jobs.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine.engine import CancelToken, Engine, GenerationResult, Progress
from dgx_pixels_app.engine.settings import EngineSettings

log = logging.getLogger(__name__)


@dataclass
class Task:
    """One engine call: a request for ``count`` images (seeds seed, seed+1, …)."""

    index: int
    request: GenerationRequest
    count: int = 1
    init_image: np.ndarray | None = None
    mask: np.ndarray | None = None


@dataclass
class ModelInfo:
    path: Path
    kind: str  # "diffusers" or "single-file"
    device: str  # "cuda", "cpu", … (the first worker's, on a cluster)
    dtype: str
    load_seconds: float
    workers: int = 1


@dataclass
class TaskProgress:
    index: int
    step: int
    total: int
    preview: np.ndarray | None


@dataclass
class TaskDone:
    index: int
    result: GenerationResult
    worker: str = "local"
    peak_memory: int = 0  # bytes: the worker's peak (GPU allocated, else process RSS)


@dataclass
class TaskFailed:
    index: int
    message: str


TaskEvent = TaskProgress | TaskDone | TaskFailed
Emit = Callable[[TaskEvent], None]


class Backend(ABC):
    """Load a model, run tasks with a stream of events, cancel. See the module doc."""

    name: str = "backend"

    @abstractmethod
    def load(self, model: str | Path) -> ModelInfo:
        """Make ``model`` the resident one (a no-op if it already is)."""

    @property
    @abstractmethod
    def model(self) -> ModelInfo | None:
        """The resident model, or None."""

    @abstractmethod
    def run(
        self, tasks: Sequence[Task], emit: Emit, cancel: CancelToken, previews: bool = True
    ) -> None:
        """Run every task; report through ``emit`` on the calling thread."""

    def unload(self) -> None:  # noqa: B027 - optional for back ends that hold nothing
        """Free the resident model."""

    def memory_in_use(self) -> int:
        return 0

    def close(self) -> None:  # noqa: B027
        """Release workers and connections (the back end is not used afterwards)."""

    def is_loaded(self, model: str | Path) -> bool:
        current = self.model
        return current is not None and same_model(current.path, model)


def same_model(a: str | Path, b: str | Path) -> bool:
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def peak_memory() -> int:
    """This process's peak: GPU memory torch allocated on CUDA, else the peak RSS."""
    try:
        import torch

        if torch.cuda.is_available() and torch.cuda.is_initialized():
            return int(torch.cuda.max_memory_allocated())
    except ImportError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def run_task(engine: Engine, task: Task, emit: Emit, cancel: CancelToken, previews: bool) -> None:
    """One task on one engine, its outcome reported as one event. Cancel propagates."""
    try:
        result = engine.generate(
            task.request, task.count, task.init_image, task.mask,
            progress=lambda p: emit(_progress(task.index, p)), cancel=cancel,
            preview_every=1 if previews else 0,
        )  # fmt: skip
    except CancelledError:
        raise
    except DgxPixelsError as exc:
        emit(TaskFailed(task.index, str(exc)))
    except Exception as exc:  # a bug or a library error: reported, the next task runs
        log.exception("generation failed")
        emit(TaskFailed(task.index, f"Generation failed: {exc}. The model is still loaded."))
    else:
        emit(TaskDone(task.index, result, "local", peak_memory()))


def _progress(index: int, p: Progress) -> TaskProgress:
    return TaskProgress(index, p.step, p.total, p.preview)


def model_info(engine: Engine, workers: int = 1) -> ModelInfo:
    m = engine.model
    return ModelInfo(
        m.path, m.kind, str(m.device.type), str(m.dtype).replace("torch.", ""),
        m.load_seconds, workers,
    )  # fmt: skip


class LocalBackend(Backend):
    """The resident engine in this process: tasks run one after another."""

    name = "local"

    def __init__(self, engine: Engine | None = None, settings: EngineSettings | None = None):
        self.engine = engine or Engine(settings)

    def load(self, model: str | Path) -> ModelInfo:
        if not self.is_loaded(model):
            self.engine.load(model)
        return model_info(self.engine)

    @property
    def model(self) -> ModelInfo | None:
        return model_info(self.engine) if self.engine.model is not None else None

    def run(
        self, tasks: Sequence[Task], emit: Emit, cancel: CancelToken, previews: bool = True
    ) -> None:
        for task in tasks:
            if cancel.cancelled:
                raise CancelledError("Cancelled.")
            run_task(self.engine, task, emit, cancel, previews)

    def unload(self) -> None:
        self.engine.unload()

    def memory_in_use(self) -> int:
        return self.engine.memory_in_use()


def make_backend(spec: str = "local", settings: EngineSettings | None = None, workers=None):
    """``local``, ``ray`` (a local Ray, or the cluster in RAY_ADDRESS) or ``ray:HOST:PORT``."""
    from dgx_pixels_app.core.errors import InvalidInputError

    kind, _, address = spec.partition(":")
    if kind == "local" and not address:
        return LocalBackend(settings=settings)
    if kind == "ray":
        from dgx_pixels_app.engine.ray_backend import RayBackend

        return RayBackend(address or None, workers=workers, settings=settings)
    raise InvalidInputError(f"Unknown back end '{spec}': use local, ray or ray:HOST:PORT.")
