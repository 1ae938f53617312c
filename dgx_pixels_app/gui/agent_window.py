"""The Agent Access window: where agents connect, the token, and the configuration to
paste into each client — non-modal, so the server (on the same event loop) keeps
answering while it is open (a modal dialog would stop every request)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dgx_pixels_app.mcp.clients import http_configs, stdio_configs


def _copy_button(text_of) -> QPushButton:
    button = QPushButton("Copy")
    button.setToolTip("Copy to the clipboard")
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(text_of()))
    return button


class AgentWindow(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agent Access (MCP)")
        self.setModal(False)
        self.resize(620, 430)
        self.roots: list[str] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.address = QLineEdit(readOnly=True)
        self.token = QLineEdit(readOnly=True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_token = show = QPushButton("Show")
        show.setCheckable(True)
        show.toggled.connect(self._refresh)
        grid = QGridLayout()
        grid.addWidget(QLabel("Address"), 0, 0)
        grid.addWidget(self.address, 0, 1, 1, 2)
        grid.addWidget(_copy_button(self.address.text), 0, 3)
        grid.addWidget(QLabel("Token"), 1, 0)
        grid.addWidget(self.token, 1, 1)
        grid.addWidget(show, 1, 2)
        grid.addWidget(_copy_button(self.token.text), 1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addLayout(self._client_row())
        self.where = QLabel()
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.where)
        self.config = QPlainTextEdit(readOnly=True)
        self.config.setFont(QFont("monospace"))
        self.config.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # a path never looks split
        layout.addWidget(self.config, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(_copy_button(lambda: self._configs()[self.client.currentIndex()].text))
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _client_row(self) -> QHBoxLayout:
        self.client = QComboBox()
        self.client.currentIndexChanged.connect(self._refresh)
        self.http = QRadioButton("HTTP (this window's server)")
        self.stdio = QRadioButton("stdio (the client starts its own)")
        self.http.setChecked(True)
        group = QButtonGroup(self)
        for button in (self.http, self.stdio):
            group.addButton(button)
            button.toggled.connect(self._refresh)
        row = QHBoxLayout()
        row.addWidget(QLabel("Client"))
        row.addWidget(self.client, 1)
        row.addWidget(self.http)
        row.addWidget(self.stdio)
        return row

    def show_server(self, address: str, token: str, roots: list[str]) -> None:
        self.roots = list(roots)
        self.address.setText(address)
        self.token.setText(token)
        self.status.setText(
            f"Agents can use DGX-Pixels while this app runs. They write only inside: "
            f"{', '.join(roots)}. Keep the token private: it is the key to this server."
        )
        self._refresh()

    def _configs(self):
        if self.http.isChecked():
            return http_configs(self.address.text(), self.token.text())
        return stdio_configs(self.roots)

    def _refresh(self, *_args) -> None:
        configs = self._configs()
        chosen = self.client.currentText()
        self.client.blockSignals(True)
        self.client.clear()
        self.client.addItems([c.client for c in configs])
        names = [c.client for c in configs]
        self.client.setCurrentIndex(names.index(chosen) if chosen in names else 0)
        self.client.blockSignals(False)
        config = configs[self.client.currentIndex()]
        self.where.setText(f"Paste into: {config.where}")
        shown = self.show_token.isChecked()
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        token = self.token.text()
        text = config.text if shown or not token else config.text.replace(token, "•" * 12)
        self.config.setPlainText(text)  # Copy copies the real one
