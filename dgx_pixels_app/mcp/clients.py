"""Ready-to-paste configurations for the MCP clients people use, over HTTP (the server
running, in the app or ``dgx-pixels mcp --http``) or stdio (the client starts
``dgx-pixels mcp`` itself). Plain text, so the app shows it and tests read it."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

NAME = "dgx-pixels"


@dataclass(frozen=True)
class ClientConfig:
    client: str
    where: str  # where the text goes
    text: str


def stdio_command(roots: list[str]) -> tuple[str, list[str]]:
    """The command a client runs for stdio: this install's ``dgx-pixels``."""
    beside = Path(sys.executable).with_name("dgx-pixels")
    found = str(beside) if beside.is_file() else shutil.which("dgx-pixels")
    args = ["mcp", *[a for root in roots for a in ("--allow-root", str(root))]]
    if found:
        return found, args
    return sys.executable, ["-m", "dgx_pixels_app", *args]


def _json(data: dict) -> str:
    return json.dumps(data, indent=2)


def http_configs(url: str, token: str) -> list[ClientConfig]:
    header = f"Bearer {token}"
    return [
        ClientConfig("Claude Code", "a terminal, in your game's folder",
                     f"claude mcp add --transport http {NAME} {url} "
                     f"--header {shlex.quote('Authorization: ' + header)}"),
        ClientConfig("VS Code", ".vscode/mcp.json in your game's folder (no secret in it: VS Code "
                     "asks for the token once and keeps it; paste the Token above)",
                     _json({"inputs": [{"type": "promptString", "id": "dgx-pixels-token",
                                        "description": "DGX-Pixels agent token", "password": True}],
                            "servers": {NAME: {"type": "http", "url": url, "headers": {
                                "Authorization": "Bearer ${input:dgx-pixels-token}"}}}})),
        ClientConfig("Cursor", "~/.cursor/mcp.json, your user's (not the project's .cursor/: "
                     "it holds the token, keep it out of version control)",
                     _json({"mcpServers": {NAME: {"url": url, "headers": {"Authorization": header}}}})),
        ClientConfig("Claude Desktop", "claude_desktop_config.json (through the mcp-remote bridge)",
                     _json({"mcpServers": {NAME: {
                         "command": "npx",
                         "args": ["-y", "mcp-remote", url, "--header", "Authorization:${AUTH}"],
                         "env": {"AUTH": header}}}})),
        ClientConfig("curl (a quick check)", "a terminal",
                     f"curl -s {url} -H {shlex.quote('Authorization: ' + header)} "
                     "-H 'Content-Type: application/json' "
                     "-H 'Accept: application/json, text/event-stream' "
                     """-d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":"""
                     """{"protocolVersion":"2025-06-18","capabilities":{},"""
                     """"clientInfo":{"name":"curl","version":"1"}}}'"""),
    ]  # fmt: skip


def stdio_configs(roots: list[str]) -> list[ClientConfig]:
    command, args = stdio_command(roots)
    entry = {"command": command, "args": args}
    return [
        ClientConfig("Claude Code", "a terminal, in your game's folder",
                     f"claude mcp add {NAME} -- {shlex.join([command, *args])}"),
        ClientConfig("VS Code", ".vscode/mcp.json in your game's folder",
                     _json({"servers": {NAME: {"type": "stdio", **entry}}})),
        ClientConfig("Cursor", "~/.cursor/mcp.json (or .cursor/mcp.json in the project)",
                     _json({"mcpServers": {NAME: entry}})),
        ClientConfig("Claude Desktop", "claude_desktop_config.json",
                     _json({"mcpServers": {NAME: entry}})),
    ]  # fmt: skip
