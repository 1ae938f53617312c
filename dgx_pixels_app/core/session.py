"""An open document: the sprite, its history, where it lives and what is selected.

Qt-free so the GUI, the CLI and the MCP server share it.
"""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.composites import CompositeCache
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.history import History


class Session:
    def __init__(self, sprite: Sprite, path: Path | None = None) -> None:
        self.sprite = sprite
        self.history = History(sprite)
        self.composites = CompositeCache(sprite)  # per-frame composites for views
        self.path = path
        self.layer_index = len(sprite.layers) - 1
        self.frame_index = 0
        self.selection: tuple[int, int, int, int] | None = None  # x, y, w, h in sprite pixels
        self.last_export = None  # what File > Repeat Last Export (Ctrl+E) does again
        sprite.events.connect(self._keep_in_range)  # first: before any view reads them

    def _keep_in_range(self, _change) -> None:
        """An undo that takes away the frame or layer in view steps back to one that is."""
        self.frame_index = max(0, min(self.frame_index, len(self.sprite.frames) - 1))
        self.layer_index = max(0, min(self.layer_index, len(self.sprite.layers) - 1))

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    @property
    def layer(self):
        self.layer_index = min(self.layer_index, len(self.sprite.layers) - 1)
        return self.sprite.layers[self.layer_index]

    @property
    def frame(self):
        self.frame_index = min(self.frame_index, len(self.sprite.frames) - 1)
        return self.sprite.frames[self.frame_index]

    def cannot_draw(self) -> str | None:
        """Why the current layer takes no pixels (locked, hidden, a group), or None."""
        layer, index = self.layer, self.layer_index
        if layer.group:
            return f"'{layer.name}' is a group: pick a layer inside it to draw."
        if layer.locked:
            return f"Layer '{layer.name}' is locked: unlock it to draw."
        if not self.sprite.shown(index):
            return f"Layer '{layer.name}' is hidden (or in a hidden group): show it to draw."
        return None
