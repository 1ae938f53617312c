"""Names that become files: one rule for every front end (the app, the CLI, batch
and agents), so a name can never carry a folder.

A name someone gives (``--name``, an agent's ``name``, an asset name) is refused
when it looks like a path (``/``, ``\\``, ``..``), holds control characters (NUL,
newlines) or is too long; otherwise it is reduced to lower-case letters, digits,
``-`` and ``_`` (``Hero Knight`` → ``hero_knight``), which every file system,
Bevy's asset server and a Rust string take as is.
"""

from __future__ import annotations

import re
import unicodedata

from dgx_pixels_app.core.errors import InvalidInputError

MAX_NAME = 100  # characters given; the file name keeps at most MAX_STEM
MAX_STEM = 64
_OTHER = re.compile(r"[^a-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_name(name: object, what: str = "name") -> str:
    """The file stem for ``name``, or an :class:`InvalidInputError` saying why not."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(f"The {what} is empty.")
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"The {what} is {len(name)} characters; at most {MAX_NAME}.")
    if "/" in name or "\\" in name or ".." in name or name.strip() == ".":
        raise InvalidInputError(
            f"The {what} '{name}' looks like a path: give a plain name, without folders or '..'."
        )
    if _CONTROL.search(name):
        raise InvalidInputError(
            f"The {what} {name!r} holds control characters (a NUL, a newline…)."
        )
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))  # é → e, ｈ → h
    cleaned = _OTHER.sub("_", plain.strip().lower()).strip("_-")
    if not cleaned:
        raise InvalidInputError(
            f"The {what} '{name}' has nothing a file name can use: give letters a-z or digits."
        )
    return cleaned[:MAX_STEM].rstrip("_-")


def unused_name(name: str, taken) -> str:
    """``name``, or ``name-2``, ``name-3``… : the first that ``taken`` does not hold."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name}-{n}"
    return candidate
