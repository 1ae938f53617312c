"""The local back end: the resident engine in this process, tasks one after another.

Also the pieces the Ray workers share with it: one task on one engine reported as
one event, the model as the interface describes it, and the peak memory a worker
reports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, DgxPixelsError
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.engine.backend import (
    Backend,
    Emit,
    ModelInfo,
    Progress,
    Task,
    TaskDone,
    TaskFailed,
    TaskProgress,
)
from dgx_pixels_app.engine.batching import batch_size, free_memory, groups
from dgx_pixels_app.engine.engine import Engine
from dgx_pixels_app.engine.settings import EngineSettings

log = logging.getLogger(__name__)


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
            preview_every=1 if previews else 0, guides=task.guides,
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


def run_group(engine: Engine, tasks: Sequence[Task], emit: Emit, cancel: CancelToken,
              previews: bool) -> None:  # fmt: skip
    """Tasks that differ only in prompt and seed as one batched call; one event each."""

    def progress(p: Progress) -> None:
        for i, task in enumerate(tasks):  # each task's preview is the first image's
            emit(_progress(task.index, p if previews and i == 0 else replace(p, preview=None)))

    try:
        results = engine.generate_group([t.request for t in tasks], progress, cancel,
                                        preview_every=1 if previews else 0)  # fmt: skip
    except CancelledError:
        raise
    except Exception as exc:  # out of memory, one bad item, a bug: each on its own instead
        log.warning("a batch of %d failed (%s): running its images one at a time", len(tasks), exc)
        for task in tasks:
            if cancel.cancelled:
                raise CancelledError("Cancelled.") from None
            run_task(engine, task, emit, cancel, previews)
    else:
        peak = peak_memory()
        for task, result in zip(tasks, results, strict=True):
            emit(TaskDone(task.index, result, "local", peak))


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
        for group in groups(tasks, self._batch_sizer()):
            if cancel.cancelled:
                raise CancelledError("Cancelled.")
            if len(group) == 1:
                run_task(self.engine, group[0], emit, cancel, previews)
            else:
                run_group(self.engine, group, emit, cancel, previews)

    def _batch_sizer(self):
        """How many images of a request to run at once, free memory read once per run."""
        engine = self.engine
        if engine.model is None:
            return lambda _request: 1
        dtype_bytes = engine.model.dtype.itemsize
        free = free_memory(engine.model.device)
        return lambda request: batch_size(request, engine.settings.max_batch, free, dtype_bytes)

    def configure(self, settings: EngineSettings) -> None:
        self.engine.settings = settings

    def unload(self) -> None:
        self.engine.unload()

    def memory_in_use(self) -> int:
        return self.engine.memory_in_use()
