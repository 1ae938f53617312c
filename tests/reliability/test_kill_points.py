"""Crash consistency, proven call by call: each writer's child process is killed at
its exact ``write``/``fsync``/``rename``/``ftruncate``/``close``… system calls, and
every file is then the old save or the new one, byte for byte (see killpoints.py).
The normal run kills at a representative set of calls per writer;
``DGX_KILL_POINTS=all`` at every one (``python -m tests.reliability.killpoints``
prints the table). A writer that writes in place is caught."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.helpers import _ci
from tests.reliability.killpoints import Harness, kill_everywhere
from tests.reliability.scenarios import SCENARIOS

EXHAUSTIVE = os.environ.get("DGX_KILL_POINTS") == "all"


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    if shutil.which("strace") is None:
        if _ci():
            raise AssertionError("strace is required in CI (the README's test command installs it)")
        pytest.skip("strace is not installed (the README's test command installs it)")
    h = Harness(tmp_path_factory.mktemp("kill-points"))
    yield h
    h.close()


@pytest.mark.parametrize("name", [n for n in SCENARIOS if "non-atomic" not in n])
def test_a_writer_killed_at_any_system_call_leaves_old_or_new(harness, name):
    report = kill_everywhere(harness, name, EXHAUSTIVE)
    calls = set(report.counts)  # aarch64 (the DGX-Spark) has renameat, not rename
    assert report.points >= 5 and {"write", "fsync", "close"} <= calls
    assert calls & {"rename", "renameat", "renameat2"}
    assert report.torn == [], (
        f"{name}: {len(report.torn)} torn of {report.points}: {report.torn[:5]}"
    )
    assert len(report.missed) <= 1, report.missed  # (a varying last call, no more)


def test_the_harness_catches_a_writer_that_writes_in_place(harness):
    report = kill_everywhere(harness, "non-atomic writer (must be caught)", EXHAUSTIVE)
    assert any("hero.aseprite" in problem for problem in report.torn), report
