"""Per-frame composites of a sprite, kept current by the sprite's change events.

Compositing a 1024² frame of 8 layers costs ~200 ms; playback, onion skin and frame
stepping ask for the same frames again and again. The cache keeps each frame's
composite (least recently used first out, within a memory budget), updates only
the dirty rectangle when pixels change, drops a frame whose cels changed
wholesale, and drops everything when layers, frames or the size change.

Edits in progress (a stroke before it is committed as a command) write into cels
without an event; views repaint those from the cels directly, and the command
that ends the stroke brings the cache up to date.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.events import Change, ChangeKind

BUDGET_BYTES = 256 * 2**20


class CompositeCache:
    def __init__(self, sprite: Sprite, budget: int = BUDGET_BYTES) -> None:
        self.sprite = sprite
        self.budget = budget
        self._frames: OrderedDict[int, np.ndarray] = OrderedDict()  # frame id -> RGBA
        self.hits = self.misses = 0
        sprite.events.connect(self._on_change)

    def get(self, frame_index: int) -> np.ndarray:
        """The composite of frame ``frame_index`` (read-only: copy before changing it)."""
        frame_id = self.sprite.frames[frame_index].id
        cached = self._frames.get(frame_id)
        if cached is not None and cached.shape[:2] == (self.sprite.height, self.sprite.width):
            self._frames.move_to_end(frame_id)
            self.hits += 1
            return cached
        self.misses += 1
        image = self.sprite.composite(frame_index)
        image.flags.writeable = False
        self._frames[frame_id] = image
        while len(self._frames) > 1 and sum(a.nbytes for a in self._frames.values()) > self.budget:
            self._frames.popitem(last=False)
        return image

    def clear(self) -> None:
        self._frames.clear()

    def _on_change(self, change: Change) -> None:
        if change.kind in (ChangeKind.PALETTE, ChangeKind.TAGS):
            return
        if change.kind == ChangeKind.PIXELS and change.frame_id is not None:
            frames = [change.frame_id]
            if change.layer_id is not None:  # a linked cel changes every frame it is on
                frames = self.sprite.linked(change.layer_id, change.frame_id)
            for frame_id in frames:
                self._update(frame_id, change.rect)
            return
        self._frames.clear()  # layers (visibility, opacity, order), frames, size

    def _update(self, frame_id: int, rect) -> None:
        cached = self._frames.get(frame_id)
        if cached is None:
            return
        if rect is None:
            del self._frames[frame_id]
            return
        x, y, w, h = rect
        index = self.sprite.frame_index(frame_id)
        cached.flags.writeable = True
        cached[y : y + h, x : x + w] = self.sprite.composite(index, rect)
        cached.flags.writeable = False
