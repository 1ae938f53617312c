"""The editor's tools: mouse and key input on the canvas turned into document edits.

Each drag is previewed directly on the cel and committed on release as one
PatchPixels of exactly the pixels that changed, so a stroke is one undo step and
costs its dirty rectangle. The pixel work itself is in core.raster / core.selection.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from dgx_pixels_app.core import raster
from dgx_pixels_app.core import selection as sel
from dgx_pixels_app.core.brush import check_fits, stamp_mirrored
from dgx_pixels_app.core.commands import patch_between
from dgx_pixels_app.core.document import Cel
from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.gradient import gradient
from dgx_pixels_app.core.selection import Selection
from dgx_pixels_app.gui.marquee import MARQUEES, MarqueeDrag
from dgx_pixels_app.gui.selection_actions import SelectionActions
from dgx_pixels_app.gui.tool_options import ToolOptions

TOOLS = {
    "pencil": ("Pencil", "B"),
    "eraser": ("Eraser", "E"),
    "bucket": ("Paint Bucket", "G"),
    "line": ("Line", "L"),
    "rectangle": ("Rectangle", "U"),
    "ellipse": ("Ellipse", "Shift+U"),
    "gradient": ("Gradient", "Shift+G"),
    "eyedropper": ("Eyedropper", "I"),
    "select": ("Rectangular Marquee", "M"),
    "ellipse_select": ("Elliptical Marquee", "Shift+M"),
    "lasso": ("Lasso", "Q"),
    "wand": ("Magic Wand", "W"),
    "move": ("Move", "V"),
}
TRANSPARENT = (0, 0, 0, 0)


class ToolController(SelectionActions, QObject):
    toolChanged = Signal(str)
    colorsChanged = Signal()
    errorRaised = Signal(str)
    messageRaised = Signal(str)  # for the status bar

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.tool = "pencil"
        self.options = ToolOptions()
        self.primary = (0, 0, 0, 255)
        self.secondary = TRANSPARENT
        self.clipboard: np.ndarray | None = None
        self.brush = None  # a custom brush (core.brush.Brush) for the pencil, or None
        self.brush_own_colors = True
        self._drag: dict | None = None

    # -- state --------------------------------------------------------------------
    @property
    def session(self):
        return self.canvas.session

    @property
    def busy(self) -> bool:
        """A stroke or drag is under way (its pixels are in the cel, not yet a command)."""
        return self._drag is not None

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self.toolChanged.emit(tool)

    def swap_colors(self) -> None:
        self.primary, self.secondary = self.secondary, self.primary
        self.colorsChanged.emit()

    def set_brush(self, size: int) -> None:
        self.options.brush = max(1, min(8, size))

    # -- mouse ----------------------------------------------------------------------
    @property
    def wrap(self) -> bool:
        """Tile mode: strokes that leave one edge come back in at the opposite one."""
        return bool(getattr(self.canvas, "tile_mode", False))

    def _wrapped(self, x: int, y: int) -> tuple[int, int]:
        sprite = self.session.sprite
        return (x % sprite.width, y % sprite.height) if self.wrap else (x, y)

    def press(self, x: int, y: int, button, modifiers) -> None:
        if self.session is None:
            return
        right = button == Qt.MouseButton.RightButton
        if self.wrap and self.tool not in (
            "pencil",
            "eraser",
            "line",
            "rectangle",
            "ellipse",
            "move",
        ):
            x, y = self._wrapped(x, y)  # single-point tools act on the tile under the cursor
        alt = modifiers & Qt.KeyboardModifier.AltModifier and self.tool not in MARQUEES
        if self.tool == "eyedropper" or alt:  # Alt: the eyedropper, or subtract on a marquee
            self.pick(x, y, primary=not right)
            return
        if self.tool in ("wand", *MARQUEES):
            self._select_press(x, y, modifiers)
            return
        if (why := self.session.cannot_draw()) is not None:
            self.errorRaised.emit(why)
            return
        if self.brush is not None and self.tool == "pencil":
            try:
                check_fits(self.brush, self.session.sprite.width, self.session.sprite.height)
            except DgxPixelsError as exc:
                self.errorRaised.emit(str(exc))
                return
        layer = self.session.layer
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
            "key": key, "before": before, "base": cel.image.copy() if before is not None else cel.image.copy(),
            "color": color, "start": (x, y),
            "points": [(x, y)], "box": None, "right": right, "kept": [],
        }  # fmt: skip
        if self.tool == "bucket":
            mask = raster.flood(
                self._drag["base"], x, y, self.options.tolerance, self.options.contiguous
            )
            self._preview(self._limit(raster.mask_coords(mask)))
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
        w, h = sprite.width, sprite.height
        if self.tool == "gradient":
            self._gradient_to(x, y)
            return
        if self.tool == "move":
            dx, dy = x - drag["start"][0], y - drag["start"][1]
            mask = drag["mask"] if drag["mask"] is not None else np.ones((h, w), bool)
            work, new_mask = sel.move(drag["base"], mask, dx, dy)
            self._write_full(work)
            if drag["mask"] is not None:
                self.session.selection = Selection(new_mask)
            return
        if self.tool in ("pencil", "eraser"):
            self._pencil_to(x, y)
            return
        if self.tool == "line":
            coords = raster.stamp(
                raster.line(drag["start"], (x, y)), w, h, self.options.brush, self.wrap
            )
        elif self.tool in ("rectangle", "ellipse"):
            coords = raster.shape_coords(
                self.tool, drag["start"], (x, y), w, h, self.options.filled, self.wrap
            )
        else:
            return
        self._preview(self._limit(coords))

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

    # -- drawing helpers: every step costs the pixels it touches, not the sprite -----------
    def _limit(self, coords):
        """Mirror drawing, then keep to the selection (as Aseprite does)."""
        sprite = self.session.sprite
        o = self.options
        ys, xs = raster.mirror_coords(
            coords, sprite.width, sprite.height, o.mirror_h, o.mirror_v, (o.axis_x, o.axis_y)
        )
        if self.session.selection is not None and self.tool != "move":
            keep = self.session.selection.mask[ys, xs]
            ys, xs = ys[keep], xs[keep]
        return ys, xs

    def _colors(self):
        drag = self._drag
        secondary = self.primary if drag["right"] else self.secondary
        return drag["color"], secondary, self.options.dither and self.tool != "eraser"

    def _pencil_to(self, x: int, y: int) -> None:
        """Add the new segment of the stroke; with pixel-perfect, corners it creates are
        taken back out (restored from the image before the stroke)."""
        drag = self._drag
        sprite = self.session.sprite
        cel = sprite.cels[drag["key"]]
        last = drag["points"][-1]
        new_points = (
            raster.line(last, (x, y))[1:] if drag.get("started") else raster.line(last, (x, y))
        )
        drag["started"] = True
        if not new_points:
            return
        if self.brush is not None and self.tool == "pencil":
            self._stamp(cel, new_points)
            return
        restore = []
        if self.options.pixel_perfect:
            before = drag.get("kept", [])
            drag["points"] = raster.dedupe(drag["points"] + new_points)
            kept = raster.pixel_perfect(drag["points"])
            removed = set(before) - set(kept)
            added = [p for p in kept if p not in set(before)]
            drag["kept"] = kept
            restore = list(removed)
            new_points = added
        else:
            drag["points"] = raster.dedupe(drag["points"] + new_points)
        color, secondary, dither = self._colors()
        boxes = []
        if restore:
            ys, xs = self._limit(
                raster.stamp(restore, sprite.width, sprite.height, self.options.brush, self.wrap)
            )
            cel.image[ys, xs] = drag["base"][ys, xs]
            boxes.append(raster.coords_box((ys, xs)))
        coords = self._limit(
            raster.stamp(new_points, sprite.width, sprite.height, self.options.brush, self.wrap)
        )
        if self.options.shading and self.tool == "pencil":  # from the stroke's start: once
            step = -1 if drag["right"] else 1
            palette = self.session.sprite.palette.colors
            cel.image[coords] = raster.shade(drag["base"][coords], palette, step)
        else:
            raster.paint_coords(cel.image, coords, color, secondary, dither)
        boxes.append(raster.coords_box(coords))
        box = None
        for b in boxes:
            box = raster.union_box(box, b)
        if box is not None:
            self.canvas.refresh(box)

    def _stamp(self, cel, points) -> None:
        """The custom brush along the stroke (mirrored too), in its own colours or the
        stroke's colour, kept to the selection."""
        o, selection = self.options, self.session.selection
        color = None if self.brush_own_colors else self._drag["color"]
        box = stamp_mirrored(cel.image, self.brush, points, color,
                             selection.mask if selection is not None else None,
                             (o.mirror_h, o.mirror_v), (o.axis_x, o.axis_y))  # fmt: skip
        if box is not None:
            self.canvas.refresh(box)

    def _preview(self, coords) -> None:
        """Shapes: put back what the last preview covered, then draw the new one."""
        drag = self._drag
        cel = self.session.sprite.cels[drag["key"]]
        new_box = raster.coords_box(coords)
        box = raster.union_box(drag["box"], new_box)
        if drag["box"] is not None:
            x, y, w, h = drag["box"]
            cel.image[y : y + h, x : x + w] = drag["base"][y : y + h, x : x + w]
        raster.paint_coords(cel.image, coords, *self._colors())
        drag["box"] = new_box
        if box is not None:
            self.canvas.refresh(box)

    def _gradient_to(self, x: int, y: int) -> None:
        """Fill the selection (or the cel) with the gradient from the press to (x, y):
        left drag primary → secondary, right drag the other way; ordered dithering of
        the two colours with Dither on, a smooth blend with it off."""
        drag, sprite = self._drag, self.session.sprite
        first, second = (self.secondary, self.primary) if drag["right"] else \
            (self.primary, self.secondary)  # fmt: skip
        (x0, y0), dither = drag["start"], "bayer4" if self.options.dither else "none"
        fill = gradient(sprite.width, sprite.height, (x0 + 0.5, y0 + 0.5), (x + 0.5, y + 0.5),
                        first, second, dither)  # fmt: skip
        selection = self.session.selection
        inside = selection.mask[..., None] if selection is not None else True
        self._write_full(np.where(inside, fill, drag["base"]))

    def _write_full(self, work: np.ndarray) -> None:
        drag = self._drag
        cel = self.session.sprite.cels[drag["key"]]
        changed = raster.bbox((work != cel.image).any(axis=2))
        if changed is not None:
            x, y, w, h = changed
            cel.image[y : y + h, x : x + w] = work[y : y + h, x : x + w]
            self.canvas.refresh(changed)

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
        self._select_from = MarqueeDrag(self.tool, x, y, modifiers, self.session.selection)
        self._select_move(x, y)

    def _select_move(self, x: int, y: int) -> None:
        sprite = self.session.sprite
        self.canvas.set_selection(self._select_from.at(x, y, sprite.width, sprite.height))
