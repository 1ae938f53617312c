"""The agents' touch-up tool: the Sprite menu's operations on a sprite file (the same
core commands as the app and ``dgx-pixels edit``), saved as a new ``.aseprite``
inside the allowed roots."""

from __future__ import annotations

import asyncio
from typing import Annotated

from pydantic import Field

from dgx_pixels_app.jobs.targets import unique_path
from dgx_pixels_app.mcp.base import ToolBase, kept, result
from dgx_pixels_app.mcp.limits import Name, OptionalPath, PathText


def _operations() -> list[str]:
    from dgx_pixels_app.jobs.edit import OPERATIONS

    return list(OPERATIONS)


def _edit_options_schema(schema: dict) -> None:
    from dgx_pixels_app.jobs.edit import CHOICES, OPTIONS

    kinds = {"color": "string", "bool": "boolean", "int": "integer", "float": "number",
             "choice": "string"}  # fmt: skip
    props = {
        name: {"type": kinds[kind],
               **({"minimum": low, "maximum": high} if low is not None else {}),
               **({"enum": list(CHOICES[name])} if kind == "choice" else {}),
               **({"pattern": "^#?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$"} if kind == "color" else {})}
        for name, (kind, low, high, _default) in OPTIONS.items()
    }  # fmt: skip
    schema.clear()
    schema.update(
        anyOf=[{"type": "object", "properties": props, "additionalProperties": False},
               {"type": "null"}],
        default=None, description="the operation's values: color '#rrggbb' (outline), from/to/"
        "tolerance (replace-color), hue/saturation/lightness, brightness/contrast, angle "
        "(rotate), width/height/anchor or left/top/right/bottom (canvas-size), width/height or "
        "percent (sprite-size), reduce (indexed: none, nearest, add, sprite), inside/diagonal/"
        "shade (outline)",
    )  # fmt: skip


Operation = Annotated[str, Field(json_schema_extra=lambda s: s.update(enum=_operations()))]
EditOptions = Annotated["dict | None", Field(json_schema_extra=_edit_options_schema)]
FrameNumber = Annotated["int | None", Field(json_schema_extra={"minimum": 1, "maximum": 10000})]


class EditTools(ToolBase):
    async def edit_sprite(
        self, path: PathText, operation: Operation, output: OptionalPath = None,
        options: EditOptions = None, layer: Name = None, frame: FrameNumber = None,
        overwrite: bool = False,
    ):  # fmt: skip
        from dgx_pixels_app.core.errors import InvalidInputError
        from dgx_pixels_app.jobs.edit import edit_file

        source = self.roots.read(path, "sprite")
        if options is not None and not isinstance(options, dict):
            raise InvalidInputError("options must be an object of the operation's values.")
        if output is None:  # beside the source, under a name not taken yet
            target = unique_path(source.parent, f"{source.stem}-{operation}", ".aseprite")
        else:
            target = self.roots.write(output)
        done = await asyncio.to_thread(edit_file, source, operation, options or {}, target,
                                       layer, frame, bool(overwrite))  # fmt: skip
        sprite = done.pop("sprite")
        done["replaced"] = kept(done["replaced"])
        return result(done, sprite.composite(0))
