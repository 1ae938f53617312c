"""Tiled tilesets (``.tsx``): the map editor most 2D Bevy games use.

A ``.tsx`` is Tiled's external tileset: one ``<tileset>`` element with the tile
size, spacing, margin, count and columns, an ``<image>`` naming the sheet, and
optional per-tile ``<properties>``. Written with ElementTree (so names and values
are escaped) and atomically.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_bytes
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.formats.sheet import Sheet

TMX_VERSION = "1.10"  # the TMX/TSX format version (Tiled 1.10 and 1.11 write this)
TILED_VERSION = "1.11.2"


def _type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "string"


def tileset_xml(
    sheet: Sheet, image_name: str, name: str, tile_properties: list[dict] | None = None
) -> bytes:
    """The ``.tsx`` for a uniform grid sheet (as built for Bevy: rows, no trim)."""
    grid = sheet.grid
    if grid is None:
        raise InvalidInputError("A Tiled tileset needs a uniform grid of tiles.")
    (tw, th), (px, py), (ox, oy) = grid["tile_size"], grid["padding"], grid["offset"]
    if px != py or ox != oy:
        raise InvalidInputError("Tiled needs the same spacing and margin on both axes.")
    h, w = sheet.image.shape[:2]
    root = ET.Element(
        "tileset",
        {
            "version": TMX_VERSION, "tiledversion": TILED_VERSION, "name": name,
            "tilewidth": str(tw), "tileheight": str(th), "spacing": str(px), "margin": str(ox),
            "tilecount": str(len(sheet.frames)), "columns": str(grid["columns"]),
        },
    )  # fmt: skip
    ET.SubElement(root, "image", {"source": image_name, "width": str(w), "height": str(h)})
    for index, props in enumerate(tile_properties or []):
        if not props:
            continue
        tile = ET.SubElement(root, "tile", {"id": str(index)})
        holder = ET.SubElement(tile, "properties")
        for key, value in props.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(holder, "property", {"name": key, "type": _type(value), "value": text})
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def write_tileset(path: str | Path, sheet: Sheet, image_name: str, name: str,
                  tile_properties: list[dict] | None = None) -> None:  # fmt: skip
    atomic_write_bytes(path, tileset_xml(sheet, image_name, name, tile_properties))
