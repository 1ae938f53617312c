"""Find the bundled data folders (``resources/``, ``presets/``, ``ui/``).

In a wheel they are copied into the package as ``dgx_pixels_app/_data/...``; in a
source checkout they sit at the repository's top level. Never looked up relative
to the current directory.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``name`` (``resources``, ``presets`` or ``ui``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"DGX-Pixels is installed without its '{name}' folder.")


def preset_path(*parts: str) -> Path:
    return data_dir("presets").joinpath(*parts)


def resource_path(*parts: str) -> Path:
    return data_dir("resources").joinpath(*parts)


def load_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FileFormatError(f"Preset file '{path.name}' is unreadable: {exc}.") from exc


def new_sprite_sizes() -> tuple[list[tuple[str, int, int]], int]:
    """(label, width, height) choices for File > New, and the default side."""
    data = load_toml(preset_path("new-sprite-sizes.toml"))
    sizes = [(s["label"], int(s["width"]), int(s["height"])) for s in data.get("size", [])]
    return sizes, int(data.get("default", 32))


def builtin_palettes() -> dict[str, Path]:
    return {p.stem: p for p in sorted(preset_path("palettes").glob("*.gpl"))}
