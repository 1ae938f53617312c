"""Pixel operations for the editor's tools: shapes, fills, brushes, mirrors, dithering.

Pure numpy, so every tool is testable without a display and the CLI or MCP server can
draw too. Shapes return boolean masks the size of the sprite; painting a mask onto an
image is one vectorized assignment.
"""

from __future__ import annotations

from collections import deque

import numpy as np

Point = tuple[int, int]


def line(a: Point, b: Point) -> list[Point]:
    """Bresenham: every pixel between two points, ends included."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err, points = dx + dy, []
    while True:
        points.append((x0, y0))
        if (x0, y0) == (x1, y1):
            return points
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


def pixel_perfect(points: list[Point]) -> list[Point]:
    """Drop the corner pixel of every L-shaped step, as Aseprite's pixel-perfect pencil does."""
    if len(points) < 3:
        return list(points)
    out = [points[0]]
    i = 1
    while i < len(points) - 1:
        prev, cur, nxt = out[-1], points[i], points[i + 1]
        orthogonal_in = abs(cur[0] - prev[0]) + abs(cur[1] - prev[1]) == 1
        orthogonal_out = abs(nxt[0] - cur[0]) + abs(nxt[1] - cur[1]) == 1
        diagonal = abs(nxt[0] - prev[0]) == 1 and abs(nxt[1] - prev[1]) == 1
        if orthogonal_in and orthogonal_out and diagonal:
            i += 1  # skip the corner
            continue
        out.append(cur)
        i += 1
    out.append(points[-1])
    return out


def dedupe(points: list[Point]) -> list[Point]:
    """Consecutive duplicates removed (a drag reports the same pixel many times)."""
    out: list[Point] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def rectangle(a: Point, b: Point, width: int, height: int, filled: bool) -> np.ndarray:
    mask = np.zeros((height, width), bool)
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, width - 1), min(y1, height - 1)
    if cx0 > cx1 or cy0 > cy1:
        return mask
    if filled:
        mask[cy0 : cy1 + 1, cx0 : cx1 + 1] = True
        return mask
    for y in (y0, y1):
        if 0 <= y < height:
            mask[y, cx0 : cx1 + 1] = True
    for x in (x0, x1):
        if 0 <= x < width:
            mask[cy0 : cy1 + 1, x] = True
    return mask


def ellipse(a: Point, b: Point, width: int, height: int, filled: bool) -> np.ndarray:
    """The ellipse inscribed in the rectangle a-b (pixel centres inside it)."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2 + 0.5, (y1 - y0) / 2 + 0.5
    ys, xs = np.mgrid[0:height, 0:width]
    inside = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2 <= 1.0
    if filled:
        return inside
    padded = np.pad(inside, 1, constant_values=False)
    interior = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return inside & ~interior


def similar(image: np.ndarray, color, tolerance: int) -> np.ndarray:
    """Pixels within ``tolerance`` (0-255, per channel) of ``color``; transparent pixels
    all count as one colour."""
    color = np.asarray(color, dtype=np.int16)
    if color[3] == 0:
        return image[..., 3] <= tolerance
    diff = np.abs(image.astype(np.int16) - color).max(axis=2)
    return diff <= tolerance


def flood(
    image: np.ndarray, x: int, y: int, tolerance: int = 0, contiguous: bool = True
) -> np.ndarray:
    """The mask a bucket fill or magic wand takes from the pixel (x, y) (4-connected)."""
    h, w = image.shape[:2]
    if not (0 <= x < w and 0 <= y < h):
        return np.zeros((h, w), bool)
    match = similar(image, image[y, x], tolerance)
    if not contiguous:
        return match
    mask = np.zeros((h, w), bool)
    queue = deque([(x, y)])
    mask[y, x] = True
    while queue:
        cx, cy = queue.popleft()
        # scan the run left and right, then queue the rows above and below
        left = cx
        while left > 0 and match[cy, left - 1] and not mask[cy, left - 1]:
            left -= 1
            mask[cy, left] = True
        right = cx
        while right < w - 1 and match[cy, right + 1] and not mask[cy, right + 1]:
            right += 1
            mask[cy, right] = True
        for ny in (cy - 1, cy + 1):
            if 0 <= ny < h:
                row = match[ny, left : right + 1] & ~mask[ny, left : right + 1]
                for nx in np.flatnonzero(row) + left:
                    if not mask[ny, nx]:
                        mask[ny, nx] = True
                        queue.append((int(nx), ny))
    return mask


def mirror(mask: np.ndarray, horizontal: bool, vertical: bool) -> np.ndarray:
    """Add the mask's mirror images about the sprite's centre lines."""
    out = mask.copy()
    if horizontal:
        out |= out[:, ::-1]
    if vertical:
        out |= out[::-1, :]
    return out


def paint(image: np.ndarray, mask: np.ndarray, color, secondary=None, dither: bool = False) -> None:
    """Paint ``color`` where ``mask`` is set; with ``dither``, a checkerboard of the
    primary and secondary colours (Aseprite's dithering ink)."""
    if not dither or secondary is None:
        image[mask] = color
        return
    ys, xs = np.nonzero(mask)
    even = (xs + ys) % 2 == 0
    image[ys[even], xs[even]] = color
    image[ys[~even], xs[~even]] = secondary


def bbox(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(x, y, w, h) of the set pixels, or None."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)


def union_box(a, b):
    if a is None:
        return b
    if b is None:
        return a
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


# -- coordinate forms: cost proportional to the shape, not the sprite ------------------
Coords = tuple[np.ndarray, np.ndarray]  # (ys, xs)


def stamp(
    points: list[Point], width: int, height: int, brush: int = 1, wrap: bool = False
) -> Coords:
    """Points stamped with a square brush, clipped to the sprite (or, with ``wrap``,
    wrapped around its edges as in tile mode), duplicates removed."""
    if not points:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    arr = np.array(points, dtype=np.int64)
    lo = -(brush // 2)
    offsets = np.array(
        [(dx, dy) for dy in range(lo, lo + brush) for dx in range(lo, lo + brush)], dtype=np.int64
    )
    allp = (arr[:, None, :] + offsets[None, :, :]).reshape(-1, 2)
    if wrap:
        allp = np.unique(allp % np.array([width, height], dtype=np.int64), axis=0)
        return allp[:, 1], allp[:, 0]
    keep = (allp[:, 0] >= 0) & (allp[:, 0] < width) & (allp[:, 1] >= 0) & (allp[:, 1] < height)
    allp = np.unique(allp[keep], axis=0)
    return allp[:, 1], allp[:, 0]


def mask_coords(mask: np.ndarray, origin: Point = (0, 0)) -> Coords:
    ys, xs = np.nonzero(mask)
    return ys + origin[1], xs + origin[0]


def shape_coords(
    kind: str, a: Point, b: Point, width: int, height: int, filled: bool, wrap: bool = False
) -> Coords:
    """Rectangle or ellipse inside the box a-b, computed on that box only (clipped to the
    sprite, or wrapped around its edges in tile mode)."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    w, h = x1 - x0 + 1, y1 - y0 + 1
    local = (rectangle if kind == "rectangle" else ellipse)((0, 0), (w - 1, h - 1), w, h, filled)
    ys, xs = mask_coords(local, (x0, y0))
    if wrap:
        return ys % height, xs % width
    keep = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    return ys[keep], xs[keep]


def mirror_coords(
    coords: Coords, width: int, height: int, horizontal: bool, vertical: bool,
    axis: tuple[float | None, float | None] = (None, None),
) -> Coords:  # fmt: skip
    """The coordinates and their mirror images across the symmetry axes: a vertical line
    at x = ``axis[0]`` (mirror left-right) and a horizontal one at y = ``axis[1]``, in
    pixel edges (the centre by default; 3.5 is the middle of pixel 3). Mirror images
    that fall off the canvas are dropped."""
    ys, xs = coords
    ax = axis[0] if axis[0] is not None and 0 <= axis[0] <= width else width / 2
    ay = axis[1] if axis[1] is not None and 0 <= axis[1] <= height else height / 2
    if horizontal:
        ys, xs = np.concatenate([ys, ys]), np.concatenate([xs, int(round(2 * ax)) - 1 - xs])
    if vertical:
        ys, xs = np.concatenate([ys, int(round(2 * ay)) - 1 - ys]), np.concatenate([xs, xs])
    keep = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
    return ys[keep], xs[keep]


def coords_box(coords: Coords) -> tuple[int, int, int, int] | None:
    ys, xs = coords
    if ys.size == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)


def paint_coords(
    image: np.ndarray, coords: Coords, color, secondary=None, dither: bool = False
) -> None:
    ys, xs = coords
    if not dither or secondary is None:
        image[ys, xs] = color
        return
    even = (xs + ys) % 2 == 0
    image[ys[even], xs[even]] = color
    image[ys[~even], xs[~even]] = secondary


def resize_nearest(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Nearest neighbour, sampling each target pixel at its centre."""
    h, w = image.shape[:2]
    ys = np.clip(((np.arange(height) + 0.5) * h / height).astype(int), 0, h - 1)
    xs = np.clip(((np.arange(width) + 0.5) * w / width).astype(int), 0, w - 1)
    return image[ys[:, None], xs[None, :]]


def shade(pixels: np.ndarray, palette: list, step: int) -> np.ndarray:
    """Aseprite's shading ink: each opaque pixel whose colour is in the palette becomes
    the palette entry ``step`` places on (clamped at the ends); others stay as they are.
    ``pixels`` is (n, 4) RGBA; the result is a new array."""
    out = pixels.copy()
    if not palette:
        return out
    colors = np.asarray([c[:3] for c in palette], dtype=np.uint8)
    alphas = np.asarray([c[3] for c in palette], dtype=np.uint8)
    match = (pixels[:, None, :3] == colors[None, :, :]).all(axis=2) & (pixels[:, None, 3] > 0)
    found = match.any(axis=1)
    index = np.clip(match.argmax(axis=1) + step, 0, len(palette) - 1)
    out[found, :3] = colors[index[found]]
    out[found, 3] = alphas[index[found]]
    return out
