"""``dgx-pixels mcp --http``: 127.0.0.1 only, no token no access, with the token the
SDK's client works; the token is kept in the settings."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time

import psutil

from tests.mcp.conftest import data_of, server_args


def start(root, model, home):
    env = {**os.environ, "DGX_PIXELS_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, *server_args(root, model, "--http", "--port", "0")],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)  # fmt: skip
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if line.startswith("Authorization: Bearer "):
            url = re.search(r"http://[^\s]+", "".join(lines)).group(0)
            return proc, url, line.split("Bearer ", 1)[1].strip()
        assert proc.poll() is None, "".join(lines)
    raise AssertionError("the server did not start: " + "".join(lines))


def test_http_needs_the_token_and_listens_on_loopback_only(project, tiny_model, tmp_path):
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    root, _game = project
    home = tmp_path / "home"
    proc, url, token = start(root, tiny_model[0], home)
    try:
        assert url.startswith("http://127.0.0.1:")
        listening = [
            c
            for c in psutil.Process(proc.pid).net_connections("inet")
            if c.status == psutil.CONN_LISTEN
        ]
        assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening)
        hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
        headers = {"accept": "application/json, text/event-stream"}
        assert httpx2.post(url, json=hello, headers=headers).status_code == 401
        wrong = {**headers, "authorization": "Bearer guess"}
        assert httpx2.post(url, json=hello, headers=wrong).status_code == 401
        saved = json.loads((home / "config" / "settings.json").read_text())
        assert saved["mcp_token"] == token and len(token) >= 32
        assert (home / "config" / "settings.json").stat().st_mode & 0o777 == 0o600
        assert (home / "config").stat().st_mode & 0o777 == 0o700
        for scheme in ("bearer", "BEARER"):  # the scheme is case-insensitive (RFC 7235)
            either = {**headers, "authorization": f"{scheme} {token}"}
            assert httpx2.post(url, json=hello, headers=either).status_code != 401
        port = url.split(":")[2].split("/")[0]
        taken = subprocess.run([sys.executable, *server_args(root, tiny_model[0], "--http", "--port", port)],
                               capture_output=True, text=True, timeout=60,
                               env={**os.environ, "DGX_PIXELS_HOME": str(home)})  # fmt: skip
        assert taken.returncode == 2 and "Traceback" not in taken.stderr
        assert taken.stderr.startswith(f"dgx-pixels: error: Port {port} on 127.0.0.1 is in use")
        assert "--port" in taken.stderr

        async def session_run():
            client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
            transport = streamable_http_client(url, http_client=client)
            async with (
                client,
                transport as (read, write, *_),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                names = {t.name for t in (await session.list_tools()).tools}
                assert "generate_and_deploy" in names
                answer = await session.call_tool("generate_sprite", {"prompt": "bat", "size": 16})
                assert data_of(answer)["sprites"][0]["width"] == 16

        asyncio.run(session_run())
    finally:
        proc.terminate()
        proc.wait(30)
