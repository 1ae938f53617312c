"""Pixelize what DGX-Pixels made itself, knowing its layout: a strip of N frames or a
sheet of columns × rows tiles. Each part is one sprite, so its grid is found on its
own (a part cannot repeat at the sheet's pitch), and the whole picture is then read at
the parts' median cell: one grid and one palette for every frame."""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.pixelize.grid import detect_grid
from dgx_pixels_app.pixelize.stats import median, percentile

MAX_PARTS = 64
MIN_PART = 24  # px: a smaller part holds too few cells to find a grid in
READ_PARTS = 48  # the cell is the median of at most this many parts, spread evenly
DISAGREE = 1.2  # parts whose middle half of cells spans more than this ratio disagree


def check_layout(layout: tuple[int, int]) -> None:
    columns, rows = layout
    if not (1 <= columns <= MAX_PARTS and 1 <= rows <= MAX_PARTS) or columns * rows < 2:
        raise InvalidInputError(f"A layout is 1-{MAX_PARTS} columns by 1-{MAX_PARTS} rows, at "
                                f"least two parts, not {columns}x{rows}.")  # fmt: skip


def _parts(shape: tuple[int, ...], layout: tuple[int, int]) -> list[tuple[slice, slice]]:
    """Each part's rows and columns, at most READ_PARTS of them spread over the sheet
    (none when the parts are too small to find a grid in)."""
    columns, rows = layout
    h, w = shape[:2]
    xs = np.linspace(0, w, columns + 1).round().astype(int)
    ys = np.linspace(0, h, rows + 1).round().astype(int)
    if min(np.diff(xs).min(), np.diff(ys).min()) < MIN_PART:
        return []
    every = [(slice(ys[r], ys[r + 1]), slice(xs[c], xs[c + 1]))
             for r in range(rows) for c in range(columns)]  # fmt: skip
    if len(every) <= READ_PARTS:
        return every
    return [every[int(i)] for i in np.linspace(0, len(every) - 1, READ_PARTS)]


def layout_cell(rgba: np.ndarray, layout: tuple[int, int]) -> tuple[float | None, str | None]:
    """The median cell of the parts that show a grid (None when none does), and a note
    when the parts disagree on it (the layout given may not be the picture's)."""
    check_layout(layout)
    name = f"{layout[0]} x {layout[1]}"
    parts = _parts(rgba.shape, layout)
    if not parts:
        h, w = rgba.shape[:2]
        return None, (f"The parts of the {name} sheet, {w // layout[0]}x{h // layout[1]} px, "
                      f"are too small to find a grid in (at least {MIN_PART} px): the "
                      "picture was read whole.")  # fmt: skip
    cells = []
    for ys, xs in parts:
        part = rgba[ys, xs]
        if part[..., :3].std() < 2:
            continue  # an empty part: it shows no grid
        try:
            grid = detect_grid(part)
        except DgxPixelsError:
            continue
        if grid.x.cells > 1 and grid.y.cells > 1:
            cells.append(grid.x.cell)
    if not cells:
        return None, f"No part of the {name} sheet shows a grid: the picture was read whole."
    read = np.array(cells)
    low, high, middle = percentile(read, 25), percentile(read, 75), float(median(read))
    note = None
    if high > DISAGREE * low:
        note = (f"The parts of the {name} sheet read at cells of {low:.2f}-{high:.2f} px "
                f"(the median, {middle:.2f} px, was used): is it {name}?")  # fmt: skip
    return middle, note
