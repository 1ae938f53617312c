"""Atomic file writes: a crash or full disk mid-save never destroys the old file.

The data goes to a temporary file in the same folder (same file system, so the
rename is atomic), is flushed and fsynced, then renamed over the target. Readers,
Bevy's asset watcher included, see either the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dgx_pixels_app.core.confine import check_write
from dgx_pixels_app.core.errors import FileAccessError


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: int | None = None) -> Iterator[BinaryIO]:
    """Open a binary stream whose content replaces ``path`` only on success.

    ``mode`` sets the file's permissions (e.g. 0o600 for a secret) from the first
    byte on; otherwise an existing file keeps its own and a new one follows the umask.
    The final path is checked against the caller's confinement first.
    """
    target = Path(path)
    check_write(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileAccessError(f"Cannot save '{target}': the folder '{folder}' does not exist.")
    _remove_stale(folder, target.name)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise FileAccessError(f"Cannot write in '{folder}': {exc.strerror or exc}.") from exc
    tmp = Path(tmp_name)
    try:
        if mode is not None:  # mkstemp made it 0600: a secret is never readable by others
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if mode is None:
            _copy_mode(target, tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, FileAccessError):
            raise FileAccessError(f"Cannot save '{target}': {exc.strerror or exc}.") from exc
        raise
    _fsync_folder(folder)


STALE_SECONDS = 60.0


def _umask() -> int:
    """The process's umask, read without changing it (os.umask(0) and back would give
    a file another thread creates in between the wrong permissions)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022


def _copy_mode(target: Path, tmp: Path) -> None:
    """An existing file keeps its permissions; a new one gets what open() would give."""
    with contextlib.suppress(OSError):
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())


def _remove_stale(folder: Path, name: str) -> None:
    """Temporary files of earlier writes of this file that a crash or kill -9 left behind
    (older than a minute, so a concurrent writer's file is never touched)."""
    try:
        stale = list(folder.glob(f".{glob.escape(name)}.*.tmp"))
    except OSError:
        return
    now = time.time()
    for path in stale:
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, mode: int | None = None) -> None:
    with atomic_open(path, mode) as stream:
        stream.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, mode: int | None = None) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """One writer at a time for a read-change-write (the settings, a game's deploy record):
    across this process's threads and across processes (``flock`` on ``path``, made 0600).
    """
    import fcntl

    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(os.path.realpath(path), threading.Lock())
    with lock:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock
