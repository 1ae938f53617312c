"""Agent Access from the window: the Model menu's toggle starts or stops the in-app MCP
server (gui/agent_access.py), asking once for the folder agents may write into, and
shows the non-modal Agent Access window while it serves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from dgx_pixels_app.gui.agent_access import AgentAccess
from dgx_pixels_app.gui.document_controller import DocumentController
from dgx_pixels_app.gui.prompts import Prompter


class AgentController(QObject):
    def __init__(self, *, access: AgentAccess, documents: DocumentController, prompter: Prompter,
                 label: QLabel, action: QAction, show_error: Callable[[str], None],
                 parent: QWidget) -> None:  # fmt: skip
        super().__init__(parent)
        self.access, self.documents, self.prompter = access, documents, prompter
        self.label, self.action, self.show_error = label, action, show_error
        self.window = parent
        self.agent_window = None  # made when the server first starts

    def toggle(self, on: bool) -> None:
        access = self.access
        if not on:
            access.stop()
            return
        roots = [r for r in self.documents.settings.agent_roots if Path(r).is_dir()]
        if not roots:
            folder = self.prompter.agent_root()
            if not folder:
                self.action.setChecked(False)
                return
            roots = [folder]
            self.documents.update_settings(lambda s: setattr(s, "agent_roots", list(roots)))
        try:
            access.start(roots, self.documents.settings.mcp_port)
        except Exception as exc:  # a port in use, a bad root: said, and the app goes on
            self.action.setChecked(False)
            self.show_error(f"Agent access could not start: {exc}")

    def on_started(self, address: str, token: str) -> None:
        from dgx_pixels_app.gui.agent_window import AgentWindow

        self.label.setText(f"Agents: {address}")
        self.label.setToolTip(f"MCP over HTTP at {address} (Model ▸ Agent Access)")
        if self.agent_window is None:
            self.agent_window = AgentWindow(self.window)
        self.agent_window.show_server(address, token, self.access.roots)
        self.agent_window.show()  # never exec(): the server answers on this same event loop
        self.agent_window.raise_()

    def on_stopped(self, why: str) -> None:
        self.label.setText("")
        if self.agent_window is not None:
            self.agent_window.close()
        self.action.setChecked(False)
        if why:
            self.show_error(why)
