"""Indexed colour mode: every pixel of every cel is one of the palette's colours.

Cels stay RGBA in memory (every tool, filter and view works on them unchanged);
what indexed mode adds is the constraint. Every command that writes pixels snaps
them to the nearest palette colour (``conform``), a palette edit recolours the
pixels that used the changed entries, and ``.aseprite`` files are saved with
8-bit palette indices. Converting to indexed and back is lossless when the
sprite's colours are in the palette; a transparent entry is added at index 0 when
the palette has none (Aseprite's mask colour).
"""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.palette import Palette

MAX_INDEXED = 256


def _packed(rgba: np.ndarray) -> np.ndarray:
    return rgba.reshape(-1, 4).view(np.uint32).ravel()


def transparent_index(palette: Palette) -> int:
    for index, color in enumerate(palette.colors):
        if color[3] == 0:
            return index
    return 0


def with_transparent(palette: Palette) -> Palette:
    """``palette``, with a clear entry at index 0 if it has none."""
    if any(c[3] == 0 for c in palette.colors):
        return palette.copy()
    return Palette([(0, 0, 0, 0), *palette.colors], ["Transparent", *palette.names], palette.name)


def check_palette(palette: Palette) -> None:
    """Refuse a palette an 8-bit file cannot hold. Check it with its transparent entry
    in place (``with_transparent`` adds one when there is none)."""
    if not 1 <= len(palette) <= MAX_INDEXED:
        raise InvalidInputError(
            f"Indexed colour needs a palette of at most {MAX_INDEXED} entries, one of them "
            f"transparent; this one would have {len(palette)}. Reduce it first (Palette from "
            "Sprite, or a smaller palette)."
        )


def can_save_indexed(palette: Palette) -> bool:
    """An 8-bit file can hold it: a clear entry (the mask) and at most 256 entries."""
    return 1 <= len(palette) <= MAX_INDEXED and any(c[3] == 0 for c in palette.colors)


def missing_colors(images: list[np.ndarray], palette: Palette) -> np.ndarray:
    """The distinct opaque-ish colours (alpha > 0) of ``images`` not in ``palette``, (n, 4)."""
    known = _packed(np.ascontiguousarray(palette.as_array()))
    found = []
    for image in images:
        visible = image[image[..., 3] > 0]
        if visible.size:
            found.append(np.unique(_packed(np.ascontiguousarray(visible))))
    if not found:
        return np.zeros((0, 4), dtype=np.uint8)
    colors = np.unique(np.concatenate(found))
    if not len(palette):
        return colors.view(np.uint8).reshape(-1, 4)
    return colors[~np.isin(colors, known)].view(np.uint8).reshape(-1, 4)


def nearest(colors: np.ndarray, palette: Palette) -> np.ndarray:
    """The index of the nearest palette entry (RGB, then alpha) for each (n, 4) colour;
    a visible colour never takes a clear entry (drawing must not erase)."""
    table = palette.as_array().astype(np.int32)
    visible = np.flatnonzero(table[:, 3] > 0)
    out = np.zeros(len(colors), dtype=np.int64)
    if visible.size == 0:
        return out
    for start in range(0, len(colors), 4096):
        chunk = colors[start : start + 4096].astype(np.int32)
        distance = ((chunk[:, None, :] - table[None, visible, :]) ** 2).sum(axis=2)
        out[start : start + 4096] = visible[distance.argmin(axis=1)]
    return out


def to_indices(rgba: np.ndarray, palette: Palette) -> np.ndarray:
    """Palette indices for an image (clear pixels take the transparent index,
    colours not in the palette the nearest entry)."""
    flat = _packed(np.ascontiguousarray(rgba))
    colors, inverse = np.unique(flat, return_inverse=True)
    rgba_colors = colors.view(np.uint8).reshape(-1, 4)
    index = nearest(rgba_colors, palette)
    index[rgba_colors[:, 3] == 0] = transparent_index(palette)
    return index[inverse].reshape(rgba.shape[:2]).astype(np.uint8)


def from_indices(indices: np.ndarray, palette: Palette) -> np.ndarray:
    lut = np.zeros((256, 4), dtype=np.uint8)
    colors = palette.as_array()[:256]
    lut[: len(colors)] = colors
    lut[transparent_index(palette)] = 0
    return lut[indices]


def conform(rgba: np.ndarray, palette: Palette) -> np.ndarray:
    """``rgba`` with every pixel one of the palette's colours (clear stays clear)."""
    if not len(palette):
        return rgba
    flat = _packed(np.ascontiguousarray(rgba))
    colors, inverse = np.unique(flat, return_inverse=True)
    rgba_colors = colors.view(np.uint8).reshape(-1, 4)
    known = np.isin(colors, _packed(np.ascontiguousarray(palette.as_array())))
    if known.all() or (rgba_colors[~known, 3] == 0).all():
        out = rgba.copy()
        out[out[..., 3] == 0] = 0
        return out
    mapped = palette.as_array()[nearest(rgba_colors, palette)]
    mapped[rgba_colors[:, 3] == 0] = 0
    return mapped[inverse].reshape(rgba.shape)


def remap(rgba: np.ndarray, old: Palette, new: Palette) -> np.ndarray:
    """An indexed image after its palette changed from ``old`` to ``new``: each pixel
    keeps its index (indices past the new palette take the nearest new colour)."""
    indices = to_indices(rgba, old)
    clear = rgba[..., 3] == 0
    if len(new) < len(old):
        spill = indices >= len(new)
        if spill.any():
            colors = old.as_array()[indices[spill]]
            indices[spill] = nearest(colors, new).astype(np.uint8)
    out = from_indices(indices, new)
    out[clear] = 0  # clear stays clear wherever the transparent entry moved
    return out
