"""The editor's whole-selection operations (Edit menu and keys): nudge, flip, rotate
90°, cut, copy and paste, each one undoable patch of the current cel. A mixin of the
ToolController, which provides ``session``, ``canvas``, ``clipboard``, ``_push`` and
``errorRaised``."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core import selection as sel
from dgx_pixels_app.core.brush import from_selection
from dgx_pixels_app.core.commands import patch_between
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.selection import Selection


class SelectionActions:
    # -- whole-selection operations (menus and keys) -------------------------------------------
    def _layer_image(self):
        sprite = self.session.sprite
        layer = self.session.layer
        if layer.locked or layer.group:
            self.errorRaised.emit(self.session.cannot_draw() or f"Layer '{layer.name}' is locked.")
            return None, None
        cel = sprite.cel(layer.id, self.session.frame.id)
        return (cel.image if cel is not None else None), (layer.id, self.session.frame.id)

    def _target(self):
        """(the layer's image or a blank one, the image as it was or None, its cel key,
        the selection's mask or None), or None when there is nothing to work on."""
        if self.session is None:
            return None
        before, key = self._layer_image()
        if key is None:
            return None
        base = before if before is not None else self.session.sprite.blank()
        mask = self.session.selection.mask if self.session.selection is not None else None
        return base, before, key, mask

    def _apply(self, fn, label: str) -> None:
        target = self._target()
        if target is None:
            return
        base, before, key, mask = target
        after, new_mask = fn(base, mask)
        command = patch_between(
            self.session.sprite, *key, None if before is None else before.copy(), after, label
        )
        if command is not None:
            self._push(command)
        if new_mask is not None:
            self.canvas.set_selection(Selection(new_mask) if new_mask.any() else None)

    def nudge(self, dx: int, dy: int) -> None:
        sprite = self.session.sprite if self.session else None
        if sprite is None:
            return
        full = np.ones((sprite.height, sprite.width), bool)

        def fn(image, mask):
            out, new_mask = sel.move(image, mask if mask is not None else full, dx, dy)
            return out, (new_mask if mask is not None else None)

        self._apply(fn, "Move")

    def flip(self, horizontal: bool) -> None:
        self._apply(
            lambda image, mask: sel.flip(image, mask, horizontal),
            "Flip Horizontal" if horizontal else "Flip Vertical",
        )

    def rotate(self, clockwise: bool) -> None:
        self._apply(
            lambda image, mask: sel.rotate90(image, mask, clockwise),
            "Rotate 90° CW" if clockwise else "Rotate 90° CCW",
        )

    def copy(self) -> None:
        target = self._target()
        if target is not None:
            image, _, _, mask = target
            self.clipboard = sel.copy(image, mask)

    def cut(self) -> None:
        self.copy()
        if self.clipboard is None:
            return

        def clear(image, mask):
            out = image.copy()
            out[mask if mask is not None else np.ones(image.shape[:2], bool)] = 0
            return out, mask

        self._apply(clear, "Cut")

    def paste(self) -> None:
        if self.session is None or self.clipboard is None:
            return
        box = self.session.selection.bbox if self.session.selection is not None else None
        x, y = (box[0], box[1]) if box else (0, 0)
        clip = self.clipboard
        self._apply(lambda image, _mask: sel.paste(image, clip, x, y), "Paste")
        self.set_tool("move")

    # -- custom brush (Edit ▸ New Brush, Ctrl+B) ----------------------------------------
    def new_brush(self) -> None:
        if self.session is None:
            return
        sprite, selection = self.session.sprite, self.session.selection
        cel = sprite.cel(self.session.layer.id, self.session.frame.id)
        image = cel.image if cel is not None else sprite.blank()
        try:
            self.brush = from_selection(image, selection.mask if selection is not None else None)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))
            return
        self.set_tool("pencil")
        w, h = self.brush.size
        self.messageRaised.emit(f"Brush: {w}×{h} from the selection; the pencil stamps it "
                                "(Edit ▸ Clear Brush for the round one)")  # fmt: skip

    def clear_brush(self) -> None:
        self.brush = None
        self.messageRaised.emit("Brush: the round one again")

    def brush_in_current_color(self, on: bool) -> None:
        self.brush_own_colors = not on
