"""The app and the MCP server run their jobs on Ray when told to: the ``backend``
setting (the app) and ``dgx-pixels mcp --backend ray``, through the one factory."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

if os.environ.get("CI") != "true":
    pytest.importorskip("ray", reason="the cluster extra is not installed")


def test_the_app_runs_its_jobs_on_ray_from_the_setting(qtbot, tiny_model):
    from dgx_pixels_app.core.generation import GenerationRequest
    from dgx_pixels_app.gui.job_client import JobClient, backend_for
    from dgx_pixels_app.settings import load_settings, update_settings

    update_settings(lambda s: setattr(s, "backend", "ray"))
    backend, problem = backend_for(load_settings())
    assert problem == "" and backend.name == "ray"
    client = JobClient(backend)
    try:
        client.load_model(str(tiny_model[0]))
        with qtbot.waitSignal(client.jobFinished, timeout=120000) as finished:
            client.submit(GenerationRequest("a frog", seed=4, steps=2, width=64, height=64))
        _job, result = finished.args
        assert result.items and result.items[0].worker != "local"  # host:pid of a Ray worker
        assert client.model is not None and client.model.workers >= 1
    finally:
        client.shutdown()


def test_the_mcp_server_runs_agents_jobs_on_ray(tmp_path, tiny_model):
    from tests.mcp.conftest import data_of, stdio_session

    root, home = tmp_path / "game", tmp_path / "home"
    root.mkdir()

    async def call():
        async with stdio_session(root, tiny_model[0], home, "--backend", "ray") as session:
            return data_of(await session.call_tool(
                "generate_sprite", {"prompt": "a frog", "size": 16, "seed": 2,
                                    "options": {"clip_skip": 1}}))  # fmt: skip

    data = asyncio.run(call())  # any stray output of Ray's on stdout would break the protocol
    assert len(data["sprites"]) == 1
    lines = (home / "data" / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line)["backend"] for line in lines][-1] == "ray"
