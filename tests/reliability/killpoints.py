"""The deterministic crash harness: a real process killed exactly at its Nth ``write``,
``fsync``, ``rename``, ``ftruncate``, ``close``… of a save, for every N the save makes
(or a representative set of them), with ``strace -e inject=SYSCALL:signal=KILL:when=N``
attached to a child the zygote forked just before the save. After each kill, every
file must be byte-identical to the old save or to the new one (or, for a "volatile"
file, pass the scenario's own check).

    .venv/bin/python -m tests.reliability.killpoints            # every kill point, a table
    .venv/bin/python -m tests.reliability.killpoints --quick    # the normal suite's subset
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
# a point not reached (the last calls' count varies by one under load: a library's lazy
# close) is tried this many times more; then the calls are counted again, and a point
# past the new count is missed, not torn (a clean-clone CI run missed PNG export's 4th
# close twice in a row, then the Bevy export's 27th four times)
RETRIES = 3
CALLS = ("write", "pwrite64", "writev", "fsync", "fdatasync", "ftruncate", "close", "rename",
         "renameat", "renameat2", "unlink", "unlinkat", "fchmod", "mkdir", "mkdirat")  # fmt: skip


def known_calls() -> list[str]:
    """The syscalls of CALLS this machine's strace knows (aarch64 has no rename…)."""
    known = []
    for call in CALLS:
        probe = subprocess.run(["strace", "-qq", "-e", f"trace={call}", "-o", "/dev/null", "true"],
                               capture_output=True)  # fmt: skip
        if probe.returncode == 0:
            known.append(call)
    return known


@dataclass
class Report:
    scenario: str
    points: int = 0
    torn: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # points a recount no longer reached
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Harness:
    def __init__(self, work: Path) -> None:
        self.work = work
        self.calls = known_calls()
        self.zygote = subprocess.Popen([sys.executable, "-m", "tests.reliability.zygote", str(work)],
                                       cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       text=True)  # fmt: skip
        assert self._answer() == "ready"

    def _answer(self) -> str:
        line = self.zygote.stdout.readline().strip()
        if not line:
            raise RuntimeError("the zygote died (its traceback is above)")
        return line

    def _ask(self, line: str) -> str:
        self.zygote.stdin.write(line + "\n")
        self.zygote.stdin.flush()
        return self._answer()

    def close(self) -> None:
        try:
            if self.zygote.poll() is None:
                self.zygote.stdin.write("quit\n")
                self.zygote.stdin.flush()
                self.zygote.wait(30)
        finally:
            if self.zygote.poll() is None:
                self.zygote.kill()

    def run(self, scenario: str, folder: Path, strace: list[str] | None = None) -> str:
        """Fork, attach strace (if given) before the child saves, release it, wait."""
        pid = int(self._ask(f"fork {quote(scenario)} {folder}").split()[1])
        tracer = None
        try:
            if strace is not None:
                tracer = subprocess.Popen(["strace", "-qq", "-f", "-p", str(pid), *strace],
                                          stderr=subprocess.PIPE, text=True)  # fmt: skip
                _wait_traced(pid, tracer)
            outcome = self._ask("go")
            if tracer is not None:
                tracer.wait(30)
        finally:
            if tracer is not None and tracer.poll() is None:
                tracer.kill()
        return outcome


def _wait_traced(pid: int, tracer: subprocess.Popen) -> None:
    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if re.search(r"^TracerPid:\s*[1-9]", status.read_text(), re.M):
            return
        if tracer.poll() is not None:
            raise RuntimeError(f"strace could not attach: {tracer.stderr.read()}")
        time.sleep(0.002)
    raise RuntimeError("strace did not attach within 10 s")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def count_calls(harness: Harness, scenario: str, folder: Path) -> dict[str, int]:
    log = folder.parent / f"{folder.name}.strace"
    harness.run(scenario, folder, ["-e", f"trace={','.join(harness.calls)}", "-o", str(log)])
    counts: dict[str, int] = {}
    for line in log.read_text().splitlines():
        match = re.match(r"^\d+\s+([a-z0-9_]+)\(", line)
        if match:
            counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def torn_files(folder: Path, old: dict[str, bytes], new: dict[str, bytes], spec) -> list[str]:
    """What is neither the old save nor the new one (nor a leftover a kill may leave)."""
    now = snapshot(folder)
    problems = []
    for path in sorted(set(old) | set(new) | set(now)):
        name = path.rsplit("/", 1)[-1]
        if path in spec.volatile or any(fnmatch.fnmatch(name, pattern) for pattern in spec.ignore):
            continue
        if now.get(path) not in (old.get(path), new.get(path)):
            state = "missing" if path not in now else f"{len(now[path])} bytes"
            problems.append(f"{path}: {state}, neither old nor new")
    return problems + spec.check(folder)


def points(count: int, exhaustive: bool) -> list[int]:
    if exhaustive:
        return list(range(1, count + 1))
    return sorted({n for n in (1, 2, count // 2, count - 1, count) if 1 <= n <= count})


def kill_everywhere(harness: Harness, name: str, exhaustive: bool = True) -> Report:
    from tests.reliability.scenarios import SCENARIOS

    spec, started = SCENARIOS[name], time.monotonic()
    folder = harness.work / re.sub(r"[^a-z0-9]+", "-", name.lower())
    harness.run(name, folder)
    new = snapshot(folder)
    harness._ask(f"fork {quote(name)} {folder}")  # the old state, never released…
    old = snapshot(folder)
    harness._ask("go")  # …until now (it saves; the next fork prepares the old state again)
    report = Report(name, counts=count_calls(harness, name, folder))
    for call, count in sorted(report.counts.items()):
        for n in points(count, exhaustive):
            inject = ["-o", "/dev/null", "-e", f"inject={call}:signal=KILL:when={n}"]
            outcome = harness.run(name, folder, inject)
            for _ in range(RETRIES):  # the last calls' count can vary by one under load
                if outcome == "killed 9":  # (a library's close): try again
                    break
                outcome = harness.run(name, folder, inject)
            report.points += 1
            report.torn += [f"{call} #{n}: {p}" for p in torn_files(folder, old, new, spec)]
            if outcome == "killed 9":
                continue
            if count_calls(harness, name, folder).get(call, 0) < n:  # not there this time
                report.missed.append(f"{call} #{n}")
            else:
                report.torn.append(f"{call} #{n}: not killed ({outcome})")
    report.seconds = time.monotonic() - started
    return report


def main() -> int:
    from tests.reliability.scenarios import SCENARIOS

    exhaustive = "--quick" not in sys.argv
    work = Path(tempfile.mkdtemp(prefix="dgx-kill-"))
    harness = Harness(work)
    print(f"{'writer':<38} {'kill points':>11} {'torn':>5} {'s':>6}  calls")
    try:
        for name in SCENARIOS:
            r = kill_everywhere(harness, name, exhaustive)
            calls = ", ".join(f"{c} {n}" for c, n in sorted(r.counts.items()))
            print(
                f"{name:<38} {r.points:>11} {len(r.torn):>5} {r.seconds:>6.1f}  {calls}", flush=True
            )
            for problem in r.torn[:3]:
                print(f"    {problem}")
    finally:
        harness.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
