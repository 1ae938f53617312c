"""A watchdog that kills a process's descendants when that process dies, even by kill -9.

A local Ray (and later a trainer) starts helper processes that can outlive a
parent killed without warning: Ray's agents, re-parented to init, kept running.
:func:`guard_children` starts this module as a small separate process that holds
one end of a pipe from the parent and, every half second, notes the parent's
process tree. When the pipe closes — the parent exited or was killed — it sends
SIGKILL to every process it saw in that tree that is still the same process
(same start time), then exits. Linux only (it reads ``/proc``); elsewhere it does
nothing.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

POLL_SECONDS = 0.5


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22: start time in clock ticks


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return out


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its start time (to survive PID reuse)."""
    seen: dict[int, str] = {}
    stack = _children(pid)
    while stack:
        child = stack.pop()
        if child in seen or child == os.getpid():
            continue
        start = _start_time(child)
        if start is not None:
            seen[child] = start
            stack += _children(child)
    return seen


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def _matching(parent: int, marker: str) -> dict[int, str]:
    """The parent's descendants whose command line holds ``marker``, and theirs."""
    found: dict[int, str] = {}
    for pid, start in descendants(parent).items():
        if pid not in found and marker in _cmdline(pid):
            found[pid] = start
            found.update(descendants(pid))
    return found


def _watch(parent: int, marker: str) -> None:
    known: dict[int, str] = {}
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], POLL_SECONDS)
        if ready and not os.read(sys.stdin.fileno(), 4096):
            break  # the parent is gone (or closed the pipe on purpose)
        known.update(_matching(parent, marker))
        known = {pid: start for pid, start in known.items() if _start_time(pid) == start}
    for pid in list(known):
        known.update(descendants(pid))
    for pid, start in known.items():
        if _start_time(pid) == start:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def guard_children(marker: str) -> subprocess.Popen | None:
    """Watch this process's children whose command line holds ``marker`` (e.g. Ray's
    ``/ray/``) and all below them; keep the returned object alive, close its stdin
    to make it clean up now."""
    if not sys.platform.startswith("linux"):
        return None
    return subprocess.Popen(
        [sys.executable, "-m", __name__, str(os.getpid()), marker],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl+C in the terminal must not kill it first
        close_fds=True,
    )


if __name__ == "__main__":
    _watch(int(sys.argv[1]), sys.argv[2])
