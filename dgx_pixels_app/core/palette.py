"""A sprite's palette: an ordered list of RGBA colours, optionally named."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError

Color = tuple[int, int, int, int]
MAX_COLORS = 65536


@dataclass
class Palette:
    colors: list[Color] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    name: str = ""

    def __post_init__(self) -> None:
        if len(self.colors) > MAX_COLORS:
            raise InvalidInputError(f"A palette holds at most {MAX_COLORS} colours.")
        self.colors = [_color(c) for c in self.colors]
        self.names = (list(self.names) + [""] * len(self.colors))[: len(self.colors)]

    def __len__(self) -> int:
        return len(self.colors)

    def copy(self) -> Palette:
        return Palette(list(self.colors), list(self.names), self.name)

    def as_array(self) -> np.ndarray:
        """The colours as an ``(n, 4)`` uint8 array."""
        return np.array(self.colors, dtype=np.uint8).reshape(-1, 4)


def _color(value: object) -> Color:
    try:
        parts = tuple(int(v) for v in value)  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{value!r} is not a colour.") from exc
    if len(parts) == 3:
        parts = (*parts, 255)
    if len(parts) != 4 or any(not 0 <= v <= 255 for v in parts):
        raise InvalidInputError(f"{value!r} is not an RGB(A) colour with values 0-255.")
    return parts  # type: ignore[return-value]
