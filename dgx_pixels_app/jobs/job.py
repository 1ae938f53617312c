"""A job as plain data, and the events a running job reports.

A :class:`Job` is: the engine calls to make (:class:`~dgx_pixels_app.engine.backend.Task`,
each a ``GenerationRequest`` plus optional source image and mask), the post-steps
applied to every image (:class:`PostSteps`: pixelize, palette, fit to a sprite
size, slice a strip into frames), and where results go (a :class:`Target` such as
a batch folder; with none, only the caller's event listener sees them). The GUI,
the CLI, batch and agents all build these and hand them to a
:class:`~dgx_pixels_app.jobs.queue.JobQueue`.
"""

from __future__ import annotations

import contextvars
import itertools
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.core.generation import CancelToken, GenerationRequest
from dgx_pixels_app.engine.backend import ModelInfo, Task
from dgx_pixels_app.engine.settings import EngineSettings
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions

_ids = itertools.count(1)


@dataclass
class PostSteps:
    """What happens to each generated image before it is delivered."""

    pixelize: bool = True
    options: PixelizeOptions | None = None  # palette, colours, background…
    size: int | None = None  # fit the sprite onto a size×size canvas (shrinking if larger)
    frames: int = 1  # >1: the image is a strip of this many poses, cut into frames


@dataclass
class ImageResult:
    """One delivered image: the raw model output, the post-processed art and provenance."""

    index: int  # the task's index
    number: int  # which image of the task (0 .. count-1)
    raw: np.ndarray
    art: np.ndarray | None  # after post-steps (None when the job has none)
    frames: list[np.ndarray]  # the strip cut into frames (empty unless PostSteps.frames > 1)
    request: GenerationRequest  # the exact request (seed, model, size) behind it
    seconds: float  # generation time per image
    steps_per_second: float
    worker: str = "local"


class Target(Protocol):
    """Where a job's results go, written as they arrive (so a killed job keeps them)."""

    def begin(self, job: Job, model: ModelInfo | None) -> None: ...

    def write(self, image: ImageResult) -> None: ...

    def fail(self, index: int, message: str) -> None: ...

    def finish(self, cancelled: bool) -> None: ...


@dataclass(frozen=True)
class ToResults:
    """For the person to pick from (the app's Results). ``selection``: the part of the
    sprite an image-to-image or inpaint was made for, where "add as layer" puts it."""

    selection: object = None  # a core.selection.Selection


@dataclass(frozen=True)
class AsFrames:
    """Straight into the open sprite as new frames (a strip's poses, or the next frame)."""

    plan: object  # a jobs.frame_requests.FramesPlan


@dataclass(frozen=True)
class ForAgent:
    """An agent's job: shown in the app, and added to the open sprite when it asked."""

    tool: str
    into_document: bool = False


@dataclass(frozen=True)
class WarmUp:
    """Nobody's images: a run that makes the next ones fast (compiling the UNet)."""

    what: str = "compile"


@dataclass(frozen=True)
class AsCharacter:
    """A character's frames: the job that made them assembles the sprite itself."""

    name: str = ""


Placement = ToResults | AsFrames | ForAgent | WarmUp | AsCharacter


@dataclass
class Job:
    tasks: list[Task]
    post: PostSteps | None = None
    target: Target | None = None
    model: str | None = None  # load this model first unless it is the resident one
    label: str = ""
    place: Placement | None = None  # where a front end puts the results (None: the caller's)
    previews: bool = True  # per-step preview images (the GUI wants them, batch not)
    id: int = field(default_factory=lambda: next(_ids))
    token: CancelToken = field(default_factory=CancelToken)
    submitted: float = field(default_factory=time.monotonic)
    backend_name: str = ""  # set by the queue that runs it
    unload: bool = False  # free the resident model (in queue order, off the UI thread)
    configure: EngineSettings | None = None  # engine options for the next model load
    ended: Future = field(default_factory=Future)  # set to the job's last event
    context: contextvars.Context = field(default_factory=contextvars.Context)  # set by submit

    def wait(self, timeout: float | None = None) -> JobResult:
        """Block until the job has ended: its result, or the error it ended with."""
        return outcome(self.ended.result(timeout))

    @property
    def changes_model(self) -> bool:
        """A job that only loads or frees a model."""
        return not self.tasks and (bool(self.model) or self.unload)

    @property
    def image_count(self) -> int:
        return sum(task.count for task in self.tasks)

    @classmethod
    def single(
        cls, request: GenerationRequest, count: int = 1, init_image=None, mask=None,
        guides=None, sources=None, **kwargs,
    ) -> Job:  # fmt: skip
        """The everyday job: one request for ``count`` images (``guides``: the pixels of
        its references and controls, from jobs.guides.prepare; else ``sources``: the
        images it names that only the caller has, the rest read by the job)."""
        return cls([Task(0, request, count, init_image, mask, guides, sources)], **kwargs)


@dataclass
class JobResult:
    job: Job
    items: list[ImageResult] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def images(self) -> list[np.ndarray]:
        return [item.raw for item in self.items]

    @property
    def requests(self) -> list[GenerationRequest]:
        return [item.request for item in self.items]

    @property
    def steps_per_second(self) -> float:
        rates = [item.steps_per_second for item in self.items if item.steps_per_second]
        return sum(rates) / len(rates) if rates else 0.0


# -- events (delivered to listeners on the queue's thread) --------------------------------
@dataclass
class JobStarted:
    job: Job
    wait_seconds: float


@dataclass
class JobProgress:
    job: Job
    index: int
    step: int
    total: int
    preview: np.ndarray | None
    done: int  # images delivered so far
    of: int  # images in the job


@dataclass
class ImageReady:
    job: Job
    image: ImageResult
    done: int
    of: int


@dataclass
class ImageFailed:
    job: Job
    index: int
    message: str


@dataclass
class ModelLoaded:
    job: Job
    model: ModelInfo


@dataclass
class JobFinished:
    job: Job
    result: JobResult
    metrics: Any  # JobMetrics


@dataclass
class JobCancelled:
    job: Job
    message: str
    result: JobResult


@dataclass
class JobFailed:
    job: Job
    message: str
    error: BaseException | None = None  # what it failed with (re-raised by ``outcome``)


@dataclass
class BackendState:
    """The back end after a job: its model and memory in use (front ends cache these,
    never asking the back end from their own thread)."""

    job: Job
    model: ModelInfo | None
    memory: int  # bytes


def outcome(event) -> JobResult:
    """What a job's last event means for its caller: the result, or the error."""
    if isinstance(event, JobFinished):
        return event.result
    if isinstance(event, JobCancelled):
        raise CancelledError(event.message)
    if isinstance(event.error, DgxPixelsError):
        raise event.error
    raise DgxPixelsError(event.message)


Event = (
    JobStarted | JobProgress | ImageReady | ImageFailed | ModelLoaded | BackendState
    | JobFinished | JobCancelled | JobFailed
)  # fmt: skip
