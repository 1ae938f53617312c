"""Reference images and structure controls: what holds a character across frames.

A *reference* is an image whose look (or only its style) an IP-Adapter carries into
the sprite, with a weight. A *control* is a ControlNet's image (a pose skeleton, line
art, edges, depth, a tile) with a strength and the fraction of the steps it acts over.
Both are plain data on the request (path, pixel hash, weights), so the request record
says exactly what conditioned an image; the pixels themselves travel beside the
request in the task. No torch, no Pillow: the engine applies them, ``jobs`` reads the
images.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.limits import is_number

CONTROL_TYPES = ("pose", "lineart", "canny", "depth", "tile", "scribble")
MAX_REFERENCES = 4
MAX_CONTROLS = 4


@dataclass
class ReferenceRef:
    path: str  # the image file (or "layer:NAME" / "selection" from the app)
    weight: float = 0.6  # the IP-Adapter's scale
    style_only: bool = False  # only the style blocks (InstantStyle): the look, not the subject
    sha256: str = ""  # of the pixels used (RGBA, row-major), set when read
    adapter: str = ""  # the IP-Adapter weights it ran with (set when the job is made)
    encoder: str = ""  # that adapter's image encoder folder


@dataclass
class ControlRef:
    type: str  # one of CONTROL_TYPES
    image: str = ""  # the control image's file ("" when drawn from a pose template)
    strength: float = 1.0  # the ControlNet's conditioning scale
    start: float = 0.0  # the fraction of the steps it starts at…
    end: float = 1.0  # …and stops at
    pose: str = ""  # the pose template it was drawn from: "walk/east/3"
    sha256: str = ""  # of the pixels used, set when read or drawn
    model: str = ""  # the ControlNet folder it ran with (set when the job is made)


def pixel_hash(image: np.ndarray) -> str:
    """A hash of the pixels as used (the shape included), not of the file's bytes: the
    same picture saved twice hashes the same."""
    digest = hashlib.sha256(f"{image.shape}".encode())
    digest.update(np.ascontiguousarray(image).tobytes())
    return digest.hexdigest()


def parse_reference(text: str) -> ReferenceRef:
    """``FILE[:WEIGHT][:style]`` as typed on a command line: ``hero.png:0.8:style``."""
    path, parts = _split_tail(text)
    style = "style" in parts
    numbers = [p for p in parts if p != "style"]
    if len(numbers) > 1 or (numbers and not _is_float(numbers[0])):
        raise InvalidInputError(
            f"Reference '{text}': write FILE, FILE:WEIGHT or FILE:WEIGHT:style (weight 0 to 2)."
        )
    ref = ReferenceRef(path, float(numbers[0]) if numbers else 0.6, style)
    check_references([ref])
    return ref


def parse_control(text: str) -> ControlRef:
    """``TYPE=FILE[:STRENGTH[:START-END]]``: ``pose=walk.png:0.8:0-0.6``; a pose
    template's frame instead of a file: ``pose=@walk/east/3``."""
    kind, sep, rest = text.partition("=")
    kind = kind.strip().lower()
    if not sep or not rest:
        raise InvalidInputError(
            f"Control '{text}': write TYPE=FILE[:STRENGTH[:START-END]], e.g. "
            f"pose=walk.png:0.8:0-0.6 (types: {', '.join(CONTROL_TYPES)})."
        )
    path, parts = _split_tail(rest)
    pose = path[1:] if path.startswith("@") else ""
    if path == "@":
        raise InvalidInputError(f"Control '{text}': a pose template's name goes after @, "
                                "e.g. pose=@walk/east/0.")  # fmt: skip
    if len(parts) > 2 or (parts and not _is_float(parts[0])):
        raise InvalidInputError(f"Control '{text}': the strength after the file is a number.")
    control = ControlRef(kind, "" if pose else path, float(parts[0]) if parts else 1.0, pose=pose)
    if len(parts) == 2:
        start, dash, end = parts[1].partition("-")
        if not dash or not _is_float(start) or not _is_float(end):
            raise InvalidInputError(
                f"Control '{text}': the range is START-END as fractions of the steps, e.g. 0-0.5."
            )
        control.start, control.end = float(start), float(end)
    check_controls([control])
    return control


def check_references(refs: list[ReferenceRef]) -> None:
    if len(refs) > MAX_REFERENCES:
        raise InvalidInputError(f"At most {MAX_REFERENCES} reference images, not {len(refs)}.")
    for ref in refs:
        if not ref.path:
            raise InvalidInputError("A reference image needs a file.")
        if not _finite(ref.weight) or not 0 <= ref.weight <= 2:
            raise InvalidInputError(
                f"Reference '{_name(ref.path)}': the weight must be 0 to 2, not {ref.weight}."
            )
    if len({ref.style_only for ref in refs}) > 1:
        raise InvalidInputError(
            "References are either all style-only or none: the adapter runs one way per "
            "image (make two passes, or untick style-only)."
        )


def check_controls(controls: list[ControlRef]) -> None:
    if len(controls) > MAX_CONTROLS:
        raise InvalidInputError(f"At most {MAX_CONTROLS} controls, not {len(controls)}.")
    for c in controls:
        label = f"The {c.type} control" if isinstance(c.type, str) else "A control"
        if c.type not in CONTROL_TYPES:
            raise InvalidInputError(
                f"'{c.type}' is not a control type (the types: {', '.join(CONTROL_TYPES)})."
            )
        if not c.image and not c.pose:
            raise InvalidInputError(f"{label} needs an image or a pose template.")
        if c.pose and c.type != "pose":
            raise InvalidInputError(f"{label} takes an image: only the pose control takes a "
                                    "pose template (pose=@walk/east/0).")  # fmt: skip
        if not _finite(c.strength) or not 0 <= c.strength <= 2:
            raise InvalidInputError(f"{label}: strength must be 0 to 2, not {c.strength}.")
        if not (_finite(c.start) and _finite(c.end) and 0 <= c.start < c.end <= 1):
            raise InvalidInputError(
                f"{label}: the range must be START-END with 0 ≤ START < END ≤ 1, "
                f"not {c.start}-{c.end}."
            )


def _split_tail(text: str) -> tuple[str, list[str]]:
    """A path and the ``:``-separated values after it (only after the last ``/``, so a
    Windows drive or a folder with a colon stays part of the path)."""
    cut = max(text.rfind("/"), text.rfind("\\")) + 1
    file, *parts = text[cut:].split(":")
    return text[:cut] + file, parts


def _is_float(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _finite(value) -> bool:
    return is_number(value) and math.isfinite(value)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
