"""Forks a child per kill point, with everything already imported (a fresh Python per
point would spend a second importing numpy and torch).

Lines on stdin: ``fork NAME DIR`` prepares the old state of scenario NAME in DIR
(here, untraced), forks a child that waits, and answers ``pid N``; ``go`` lets that
child run the save and answers ``exit CODE`` or ``killed SIGNAL``; ``quit`` ends.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path
from urllib.parse import unquote

from tests.reliability.scenarios import SCENARIOS

PR_SET_PTRACER, PR_SET_PTRACER_ANY, PR_SET_PDEATHSIG = 0x59616D61, -1, 1


def _die_with_parent() -> None:
    """A killed test run leaves no zygote, and a dead zygote no waiting child."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _child(scenario, folder: Path, gate: int) -> None:
    try:  # let strace attach even where Yama restricts ptrace to ancestors
        _die_with_parent()
        ctypes.CDLL(None).prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0)
        if not os.read(gate, 1):  # the zygote is gone: no save
            os._exit(4)
        scenario.save(folder)
        code = 0
    except BaseException:
        traceback.print_exc()
        code = 3
    os._exit(code)  # no atexit, no flush of the zygote's buffers


def _prepare(name: str, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    SCENARIOS[name].prepare(folder)


def main() -> None:
    import torch

    _die_with_parent()
    torch.set_num_threads(1)  # few threads to fork from
    for name, scenario in SCENARIOS.items():  # warm up: every lazy import done before forking
        warm = Path(sys.argv[1]) / "warm" / str(abs(hash(name)))
        _prepare(name, warm)
        if "non-atomic" not in name:  # that one replaces the atomic writer: only in a child
            scenario.save(warm)
    print("ready", flush=True)
    child = gate = None
    for line in sys.stdin:
        command, *args = line.split(maxsplit=2)
        if command == "fork":
            name, folder = unquote(args[0]), Path(args[1].strip())
            _prepare(name, folder)
            read, gate = os.pipe()
            child = os.fork()
            if child == 0:
                os.close(gate)
                _child(SCENARIOS[name], folder, read)
            os.close(read)
            print(f"pid {child}", flush=True)
        elif command == "go":
            os.write(gate, b"g")
            os.close(gate)
            _, status = os.waitpid(child, 0)
            if os.WIFSIGNALED(status):
                print(f"killed {os.WTERMSIG(status)}", flush=True)
            else:
                print(f"exit {os.WEXITSTATUS(status)}", flush=True)
        elif command == "quit":
            return


if __name__ == "__main__":
    main()
