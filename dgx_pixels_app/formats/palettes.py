"""Palette files by extension: GIMP ``.gpl``, Lospec ``.hex`` and JASC ``.pal``."""

from __future__ import annotations

import os
import re
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.core.files import read_text
from dgx_pixels_app.core.palette import MAX_COLORS, Palette
from dgx_pixels_app.formats.gpl import MAX_PALETTE_FILE_BYTES, format_gpl, parse_gpl

PALETTE_EXTENSIONS = (".gpl", ".hex", ".pal")
PALETTE_FILTER = "Palettes (*.gpl *.hex *.pal)"
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")


def parse_hex(text: str, name: str = "palette.hex") -> Palette:
    colors = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith((";", "//")):
            continue
        match = _HEX.match(stripped)
        if not match:
            raise FileFormatError(
                f"'{name}' line {number}: expected a colour like ff004d, got {stripped!r}."
            )
        rgb = match.group(1)
        alpha = int(match.group(2), 16) if match.group(2) else 255
        colors.append((int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16), alpha))
    if not colors:
        raise FileFormatError(f"'{name}' holds no colours.")
    if len(colors) > MAX_COLORS:
        raise FileFormatError(f"'{name}' has more than {MAX_COLORS} colours.")
    return Palette(colors, name=Path(name).stem)


def format_hex(palette: Palette) -> str:
    return "".join(
        f"{r:02x}{g:02x}{b:02x}{'' if a == 255 else f'{a:02x}'}\n" for r, g, b, a in palette.colors
    )


def parse_pal(text: str, name: str = "palette.pal") -> Palette:
    lines = [line.strip() for line in text.splitlines()]
    if len(lines) < 3 or lines[0] != "JASC-PAL":
        raise FileFormatError(f"'{name}' is not a JASC palette (first line must be 'JASC-PAL').")
    try:
        count = int(lines[2])
    except ValueError as exc:
        raise FileFormatError(f"'{name}': the third line must be the number of colours.") from exc
    if not 0 < count <= MAX_COLORS or len(lines) < 3 + count:
        raise FileFormatError(f"'{name}' says {count} colours but holds {max(0, len(lines) - 3)}.")
    colors = []
    for number, line in enumerate(lines[3 : 3 + count], start=4):
        try:
            values = [int(v) for v in line.split()]
        except ValueError:
            values = []
        if len(values) not in (3, 4) or any(not 0 <= v <= 255 for v in values):
            raise FileFormatError(
                f"'{name}' line {number}: expected 'R G B' with values 0-255, got {line!r}."
            )
        colors.append(tuple(values) if len(values) == 4 else (*values, 255))
    return Palette(colors, name=Path(name).stem)


def format_pal(palette: Palette) -> str:
    body = "".join(f"{r} {g} {b}\n" for r, g, b, _a in palette.colors)
    return f"JASC-PAL\n0100\n{len(palette)}\n{body}"


_PARSERS = {".gpl": parse_gpl, ".hex": parse_hex, ".pal": parse_pal}
_FORMATTERS = {".gpl": format_gpl, ".hex": format_hex, ".pal": format_pal}


def load_palette(path: str | os.PathLike[str]) -> Palette:
    path = Path(path)
    parser = _PARSERS.get(path.suffix.lower())
    if parser is None:
        raise FileFormatError(f"'{path.name}' is not a palette file: use .gpl, .hex or .pal.")
    text = read_text(path, MAX_PALETTE_FILE_BYTES, "palette")
    return parser(text, path.name)


def save_palette(palette: Palette, path: str | os.PathLike[str]) -> None:
    path = Path(path)
    formatter = _FORMATTERS.get(path.suffix.lower())
    if formatter is None:
        raise FileFormatError(f"Cannot save a palette as '{path.name}': use .gpl, .hex or .pal.")
    atomic_write_text(path, formatter(palette))


def find_palette(name_or_path: str | Palette) -> Palette:
    """A built-in palette by name (``pico-8``, ``db32``…) or a palette file; a
    :class:`Palette` already read (e.g. by a front end that confines paths) as is."""
    from dgx_pixels_app.resources import builtin_palettes

    if isinstance(name_or_path, Palette):
        return name_or_path
    builtin = builtin_palettes()
    key = name_or_path.lower()
    if key in builtin:
        return load_palette(builtin[key])
    path = Path(name_or_path)
    if path.suffix.lower() in PALETTE_EXTENSIONS or path.exists():
        return load_palette(path)
    raise FileFormatError(
        f"No palette '{name_or_path}': give a .gpl/.hex/.pal file or one of {', '.join(sorted(builtin))}."
    )
