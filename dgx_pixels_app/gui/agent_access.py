"""Model ▸ Agent Access: the MCP server inside the running app (qasync).

The asyncio server runs in the Qt event loop (the app runs on a qasync loop), on
the window's own job queue: agents and the artist share the resident model, and
an agent's images land in the Results dock — or, when the agent asks, as a new
layer of the open document (one undo step) — while the artist watches. Streamable
HTTP on 127.0.0.1 with the bearer token kept in the settings.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from dgx_pixels_app.mcp.confine import Roots
from dgx_pixels_app.mcp.http import HOST, PortInUse, bind, get_token, serve_http
from dgx_pixels_app.mcp.server import ServerConfig, build_server

log = logging.getLogger(__name__)


class AgentAccess(QObject):
    started = Signal(str, str)  # address, token
    stopped = Signal(str)  # why ("" when asked to)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.task: asyncio.Task | None = None
        self.address = ""
        self.token = ""
        self.roots: list[str] = []
        self.resolution = None  # the model's image size for agents' sprites (the kind's)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self, roots: list[str], port: int = 8765) -> None:
        """Start serving (needs a running asyncio loop: the app's qasync loop)."""
        if self.running:
            return
        loaded = self.window.jobs.model
        default = self.window.settings.default_model or None
        config = ServerConfig(
            roots=Roots.of(roots, readable=[self._models_dir()]),
            model=str(loaded.path) if loaded else default, into_app=True,
            resolution=self.resolution,
        )  # fmt: skip
        server = build_server(self.window.jobs.queue, config)
        token = get_token()
        try:
            sock = bind(port)  # a port in use is said now, by the menu action
        except PortInUse:
            raise PortInUse(port, "Close it, or set another mcp_port in settings.json "
                            "(and in your agents' configuration).") from None  # fmt: skip
        self.roots = [str(r) for r in config.roots.writable]
        self.token, self.config = token, config
        loop = asyncio.get_event_loop()

        def listening(actual: int) -> None:
            self.address = f"http://{HOST}:{actual}/mcp"
            # later, from the loop itself: nothing of the window runs inside the server's task
            loop.call_soon(self.started.emit, self.address, self.token)

        self.task = loop.create_task(serve_http(server, self.token, sock, listening))
        self.task.add_done_callback(self._ended)

    def follow_model(self, path: str) -> None:
        """Agents generate with the model the artist loads."""
        if self.running:
            self.config.model = path

    def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _ended(self, task: asyncio.Task) -> None:
        why = ""
        if not task.cancelled() and task.exception() is not None:
            why = f"Agent access stopped: {task.exception()}"
            log.error("MCP server ended", exc_info=task.exception())
        self.task = None
        self.stopped.emit(why)

    @staticmethod
    def _models_dir() -> Path:
        from dgx_pixels_app.settings import models_dir

        return models_dir()
