"""The tools bar's options, as the tools read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ToolOptions:
    brush: int = 1  # 1..8
    pixel_perfect: bool = False
    contiguous: bool = True
    tolerance: int = 0
    filled: bool = False
    mirror_h: bool = False
    mirror_v: bool = False
    axis_x: float | None = None  # the symmetry axes in pixel edges; None: the centre
    axis_y: float | None = None
    dither: bool = False
    shading: bool = False  # pencil: one palette step (left: next entry, right: previous)
