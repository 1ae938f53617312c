"""The editor's tools: mouse and key input on the canvas turned into document edits.

Each drag is previewed directly on the cel and committed on release as one
PatchPixels of exactly the pixels that changed, so a stroke is one undo step and
costs its dirty rectangle. The pixel work itself is in core.raster / core.selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from dgx_pixels_app.core import raster
from dgx_pixels_app.core import selection as sel
from dgx_pixels_app.core.commands import patch_between
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.selection import Selection

TOOLS = {
    "pencil": ("Pencil", "B"),
    "eraser": ("Eraser", "E"),
    "bucket": ("Paint Bucket", "G"),
    "line": ("Line", "L"),
    "rectangle": ("Rectangle", "U"),
    "ellipse": ("Ellipse", "Shift+U"),
    "eyedropper": ("Eyedropper", "I"),
    "select": ("Rectangular Marquee", "M"),
    "wand": ("Magic Wand", "W"),
    "move": ("Move", "V"),
}
TRANSPARENT = (0, 0, 0, 0)


@dataclass
class ToolOptions:
    brush: int = 1  # 1..8
    pixel_perfect: bool = False
    contiguous: bool = True
    tolerance: int = 0
    filled: bool = False
    mirror_h: bool = False
    mirror_v: bool = False
    dither: bool = False


class ToolController(QObject):
    toolChanged = Signal(str)
    colorsChanged = Signal()
    errorRaised = Signal(str)

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.tool = "pencil"
        self.options = ToolOptions()
        self.primary = (0, 0, 0, 255)
        self.secondary = TRANSPARENT
        self.clipboard: np.ndarray | None = None
        self._drag: dict | None = None

    # -- state --------------------------------------------------------------------
    @property
    def session(self):
        return self.canvas.session

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self.toolChanged.emit(tool)

    def swap_colors(self) -> None:
        self.primary, self.secondary = self.secondary, self.primary
        self.colorsChanged.emit()

    def set_brush(self, size: int) -> None:
        self.options.brush = max(1, min(8, size))

    # -- mouse ----------------------------------------------------------------------
    def press(self, x: int, y: int, button, modifiers) -> None:
        if self.session is None:
            return
        right = button == Qt.MouseButton.RightButton
        if self.tool == "eyedropper" or modifiers & Qt.KeyboardModifier.AltModifier:
            self.pick(x, y, primary=not right)
            return
        if self.tool in ("select", "wand"):
            self._select_press(x, y, modifiers)
            return
        layer = self.session.layer
        if layer.locked or not layer.visible:
            self.errorRaised.emit(
                f"Layer '{layer.name}' is {'locked' if layer.locked else 'hidden'}: unlock or show it to draw."
            )
            return
        sprite = self.session.sprite
        key = (layer.id, self.session.frame.id)
        cel = sprite.cels.get(key)
        before = None if cel is None else cel.image.copy()
        if cel is None:
            cel = sprite.cels[key] = Cel(sprite.blank())
        color = self.secondary if right else self.primary
        if self.tool == "eraser":
            color = TRANSPARENT
        self._drag = {
            "key": key, "before": before, "base": cel.image.copy(), "color": color, "start": (x, y),
            "points": [(x, y)], "box": None, "right": right,
        }  # fmt: skip
        if self.tool == "bucket":
            mask = raster.flood(
                self._drag["base"], x, y, self.options.tolerance, self.options.contiguous
            )
            self._show(self._limit(mask))
            self.release()
            return
        if self.tool == "move":
            current = self.session.selection
            self._drag["mask"] = current.mask.copy() if current is not None else None
        self.move(x, y)

    def move(self, x: int, y: int) -> None:
        drag = self._drag
        if drag is None:
            if getattr(self, "_select_from", None) is not None:
                self._select_move(x, y)
            return
        sprite = self.session.sprite
        if self.tool == "move":
            dx, dy = x - drag["start"][0], y - drag["start"][1]
            mask = (
                drag["mask"]
                if drag["mask"] is not None
                else np.ones((sprite.height, sprite.width), bool)
            )
            work, new_mask = sel.move(drag["base"], mask, dx, dy)
            self._write(work)
            if drag["mask"] is not None:
                self.session.selection = Selection(new_mask)
            return
        if self.tool in ("pencil", "eraser"):
            last = drag["points"][-1]
            drag["points"] = raster.dedupe(drag["points"] + raster.line(last, (x, y))[1:])
            points = (
                raster.pixel_perfect(drag["points"])
                if self.options.pixel_perfect
                else drag["points"]
            )
            mask = raster.points_mask(points, sprite.width, sprite.height, self.options.brush)
        elif self.tool == "line":
            points = raster.line(drag["start"], (x, y))
            mask = raster.points_mask(points, sprite.width, sprite.height, self.options.brush)
        elif self.tool in ("rectangle", "ellipse"):
            shape = raster.rectangle if self.tool == "rectangle" else raster.ellipse
            mask = shape(drag["start"], (x, y), sprite.width, sprite.height, self.options.filled)
        else:
            return
        self._show(self._limit(mask))

    def release(self) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            self._select_from = None
            return
        sprite = self.session.sprite
        cel = sprite.cels[drag["key"]]
        command = patch_between(
            sprite, *drag["key"], drag["before"], cel.image, TOOLS[self.tool][0]
        )
        if command is None:
            if drag["before"] is None:
                sprite.cels.pop(drag["key"], None)
            return
        if drag["before"] is None:
            sprite.cels.pop(drag["key"], None)  # the command recreates it, so undo removes it
        self._push(command)

    # -- helpers ----------------------------------------------------------------------
    def _limit(self, mask: np.ndarray) -> np.ndarray:
        """Mirror drawing, then keep to the selection (as Aseprite does)."""
        mask = raster.mirror(mask, self.options.mirror_h, self.options.mirror_v)
        if self.session.selection is not None and self.tool != "move":
            mask &= self.session.selection.mask
        return mask

    def _show(self, mask: np.ndarray) -> None:
        drag = self._drag
        work = drag["base"].copy()
        secondary = self.primary if drag["right"] else self.secondary
        raster.paint(
            work, mask, drag["color"], secondary, self.options.dither and self.tool != "eraser"
        )
        self._write(work)

    def _write(self, work: np.ndarray) -> None:
        drag = self._drag
        cel = self.session.sprite.cels[drag["key"]]
        changed = raster.bbox((work != drag["base"]).any(axis=2))
        box = raster.union_box(drag["box"], changed)
        drag["box"] = changed
        if box is not None:
            x, y, w, h = box
            cel.image[y : y + h, x : x + w] = work[y : y + h, x : x + w]
            self.canvas.refresh(box)

    def _push(self, command) -> None:
        try:
            self.session.history.push(command)
        except DgxPixelsError as exc:
            self.errorRaised.emit(str(exc))

    def pick(self, x: int, y: int, primary: bool = True) -> None:
        sprite = self.session.sprite
        if 0 <= x < sprite.width and 0 <= y < sprite.height:
            color = tuple(int(v) for v in self.canvas.composited()[y, x])
            if primary:
                self.primary = color
            else:
                self.secondary = color
            self.colorsChanged.emit()

    # -- selection ------------------------------------------------------------------------
    def _select_press(self, x: int, y: int, modifiers) -> None:
        sprite = self.session.sprite
        if self.tool == "wand":
            cel = sprite.cel(self.session.layer.id, self.session.frame.id)
            image = cel.image if cel is not None else sprite.blank()
            mask = raster.flood(image, x, y, self.options.tolerance, self.options.contiguous)
            if modifiers & Qt.KeyboardModifier.ShiftModifier and self.session.selection is not None:
                mask |= self.session.selection.mask
            self.canvas.set_selection(Selection(mask) if mask.any() else None)
            return
        self._select_from = (x, y)
        self._select_move(x, y)

    def _select_move(self, x: int, y: int) -> None:
        sprite = self.session.sprite
        x0, y0 = self._select_from
        left, right = sorted((x0, x))
        top, bottom = sorted((y0, y))
        left, top = max(0, left), max(0, top)
        right, bottom = min(sprite.width - 1, right), min(sprite.height - 1, bottom)
        if right < left or bottom < top:
            self.canvas.set_selection(None)
        else:
            self.canvas.set_selection(
                Selection.rect(
                    left, top, right - left + 1, bottom - top + 1, sprite.width, sprite.height
                )
            )

    # -- whole-selection operations (menus and keys) -------------------------------------------
    def _layer_image(self):
        sprite = self.session.sprite
        layer = self.session.layer
        if layer.locked:
            self.errorRaised.emit(f"Layer '{layer.name}' is locked.")
            return None, None
        cel = sprite.cel(layer.id, self.session.frame.id)
        return (cel.image if cel is not None else None), (layer.id, self.session.frame.id)

    def _apply(self, fn, label: str) -> None:
        if self.session is None:
            return
        before, key = self._layer_image()
        if key is None:
            return
        base = before if before is not None else self.session.sprite.blank()
        mask = self.session.selection.mask if self.session.selection is not None else None
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
        if self.session is None:
            return
        before, key = self._layer_image()
        if key is None:
            return
        image = before if before is not None else self.session.sprite.blank()
        mask = self.session.selection.mask if self.session.selection is not None else None
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
