"""The Sprite menu's operations without the window: ``dgx-pixels edit`` and the agents'
``edit_sprite`` tool run the same core commands as the app (one undo step each there),
on every cel or on one layer and/or frame, and save the result as a new ``.aseprite``
— never over a file you made unless asked."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core import canvas_ops, rotsprite, sprite_ops
from dgx_pixels_app.core.color_mode import REDUCE, SetColorMode, to_indexed
from dgx_pixels_app.core.commands import Command
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import (
    DgxPixelsError,
    FileAccessError,
    InvalidInputError,
    OptionError,
)
from dgx_pixels_app.core.limits import MAX_SIDE, is_number, is_whole
from dgx_pixels_app.jobs.recolor import parse_color

OPERATIONS = ("outline", "replace-color", "hue-saturation", "brightness-contrast", "rotate",
              "canvas-size", "sprite-size", "trim", "indexed", "rgb")  # fmt: skip
PIXEL_OPS = {"outline", "replace-color", "hue-saturation", "brightness-contrast", "rotate"}
# option: (kind, low, high, default)
OPTIONS = {
    "color": ("color", None, None, "#000000"), "inside": ("bool", None, None, False),
    "diagonal": ("bool", None, None, False), "shade": ("bool", None, None, False),
    "from": ("color", None, None, None), "to": ("color", None, None, None),
    "tolerance": ("int", 0, 255, 0), "hue": ("float", -180, 180, 0.0),
    "saturation": ("float", -100, 100, 0.0), "lightness": ("float", -100, 100, 0.0),
    "brightness": ("float", -100, 100, 0.0), "contrast": ("float", -100, 100, 0.0),
    "angle": ("float", -360, 360, 0.0), "width": ("int", 1, MAX_SIDE, None),
    "height": ("int", 1, MAX_SIDE, None), "anchor": ("choice", None, None, "center"),
    "left": ("int", -MAX_SIDE, MAX_SIDE, 0), "top": ("int", -MAX_SIDE, MAX_SIDE, 0),
    "right": ("int", -MAX_SIDE, MAX_SIDE, 0), "bottom": ("int", -MAX_SIDE, MAX_SIDE, 0),
    "percent": ("float", 1, 3200, None), "reduce": ("choice", None, None, "none"),
}  # fmt: skip
CHOICES = {"anchor": tuple(canvas_ops.ANCHORS), "reduce": REDUCE}
TAKES = {  # operation: the options it uses
    "outline": ("color", "inside", "diagonal", "shade"),
    "replace-color": ("from", "to", "tolerance"),
    "hue-saturation": ("hue", "saturation", "lightness"),
    "brightness-contrast": ("brightness", "contrast"),
    "rotate": ("angle",),
    "canvas-size": ("width", "height", "anchor", "left", "top", "right", "bottom"),
    "sprite-size": ("width", "height", "percent"),
    "trim": (), "indexed": ("reduce",), "rgb": (),
}  # fmt: skip


def checked(options: dict, operation: str | None = None) -> dict:
    """Every option known, of its kind and range, and one that ``operation`` uses;
    defaults filled in (an explicit null is refused where there is a default)."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise OptionError(unknown[0], f"is not an edit option (they are {', '.join(OPTIONS)})")
    if operation is not None:
        stray = [name for name in options if name not in TAKES[operation]]
        if stray:
            used = ", ".join(TAKES[operation]) or "none"
            raise OptionError(stray[0], f"does nothing for {operation} (its options: {used})")
    out = {}
    for name, (kind, low, high, default) in OPTIONS.items():
        value = options.get(name, default)
        if value is None and default is not None:
            raise OptionError(name, f"needs a value (default {default!r}), not null")
        if value is None:
            out[name] = None
        elif kind == "color":
            out[name] = parse_color(value, name)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise OptionError(name, f"is true or false, not {value!r}")
            out[name] = value
        elif kind == "choice":
            if value not in CHOICES[name]:
                raise OptionError(name, f"must be one of {', '.join(CHOICES[name])}, not {value!r}")
            out[name] = value
        else:
            ok = is_whole(value) if kind == "int" else is_number(value)
            if not ok or not low <= value <= high:  # NaN fails too
                raise OptionError(name, f"must be {low:g} to {high:g}, not {value!r}")
            out[name] = value
    return out


def _pixel_fn(operation: str, o: dict):
    if operation == "outline":
        return lambda im: sprite_ops.outline(im, o["color"], not o["inside"], o["diagonal"],
                                             o["shade"])  # fmt: skip
    if operation == "replace-color":
        if o["from"] is None or o["to"] is None:
            raise InvalidInputError("replace-color needs a 'from' and a 'to' colour.")
        return lambda im: sprite_ops.replace_color(im, o["from"], o["to"], o["tolerance"])
    if operation == "hue-saturation":
        return lambda im: sprite_ops.hue_saturation(im, o["hue"], o["saturation"], o["lightness"])
    if operation == "brightness-contrast":
        return lambda im: sprite_ops.brightness_contrast(im, o["brightness"], o["contrast"])
    return lambda im: rotsprite.rotate(im, o["angle"])


def _keys(sprite: Sprite, layer: str | None, frame: int | None) -> list[tuple[int, int]]:
    keys = sprite_ops.targets(sprite, "all", sprite.layers[0].id, sprite.frames[0].id)
    if layer is not None:
        named = [la.id for la in sprite.layers if la.name == layer and not la.group]
        if len(named) > 1:
            raise OptionError("layer", f"names {len(named)} layers ({layer!r}): rename one")
        if not named:
            shown = ", ".join(repr(la.name) for la in sprite.layers if not la.group)
            raise OptionError("layer", f"names no layer of the sprite (it has {shown})")
        keys = [k for k in keys if k[0] == named[0]]
    if frame is not None:
        if not is_whole(frame) or not 1 <= frame <= len(sprite.frames):
            raise OptionError("frame", f"must be 1 to {len(sprite.frames)}, not {frame!r}")
        keys = [k for k in keys if k[1] == sprite.frames[frame - 1].id]
    return keys


def edit_command(sprite: Sprite, operation: str, options: dict, layer: str | None = None,
                 frame: int | None = None) -> Command | None:  # fmt: skip
    """The command for ``operation`` with ``options``; None when nothing would change."""
    if operation not in OPERATIONS:
        raise OptionError("operation", f"must be one of {', '.join(OPERATIONS)}, "
                                       f"not {operation!r}")  # fmt: skip
    o = checked(options, operation)
    if operation not in PIXEL_OPS and (layer is not None or frame is not None):
        raise OptionError("layer" if layer is not None else "frame",
                          f"does nothing for {operation}: it changes the whole sprite")  # fmt: skip
    if operation in PIXEL_OPS:
        keys = _keys(sprite, layer, frame)
        if not keys:
            raise InvalidInputError("Nothing to change there: the cels are empty or locked.")
        fn = _pixel_fn(operation, o)
        return sprite_ops.pixels_command(sprite, keys, fn, operation.replace("-", " ").title())
    return _whole_sprite(sprite, operation, o)


def _whole_sprite(sprite: Sprite, operation: str, o: dict) -> Command | None:
    if operation == "canvas-size":
        sides = [o[k] for k in ("left", "top", "right", "bottom")]
        if any(sides) and (o["width"] is not None or o["height"] is not None):
            raise OptionError("width", "and margins (left, top, right, bottom) both set the "
                              "size: give one or the other")  # fmt: skip
        if not any(sides) and (o["width"] or sprite.width, o["height"] or sprite.height) == (
            sprite.width, sprite.height):  # fmt: skip
            return None
        if any(sides):
            return canvas_ops.canvas_size_command(
                sprite, sprite.width + sides[0] + sides[2], sprite.height + sides[1] + sides[3],
                offset=(sides[0], sides[1]))  # fmt: skip
        return canvas_ops.canvas_size_command(
            sprite, o["width"] or sprite.width, o["height"] or sprite.height, o["anchor"]
        )
    if operation == "sprite-size":
        if o["percent"] is not None and (o["width"] is not None or o["height"] is not None):
            raise OptionError("percent", "and width/height both set the size: give one or "
                              "the other")  # fmt: skip
        if o["percent"] is not None:
            scale = o["percent"] / 100
            return canvas_ops.sprite_size_command(sprite, max(1, round(sprite.width * scale)),
                                                  max(1, round(sprite.height * scale)))  # fmt: skip
        return canvas_ops.sprite_size_command(sprite, o["width"] or sprite.width,
                                              o["height"] or sprite.height)  # fmt: skip
    if operation == "trim":
        return canvas_ops.trim_command(sprite)
    if operation == "indexed":
        return None if sprite.indexed else to_indexed(sprite, o["reduce"])
    return SetColorMode(False) if sprite.indexed else None


def edit_file(source: Path, operation: str, options: dict, output: Path,
              layer: str | None = None, frame: int | None = None,
              overwrite: bool = False) -> dict:  # fmt: skip
    """Open, edit, save as ``output`` (a new .aseprite); what changed, for a report."""
    from dgx_pixels_app.core.history import History
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.deploy import guard, remember
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.jobs.batch import check_output

    if output.suffix.lower() != ".aseprite":
        raise OptionError("output", "must be an .aseprite file")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in str(output)):
        raise OptionError("output", "holds a control character (a newline, a tab…)")
    check_output(output.parent)
    guard(output.parent, [output], overwrite)  # refused before any work
    sprite = open_document(source)
    before = (sprite.width, sprite.height)
    command = edit_command(sprite, operation, options, layer, frame)
    if command is not None:
        History(sprite).push(command)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        replaced = guard(output.parent, [output], overwrite, keep=True)
        aseprite.save(sprite, output)
        remember(output.parent, [output])
    except OSError as exc:
        if isinstance(exc, DgxPixelsError):
            raise
        raise FileAccessError(f"Cannot write '{output}': {exc.strerror or exc}.") from exc
    cels = len(getattr(command, "commands", ())) if operation in PIXEL_OPS else None
    return {"file": str(output), "operation": operation, "changed": command is not None,
            "cels_changed": cels, "size_before": list(before),
            "size": [sprite.width, sprite.height], "color_mode":
            "indexed" if sprite.indexed else "rgb", "replaced": replaced, "sprite": sprite}  # fmt: skip
