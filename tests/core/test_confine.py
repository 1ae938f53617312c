"""The last line of confinement: inside ``confined(roots)`` every writer refuses a
final path outside the roots — a file, a folder, a link out, and a job's writes on
the queue's own thread (the context travels with the job)."""

from __future__ import annotations

import asyncio

import pytest

from dgx_pixels_app.core.atomic import atomic_write_bytes
from dgx_pixels_app.core.confine import ConfinementError, confined, make_folder, own_files
from dgx_pixels_app.core.names import safe_name


@pytest.fixture
def places(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "escape").symlink_to(outside)
    return root, outside


def test_writers_refuse_paths_outside_the_roots(places):
    root, outside = places
    with confined([root]):
        atomic_write_bytes(root / "ok.png", b"fine")
        for bad in (outside / "x.png", root / ".." / "outside" / "y.png", root / "escape" / "z"):
            with pytest.raises(ConfinementError, match="outside the folders"):
                atomic_write_bytes(bad, b"no")
        with pytest.raises(ConfinementError):
            make_folder(root / "escape" / "deeper")
        with own_files():  # the app's own bookkeeping is not the caller's
            atomic_write_bytes(outside / "cache.json", b"{}")
    atomic_write_bytes(outside / "free.png", b"unconfined again")
    assert sorted(p.name for p in outside.iterdir()) == ["cache.json", "free.png"]
    assert (root / "ok.png").read_bytes() == b"fine"


def test_the_roots_travel_into_threads_and_queued_jobs(places):
    from dgx_pixels_app.engine.local import LocalBackend
    from dgx_pixels_app.jobs.job import Job, JobFailed
    from dgx_pixels_app.jobs.queue import JobQueue

    root, outside = places

    class Writes:  # a job target that writes where it was told, like a batch folder
        def begin(self, job, model):
            atomic_write_bytes(outside / "from-the-queue.png", b"no")

        def write(self, image): ...
        def fail(self, index, message): ...
        def finish(self, cancelled): ...

    queue = JobQueue(LocalBackend(), None)
    events = []
    queue.subscribe(events.append)

    async def call():
        with confined([root]):
            await asyncio.to_thread(lambda: pytest.raises(ConfinementError, atomic_write_bytes,
                                                          outside / "thread.png", b"no"))  # fmt: skip
            queue.submit(Job([], target=Writes(), label="confined"))

    asyncio.run(call())
    assert queue.join(30)
    queue.submit(Job([], target=Writes(), label="free"))  # the same target, unconfined
    assert queue.join(30)
    queue.shutdown()
    failed = [e for e in events if isinstance(e, JobFailed)]
    assert [e.job.label for e in failed] == ["confined"] and "outside" in failed[0].message
    assert [p.name for p in outside.iterdir()] == ["from-the-queue.png"]


@pytest.mark.parametrize(
    "name", ["/etc/x", "../../x", "a/b", "a\\b", "..", ".", "", "  ", "x\x00y", "x\ny",
             "A" * 10240, "~/", "***"],
)  # fmt: skip
def test_names_that_could_carry_a_path_are_refused(name):
    from dgx_pixels_app.core.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        safe_name(name)


def test_plain_names_are_made_safe():
    assert safe_name("Hero Knight 2") == "hero_knight_2"
    assert safe_name("slime-enemy_01") == "slime-enemy_01"
    assert (
        safe_name("é" * 3 + "x") == "eeex" and safe_name("ｈｅｒｏ") == "hero"
    )  # accents, full width
    assert safe_name("a／．．／b") == "a_b"  # look-alike slashes and dots stay plain characters


def test_what_is_checked_is_what_is_written(places):
    """A file is replaced where it is: a link at its name is replaced, not followed. So a
    link outside pointing in must be refused, and one inside pointing out is harmless."""
    import os
    import threading

    from dgx_pixels_app.core import confine

    root, outside = places
    (root / "target").write_bytes(b"inside")
    (outside / "link").symlink_to(root / "target")
    (root / "out-link").symlink_to(outside / "secret")
    (root / "loop").symlink_to(root / "loop")
    with confined([root]):
        with pytest.raises(ConfinementError):
            atomic_write_bytes(outside / "link", b"no")  # resolves inside, but writes outside
        atomic_write_bytes(root / "out-link", b"replaces the link, inside")
        with pytest.raises(ConfinementError):
            atomic_write_bytes(root / "loop" / "x", b"no")  # a loop: our error, not RuntimeError
    assert (outside / "link").is_symlink() and not (outside / "secret").exists()
    assert not (root / "out-link").is_symlink() and (root / "target").read_bytes() == b"inside"
    confine.confine_process([root])  # dgx-pixels mcp: even a bare thread is confined
    try:
        failures = []
        thread = threading.Thread(target=lambda: failures.append(
            pytest.raises(ConfinementError, atomic_write_bytes, outside / "t", b"no")))  # fmt: skip
        thread.start()
        thread.join()
        assert failures and not (outside / "t").exists()
    finally:
        confine._PROCESS_ROOTS = None
    assert os.path.exists(outside / "link")


def test_type_tables_cover_every_field():
    """The readers' type tables name every field (a field added without a type there
    would raise KeyError on reading instead of the app's error)."""
    from dataclasses import fields

    from dgx_pixels_app.core.generation import _FIELD_TYPES, GenerationRequest
    from dgx_pixels_app.jobs.metrics import _TYPES, JobMetrics

    lists = {"extra", "loras", "references", "controls"}  # read by their own checks
    assert set(_FIELD_TYPES) == {f.name for f in fields(GenerationRequest)} - lists
    assert all(f.type in _TYPES for f in fields(JobMetrics))
