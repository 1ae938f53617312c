"""Which Bevy the game asks for (its Cargo.toml), against the one the snippets are
written for: a mismatch is said, with what to change, wherever a Bevy export reports
(the app, the command line, agents). Reading is bounded and never fails an export."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from dgx_pixels_app.core.errors import DgxPixelsError
from dgx_pixels_app.core.files import read_text
from dgx_pixels_app.formats.bevy_snippets import BEVY_VERSION

MAX_CARGO_BYTES = 1 << 20
_VERSION = re.compile(r"(\d+)\.(\d+)")


def cargo_bevy(root: Path) -> str | None:
    """The game's bevy requirement ("0.16", "^0.15.3", "git …"), "" when Cargo.toml
    names no bevy, None when it cannot be read."""
    try:
        data = tomllib.loads(read_text(Path(root) / "Cargo.toml", MAX_CARGO_BYTES, "Cargo.toml"))
    except (DgxPixelsError, tomllib.TOMLDecodeError, OSError, UnicodeDecodeError, RecursionError):
        return None
    tables = [_table(data, "dependencies"), _table(_table(data, "workspace"), "dependencies")]
    tables += [_table(t, "dependencies") for t in _table(data, "target").values()]
    for table in tables:
        if "bevy" in table:
            return _requirement(table["bevy"], data)
    return ""


def _table(data, key: str) -> dict:
    """``data[key]`` when both are tables; {} for anything else a hand-made file holds."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _requirement(dep, data: dict) -> str:
    if isinstance(dep, str):
        return dep
    if isinstance(dep, dict):
        if isinstance(dep.get("version"), str):
            return dep["version"]
        if dep.get("workspace") is True:
            inherited = _table(_table(data, "workspace"), "dependencies").get("bevy")
            return _requirement(inherited, {}) if inherited else "workspace"
        if "git" in dep or "path" in dep:
            return "git" if "git" in dep else "path"
    return "?"


def version_note(root: Path) -> str:
    """ "" when the game asks for the snippets' Bevy, or for something this cannot judge
    (no bevy line, a workspace, a path or git dependency, a range); else what differs
    and what to change."""
    wanted = cargo_bevy(root)
    if not wanted or any(mark in wanted for mark in "<>*,") or not _VERSION.search(wanted):
        return ""
    match = _VERSION.search(wanted)
    if f"{match[1]}.{match[2]}" == BEVY_VERSION:
        return ""
    shown = re.sub(r"[^\x20-\x7e]", "?", wanted[:40])  # no control or line-breaking characters
    return (f"The game's Cargo.toml asks for bevy = \"{shown}\", but the snippet is written for "
            f"Bevy {BEVY_VERSION} (API checked against {BEVY_VERSION}.1). Either set "
            f"bevy = \"{BEVY_VERSION}\" in Cargo.toml and run `cargo update -p bevy`, or adapt "
            f"the snippet to your version's API; the PNG and JSON suit any version.")  # fmt: skip
