"""Sprite sheets: frames laid out by rows, by columns or packed, with their rectangles.

Layout is pure numpy: frames are optionally scaled (nearest neighbour), trimmed to
their opaque pixels and de-duplicated, then placed with padding between them and an
extrusion of their edge pixels (against texture bleeding when a game filters or
mipmaps). The rectangles recorded are the frames' own pixels, never the extrusion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dgx_pixels_app.core.document import Sprite, Tag
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.limits import MAX_SIDE

LAYOUTS = ("rows", "columns", "packed", "tags")


@dataclass
class SheetOptions:
    layout: str = "rows"  # rows: fill rows left to right; columns: fill columns top to bottom;
    # tags: one row per tag (a character's walk_east, walk_west…), frames left to right
    columns: int | None = (
        None  # frames per row (rows) or per column (columns); default: all in one line
    )
    padding: int = 0  # transparent pixels between frames
    border: int = 0  # transparent pixels around the whole sheet
    extrude: int = 0  # edge pixels repeated outward around each frame
    trim: bool = False  # crop each frame to its opaque pixels
    merge_duplicates: bool = False  # identical frames share one rectangle
    power_of_two: bool = False  # sheet width and height rounded up to powers of two
    scale: int = 1  # nearest-neighbour scale 1..8
    tag: str | None = None  # only this tag's frames
    layer: str | None = None  # only this layer (default: all visible layers merged)

    def validate(self) -> None:
        if self.layout not in LAYOUTS:
            raise InvalidInputError(
                f"Layout must be one of {', '.join(LAYOUTS)}, not '{self.layout}'."
            )
        if self.columns is not None and not 1 <= self.columns <= 4096:
            raise InvalidInputError("Columns must be between 1 and 4096.")
        for name, value, top in (
            ("Padding", self.padding, 256),
            ("Border", self.border, 256),
            ("Extrude", self.extrude, 64),
        ):
            if not 0 <= value <= top:
                raise InvalidInputError(f"{name} must be between 0 and {top} pixels.")
        if not 1 <= self.scale <= 8:
            raise InvalidInputError("Scale must be between 1 and 8.")
        if self.layout == "tags" and (self.trim or self.merge_duplicates):
            raise InvalidInputError("A row per tag is one uniform grid: no trim or merging.")


@dataclass
class SheetFrame:
    frame_index: int  # index in the sprite
    rect: tuple[int, int, int, int]  # x, y, w, h in the sheet
    source_rect: tuple[int, int, int, int]  # where the rect's pixels sit in the (scaled) frame
    source_size: tuple[int, int]  # the untrimmed (scaled) frame size
    duration_ms: int
    trimmed: bool


@dataclass
class Sheet:
    image: np.ndarray
    frames: list[SheetFrame]
    tags: list[Tag] = field(default_factory=list)  # frame ranges relative to the exported frames
    grid: dict | None = None  # uniform grid numbers (tile size, columns, rows, padding, offset)


def frame_indices(sprite: Sprite, tag: str | None) -> list[int]:
    if tag is None:
        return list(range(len(sprite.frames)))
    for t in sprite.tags:
        if t.name == tag:
            return list(range(t.start, t.end + 1))
    names = ", ".join(t.name for t in sprite.tags) or "none"
    raise InvalidInputError(f"No tag '{tag}' in this sprite (tags: {names}).")


def render_frame(sprite: Sprite, index: int, layer: str | None) -> np.ndarray:
    if layer is None:
        return sprite.composite(index)
    for candidate in sprite.layers:
        if candidate.name == layer:
            cel = sprite.cel(candidate.id, sprite.frames[index].id)
            return cel.image.copy() if cel is not None else sprite.blank()
    raise InvalidInputError(f"No layer '{layer}' in this sprite.")


def _trim_box(image: np.ndarray) -> tuple[int, int, int, int]:
    rows = np.flatnonzero(image[..., 3].any(axis=1))
    if rows.size == 0:
        return 0, 0, 1, 1
    cols = np.flatnonzero(image[..., 3].any(axis=0))
    return int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)


def build_sheet(sprite: Sprite, options: SheetOptions | None = None) -> Sheet:
    options = options or SheetOptions()
    options.validate()
    indices = frame_indices(sprite, options.tag)
    if not indices:
        raise InvalidInputError("There are no frames to export.")
    images, boxes = [], []
    for index in indices:
        image = render_frame(sprite, index, options.layer)
        if options.scale > 1:
            image = np.repeat(np.repeat(image, options.scale, axis=0), options.scale, axis=1)
        box = _trim_box(image) if options.trim else (0, 0, image.shape[1], image.shape[0])
        images.append(image)
        boxes.append(box)
    unique: list[int] = []  # position in `indices` of the first frame with this content
    owner: list[int] = []
    seen: dict[object, int] = {}
    for i, (image, (x, y, w, h)) in enumerate(zip(images, boxes, strict=True)):
        crop = image[y : y + h, x : x + w]
        key = (crop.shape, crop.tobytes()) if options.merge_duplicates else i
        if key in seen:
            owner.append(seen[key])
        else:
            seen[key] = len(unique)
            owner.append(len(unique))
            unique.append(i)
    if not any(image[..., 3].any() for image in images):
        raise InvalidInputError("Nothing to export: every frame is empty.")
    sizes = [(boxes[i][2], boxes[i][3]) for i in unique]
    if options.layout == "tags":
        positions, sheet_w, sheet_h, grid = _tag_rows(sprite, indices, sizes, options)
    else:
        positions, sheet_w, sheet_h, grid = _layout(sizes, options)
    if sheet_w > MAX_SIDE or sheet_h > MAX_SIDE:
        raise InvalidInputError(
            f"The sheet would be {sheet_w}x{sheet_h}: larger than {MAX_SIDE} px. Use fewer frames, a smaller scale or more columns."
        )
    sheet = np.zeros((sheet_h, sheet_w, 4), np.uint8)
    e = options.extrude
    for slot, i in enumerate(unique):
        x, y, w, h = boxes[i]
        crop = images[i][y : y + h, x : x + w]
        px, py = positions[slot]
        if e:
            padded = np.pad(crop, ((e, e), (e, e), (0, 0)), mode="edge")
            sheet[py - e : py + h + e, px - e : px + w + e] = padded
        else:
            sheet[py : py + h, px : px + w] = crop
    frames = []
    for i, index in enumerate(indices):
        slot = owner[i]
        x, y, w, h = boxes[unique[slot]]
        px, py = positions[slot]
        full = images[i].shape
        frames.append(
            SheetFrame(
                frame_index=index,
                rect=(px, py, w, h),
                source_rect=(x, y, w, h),
                source_size=(full[1], full[0]),
                duration_ms=sprite.frames[index].duration_ms,
                trimmed=(w, h) != (full[1], full[0]),
            )
        )
    first = indices[0]
    tags = [
        Tag(t.name, t.start - first, t.end - first, t.direction, t.color)
        for t in sprite.tags
        if t.start >= first and t.end <= indices[-1]
    ]
    uniform = not options.trim and not options.merge_duplicates and options.layout != "packed"
    return Sheet(sheet, frames, tags, grid if uniform else None)


def _layout(sizes: list[tuple[int, int]], options: SheetOptions):
    e, pad, border = options.extrude, options.padding, options.border
    gap = pad + 2 * e
    n = len(sizes)
    if options.layout == "packed":
        positions, width, height = _pack(sizes, gap, border + e)
        grid = None
    else:
        cell_w = max(w for w, _ in sizes)
        cell_h = max(h for _, h in sizes)
        per_line = min(options.columns or n, n)
        lines = math.ceil(n / per_line)
        cols, rows = (per_line, lines) if options.layout == "rows" else (lines, per_line)
        positions = []
        for k in range(n):
            line, pos = divmod(k, per_line)
            col, row = (pos, line) if options.layout == "rows" else (line, pos)
            positions.append((border + e + col * (cell_w + gap), border + e + row * (cell_h + gap)))
        width = 2 * (border + e) + cols * cell_w + (cols - 1) * gap
        height = 2 * (border + e) + rows * cell_h + (rows - 1) * gap
        grid = {
            "tile_size": (cell_w, cell_h),
            "columns": cols,
            "rows": rows,
            "padding": (gap, gap),
            "offset": (border + e, border + e),
            "order": options.layout,
        }
    if options.power_of_two:
        width, height = _pow2(width), _pow2(height)
    return positions, width, height, grid


def _tag_rows(sprite: Sprite, indices: list[int], sizes, options: SheetOptions):
    """One row per tag, in tag order, frames in no tag on rows after them; the grid
    says each frame's atlas index (row × columns + column), contiguous within a tag."""
    rows: list[list[int]] = []
    placed: set[int] = set()
    for tag in sprite.tags:
        row = [k for k, index in enumerate(indices) if tag.start <= index <= tag.end]
        if placed & set(row):
            raise InvalidInputError(f"The tag '{tag.name}' overlaps another: a row per tag "
                                    "needs tags that do not share frames.")  # fmt: skip
        if row:
            rows.append(row)
            placed.update(row)
    rest = [k for k in range(len(indices)) if k not in placed]
    columns = max([len(r) for r in rows] + [1]) if rows else max(1, len(rest))
    rows += [rest[i : i + columns] for i in range(0, len(rest), columns)]
    e, gap, border = options.extrude, options.padding + 2 * options.extrude, options.border
    cell_w, cell_h = max(w for w, _ in sizes), max(h for _, h in sizes)
    positions, atlas = [None] * len(indices), [0] * len(indices)
    for r, row in enumerate(rows):
        for c, k in enumerate(row):
            positions[k] = (border + e + c * (cell_w + gap), border + e + r * (cell_h + gap))
            atlas[k] = r * columns + c
    width = 2 * (border + e) + columns * cell_w + (columns - 1) * gap
    height = 2 * (border + e) + len(rows) * cell_h + (len(rows) - 1) * gap
    grid = {"tile_size": (cell_w, cell_h), "columns": columns, "rows": len(rows),
            "padding": (gap, gap), "offset": (border + e, border + e), "order": "tags",
            "atlas": atlas}  # fmt: skip
    if options.power_of_two:
        width, height = _pow2(width), _pow2(height)
    return positions, width, height, grid


def _pow2(value: int) -> int:
    return 1 << max(0, math.ceil(math.log2(max(value, 1))))


def _pack(sizes: list[tuple[int, int]], gap: int, margin: int):
    """Shelf packing, tallest first, into a roughly square sheet."""
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    target = max(
        max(w for w, _ in sizes) + 2 * margin, int(math.ceil(math.sqrt(area))) + 2 * margin
    )
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i][1], -sizes[i][0]))
    positions: list[tuple[int, int]] = [(0, 0)] * len(sizes)
    x, y, shelf, width = margin, margin, 0, 0
    for i in order:
        w, h = sizes[i]
        if x > margin and x + w + margin > target:
            x, y = margin, y + shelf + gap
            shelf = 0
        positions[i] = (x, y)
        width = max(width, x + w + margin)
        shelf = max(shelf, h)
        x += w + gap
    return positions, width, y + shelf + margin
