"""Model ▸ Agent Access: the MCP server inside the running window (qasync). A tool call
from the SDK's client lands in the Results dock — and, when asked, as an undoable layer
of the open document — through the window's own job queue and resident model."""

from __future__ import annotations

import asyncio

import pytest
import qasync


@pytest.fixture
def loop(qapp):
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


def test_an_agent_call_lands_in_the_results_dock_and_the_document(
    window, qtbot, loop, tiny_model, tmp_path
):
    import httpx2
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    window.models.load_model(str(tiny_model[0]))
    qtbot.waitUntil(lambda: window.jobs.model is not None, timeout=60000)
    window.documents.new_document(32, 32)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    window.settings.mcp_port = 0  # any free port
    window.agent_access.resolution = 64  # the CPU: seconds, not minutes
    window.prompter.agent_root_answer = str(tmp_path)
    started = []
    window.agent_access.started.connect(lambda address, token: started.append((address, token)))

    async def agent():
        window.agent_action.trigger()  # asks for the folder, then serves
        while not started:
            await asyncio.sleep(0.05)
        address, token = started[0]
        assert (
            address.startswith("http://127.0.0.1:")
            and "Agents: http://127.0.0.1:" in window.agent_label.text()
        )
        await asyncio.sleep(0.1)
        assert window.agents.agent_window.isVisible() and not window.agents.agent_window.isModal()
        assert window.agents.agent_window.token.text() == token  # and it stays open during the call
        client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60)
        transport = streamable_http_client(address, http_client=client)
        async with client, transport as (read, write, *_), ClientSession(read, write) as session:
            await session.initialize()
            answer = await session.call_tool("generate_sprite", {
                "prompt": "a tiny dragon", "size": 16, "seed": 77, "into_document": True})  # fmt: skip
            assert not answer.is_error, answer.content
            assert window.agents.agent_window.isVisible()
        for _ in range(200):  # the window receives the job's events on its own thread
            if window.results_panel.list.count() and len(window.session.sprite.layers) == 2:
                break
            await asyncio.sleep(0.05)
        window.agent_action.trigger()  # off
        await asyncio.sleep(0.2)
        return answer.structured_content

    made = loop.run_until_complete(asyncio.wait_for(agent(), 120))
    assert made["sprites"][0]["file"].startswith(str(tmp_path))
    assert window.results_panel.list.count() == 1
    assert window.results_panel.items[0].request.seed == 77
    assert window.results_panel.items[0].request.extra["subject"] == "a tiny dragon"
    assert len(window.session.sprite.layers) == 2  # the new layer, in the open document
    assert window.session.sprite.layers[1].name == "Gen 77"
    window.undo_action.trigger()
    assert len(window.session.sprite.layers) == 1  # an agent's layer undoes like any other
    assert not window.agent_access.running and window.agent_label.text() == ""


def test_the_token_survives_saving_a_sprite_and_a_restart(window, qtbot, loop, tmp_path):
    """The window once wrote back its own stale copy of the settings (with no token) on
    its next save, so every agent configured with the token broke at the next start."""
    from dgx_pixels_app import settings as app_settings
    from dgx_pixels_app.gui.main_window import MainWindow
    from tests.gui.conftest import FakePrompter

    def serve(win) -> str:
        win.settings.mcp_port = 0
        win.prompter.agent_root_answer = str(tmp_path)
        started = []
        win.agent_access.started.connect(lambda address, token: started.append(token))

        async def run():
            win.agent_action.trigger()
            while not started:
                await asyncio.sleep(0.05)
            win.agent_action.trigger()  # off
            await asyncio.sleep(0.1)

        loop.run_until_complete(asyncio.wait_for(run(), 60))
        return started[0]

    token = serve(window)
    window.documents.new_document(8, 8)
    qtbot.waitUntil(lambda: window.session is not None, timeout=5000)
    window.documents.save_to(tmp_path / "hero.aseprite")
    qtbot.waitUntil(lambda: str(tmp_path / "hero.aseprite") in app_settings.load_settings().recent_files,
                    timeout=5000)  # fmt: skip
    assert app_settings.load_settings().mcp_token == token
    again = MainWindow(prompter=FakePrompter())  # a restart
    qtbot.addWidget(again)
    assert serve(again) == token
    settings = app_settings.settings_path()
    assert settings.stat().st_mode & 0o777 == 0o600


def test_the_agent_window_hides_the_token_until_asked_and_copies_it_whole(qtbot):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton

    from dgx_pixels_app.gui.agent_window import AgentWindow

    token = "T" * 43
    window = AgentWindow()
    qtbot.addWidget(window)
    window.show_server("http://127.0.0.1:8765/mcp", token, ["/games/slime"])
    assert token not in window.config.toPlainText() and "Bearer" in window.config.toPlainText()
    copies = [b for b in window.findChildren(QPushButton) if b.text() == "Copy"]
    copies[-1].click()  # the configuration's Copy
    assert token in QGuiApplication.clipboard().text()
    for client in ("VS Code", "Cursor", "Claude Desktop"):
        window.client.setCurrentText(client)
        assert client != "VS Code" or '"type": "http"' in window.config.toPlainText()
    window.show_token.setChecked(True)
    window.client.setCurrentText("VS Code")  # a file in the game's repository: no token in it
    assert token not in window.config.toPlainText() and "${input:" in window.config.toPlainText()
    window.show_token.setChecked(False)
    window.stdio.setChecked(True)
    assert (
        "--allow-root" in window.config.toPlainText()
        and "/games/slime" in window.config.toPlainText()
    )
    window.http.setChecked(True)
    window.client.setCurrentText("Cursor")
    window.show_token.setChecked(True)
    assert token in window.config.toPlainText()
