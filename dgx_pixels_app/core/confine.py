"""The last line of confinement: every writer checks its final path just before it
writes, against the folders the current caller may write into.

Front ends that act for someone else (the MCP server, for an agent) run each call
inside :func:`confined`; the roots travel with the call as a context variable, into
``asyncio.to_thread`` and into the jobs it submits (the queue runs each job in the
context it was submitted from). Outside such a call nothing is confined: the app
and the CLI write where their user asks. The first line stays where paths are
taken in (``mcp/confine.Roots``); this one catches a path that slipped past it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError


class ConfinementError(InvalidInputError):
    """A write outside the folders this caller may use (never done)."""


_ROOTS: ContextVar[tuple[Path, ...] | None] = ContextVar("dgx_pixels_write_roots", default=None)


@contextlib.contextmanager
def confined(roots: list[str | os.PathLike[str]]) -> Iterator[None]:
    """Writes in this context (and jobs submitted from it) stay inside ``roots``."""
    token = _ROOTS.set(tuple(Path(r).resolve() for r in roots))
    try:
        yield
    finally:
        _ROOTS.reset(token)


@contextlib.contextmanager
def own_files() -> Iterator[None]:
    """The app's own bookkeeping (settings, the hashes cache) at fixed paths of its own."""
    token = _ROOTS.set(None)
    try:
        yield
    finally:
        _ROOTS.reset(token)


def write_roots() -> tuple[Path, ...] | None:
    return _ROOTS.get()


def check_write(path: str | os.PathLike[str]) -> Path:
    """``path`` with its links resolved, if the current caller may write it; else raise."""
    roots = _ROOTS.get()
    target = Path(path)
    resolved = target.resolve()  # a link at the end, or anywhere above, is followed
    if roots is not None and not any(resolved.is_relative_to(root) for root in roots):
        raise ConfinementError(
            f"Refused to write '{target}': it is outside the folders this caller may use "
            f"({', '.join(str(r) for r in roots)})."
        )
    return resolved


def make_folder(path: str | os.PathLike[str]) -> Path:
    """``mkdir -p`` for writers: the folder is checked first, like a file."""
    check_write(path)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
