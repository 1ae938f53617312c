"""The one request builder: every front end and job kind makes its requests here.

A request is the kind's preset (presets/asset-kinds.toml) over the defaults
(presets/generation.toml), with the style's words added, and whatever the caller
gives over both: the GUI's fields, CLI flags, a batch item, an agent's arguments
all only fill :class:`Choices`. A new generation option is a field of
:class:`~dgx_pixels_app.core.generation.GenerationRequest`, its declaration in
presets/request-options.toml (type, range, label, help) and its use in the engine:
every front end offers the declared options (rows in the app's Prompt panel, CLI flags,
the agents' ``options``) and :func:`check_options` checks them, written once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError, OptionError
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef, validate
from dgx_pixels_app.core.limits import is_number, is_whole
from dgx_pixels_app.core.speed import pick
from dgx_pixels_app.engine.discovery import find_loras
from dgx_pixels_app.resources import (
    compose_prompt,
    find_preset,
    generation_defaults,
    prompt_presets,
    request_options,
    speed_data,
)

SETTINGS = ("steps", "cfg", "width", "height", "scheduler")  # a kind may set these


@dataclass
class Choices:
    """What a caller chose; None (or empty) means "the kind's, else the default"."""

    subject: str
    kind: str | None = None  # an asset kind's id
    style: str | None = None  # a style's id
    negative: str = ""  # added to the kind's and style's negative words
    model: str = ""
    loras: list[LoraRef] = field(default_factory=list)
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    width: int | None = None
    height: int | None = None
    resolution: int | None = None  # a square model size (width and height at once)
    scheduler: str | None = None
    strength: float | None = None
    seamless: str = ""
    options: dict = field(default_factory=dict)  # declared options (request-options.toml)
    references: list = field(default_factory=list)  # core.control.ReferenceRef
    controls: list = field(default_factory=list)  # core.control.ControlRef
    speed_loras: list | None = None  # LoRA files a fast speed may use; None = look in the folders
    where: str = ""  # for messages: 'items.csv, line 4'


def kind_settings(kind: str | None, where: str = "") -> dict:
    """The defaults with the kind's own settings over them."""
    kinds, _ = prompt_presets()
    preset = find_preset(kinds, kind, "kind", where) or {}
    return {**generation_defaults(), **{k: preset[k] for k in SETTINGS if k in preset}}


def build_request(choices: Choices, count: int = 1, check: bool = True) -> GenerationRequest:
    """The request for ``choices``; with ``check``, every limit is checked (for ``count``
    images) before any work. Unknown kinds and styles are refused, naming the known."""
    c = choices
    kinds, styles = prompt_presets()
    kind = find_preset(kinds, c.kind, "kind", c.where)
    style = find_preset(styles, c.style, "style", c.where)
    base = kind_settings(c.kind, c.where)
    prompt, negative = compose_prompt(c.subject, kind, style) if c.subject.strip() else ("", "")
    request = GenerationRequest(
        prompt=prompt, negative_prompt=", ".join(n for n in (negative, c.negative.strip()) if n),
        seed=c.seed, model=str(Path(c.model).expanduser().resolve()) if c.model else "",
        loras=list(c.loras), steps=int(c.steps if c.steps is not None else base["steps"]),
        cfg=float(c.cfg if c.cfg is not None else base["cfg"]),
        width=int(c.width or c.resolution or base["width"]),
        height=int(c.height or c.resolution or base["height"]),
        scheduler=c.scheduler or base["scheduler"], strength=c.strength, seamless=c.seamless,
        references=list(c.references), controls=list(c.controls), extra=_extra(c),
    )  # fmt: skip
    request = replace(request, **check_options(c.options))
    if check:  # without: the job finds the speed's LoRA (on its thread, not the caller's)
        request = with_speed(request, c.loras, c.speed_loras)
        validate(request, count)
    return request


def with_speed(request: GenerationRequest, loras: list, found: list | None) -> GenerationRequest:
    """A fast speed's recipe over the request: its distilled LoRA (stacked with the
    style LoRAs), steps, CFG and sampler, exactly as the LoRA was trained for. The LoRA
    is one of ``loras`` or ``found`` (None: the LoRA folders are searched)."""
    if request.speed == "quality":
        check_no_distilled(request)
        return replace(request, recipe="") if request.recipe else request
    candidates = [lora.path for lora in loras] + (
        found if found is not None else [f.path for f in find_loras()]
    )
    recipe, path = pick(speed_data(), request.speed, candidates)
    chosen = str(Path(path).expanduser().resolve())
    loras = [lo for lo in request.loras  # the recipe's LoRA once, and no other distilled one
             if str(Path(lo.path).expanduser().resolve()) != chosen and not _distilled(lo.path)]  # fmt: skip
    loras.append(LoraRef(chosen, recipe.lora_weight))
    return replace(request, recipe=recipe.id, steps=recipe.steps, cfg=recipe.cfg, loras=loras)


def _distilled(path: str):
    """The recipe whose published file this is (certain: its name), or None."""
    return next((r for r in speed_data().recipes.values() if r.matches(path) == 2), None)


def check_no_distilled(request: GenerationRequest) -> None:
    """Quality sampling with a distilled LoRA ticked draws noise: say what to do."""
    for lora in request.loras:
        recipe = _distilled(lora.path) if lora.enabled and lora.weight else None
        if recipe is not None:
            speeds = [s for s, ids in speed_data().prefer.items() if recipe.id in ids]
            use = f"pick Speed {speeds[0]}" if speeds else "use its recipe"
            raise InvalidInputError(
                f"{Path(lora.path).name} is {recipe.name}: a distilled LoRA that draws only "
                f"with its own recipe ({recipe.steps} steps, CFG {recipe.cfg:g}). Untick it, "
                f"or {use} (the LoRA is then found and used for you)."
            )


def speed_loras(*option_sets: dict) -> list | None:
    """The LoRA files in the LoRA folders if any of these options asks for a fast speed
    (looked for once for a whole batch or job, not per image), else None."""
    if all(o.get("speed", "quality") in (None, "quality") for o in option_sets):
        return None
    return [f.path for f in find_loras()]


def resolve_speeds(requests: list[GenerationRequest]) -> list[GenerationRequest]:
    """Requests asking for a fast speed whose recipe is not chosen yet, with it chosen
    (their LoRAs and the LoRA folders, searched once); the others as they are."""
    for request in requests:
        if request.speed == "quality":
            check_no_distilled(request)
    waiting = [r for r in requests if r.speed != "quality" and not r.recipe]
    found = [f.path for f in find_loras()] if waiting else None
    return [with_speed(r, r.loras, found) if r in waiting else r for r in requests]


def declared() -> dict[str, dict]:
    """name -> declaration of every option in presets/request-options.toml that the
    request type has (one it lacks is a damaged presets folder)."""
    names = {f.name for f in fields(GenerationRequest)}
    options = {o["name"]: o for o in request_options()}
    missing = sorted(set(options) - names)
    if missing:
        raise FileFormatError(
            f"presets/request-options.toml names {', '.join(missing)}, which requests do not have."
        )
    return options


def check_options(values: dict, where: str = "") -> dict:
    """The declared options among ``values``, each of its type and in its range, or an
    OptionError naming it (unknown names list the known ones); with ``where`` (a batch
    item's file and line) an error that says where."""
    try:
        return _check_options(values)
    except OptionError as exc:
        if not where:
            raise
        raise InvalidInputError(f"{where}: {exc}") from exc


def _check_options(values: dict) -> dict:
    if not values:
        return {}
    if not isinstance(values, dict):
        raise OptionError("options", "must be an object of option names and values")
    options = declared()
    unknown = sorted(set(values) - set(options))
    if unknown:
        known = ", ".join(options) or "none yet"
        raise OptionError(unknown[0], f"is not a generation option (the options: {known})")
    return {name: _checked(options[name], value) for name, value in values.items()}


def _checked(option: dict, value):
    name, kind = option["name"], option["type"]
    if value is None:
        return option.get("default")
    if kind == "choice":
        if value not in option["choices"]:
            raise OptionError(name, f"must be one of {', '.join(option['choices'])}, not {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise OptionError(name, f"must be true or false, not {value!r}")
        return value
    if not (is_whole(value) if kind == "int" else is_number(value) and math.isfinite(value)):
        raise OptionError(
            name, f"must be {'a whole number' if kind == 'int' else 'a number'}, not {value!r}"
        )
    low, high = option.get("min"), option.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        raise OptionError(name, f"must be {low} to {high}, not {value}")
    return int(value) if kind == "int" else float(value)


def _extra(c: Choices) -> dict:
    """What the person typed and picked, kept with the request (shown back on reuse)."""
    extra = {"subject": c.subject.strip()}
    extra.update({key: value for key, value in (("kind", c.kind), ("style", c.style)) if value})
    return extra
