"""Pixelize what DGX-Pixels made itself, knowing its layout: a strip of N frames or a
sheet of columns × rows tiles. Each part is one sprite, so its grid is found on its
own (a part cannot repeat at the sheet's pitch), and the whole picture is then read at
the parts' median cell: one grid and one palette for every frame."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.pixelize.grid import detect_grid

MAX_PARTS = 64


def check_layout(layout: tuple[int, int]) -> None:
    columns, rows = layout
    if not (1 <= columns <= MAX_PARTS and 1 <= rows <= MAX_PARTS) or columns * rows < 2:
        raise InvalidInputError(f"A layout is 1-{MAX_PARTS} columns by 1-{MAX_PARTS} rows, at "
                                f"least two parts, not {columns}x{rows}.")  # fmt: skip


def layout_cell(rgba: np.ndarray, layout: tuple[int, int]) -> float | None:
    """The median cell of the parts that show a grid (None when none does)."""
    check_layout(layout)
    columns, rows = layout
    h, w = rgba.shape[:2]
    xs = np.linspace(0, w, columns + 1).round().astype(int)
    ys = np.linspace(0, h, rows + 1).round().astype(int)
    cells = []
    for r in range(rows):
        for c in range(columns):
            part = rgba[ys[r] : ys[r + 1], xs[c] : xs[c + 1]]
            if min(part.shape[:2]) < 8 or part[..., :3].std() < 2:
                continue  # too small, or an empty part: it shows no grid
            try:
                grid = detect_grid(part)
            except DgxPixelsError:
                continue
            if grid.x.cells > 1 and grid.y.cells > 1:
                cells.append(grid.x.cell)
    return float(np.median(cells)) if cells else None
