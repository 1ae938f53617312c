"""Run blocking work (disk, model) off the UI thread and get the result back on it.

The runnable's emitter signals a ``TaskRunner`` slot; because the runner lives on
the GUI thread the connection is queued and the callbacks run there, never on the
worker (connecting a worker's signal to a lambda would run it on the worker).
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Emitter(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], emitter: _Emitter) -> None:
        super().__init__()
        self.task_id, self.fn, self.emitter = task_id, fn, emitter

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # reported on the GUI thread, never swallowed
            exc.__dgx_traceback__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.emitter.failed.emit(self.task_id, exc)
        else:
            self.emitter.done.emit(self.task_id, result)


class TaskRunner(QObject):
    """Owns a thread pool; ``submit(fn, on_done, on_error)`` from the GUI thread."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._emitter = _Emitter(self)
        self._emitter.done.connect(self._on_done)
        self._emitter.failed.connect(self._on_failed)
        self._callbacks: dict[int, tuple[Callable, Callable]] = {}
        self._ids = itertools.count(1)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> int:
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self.pool.start(_Task(task_id, fn, self._emitter))
        return task_id

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until queued work ends (only at shutdown, when nothing else can run)."""
        return self.pool.waitForDone(msecs)

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: object) -> None:
        _, on_error = self._callbacks.pop(task_id, (None, None))
        if on_error:
            on_error(exc)
