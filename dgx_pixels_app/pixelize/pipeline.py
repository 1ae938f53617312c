"""The whole pixelize step: grid → cell colours → palette → background → clean-up."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.pixelize import palette as pal
from dgx_pixels_app.pixelize.background import find_background
from dgx_pixels_app.pixelize.background_parts import is_key, local_radius
from dgx_pixels_app.pixelize.cells import cell_texture, sample_cells, small
from dgx_pixels_app.pixelize.cleanup import remove_orphans
from dgx_pixels_app.pixelize.cuts import AxisGrid, Grid
from dgx_pixels_app.pixelize.deblur import Blur, deblurred_cells
from dgx_pixels_app.pixelize.grid import detect_grid
from dgx_pixels_app.pixelize.layout import layout_cell
from dgx_pixels_app.pixelize.palette_fit import fit_palette
from dgx_pixels_app.pixelize.ramps import ramp_palette
from dgx_pixels_app.pixelize.regions import touching
from dgx_pixels_app.pixelize.room import room_color
from dgx_pixels_app.pixelize.shading import local_field
from dgx_pixels_app.pixelize.stats import unique_colors

# the ring find_background kept as the art's frame (Background.framed): say so, it may
# be background after all (a sprite with a one-cell margin, a line drawn around)
FRAMED_NOTE = (
    "The #{0:02x}{1:02x}{2:02x} border one cell wide around the sprite was kept as its frame "
    "(the picture's edge is another colour). If it is background, pick #{0:02x}{1:02x}{2:02x} "
    "as the background colour."
)


@dataclass
class PixelizeOptions:
    cell: float | None = None  # force the cell size (image pixels per art pixel)
    detect_grid: bool = True  # False: the input is already at true resolution
    cell_method: str = "median"  # median, mean or mode
    colors: int | None = None  # a fixed palette size
    palette: Palette | None = None  # snap to this palette
    reduce_palette: bool = True  # automatic palette when neither colors nor palette
    dither: bool = False
    remove_background: bool = True
    background_tolerance: float = 24.0
    background_color: tuple[int, int, int] | None = None  # the user's pick (eyedropper)
    contiguous: bool = False  # True: keep enclosed areas of the background colour
    cleanup: bool = True  # stray noise pixels take their neighbours' colour (small cells only)
    tile: bool = False  # a tile: whole cells across, wraps, no partial edge trimming
    layout: tuple[int, int] | None = None  # a strip or sheet of (columns, rows) parts


@dataclass
class PixelizeResult:
    image: np.ndarray  # (rows, cols, 4) uint8, alpha 0 or 255
    grid: Grid | None
    palette: np.ndarray  # (n, 3) uint8: the colours used
    background: tuple[int, int, int] | None
    background_cells: np.ndarray | None = None  # (rows, cols) bool, aligned with image
    notes: tuple[str, ...] = ()  # what a person should know about the reading (a layout)

    @property
    def cell_size(self) -> tuple[float, float] | None:
        return (self.grid.x.cell, self.grid.y.cell) if self.grid else None


def pixelize(rgba: np.ndarray, options: PixelizeOptions | None = None) -> PixelizeResult:
    options = options or PixelizeOptions()
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise InvalidInputError("pixelize expects an RGBA uint8 image.")
    h, w = rgba.shape[:2]
    if h < 2 or w < 2:
        raise InvalidInputError(f"A {w}x{h} image is too small to pixelize.")
    grid, notes, rgba = _grid(rgba, options)
    # solving the blur out of small cells rings a little at the sprite's edge, so the
    # background is found on plainly sampled cells
    plain = cells = sample_cells(rgba, grid, options.cell_method) if grid else rgba
    blur = None
    if grid is not None and small(grid):
        cells = plain.copy()
        cells[..., :3], blur = deblurred_cells(rgba, grid)
    had_alpha = bool((rgba[..., 3] < 255).any())
    opaque = cells[..., 3] >= 128
    rgb = cells[..., :3].copy()
    raw = cells  # the cells as read, before the palette (read only)

    background = None
    removed = np.zeros(opaque.shape, bool)
    border_transparent = had_alpha and not opaque[[0, -1], :].any() and not opaque[:, [0, -1]].any()
    if options.remove_background and not border_transparent:
        found = _background(rgba, plain, cells, grid, options)
        if found is not None and found.framed:
            notes += (FRAMED_NOTE.format(*found.color),)
        elif found is not None:
            background = found.color
            removed = found.mask & opaque
            opaque &= ~found.mask

    source = rgb[opaque] if opaque.any() else rgb.reshape(-1, 3)
    if options.palette is not None and len(options.palette):
        palette = options.palette.as_array()[:, :3]
    elif options.colors:
        palette = pal.fixed_palette(source, options.colors)
    elif options.reduce_palette and grid is not None and not small(grid) and opaque.any():
        palette = ramp_palette(rgb, opaque)  # large cells: a ramp's fine steps are kept
    elif options.reduce_palette:
        palette = pal.auto_palette(source)
    else:
        palette = None
    if palette is not None and blur is not None and opaque.any() and not options.dither:
        # small cells: labels and (unless the palette is the user's) colours fitted to
        # what the blurred image shows, not to the noisier solved colours; a fringe
        # cell the background's colour explains better than any palette colour goes
        rgb, palette, taken = _fit_small_cells(blur, opaque, palette, options, background, removed)
        removed |= taken
        opaque &= ~taken
    elif palette is not None:
        rgb = pal.apply_palette(rgb, palette, options.dither)
    alpha = np.where(opaque, 255, 0).astype(np.uint8)
    out = np.dstack([rgb, alpha])
    out[alpha == 0] = 0
    if grid is not None and not options.tile:
        rows, cols = _trim_partial_edges(out, grid)
        out, removed, raw = out[rows, cols], removed[rows, cols], raw[rows, cols]
    if options.cleanup and (grid is None or small(grid)):
        out = remove_orphans(out, raw=raw if palette is not None else None)
    used = out[out[..., 3] == 255][:, :3]
    used_palette = unique_colors(used)
    cells = removed if background is not None else None
    return PixelizeResult(out, grid, used_palette, background, cells, notes)


def _background(rgba, plain, cells, grid, options: PixelizeOptions):
    """find_background on the plainly sampled cells, with what the grid knows."""
    automatic = grid if grid is not None and options.background_color is None else None
    return find_background(
        plain[..., :3],
        options.background_tolerance,
        options.background_color,
        options.contiguous,
        small_cells=grid is not None and small(grid),
        sharp=cells[..., :3] if cells is not plain else None,
        # the paper's texture and the room are only asked about when no colour was picked
        texture=None if automatic is None else cell_texture(rgba, automatic),
        room=None
        if automatic is None
        else room_color(rgba, automatic, options.background_tolerance),
    )


def _grid(rgba: np.ndarray, options: PixelizeOptions) -> tuple[Grid | None, tuple, np.ndarray]:
    """The grid (None: the input is at true resolution), notes on how it was read, and
    the picture (a tile is turned so its cells start at 0)."""
    if options.tile:
        grid, rgba = tile_grid(rgba, options.cell)
        return grid, (), rgba
    if not (options.detect_grid or options.cell):
        return None, (), rgba
    cell, note = options.cell, None
    if cell is None and options.layout is not None:  # each part is one sprite
        cell, note = layout_cell(rgba, options.layout)
    return detect_grid(rgba, cell), (note,) if note else (), rgba


def _fit_small_cells(
    blur: Blur,
    opaque: np.ndarray,
    palette: np.ndarray,
    options: PixelizeOptions,
    background: tuple[int, int, int] | None,
    removed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """palette_fit.fit_palette with the background's colour as a choice for the fringe
    beside it or, on a key colour the art does not use, for any cell (a gap between
    thin lines, blurred shut), unless enclosed areas are to be kept (contiguous). On a
    key colour the automatic palette loses any colour within the background tolerance
    of the key's: such cells are the key seen through (as background.holes has it)."""
    field = open_ = None
    if background is not None and removed.any():
        field = local_field(blur.solution, removed, local_radius(opaque.shape))
        key = is_key(background) and not options.contiguous
        open_ = opaque if key else opaque & touching(removed, diagonal=True)
        if key and options.palette is None:  # and no colour of the palette is the key's
            weighted = pal._weighted(palette)
            off = pal.distance(weighted, pal._weighted(np.array([background], np.uint8)))
            if (off > options.background_tolerance).any():
                palette = palette[off > options.background_tolerance]
    return fit_palette(blur, opaque, palette, options.palette is None, field, open_)


def tile_grid(rgba: np.ndarray, cell: float | None = None) -> tuple[Grid, np.ndarray]:
    """A grid of whole, equal cells for a tile, and the tile rotated so the cells start
    at 0 (a seamless tile may be shifted freely: it still tiles)."""
    h, w = rgba.shape[:2]
    detected = detect_grid(rgba, cell)
    size = cell or (detected.x.cell + detected.y.cell) / 2
    nx, ny = max(1, round(w / size)), max(1, round(h / size))
    axes = []
    for n, length, axis_grid, shift_axis in ((nx, w, detected.x, 1), (ny, h, detected.y, 0)):
        exact = length / n
        phase = 0 if cell else int(round(axis_grid.cuts[1] % exact)) if axis_grid.cells > 1 else 0
        if phase:
            rgba = np.roll(rgba, -phase, axis=shift_axis)
        axes.append(AxisGrid(exact, np.linspace(0.0, float(length), n + 1)))
    return Grid(axes[0], axes[1]), rgba


def _trim_partial_edges(image: np.ndarray, grid: Grid) -> tuple[slice, slice]:
    """Drop an edge row or column that is a partial cell and holds only background:
    it is padding from where the grid met the image border, not part of the sprite."""
    top, bottom, left, right = 0, image.shape[0], 0, image.shape[1]
    wy, wx = np.diff(grid.y.cuts), np.diff(grid.x.cuts)
    if len(wy) > 1 and wy[0] < 0.75 * grid.y.cell and not image[0, :, 3].any():
        top = 1
    if len(wy) > 1 and wy[-1] < 0.75 * grid.y.cell and not image[-1, :, 3].any():
        bottom -= 1
    if len(wx) > 1 and wx[0] < 0.75 * grid.x.cell and not image[:, 0, 3].any():
        left = 1
    if len(wx) > 1 and wx[-1] < 0.75 * grid.x.cell and not image[:, -1, 3].any():
        right -= 1
    return slice(top, bottom), slice(left, right)
