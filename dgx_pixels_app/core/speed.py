"""Speed presets and the sampling recipes of distilled LoRAs (presets/speed.toml).

*quality* samples with the kind's own steps and sampler. *fast* and *turbo* use a
distilled LoRA the user has (LCM, SDXL-Lightning, Hyper-SD, DMD2, TCD) with the exact
recipe it was trained for: its scheduler, scheduler options, steps, CFG, LoRA weight
and, for some, fixed timesteps or eta. Plain data, no torch: the request builder picks
a recipe, the engine applies it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.limits import is_number, is_whole

SPEEDS = ("quality", "fast", "turbo")
# The schedulers a recipe may name (the engine maps each to its diffusers class).
RECIPE_SCHEDULERS = ("EulerDiscreteScheduler", "LCMScheduler", "TCDScheduler", "DDIMScheduler")


@dataclass(frozen=True)
class Recipe:
    id: str
    name: str
    card: str  # where the recipe comes from (the LoRA's model card)
    scheduler: str
    steps: int
    cfg: float
    lora_weight: float = 1.0
    scheduler_config: dict = field(default_factory=dict)
    timesteps: tuple[int, ...] = ()
    eta: float | None = None
    files: tuple[str, ...] = ()  # published file names
    patterns: tuple[str, ...] = ()  # regexes on a renamed file's stem
    download: str = ""  # "owner/repo/file" on the hub

    def matches(self, path: str | Path) -> int:
        """2: the published file name; 1: a name pattern; 0: not this recipe's LoRA."""
        name = Path(path).name.lower()
        if name in (f.lower() for f in self.files):
            return 2
        stem = Path(path).stem
        return 1 if any(re.search(p, stem, re.IGNORECASE) for p in self.patterns) else 0


@dataclass(frozen=True)
class SpeedData:
    recipes: dict[str, Recipe]
    prefer: dict[str, tuple[str, ...]]  # speed -> recipe ids, best first
    labels: dict[str, str]


def parse(data: dict) -> SpeedData:
    """presets/speed.toml's data, every recipe checked (a damaged one names itself)."""
    recipes_raw, presets = data.get("recipes", {}), data.get("presets", {})
    if not isinstance(recipes_raw, dict) or not isinstance(presets, dict):
        raise FileFormatError("presets/speed.toml: [recipes] and [presets] must be tables.")
    recipes = {rid: _recipe(rid, raw) for rid, raw in recipes_raw.items()}
    prefer, labels = {}, {}
    for speed in SPEEDS:
        preset = presets.get(speed, {})
        ids = preset.get("prefer", []) if isinstance(preset, dict) else None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise FileFormatError(f"presets/speed.toml: [presets.{speed}] is damaged.")
        unknown = [i for i in ids if i not in recipes]
        if unknown:
            raise FileFormatError(
                f"presets/speed.toml: {speed} prefers unknown recipe '{unknown[0]}'."
            )
        prefer[speed], labels[speed] = tuple(ids), str(preset.get("label", speed.title()))
    return SpeedData(recipes, prefer, labels)


def _recipe(rid: str, raw) -> Recipe:
    where = f"presets/speed.toml: recipe '{rid}'"
    if not isinstance(raw, dict):
        raise FileFormatError(f"{where} is not a table.")
    problem = _problem(raw)
    if problem:
        raise FileFormatError(f"{where}: {problem}.")
    recipe = Recipe(
        id=rid, name=raw["name"], card=str(raw.get("card", "")), scheduler=raw["scheduler"],
        steps=raw["steps"], cfg=float(raw["cfg"]),
        lora_weight=float(raw.get("lora_weight", 1.0)),
        scheduler_config=dict(raw.get("scheduler_config", {})),
        timesteps=tuple(raw.get("timesteps", ())),
        eta=float(raw["eta"]) if "eta" in raw else None, files=tuple(raw.get("files", ())),
        patterns=tuple(raw.get("patterns", ())), download=str(raw.get("download", "")),
    )  # fmt: skip
    return recipe


def _problem(raw: dict) -> str | None:
    """What is wrong with one recipe's values, or None."""

    def number(key, low, high, default=0.0):
        value = raw.get(key, default)
        return is_number(value) and math.isfinite(value) and low <= value <= high

    def texts(key):
        value = raw.get(key, [])
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    steps, timesteps = raw.get("steps"), raw.get("timesteps", [])
    checks = [
        (isinstance(raw.get("name"), str), "name must be text"),
        (raw.get("scheduler") in RECIPE_SCHEDULERS,
         f"scheduler must be one of {', '.join(RECIPE_SCHEDULERS)}"),
        (is_whole(steps) and 1 <= steps <= 50, "steps must be a whole number from 1 to 50"),
        ("cfg" in raw and number("cfg", 0, 30), "cfg must be a number from 0 to 30"),
        (number("lora_weight", -4, 4, 1.0), "lora_weight must be a number from -4 to 4"),
        ("eta" not in raw or number("eta", 0, 1), "eta must be a number from 0 to 1"),
        (texts("files") and texts("patterns"), "files and patterns must be lists of text"),
        (isinstance(raw.get("scheduler_config", {}), dict)
         and all(isinstance(v, str | int | float | bool)
                 for v in raw.get("scheduler_config", {}).values()),
         "scheduler_config must be a table of plain values"),
        (_timesteps_ok(timesteps, steps),
         "timesteps must be one whole number from 999 down to 0 per step, descending"),
    ]  # fmt: skip
    for ok, message in checks:
        if not ok:
            return message
    for pattern in raw.get("patterns", []):
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"pattern {pattern!r} is not a regular expression ({exc})"
    return None


def _timesteps_ok(timesteps, steps) -> bool:
    if timesteps == []:
        return True
    return (isinstance(timesteps, list) and len(timesteps) == steps
            and all(is_whole(t) and 0 <= t <= 999 for t in timesteps)
            and all(a > b for a, b in zip(timesteps, timesteps[1:], strict=False)))  # fmt: skip


def pick(data: SpeedData, speed: str, loras: list) -> tuple[Recipe, Path] | None:
    """The best recipe for ``speed`` among the LoRA files ``loras`` (paths): the first
    in the preset's order that has a file, its published name before a renamed copy.
    None for *quality*. Raises InvalidInputError saying which LoRA to get when none fits."""
    if speed not in SPEEDS:
        raise InvalidInputError(f"Speed must be one of {', '.join(SPEEDS)}, not '{speed}'.")
    if speed == "quality":
        return None
    for rid in data.prefer[speed]:  # the preset's order first (Lightning before DMD2)
        recipe = data.recipes[rid]
        scored = [(recipe.matches(path), Path(path)) for path in loras]
        best = max((s for s in scored if s[0]), default=None, key=lambda s: s[0])
        if best is not None:  # its published name before a renamed copy
            return recipe, best[1]
    raise InvalidInputError(missing_lora_message(data, speed))


def missing_lora_message(data: SpeedData, speed: str) -> str:
    first = data.recipes[data.prefer[speed][0]] if data.prefer[speed] else None
    get = (f" Get {first.name}: Model ▸ Download from Hugging Face… {first.download} (or "
           "put the file in your LoRA folder); or use speed quality.") if first else ""  # fmt: skip
    return (f"{data.labels[speed]} sampling needs a distilled LoRA and none was found in the "
            f"LoRA folders.{get}")  # fmt: skip
