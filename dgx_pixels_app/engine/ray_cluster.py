"""Joining a Ray cluster (or starting a local Ray): addresses, reachability, init.

Every failure is one line a person can act on, within seconds.
"""

from __future__ import annotations

import logging
import socket

from dgx_pixels_app.core.errors import InvalidInputError

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


def connect(address: str | None) -> Cluster:
    """Join the cluster at ``address``, or start a local Ray (``None``)."""
    import ray

    if ray.is_initialized():
        return Cluster(False)
    if address:
        check_reachable(address)
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
        return Cluster(False)
    from dgx_pixels_app.engine.reaper import guard_children

    guard = guard_children("/ray/")  # Ray's helpers must not outlive this process, even -9
    ray.init(include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    return Cluster(True, guard)
