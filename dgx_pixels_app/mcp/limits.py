"""What each tool argument may be: one table, used twice.

The JSON schema an agent sees carries the limits (``minimum``/``maximum``,
``maxLength``, ``enum`` of the known kinds, styles, animation types, methods and
seamless modes, read from ``presets/`` when the server starts), and the tools check
the same limits with messages that name the argument as the agent wrote it
("count must be 1 to 8, not 10."). The schema does not validate by itself, so
every refusal reads the same whatever the client.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from dgx_pixels_app.core.errors import OptionError
from dgx_pixels_app.core.limits import is_whole
from dgx_pixels_app.core.names import MAX_NAME
from dgx_pixels_app.mcp.confine import MAX_PATH

MAX_PROMPT = 1000  # characters
RANGES: dict[str, tuple[int, int]] = {
    "size": (8, 256),  # sprite px
    "tile_size": (8, 128),  # a tileset's tile px
    "count": (1, 8),
    "steps": (1, 60),
    "frames": (2, 16),
    "variations": (1, 16),
    "seed": (0, 2**32 - 1),
    "colors": (1, 256),
}
CELL = (1.0, 512.0)  # pixelize's cell size, px
WHOLE = {"size", "count", "steps", "frames", "variations", "seed", "colors", "frame"}  # integers
NUMBERS = {"cell"}
BOOLEANS = {"into_document", "keep_background", "overwrite"}
METHODS = ["strip", "chain"]
SEAMLESS = ["", "x", "y", "xy"]


def kind_ids() -> list[str]:
    from dgx_pixels_app.resources import prompt_presets

    return [k["id"] for k in prompt_presets()[0]]


def style_ids() -> list[str]:
    from dgx_pixels_app.resources import prompt_presets

    return [s["id"] for s in prompt_presets()[1]]


def animation_ids() -> list[str]:
    from dgx_pixels_app.resources import animation_presets

    return [a["id"] for a in animation_presets()]


def _range(name: str):
    low, high = RANGES[name]
    return Field(json_schema_extra={"minimum": low, "maximum": high})


def _enum(ids, optional: bool = False):
    return Field(json_schema_extra=lambda schema: schema.update(
        enum=[*ids(), *([None] if optional else [])]))  # fmt: skip


def _text(limit: int):
    return Field(json_schema_extra={"maxLength": limit})


Prompt = Annotated[str, _text(MAX_PROMPT)]
Name = Annotated["str | None", _text(MAX_NAME)]
PathText = Annotated[str, _text(MAX_PATH)]
OptionalPath = Annotated["str | None", _text(MAX_PATH)]
Size = Annotated[int, _range("size")]
TileSize = Annotated[int, _range("tile_size")]
Count = Annotated[int, _range("count")]
Steps = Annotated["int | None", _range("steps")]
Frames = Annotated["int | None", _range("frames")]
Variations = Annotated[int, _range("variations")]
Seed = Annotated["int | None", _range("seed")]
Colors = Annotated["int | None", _range("colors")]
Cell = Annotated["float | None", Field(json_schema_extra={"minimum": CELL[0], "maximum": CELL[1]})]
Kind = Annotated[str, _enum(kind_ids)]
Style = Annotated["str | None", _enum(style_ids, optional=True)]
AnimationType = Annotated[str, _enum(animation_ids)]
OptionalAnimation = Annotated["str | None", _enum(animation_ids, optional=True)]
Method = Annotated[str, _enum(lambda: METHODS)]


def _options_schema(schema: dict) -> None:
    """The declared generation options (presets/request-options.toml) as properties."""
    from dgx_pixels_app.jobs.requests import declared

    types = {"int": "integer", "float": "number", "bool": "boolean", "choice": "string"}
    props = {
        name: {"type": types[o["type"]], "description": o.get("help", ""),
               **({"enum": o["choices"]} if "choices" in o else {}),
               **({"minimum": o["min"]} if "min" in o else {}),
               **({"maximum": o["max"]} if "max" in o else {})}
        for name, o in declared().items()
    }  # fmt: skip
    schema.clear()
    schema.update(
        anyOf=[{"type": "object", "properties": props, "additionalProperties": False},
               {"type": "null"}],
        default=None, description="more generation options (see their descriptions)",
    )  # fmt: skip


Options = Annotated["dict | None", Field(json_schema_extra=_options_schema)]
Seamless = Annotated[str, _enum(lambda: SEAMLESS)]


def check_range(name: str, value, argument: str | None = None) -> None:
    """``value`` within RANGES[name] (None passes: the default applies)."""
    if value is None:
        return
    low, high = RANGES[name]
    if not is_whole(value) or not low <= value <= high:
        raise OptionError(argument or name, f"must be {low} to {high}, not {value!r}")


def check_choice(argument: str, value, known: list[str], optional: bool = False) -> None:
    if optional and value in (None, ""):
        return
    if value not in known:
        shown = ", ".join(repr(k) if k == "" else k for k in known)
        raise OptionError(argument, f"must be one of {shown}, not {value!r}")


def check_prompt(prompt) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise OptionError("prompt", "is empty")
    if len(prompt) > MAX_PROMPT:
        raise OptionError("prompt", f"is {len(prompt)} characters; at most {MAX_PROMPT}")
    if "\x00" in prompt:
        raise OptionError("prompt", "holds a NUL character")
    return prompt.strip()
