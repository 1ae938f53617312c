"""The marquee tools' drag: rectangle (M), ellipse (Shift+M) and lasso (Q), as in
Aseprite. Shift at the press adds to the selection there is; Alt takes away from it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from dgx_pixels_app.core import selection as sel
from dgx_pixels_app.core.selection import Selection

MARQUEES = ("select", "ellipse_select", "lasso")


class MarqueeDrag:
    def __init__(self, tool: str, x: int, y: int, modifiers, current: Selection | None) -> None:
        self.tool, self.start, self.points = tool, (x, y), [(x, y)]
        self.base = current.mask.copy() if current is not None else None
        self.mode = "replace"
        if self.base is not None and modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.mode = "add"
        elif self.base is not None and modifiers & Qt.KeyboardModifier.AltModifier:
            self.mode = "subtract"

    def at(self, x: int, y: int, width: int, height: int) -> Selection | None:
        """The selection with the pointer at (x, y); None when it is empty."""
        if self.tool == "lasso":
            if self.points[-1] != (x, y):
                self.points.append((x, y))
            mask = sel.lasso(self.points, width, height).mask
        elif self.tool == "ellipse_select":
            mask = sel.ellipse(self.start, (x, y), width, height).mask
        else:
            mask = _rect(self.start, (x, y), width, height)
        if self.mode == "add":
            mask = mask | self.base
        elif self.mode == "subtract":
            mask = self.base & ~mask
        return Selection(mask) if mask.any() else None


def _rect(a, b, width: int, height: int) -> np.ndarray:
    left, right = sorted((a[0], b[0]))
    top, bottom = sorted((a[1], b[1]))
    mask = np.zeros((height, width), bool)
    mask[max(0, top) : max(0, bottom + 1), max(0, left) : max(0, right + 1)] = True
    return mask
