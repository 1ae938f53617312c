"""The pose library: the built-in templates (presets/poses) and the ones the user saved
(the data folder's ``poses/``, one JSON file each), read on every call so a pose saved
in the app is there for the next command."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from dgx_pixels_app import settings as app_settings
from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.core.files import read_bytes
from dgx_pixels_app.core.names import safe_name
from dgx_pixels_app.core.pose import Point, PoseTemplate, parse_template
from dgx_pixels_app.resources import pose_templates

log = logging.getLogger(__name__)
MAX_POSE_BYTES = 1 << 20


def user_folder() -> Path:
    return app_settings.data_dir() / "poses"


def templates() -> dict[str, PoseTemplate]:
    """Built-in and saved templates by id (a saved one of the same id wins; a damaged
    saved file is skipped with a warning, never stopping the rest)."""
    out = dict(pose_templates())
    folder = user_folder()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(read_bytes(path, MAX_POSE_BYTES, "pose").decode("utf-8"))
            template = parse_template(data, path.name)
        except (DgxPixelsError, ValueError, UnicodeDecodeError, RecursionError) as exc:
            log.warning("pose %s skipped: %s", path.name, exc)
            continue
        out[template.id] = template
    return out


def save_template(name: str, direction: str, skeletons: list[list[Point]],
                  durations: list[int], overwrite: bool = False) -> Path:  # fmt: skip
    """Save edited skeletons (one per frame, for ``direction``) as the template
    ``name`` in the user's library; an existing one is replaced only with ``overwrite``."""
    stem = safe_name(name, "pose name")
    if stem in pose_templates():
        raise InvalidInputError(f"'{stem}' is a built-in pose: give yours another name.")
    if not skeletons or len(skeletons) != len(durations):
        raise InvalidInputError("A pose template needs one duration per skeleton.")
    data = {
        "id": stem, "label": name, "loop": True,
        "frame": [{"duration_ms": int(d)} for d in durations],
        "points": {direction: [[list(p) if p else [] for p in s] for s in skeletons]},
    }  # fmt: skip
    parse_template(data, name)  # what is saved reads back
    path = user_folder() / f"{stem}.json"
    if path.exists() and not overwrite:
        raise InvalidInputError(f"A saved pose '{stem}' exists: choose another name or replace it.")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(data, indent=1))
    return path
