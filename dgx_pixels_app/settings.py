"""Where DGX-Pixels keeps things, and the user's settings.

One module owns every path (platformdirs locations, overridable with
``DGX_PIXELS_HOME`` for portable installs and tests). Settings are a small JSON
file, readable by the user only, written atomically and only through
:func:`update_settings` (a change applied to the file's current content); Qt's
QSettings keeps only window geometry and dock state.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_text, locked
from dgx_pixels_app.core.confine import own_files

APP_DIR_NAME = "dgx-pixels"
MAX_RECENT = 10


def _base(kind: str) -> Path:
    home = os.environ.get("DGX_PIXELS_HOME")
    if home:
        return Path(home) / kind
    import platformdirs

    getter = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "cache": platformdirs.user_cache_dir,
    }[kind]
    return Path(getter(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    return _base("config")


def data_dir() -> Path:
    return _base("data")


def recovery_dir() -> Path:
    return data_dir() / "recovery"


def models_dir() -> Path:
    """The app's own models folder (checkpoints and LoRAs the user drops in)."""
    return data_dir() / "models"


def settings_path() -> Path:
    return config_dir() / "settings.json"


@dataclass
class Settings:
    recent_files: list[str] = field(default_factory=list)
    model_folders: list[str] = field(default_factory=list)
    new_sprite_width: int = 32
    new_sprite_height: int = 32
    autosave_seconds: int = 30
    default_palette: str = "db32"
    bevy_projects: dict = field(default_factory=dict)  # document path -> Bevy project folder
    default_model: str = ""  # what the command line uses when no --model is given
    mcp_token: str = ""  # the bearer token of the MCP server over HTTP (made on first use)
    mcp_port: int = 8765
    agent_roots: list = field(default_factory=list)  # folders agents may write into (in-app)
    backend: str = "local"  # where jobs run: local, ray or ray:HOST:PORT (every front end)
    engine_switches: list = field(default_factory=list)  # engine options switched on
    max_batch: int = 8  # images per UNet call at most (fewer when memory is short)
    last_model: str = ""  # the model the app loaded last (offered, or loaded, at start)
    app_default: str = ""  # the default_model the app set (one the user sets is kept)
    load_last_model: bool = False  # load it at start without asking
    prompt_fields: dict = field(default_factory=dict)  # the Prompt dock's fields, as text
    loras: list = field(default_factory=list)  # the LoRAs dock: JSON {path, weight, enabled}
    hub_endpoint: str = ""  # a Hugging Face hub mirror (empty: HF_ENDPOINT or the hub)

    def add_recent(self, path: str | os.PathLike[str]) -> None:
        text = str(Path(path).resolve())
        self.recent_files = [text] + [p for p in self.recent_files if p != text]
        del self.recent_files[MAX_RECENT:]


def load_settings() -> Settings:
    """Read settings (a fresh copy, for reading: change them only with
    :func:`update_settings`); a missing or damaged file gives defaults, never a crash."""
    secure_settings()
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a hand-made or hostile file
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    defaults = Settings()
    known = {}
    for f in fields(Settings):
        value = data.get(f.name, getattr(defaults, f.name))
        if _same_shape(value, getattr(defaults, f.name)):
            known[f.name] = value  # anything else (a hand edit, another version) is the default
    return Settings(**known)


def _same_shape(value, default) -> bool:
    """Of the default's type: lists of text, text-to-text maps, whole numbers (not bools)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(default, dict):
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    return isinstance(value, type(default))


def update_settings(change: Callable[[Settings], None]) -> Settings:
    """The one way settings are written: ``change`` is applied to what the file holds
    now (under a lock, across threads and processes), and the result is written
    atomically, readable by the user only (the file holds the agents' bearer token).
    A process never writes back a copy it read earlier, so no setting another part of
    the app (or another process) changed is ever undone. Returns what was written."""
    folder = config_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    secure_settings()
    with own_files(), locked(folder / ".settings.lock"):
        settings = load_settings()
        change(settings)
        atomic_write_text(settings_path(), json.dumps(asdict(settings), indent=2), mode=0o600)
    return settings


def secure_settings() -> None:
    """The settings folder 0700 and the file 0600 (they hold a secret); earlier versions
    made them 0755/0644, so this also mends existing ones. Only the owner's own files."""
    for path, mode in ((config_dir(), 0o700), (settings_path(), 0o600)):
        with contextlib.suppress(OSError):
            info = path.stat()
            if info.st_uid == os.getuid() and info.st_mode & 0o077:
                os.chmod(path, mode)
