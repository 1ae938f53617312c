"""Characters you keep: a named character (its reference image, palette, prompt, seed,
LoRAs, body shape and the model it was made with) saved in the user's library or a
project's ``.dgx-pixels/characters/``, so a later command or agent adds actions and
directions to the same hero (``--character hero``).

A character is a folder: ``character.json`` and ``reference.png`` (a copy: the
original may move). Names are plain names (no folders, no ``..``); every value read
back is checked, and a damaged file is one clear error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.files import read_bytes
from dgx_pixels_app.core.limits import is_number, is_whole
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.palette import Palette

SCHEMA = "dgx-pixels/character@1"


@dataclass
class Character:
    name: str
    prompt: str
    seed: int
    model: str
    model_sha256: str = ""
    size: int = 48
    shape: str = "tall"
    view: str = "top-down"
    weight: float = 0.7
    palette: list[list[int]] = field(default_factory=list)  # RGBA
    loras: list[dict] = field(default_factory=list)  # {"path", "weight"}
    reference_sha256: str = ""

    def palette_object(self) -> Palette | None:
        return Palette([tuple(c) for c in self.palette]) if self.palette else None


def folder(project: Path | None = None) -> Path:
    """Where characters are kept: the project's, else the user's library."""
    if project is not None:
        return Path(project) / ".dgx-pixels" / "characters"
    return app_settings.data_dir() / "characters"


def check_new(name: str, project: Path | None = None, overwrite: bool = False) -> None:
    """Before any work: ``name`` is a plain name, free unless it may be replaced."""
    stem = safe_name(name, "character name")
    if (folder(project) / stem / "character.json").exists() and not overwrite:
        raise InvalidInputError(
            f"A character '{stem}' exists: give another name, or allow replacing it "
            "(--overwrite; agents: overwrite: true)."
        )


def save(character: Character, reference: np.ndarray, project: Path | None = None,
         overwrite: bool = False) -> Path:  # fmt: skip
    """Write the character (atomically); an existing one is replaced only with
    ``overwrite``."""
    from dgx_pixels_app.formats.images import write_png

    stem = safe_name(character.name, "character name")
    home = folder(project) / stem
    if (home / "character.json").exists() and not overwrite:
        raise InvalidInputError(
            f"A character '{stem}' exists: give another name, or allow replacing it "
            "(--overwrite; agents: overwrite: true)."
        )
    home.mkdir(parents=True, exist_ok=True)
    write_png(home / "reference.png", reference)
    atomic_write_text(home / "character.json",
                      json.dumps({"schema": SCHEMA, **asdict(character)}, indent=1))  # fmt: skip
    return home


def load(name: str, project: Path | None = None) -> tuple[Character, Path]:
    """The character and its reference image's path; unknown names list the known."""
    stem = safe_name(name, "character name")
    home = folder(project) / stem
    path = home / "character.json"
    if not path.is_file():
        known = sorted(p.parent.name for p in folder(project).glob("*/character.json"))
        listed = ", ".join(known) or "none yet: keep one with --save-as NAME, or save_as for agents"
        raise InvalidInputError(f"There is no character '{stem}' (the characters: {listed}).")
    try:
        data = json.loads(read_bytes(path, 1 << 20, "character").decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FileFormatError(f"The character '{stem}' is damaged: {str(exc)[:120]}.") from exc
    return _checked(data, stem), home / "reference.png"


_TYPES = {
    "name": lambda v: isinstance(v, str), "prompt": lambda v: isinstance(v, str),
    "seed": is_whole, "model": lambda v: isinstance(v, str),
    "model_sha256": lambda v: isinstance(v, str), "size": is_whole,
    "shape": lambda v: v in ("tall", "chibi"), "view": lambda v: v in ("side", "top-down"),
    "weight": is_number, "reference_sha256": lambda v: isinstance(v, str),
    "palette": lambda v: isinstance(v, list) and len(v) <= 256 and all(
        isinstance(c, list) and len(c) == 4 and all(is_whole(x) and 0 <= x <= 255 for x in c)
        for c in v),
    "loras": lambda v: isinstance(v, list) and all(
        isinstance(x, dict) and isinstance(x.get("path"), str) and is_number(x.get("weight", 1))
        for x in v),
}  # fmt: skip


def _checked(data, stem: str) -> Character:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise FileFormatError(f"The character '{stem}' is not a DGX-Pixels character file.")
    values = {k: v for k, v in data.items() if k in _TYPES}
    for key in ("name", "prompt", "seed", "model"):
        if key not in values:
            raise FileFormatError(f"The character '{stem}' has no {key}.")
    for key, value in values.items():
        if not _TYPES[key](value):
            raise FileFormatError(f"The character '{stem}' has a damaged {key}.")
    return Character(**values)


def keep(name: str, chosen, model_sha256: str, project: Path | None = None) -> Path:
    """Save what a character job made (a jobs.character Plan after generating) as
    ``name``: its reference, the palette its frames were snapped to, its settings."""
    from dgx_pixels_app.core.control import pixel_hash

    o = chosen.options
    character = Character(
        name=name, prompt=o.prompt, seed=chosen.seed, model=str(Path(o.model).resolve()),
        model_sha256=model_sha256, size=o.size, shape=chosen.shape, view=chosen.view,
        weight=o.weight, palette=[list(c) for c in chosen.palette.colors] if chosen.palette else [],
        loras=[{"path": lo.path, "weight": lo.weight} for lo in o.loras],
        reference_sha256=pixel_hash(chosen.reference),
    )  # fmt: skip
    return save(character, chosen.reference, project, overwrite=o.overwrite)
