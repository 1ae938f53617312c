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
from typing import Any

from dgx_pixels_app.core.errors import InvalidInputError


class ConfinementError(InvalidInputError):
    """A write outside the folders this caller may use (never done)."""


_UNSET: Any = object()  # no call set roots: the process's own, if any (confine_process)
_ROOTS: ContextVar[Any] = ContextVar("dgx_pixels_write_roots", default=_UNSET)
_PROCESS_ROOTS: tuple[Path, ...] | None = None


def _resolved(roots) -> tuple[Path, ...]:
    return tuple(Path(r).resolve() for r in roots)


@contextlib.contextmanager
def confined(roots: list[str | os.PathLike[str]]) -> Iterator[None]:
    """Writes in this context (and jobs submitted from it) stay inside ``roots``."""
    token = _ROOTS.set(_resolved(roots))
    try:
        yield
    finally:
        _ROOTS.reset(token)


def confine_process(roots: list[str | os.PathLike[str]]) -> None:
    """For a process that acts only for someone else (``dgx-pixels mcp``): the roots hold
    wherever no call set them, a thread started without a context included."""
    global _PROCESS_ROOTS
    _PROCESS_ROOTS = _resolved(roots)


@contextlib.contextmanager
def own_files() -> Iterator[None]:
    """The app's own bookkeeping (settings, the hashes cache) at fixed paths of its own."""
    token = _ROOTS.set(None)
    try:
        yield
    finally:
        _ROOTS.reset(token)


def check_write(path: str | os.PathLike[str], folder: bool = False) -> Path:
    """The path a writer will create or replace, its links resolved, if the current
    caller may write there; else ConfinementError. A file is replaced where it is (a
    link in its place is replaced, not followed), so for a file its folder is resolved
    and its name kept; a folder is resolved whole."""
    roots = _ROOTS.get()
    roots = _PROCESS_ROOTS if roots is _UNSET else roots
    target = Path(path)
    try:
        resolved = target.resolve() if folder else target.parent.resolve() / target.name
    except (OSError, RuntimeError) as exc:  # a link loop; an unknown ~user
        raise ConfinementError(f"Refused to write '{target}': {exc}.") from exc
    if roots is not None and not any(resolved.is_relative_to(root) for root in roots):
        raise ConfinementError(
            f"Refused to write '{target}': it is outside the folders this caller may use "
            f"({', '.join(str(r) for r in roots)})."
        )
    return resolved


def make_folder(path: str | os.PathLike[str]) -> Path:
    """``mkdir -p`` for writers: the folder is checked first, like a file."""
    check_write(path, folder=True)
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
