"""Palette work (Aseprite's palette menu and ramp tools): a ramp between two colours with
the hue bending on the way (as pixel artists paint ramps),
the palette sorted by lightness or hue, and a palette from the sprite's own colours."""

from __future__ import annotations

import colorsys

import numpy as np

from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import OptionError
from dgx_pixels_app.core.palette import MAX_COLORS, Color, Palette

SORTS = ("lightness", "hue")


def ramp(dark: Color, light: Color, steps: int, hue_shift: float = 0.0) -> list[Color]:
    """``steps`` colours from ``dark`` to ``light`` (both included), interpolated in HLS;
    ``hue_shift`` degrees (-90..90) bends the hues between them along the colour wheel,
    as hand-made ramps do; the two ends stay exactly as given."""
    if not 2 <= steps <= 64:
        raise OptionError("steps", f"must be 2 to 64, not {steps}")
    if not -90 <= hue_shift <= 90:
        raise OptionError("hue_shift", f"must be -90 to 90 degrees, not {hue_shift}")
    h0, l0, s0 = colorsys.rgb_to_hls(*(v / 255 for v in dark[:3]))
    h1, l1, s1 = colorsys.rgb_to_hls(*(v / 255 for v in light[:3]))
    if abs(h1 - h0) > 0.5:  # the short way round the colour wheel
        h1 += -1 if h1 > h0 else 1
    out = []
    for i in range(steps):
        t = i / (steps - 1)
        bend = hue_shift / 360 * 4 * t * (1 - t)  # none at the ends, most in the middle
        h = (h0 + (h1 - h0) * t - bend) % 1.0
        r, g, b = colorsys.hls_to_rgb(h, l0 + (l1 - l0) * t, s0 + (s1 - s0) * t)
        out.append((round(r * 255), round(g * 255), round(b * 255), 255))
    return out


def sort_colors(colors: list[Color], by: str = "lightness") -> list[Color]:
    if by not in SORTS:
        raise OptionError("by", f"must be {' or '.join(SORTS)}, not '{by}'")

    def key(c: Color):
        h, light, s = colorsys.rgb_to_hls(*(v / 255 for v in c[:3]))
        return (light, h) if by == "lightness" else (round(h * 36) if s > 0.08 else -1, light)

    return sorted(colors, key=key)


def from_sprite(sprite: Sprite, limit: int = 256) -> Palette:
    """The opaque colours the cels use, most used first, at most ``limit``."""
    if not 1 <= limit <= MAX_COLORS:
        raise OptionError("limit", f"must be 1 to {MAX_COLORS}, not {limit}")
    counts: dict[tuple, int] = {}
    for cel in sprite.cels.values():
        opaque = cel.image[cel.image[..., 3] > 0][:, :3]
        if opaque.size:
            colors, n = np.unique(opaque, axis=0, return_counts=True)
            for color, count in zip(map(tuple, colors.tolist()), n.tolist(), strict=True):
                counts[color] = counts.get(color, 0) + count
    ordered = sorted(counts, key=lambda c: -counts[c])[:limit]
    return Palette([(*c, 255) for c in ordered], name="From sprite")
