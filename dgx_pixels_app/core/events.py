"""Change notifications from the document to whoever observes it.

The model never calls a view: views subscribe here. Callbacks run synchronously
on the thread that mutated the document (the UI thread in the app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class ChangeKind(StrEnum):
    PIXELS = "pixels"
    LAYERS = "layers"
    FRAMES = "frames"
    TAGS = "tags"
    PALETTE = "palette"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    layer_id: int | None = None
    frame_id: int | None = None
    rect: tuple[int, int, int, int] | None = None  # x, y, w, h


Listener = Callable[[Change], None]


class EventHub:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.count = 0  # changes so far: work done off the UI thread compares it after

    def connect(self, listener: Listener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def disconnect(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, change: Change) -> None:
        self.count += 1
        for listener in list(self._listeners):
            listener(change)
