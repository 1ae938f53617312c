"""A real two-node Ray cluster on loopback with token authentication on: what a person
sees when the token is missing or wrong, and a batch that survives a node killed
mid-way (bench/ray_kill_node.sh repeats that 10 times)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

if os.environ.get("CI") != "true":
    pytest.importorskip("ray", reason="the cluster extra is not installed")

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pids_of(marker: str) -> list[int]:
    """Live processes matching ``marker`` (a container's init may leave zombies)."""
    out = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    return [int(p) for p in out.split() if not _zombie(int(p))]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def started_with(marker: str) -> list[int]:
    """Processes whose environment holds ``marker`` (Ray's agents rename themselves)."""
    found = []
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc.name.isdigit() and marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
    return found


@pytest.fixture
def cluster(tmp_path):
    """A head and a second node (1 CPU each), the token in a file of their own."""
    token = tmp_path / "token"
    token.write_text("t" * 32)
    token.chmod(0o600)
    temp = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # short: Ray's sockets live there
    port = free_port()
    env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)}
    ours = "ray::|raylet|gcs_server|ray/_private|ray/dashboard|ray/autoscaler"
    before = set(pids_of(ours))
    start = [str(BIN / "ray"), "start", "--num-cpus=1", "--disable-usage-stats"]
    subprocess.run([*start, "--head", f"--port={port}", "--include-dashboard=false",
                    f"--temp-dir={temp}"], env=env, check=True, capture_output=True, timeout=120)  # fmt: skip
    before = set(pids_of("raylet"))
    subprocess.run([*start, f"--address=127.0.0.1:{port}"], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    second = sorted(set(pids_of("raylet")) - before)
    yield {"address": f"127.0.0.1:{port}", "token": token, "second_raylet": second}
    for _ in range(3):  # what a dying raylet was still starting is found the next time
        for pid in set(started_with(str(token)) + pids_of(ours)) - before:  # this cluster's
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
    assert not set(pids_of(ours)) - before, "a process of the test cluster outlived it"
    shutil.rmtree(temp, ignore_errors=True)


def batch(tmp_path, address, env, items=2, workers=1) -> subprocess.Popen:
    (tmp_path / "items.txt").write_text("".join(f"item {i}\n" for i in range(items)))
    return subprocess.Popen(
        [str(BIN / "dgx-pixels"), "batch", str(tmp_path / "items.txt"), "-o",
         str(tmp_path / "out"), "--model", env["MODEL"], "--steps", "6", "--resolution", "256",
         "--size", "16", "--seed", "1", "--backend", f"ray:{address}", "--workers", str(workers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture
def driver_env(tmp_path, tiny_model):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    return {**env, "HOME": str(home), "DGX_PIXELS_HOME": str(home), "MODEL": str(tiny_model[0])}


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_missing_or_wrong_token_is_one_line_within_seconds(cluster, driver_env, tmp_path, token):
    env = dict(driver_env)
    if token:
        env["RAY_AUTH_TOKEN"] = token
    started = time.monotonic()
    run = batch(tmp_path, cluster["address"], env)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 2
    assert time.monotonic() - started < 15
    lines = [ln for ln in err.replace("\r", "\n").splitlines() if ln.strip() and "batch:" not in ln]
    expected = "refused this machine's token" if token else "needs its token"
    assert len(lines) == 1 and expected in lines[0] and "auth_token" in lines[0], err
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_a_node_killed_mid_batch_loses_no_item(cluster, driver_env, tmp_path):
    env = {**driver_env, "RAY_AUTH_TOKEN_PATH": str(cluster["token"])}  # the user sets no mode
    run = batch(tmp_path, cluster["address"], env, items=10, workers=2)
    out = tmp_path / "out"
    deadline = time.monotonic() + 120
    while len([p for p in out.glob("*.png") if p.name != "index.png"]) < 2:
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.1)
    for pid in cluster["second_raylet"]:
        os.kill(pid, signal.SIGKILL)
    stdout, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["status"] for e in manifest["images"]] == ["done"] * 10
    assert len({e["worker"] for e in manifest["images"]}) >= 2  # both nodes worked
    assert "[state-dump]" not in stdout + err and "(raylet)" not in stdout + err


def test_engine_options_before_the_first_load_start_no_ray_of_their_own():
    """Configured before a model is loaded (the app's Model menu), the back end only
    keeps the options: joining the cluster waits for the load, and its checks."""
    import ray

    from dgx_pixels_app.engine.ray_backend import RayBackend
    from dgx_pixels_app.engine.settings import EngineSettings

    if ray.is_initialized():
        pytest.skip("a Ray is already running in this process")
    backend = RayBackend("127.0.0.1:9")
    backend.configure(EngineSettings(vae_tiling=True))
    assert not ray.is_initialized() and backend.settings.vae_tiling
