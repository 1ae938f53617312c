"""The Ray actor: one resident engine on one GPU (or CPU slot), streaming events.

Created by :class:`~dgx_pixels_app.engine.ray_backend.RayBackend` with
``ray.remote``; this module itself does not import Ray.
"""

from __future__ import annotations

import os
import queue
import socket
import threading

from dgx_pixels_app.core.errors import CancelledError
from dgx_pixels_app.core.generation import CancelToken
from dgx_pixels_app.engine.backend import Task, TaskDone, TaskFailed, same_model
from dgx_pixels_app.engine.engine import Engine
from dgx_pixels_app.engine.local import model_info, peak_memory, run_task
from dgx_pixels_app.engine.settings import EngineSettings


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

    def configure(self, settings: dict) -> None:
        self.engine.settings = EngineSettings(**settings)

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
