"""Regions of a grid of cells: the border loop, connected components.

Used by the background decision (pixelize/background.py); plain numpy, with the
labelling done on runs of each row so no Python loop visits every cell.
"""

from __future__ import annotations

import numpy as np


def ring(a: np.ndarray) -> np.ndarray:
    """The border cells in order around the image (a closed loop)."""
    if a.shape[0] < 2 or a.shape[1] < 2:
        return a.reshape(-1, *a.shape[2:])
    return np.concatenate([a[0, :-1], a[:-1, -1], a[-1, ::-1][:-1], a[::-1, 0][:-1]])


def ring_mask(h: int, w: int) -> np.ndarray:
    mask = np.zeros((h, w), bool)
    mask[[0, -1], :] = True
    mask[:, [0, -1]] = True
    return mask


def touching(mask: np.ndarray, diagonal: bool = False) -> np.ndarray:
    """Cells with a 4-connected (or 8-connected) neighbour in ``mask``."""
    h, w = mask.shape
    padded = np.pad(mask, 1, constant_values=False)
    out = np.zeros_like(mask)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dy or dx) and (diagonal or not (dy and dx)):
                out |= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
    return out


def neighbour_pairs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices (a, b) of the 4-connected neighbouring cells both in ``mask``."""
    h, w = mask.shape
    index = np.arange(h * w).reshape(h, w)
    both_x = mask[:, 1:] & mask[:, :-1]
    both_y = mask[1:] & mask[:-1]
    a = np.concatenate([index[:, :-1][both_x], index[:-1][both_y]])
    b = np.concatenate([index[:, 1:][both_x], index[1:][both_y]])
    return a, b


def _around4(y: int, x: int):
    return ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1))


def _around8(y: int, x: int):
    return tuple((y + dy, x + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)


def components(
    mask: np.ndarray, wrgb: np.ndarray | None = None, step: float = np.inf, diagonal=False
) -> list[np.ndarray]:
    """The 4-connected (or 8-connected) components of ``mask``, each as an (n, 2) array
    of (y, x); with ``wrgb``, neighbours join only when their colours differ by at
    most ``step``."""
    h, w = mask.shape
    seen = ~mask.copy()
    out = []
    for y0, x0 in zip(*np.nonzero(mask), strict=True):
        if seen[y0, x0]:
            continue
        seen[y0, x0] = True
        stack, cells = [(y0, x0)], []
        while stack:
            y, x = stack.pop()
            cells.append((y, x))
            for ny, nx in (_around8 if diagonal else _around4)(y, x):
                if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx]:
                    if wrgb is not None and np.linalg.norm(wrgb[ny, nx] - wrgb[y, x]) > step:
                        continue
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        out.append(np.array(cells))
    return out


def label(mask: np.ndarray, diagonal: bool = False) -> tuple[np.ndarray, int]:
    """Connected components of ``mask`` (4-, or 8-connected): a label per cell (0 for
    cells outside it) and their number. Runs of each row are joined to the runs they
    overlap in the row above, with a union-find over runs (no per-cell Python loop)."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # exclusive; same order as the starts
    n = len(starts)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reach = 1 if diagonal else 0
    row_first = np.searchsorted(rows_s, np.arange(h + 1)).tolist()
    start_list, end_list = starts.tolist(), ends.tolist()
    for y in range(1, h):
        # both rows' runs are sorted: walk them together (linear in the runs)
        j, j_end = row_first[y - 1], row_first[y]
        for i in range(row_first[y], row_first[y + 1]):
            while j < j_end and end_list[j] + reach <= start_list[i]:
                j += 1  # that run above ends before this one starts
            k = j
            while k < j_end and start_list[k] < end_list[i] + reach:
                a, b = find(i), find(k)
                if a != b:
                    parent[a] = b
                k += 1
    if n == 0:
        return np.zeros((h, w), np.int64), 0
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    _, ids = np.unique(roots, return_inverse=True)
    lengths = ends - starts
    first = rows_s * w + starts  # flat index of each run's first cell
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    labels = np.zeros(h * w, np.int64)
    labels[np.repeat(first, lengths) + offsets] = np.repeat(ids + 1, lengths)
    return labels.reshape(h, w), int(ids.max() + 1)
