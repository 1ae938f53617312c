"""Joining a Ray cluster (or starting a local Ray): addresses, reachability, init.

Every failure is one line a person can act on, within seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError, ModelError, first_line

log = logging.getLogger(__name__)


def parse_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInputError(
            f"A Ray address is HOST:PORT (e.g. 10.0.0.5:6379), not '{address}'."
        )
    return host, int(port)


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Refuse an unreachable head at once, rather than after Ray's long retries."""
    host, port = parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise InvalidInputError(
            f"Cannot reach the Ray cluster at {host}:{port} ({exc.strerror or exc}). Start it "
            "on the head machine with 'ray start --head --port=6379', or use --backend local."
        ) from exc


class Cluster:
    """This process's connection to Ray: ``close`` ends what ``connect`` started."""

    def __init__(self, started: bool, guard=None) -> None:
        self.started, self.guard = started, guard

    def close(self) -> None:
        import ray

        if self.started and ray.is_initialized():
            ray.shutdown()
            self.started = False
        if self.guard is not None:
            self.guard.stdin.close()  # the watchdog reaps anything Ray left behind
            self.guard.wait(10)
            self.guard = None


TOKEN_FILE = Path("~/.ray/auth_token")  # where Ray itself looks for the cluster's token
GUIDE = "see packaging/CLUSTER.md"


def token_source() -> str | None:
    """Where this machine's Ray token comes from (Ray's own order), or None."""
    if os.environ.get("RAY_AUTH_TOKEN"):
        return "RAY_AUTH_TOKEN"
    path = os.environ.get("RAY_AUTH_TOKEN_PATH")
    if path:
        return path
    default = TOKEN_FILE.expanduser()
    return str(default) if default.is_file() else None


def use_token() -> str | None:
    """Switch on Ray's token authentication when this machine has a token (Ray 2.59+
    clusters started where a token exists require one), so a person never sets
    RAY_AUTH_MODE by hand; an explicit RAY_AUTH_MODE is left alone."""
    source = token_source()
    if source and "RAY_AUTH_MODE" not in os.environ:
        os.environ["RAY_AUTH_MODE"] = "token"
        _reload_ray_config()
    return source


def _reload_ray_config() -> None:
    """Ray reads RAY_AUTH_MODE once, when it is first imported: make it read it again
    (as Ray's own tests do) in case it was imported before."""
    try:
        from ray._raylet import AuthenticationTokenLoader, Config

        Config.initialize("")
        AuthenticationTokenLoader.instance().reset_cache()
    except (ImportError, AttributeError):  # another Ray version: the variable alone
        log.debug("could not reload Ray's configuration", exc_info=True)


def probe(address: str) -> None:
    """Ask the cluster's control service who we are: a refused or missing token is
    one line at once (``ray.init`` would retry for ~20 s and end in a traceback)."""
    from ray._raylet import GcsClient
    from ray.exceptions import AuthenticationError, RayError

    try:
        GcsClient(address=address)
    except RayError as exc:
        if not isinstance(exc, AuthenticationError):  # a port that answers, not Ray's
            raise ModelError(
                f"Nothing at {address} answers as a Ray cluster ({first_line(exc)}): give the head's "
                f"Ray port (6379 unless it was started with another; {GUIDE})."
            ) from exc
        source = token_source()
        problem = f"refused this machine's token ({source})" if source else "needs its token"
        raise ModelError(
            f"The Ray cluster at {address} {problem}: copy the head's {TOKEN_FILE} to "
            f"{TOKEN_FILE} on this machine ({GUIDE})."
        ) from exc


def connect(address: str | None) -> Cluster:
    """Join the cluster at ``address``, or start a local Ray (``None``). Ray's own
    logs go to its session folder, not the terminal (``log_to_driver=False``)."""
    import ray

    if ray.is_initialized():
        return Cluster(False)
    _quiet_ray_messages()
    if address:
        use_token()
        check_reachable(address)
        probe(address)
        try:
            ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        except Exception as exc:  # a version mismatch, a cluster that went away…
            raise ModelError(
                f"Cannot join the Ray cluster at {address}: {first_line(exc)} ({GUIDE})."
            ) from exc
        return Cluster(False)
    from dgx_pixels_app.engine.reaper import guard_children

    guard = guard_children("/ray/")  # Ray's helpers must not outlive this process, even -9
    ray.init(
        address="local", include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False
    )  # a private one, even if a cluster runs here
    return Cluster(True, guard)


def divert_native_stderr() -> Path | None:
    """Ray's C++ core writes warnings (and state dumps when a node dies) straight to
    file descriptor 2. Send those to ``ray-driver.log`` in the app's data folder,
    while Python's ``sys.stderr`` (our messages, progress bars) keeps the terminal.
    Only when ``sys.stderr`` is the real descriptor 2, once per process."""
    global _DIVERTED
    try:
        if _DIVERTED is not None or sys.stderr.fileno() != 2:
            return _DIVERTED
    except (AttributeError, OSError, ValueError):  # a captured or replaced stderr
        return None
    from dgx_pixels_app.settings import data_dir

    path = data_dir() / "logs" / "ray-driver.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    keep = os.dup(2)
    log_fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.stderr = open(keep, "w", buffering=1, encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    _DIVERTED = path
    return path


_DIVERTED: Path | None = None


def _quiet_ray_messages() -> None:
    """Ray's driver prints the cluster's error messages (a dead raylet's last hundred
    log lines, state dumps) to sys.stdout, where the CLI prints its results and the MCP
    server speaks its protocol: they go to ``ray-messages.log`` instead."""
    try:
        import ray._private.worker as ray_worker
    except ImportError:  # pragma: no cover - another Ray layout: its default
        return
    from dgx_pixels_app.settings import data_dir

    path = data_dir() / "logs" / "ray-messages.log"

    def to_log(data, ignore_prefix: bool) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as log_file:
            for line in data.get("lines", []):
                log_file.write(f"({data.get('pid', '')}) {line}\n")

    ray_worker.print_to_stdstream = to_log
