"""GIMP ``.gpl`` palettes, the format Aseprite, Krita and Lospec all exchange."""

from __future__ import annotations

import os
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.core.files import read_text
from dgx_pixels_app.core.palette import MAX_COLORS, Palette

MAX_PALETTE_FILE_BYTES = 4 * 1024 * 1024


def parse_gpl(text: str, name: str = "palette") -> Palette:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise FileFormatError(
            f"'{name}' is not a GIMP palette (first line must be 'GIMP Palette')."
        )
    palette = Palette(name=Path(name).stem)
    colors, names = [], []
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("Name:", "Columns:")):
            if stripped.startswith("Name:"):
                palette.name = stripped[5:].strip()
            continue
        parts = stripped.split(None, 3)
        try:
            rgb = [int(v) for v in parts[:3]]
        except ValueError:
            rgb = []
        if len(rgb) != 3 or any(not 0 <= v <= 255 for v in rgb):
            raise FileFormatError(
                f"'{name}' line {number}: expected 'R G B [name]' with values 0-255, got {stripped!r}."
            )
        colors.append((*rgb, 255))
        names.append(parts[3].strip() if len(parts) > 3 else "")
        if len(colors) > MAX_COLORS:
            raise FileFormatError(f"'{name}' has more than {MAX_COLORS} colours.")
    palette.colors, palette.names = colors, names
    return palette


def format_gpl(palette: Palette) -> str:
    out = ["GIMP Palette", f"Name: {palette.name or 'DGX-Pixels'}", "Columns: 8", "#"]
    for (r, g, b, _a), name in zip(palette.colors, palette.names, strict=True):
        out.append(f"{r:3d} {g:3d} {b:3d}\t{name or f'#{r:02x}{g:02x}{b:02x}'}")
    return "\n".join(out) + "\n"


def load_gpl(path: str | os.PathLike[str]) -> Palette:
    path = Path(path)
    return parse_gpl(read_text(path, MAX_PALETTE_FILE_BYTES, "palette"), path.name)


def save_gpl(palette: Palette, path: str | os.PathLike[str]) -> None:
    atomic_write_text(path, format_gpl(palette))
