"""Find the bundled data folders (``resources/``, ``presets/``, ``ui/``).

In a wheel they are copied into the package as ``dgx_pixels_app/_data/...``; in a
source checkout they sit at the repository's top level. Never looked up relative
to the current directory.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError

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
    """The file's data (read only: it is shared), parsed again only when the file changes
    (a batch of 10,000 items builds 10,000 requests from the same presets)."""
    try:
        info = path.stat()
        key = (str(path), info.st_mtime_ns, info.st_size)
        if key not in _PARSED:
            _PARSED[key] = tomllib.loads(path.read_text(encoding="utf-8"))
        return _PARSED[key]
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise FileFormatError(f"Preset file '{path.name}' is unreadable: {exc}.") from exc


_PARSED: dict[tuple, dict] = {}


def new_sprite_sizes() -> tuple[list[tuple[str, int, int]], int]:
    """(label, width, height) choices for File > New, and the default side."""
    data = load_toml(preset_path("new-sprite-sizes.toml"))
    sizes = [(s["label"], int(s["width"]), int(s["height"])) for s in data.get("size", [])]
    return sizes, int(data.get("default", 32))


def builtin_palettes() -> dict[str, Path]:
    return {p.stem: p for p in sorted(preset_path("palettes").glob("*.gpl"))}


def prompt_presets() -> tuple[list[dict], list[dict]]:
    """(asset kinds, styles) from presets/asset-kinds.toml and presets/styles.toml."""
    kinds = load_toml(preset_path("asset-kinds.toml")).get("kind", [])
    styles = load_toml(preset_path("styles.toml")).get("style", [])
    return [k for k in kinds if isinstance(k, dict) and "id" in k], [
        s for s in styles if isinstance(s, dict) and "id" in s
    ]


def find_preset(choices: list[dict], wanted: str | None, what: str, where: str = "") -> dict | None:
    """The preset with id ``wanted`` (None for none); an unknown id lists the known ones."""
    if wanted in (None, "", "none"):
        return None
    for choice in choices:
        if choice["id"] == wanted:
            return choice
    known = ", ".join(c["id"] for c in choices)
    at = f"{where}: " if where else ""
    raise InvalidInputError(f"{at}unknown {what} '{wanted}' (known: {known}).")


def compose_prompt(subject: str, kind: dict | None, style: dict | None) -> tuple[str, str]:
    """The full (prompt, negative) for what the artist typed, a kind and a style."""
    subject = subject.strip()
    prompt = kind["prompt"].replace("{subject}", subject) if kind else subject
    parts = [prompt] + ([style["prompt"]] if style and style.get("prompt") else [])
    negatives = [
        n for n in ((kind or {}).get("negative", ""), (style or {}).get("negative", "")) if n
    ]
    return ", ".join(p for p in parts if p), ", ".join(negatives)


def generation_defaults() -> dict:
    """presets/generation.toml's ``[defaults]``: steps, cfg, width, height, scheduler…"""
    data = load_toml(preset_path("generation.toml"))
    defaults = data.get("defaults")
    needed = ("steps", "cfg", "width", "height", "scheduler")
    if not isinstance(defaults, dict) or any(key not in defaults for key in needed):
        raise FileFormatError(f"presets/generation.toml must set {', '.join(needed)}.")
    return defaults


def model_sizes() -> list[tuple[int, int]]:
    """The model's image sizes the Prompt panel offers (presets/generation.toml)."""
    sizes = load_toml(preset_path("generation.toml")).get("sizes", [])
    return [(int(w), int(h)) for w, h in sizes]


def request_options() -> list[dict]:
    """The declared generation options (presets/request-options.toml), each checked."""
    options = load_toml(preset_path("request-options.toml")).get("option", [])
    for option in options:
        kind = option.get("type") if isinstance(option, dict) else None
        choices = option.get("choices") if isinstance(option, dict) else None
        if kind == "choice" and not (isinstance(choices, list) and choices
                                     and all(isinstance(c, str) for c in choices)):  # fmt: skip
            kind = None
        if kind not in ("int", "float", "bool", "choice") or not isinstance(
            option.get("name"), str
        ):
            raise FileFormatError(f"presets/request-options.toml: a damaged option {option!r:.80}.")
    return options


def animation_presets() -> list[dict]:
    """Idle/walk/attack presets from presets/animations.toml."""
    items = load_toml(preset_path("animations.toml")).get("animation", [])
    return [a for a in items if isinstance(a, dict) and "id" in a]


def speed_data():
    """Speed presets and distilled-LoRA recipes (presets/speed.toml), each checked."""
    from dgx_pixels_app.core import speed

    path = preset_path("speed.toml")
    key = ("speed", path)
    data = load_toml(path)
    if _PARSED.get(key, (None,))[0] is not data:
        _PARSED[key] = (data, speed.parse(data))
    return _PARSED[key][1]


def control_data() -> dict:
    """Control types, their name patterns and union modes (presets/controls.toml), checked:
    every type the app offers is there, with a whole union index and a list of patterns."""
    from dgx_pixels_app.core.control import CONTROL_TYPES

    data = load_toml(preset_path("controls.toml"))
    types = data.get("types")
    for name in CONTROL_TYPES:
        entry = types.get(name) if isinstance(types, dict) else None
        ok = isinstance(entry, dict) and type(entry.get("union")) is int
        if not ok or not all(isinstance(p, str) for p in entry.get("patterns", [None])):
            raise FileFormatError(f"presets/controls.toml: the '{name}' control type is damaged.")
    return data


def pose_templates() -> dict:
    """The built-in pose templates (presets/poses/*.toml) by id, each checked."""
    from dgx_pixels_app.core.pose import parse_template

    out = {}
    for path in sorted(preset_path("poses").glob("*.toml")):
        template = parse_template(load_toml(path), f"presets/poses/{path.name}")
        out[template.id] = template
    return out
