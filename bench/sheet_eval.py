"""Sheets of repeated items on a regular pitch (icons on a grid), degraded like SDXL
output (bench/degrade.py), pixelized: is the sheet read at its cell? (issue: a 108×60
sheet came back 17×9.)

    PYTHONPATH=. .venv/bin/python bench/sheet_eval.py [--without-check]

Each sheet: 3-9 × 2-5 icons of 6-13 art pixels (a flat square, a dark frame, a one-pixel
detail). Seeds 0-7 were looked at while making the check (tune); seeds 20-59 were only
scored (aside). Reports exact size and off-by-more-than-one-cell per split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import degrade  # noqa: E402

from dgx_pixels_app.pixelize import grid  # noqa: E402
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize  # noqa: E402

INK = np.array([[30, 30, 50], [220, 70, 60], [70, 190, 100], [240, 220, 120], [70, 90, 210],
                [250, 250, 250]], np.uint8)  # fmt: skip
SPLITS = {"tune": range(0, 8), "aside": range(20, 60)}


def icon(side: int, rng) -> np.ndarray:
    art = np.zeros((side, side, 4), np.uint8)
    art[2 : side - 2, 2 : side - 2] = (*INK[rng.integers(1, 6)], 255)
    art[2, 2 : side - 2, :3] = art[side - 3, 2 : side - 2, :3] = INK[0]
    art[2 : side - 2, 2, :3] = art[2 : side - 2, side - 3, :3] = INK[0]
    art[side // 2, side // 2, :3] = INK[5]
    return art


def sheet(seed: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The sheet of ``seed`` and its layout (columns, rows)."""
    rng = np.random.default_rng(seed)
    low = 9 if seed < 20 else 6
    side = int(rng.integers(low, 14))
    cols = int(rng.integers(5 if seed < 20 else 3, 10))
    rows = int(rng.integers(3 if seed < 20 else 2, 6))
    out = np.zeros((rows * side, cols * side, 4), np.uint8)
    for r in range(rows):
        for c in range(cols):
            out[r * side : (r + 1) * side, c * side : (c + 1) * side] = icon(side, rng)
    return out, (cols, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--without-check", action="store_true", help="the grid as found")
    args = parser.parse_args()
    if args.without_check:
        grid.finer_if_too_coarse = lambda image, found, grid_at, min_cell: found
    for split, seeds in SPLITS.items():
        exact = off = 0
        for seed in seeds:
            art, _layout = sheet(seed)
            out = pixelize(degrade(art, seed), PixelizeOptions()).image
            dw, dh = abs(out.shape[1] - art.shape[1]), abs(out.shape[0] - art.shape[0])
            exact += (dw, dh) == (0, 0)
            off += max(dw, dh) > 1
        n = len(seeds)
        print(f"{split:6} n {n:3}  exact size {exact / n:5.0%}  off by more than a cell {off}")


if __name__ == "__main__":
    main()
