"""Speed presets and the sampling recipes of distilled LoRAs (presets/speed.toml).

*quality* samples with the kind's own steps and sampler. *fast* and *turbo* use a
distilled LoRA the user has (LCM, SDXL-Lightning, Hyper-SD, DMD2, TCD) with the exact
recipe it was trained for: its scheduler, scheduler options, steps, CFG, LoRA weight
and, for some, fixed timesteps or eta. Plain data, no torch: the request builder picks
a recipe, the engine applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError

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
    recipes = {}
    for rid, raw in (data.get("recipes") or {}).items():
        recipes[rid] = _recipe(rid, raw)
    prefer, labels = {}, {}
    for speed in SPEEDS:
        preset = (data.get("presets") or {}).get(speed) or {}
        ids = tuple(preset.get("prefer", ()))
        unknown = [i for i in ids if i not in recipes]
        if unknown:
            raise FileFormatError(
                f"presets/speed.toml: {speed} prefers unknown recipe '{unknown[0]}'."
            )
        prefer[speed], labels[speed] = ids, str(preset.get("label", speed.title()))
    return SpeedData(recipes, prefer, labels)


def _recipe(rid: str, raw) -> Recipe:
    where = f"presets/speed.toml: recipe '{rid}'"
    try:
        recipe = Recipe(
            id=rid, name=str(raw["name"]), card=str(raw.get("card", "")),
            scheduler=str(raw["scheduler"]), steps=int(raw["steps"]), cfg=float(raw["cfg"]),
            lora_weight=float(raw.get("lora_weight", 1.0)),
            scheduler_config=dict(raw.get("scheduler_config", {})),
            timesteps=tuple(int(t) for t in raw.get("timesteps", ())),
            eta=float(raw["eta"]) if "eta" in raw else None,
            files=tuple(str(f) for f in raw.get("files", ())),
            patterns=tuple(str(p) for p in raw.get("patterns", ())),
            download=str(raw.get("download", "")),
        )  # fmt: skip
        for pattern in recipe.patterns:
            re.compile(pattern)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise FileFormatError(f"{where} is damaged ({type(exc).__name__}: {exc}).") from exc
    if recipe.scheduler not in RECIPE_SCHEDULERS:
        raise FileFormatError(f"{where}: scheduler must be one of {', '.join(RECIPE_SCHEDULERS)}.")
    if not 1 <= recipe.steps <= 50 or not 0 <= recipe.cfg <= 30:
        raise FileFormatError(f"{where}: steps must be 1 to 50 and cfg 0 to 30.")
    if recipe.timesteps and len(recipe.timesteps) != recipe.steps:
        raise FileFormatError(
            f"{where}: {len(recipe.timesteps)} timesteps for {recipe.steps} steps."
        )
    return recipe


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
    get = (f" Get {first.name}: Model ▸ Download… {first.download} (or put the file in your "
           "LoRA folder); or use speed quality.") if first else ""  # fmt: skip
    return (f"{data.labels[speed]} sampling needs a distilled LoRA and none was found in the "
            f"LoRA folders.{get}")  # fmt: skip
