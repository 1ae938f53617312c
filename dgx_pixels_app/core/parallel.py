"""Cel-by-cel work on every core: numpy releases the GIL in the loops that cost
(comparisons, copies, sorts), so a sprite-wide operation runs its cels on a thread
pool. ``progress`` (a Progress) counts finished cels for a view to poll."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Progress:
    """Done / total, written by workers and read by the UI thread (plain ints)."""

    def __init__(self, total: int = 0) -> None:
        self.total, self.done = total, 0
        self._lock = threading.Lock()

    def tick(self) -> None:
        with self._lock:
            self.done += 1

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def workers() -> int:
    return max(1, min(16, os.cpu_count() or 1))


def map_cels(fn: Callable[[T], R], items: Iterable[T], progress: Progress | None = None) -> list[R]:
    """``[fn(item) for item in items]`` on a thread pool, in order."""
    items = list(items)
    if progress is not None:
        progress.total = len(items)

    def one(item: T) -> R:
        result = fn(item)
        if progress is not None:
            progress.tick()
        return result

    if len(items) <= 1 or workers() == 1:
        return [one(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers(), len(items))) as pool:
        return list(pool.map(one, items))
