"""The back-end interface: what the jobs layer asks of whatever runs the model.

A back end loads a model, runs a list of :class:`Task` (one engine call each) and
reports a stream of events through a callback: progress (with a small preview),
a finished task with its images, or a failed one. Exactly one ``TaskDone`` or
``TaskFailed`` arrives per task, in task order, whatever order the work finished
in. Cancel is a :class:`CancelToken`; a cancelled run raises ``CancelledError``
after reporting what did finish.

This module is the interface only: the protocol and the types that cross it.
Implementations live beside it (``local.py``: the resident in-process engine;
``ray_backend.py``: one resident engine per GPU on a Ray cluster) and front ends
get one from :func:`dgx_pixels_app.engine.factory.make_backend`, never knowing
which one runs their jobs.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.generation import CancelToken, GenerationRequest
from dgx_pixels_app.engine.settings import EngineSettings


@dataclass
class Progress:
    step: int
    total: int
    preview: np.ndarray | None  # small RGB uint8 image, or None


@dataclass
class GenerationResult:
    images: list[np.ndarray]  # RGBA uint8, one per requested image
    requests: list[GenerationRequest]  # the exact request behind each image (its seed)
    seconds: float
    steps_per_second: float


@dataclass
class GuideImages:
    """The pixels behind a request's references and controls, in their order (the
    request itself holds their paths, hashes and weights)."""

    references: list[np.ndarray] = field(default_factory=list)  # RGB or RGBA, any size
    controls: list[np.ndarray] = field(default_factory=list)  # RGB at the request's size


@dataclass
class Task:
    """One engine call: a request for ``count`` images (seeds seed, seed+1, …)."""

    index: int
    request: GenerationRequest
    count: int = 1
    init_image: np.ndarray | None = None
    mask: np.ndarray | None = None
    guides: GuideImages | None = None
    # images the caller took from its document (by the names its references and
    # controls use, "layer:Line art"): the job reads the rest on its own thread
    sources: dict | None = None


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

    @abstractmethod
    def configure(self, settings: EngineSettings) -> None:
        """Engine options (device, precision, memory switches) for the next model load."""

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
