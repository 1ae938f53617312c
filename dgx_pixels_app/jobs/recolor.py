"""Colour-swap variants ("blue slime, red slime"): a sprite recoloured by hue shifts or
by colour mappings, every layer and frame, each variant a new sprite; written as
``NAME-hueN.aseprite`` / ``NAME-mapN.aseprite`` into a folder, never over a file
DGX-Pixels did not write unless asked."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.commands import relink
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.palette import Palette
from dgx_pixels_app.core.sprite_ops import hue_saturation, replace_color

MAX_VARIANTS = 32
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def parse_hue_shifts(text: str) -> list[float]:
    """ "120,240" → [120.0, 240.0]: each -180..360 degrees (shifts past 180 wrap)."""
    try:
        shifts = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise OptionError(
            "hue_shift", f"is degrees separated by commas, not '{text[:40]}'"
        ) from None
    if not shifts or len(shifts) > MAX_VARIANTS or not all(-360 <= s <= 360 for s in shifts):
        raise OptionError("hue_shift", f"is 1 to {MAX_VARIANTS} shifts of -360 to 360 degrees")
    turns = [(s + 180) % 360 - 180 + 0.0 for s in shifts]  # 360 ≡ 0, -0 ≡ 0
    repeated = sorted({s for s, t in zip(shifts, turns, strict=True) if turns.count(t) > 1})
    if repeated:
        raise OptionError(
            "hue_shift", f"gives the same variant twice ({', '.join(f'{s:g}' for s in repeated)})"
        )
    return [s + 0.0 for s in shifts]


def parse_mapping(text: str) -> list[tuple[tuple[int, int, int], tuple[int, int, int]]]:
    """ "#c81e1e=#1e1ec8,#ffffff=#000000" → [(from, to), …]."""
    pairs = []
    for part in text.split(","):
        old, sep, new = part.strip().partition("=")
        a, b = _HEX.fullmatch(old.strip()), _HEX.fullmatch(new.strip())
        if not sep or a is None or b is None:
            raise InvalidInputError(
                f"A colour mapping is '#rrggbb=#rrggbb[,…]', not '{part[:40]}'."
            )
        pairs.append((_rgb(a[1]), _rgb(b[1])))
    return pairs


def _rgb(hex6: str) -> tuple[int, int, int]:
    return tuple(int(hex6[i : i + 2], 16) for i in (0, 2, 4))


_HEX_RGBA = re.compile(r"#?([0-9a-fA-F]{6})([0-9a-fA-F]{2})?")


def parse_color(value, option: str = "color") -> tuple[int, int, int, int]:
    """'#rrggbb' or '#rrggbbaa' → an RGBA tuple."""
    match = _HEX_RGBA.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise OptionError(option, f"is a colour as '#rrggbb' or '#rrggbbaa', not {value!r:.40}")
    alpha = int(match[2], 16) if match[2] else 255
    return (*_rgb(match[1]), alpha)


def colors_in(sprite: Sprite) -> set[tuple[int, int, int]]:
    """The RGB colours of the opaque pixels of every cel."""
    found: set[tuple[int, int, int]] = set()
    for cel in sprite.cels.values():
        opaque = cel.image[cel.image[..., 3] > 0][:, :3]
        if opaque.size:
            found.update(map(tuple, np.unique(opaque, axis=0).tolist()))
    return found


def variant(sprite: Sprite, fn) -> Sprite:
    """A copy of ``sprite`` with ``fn`` applied to every cel's pixels and to the palette
    alike (an indexed sprite's variant is a palette swap: its pixels stay on the new
    palette); linked cels stay linked."""
    copy = sprite.snapshot()
    copy.cels = relink(copy.cels, fn)
    if len(copy.palette):
        colors = fn(copy.palette.as_array().reshape(1, -1, 4))[0]
        copy.palette = Palette([tuple(c) for c in colors.tolist()], copy.palette.names,
                               copy.palette.name)  # fmt: skip
    return copy


def hue_variant(sprite: Sprite, shift: float) -> Sprite:
    wrapped = (shift + 180) % 360 - 180
    return variant(sprite, lambda image: hue_saturation(image, hue=wrapped))


def mapped_variant(sprite: Sprite, pairs) -> Sprite:
    """Each 'from' colour must be in the sprite (a typo changes nothing silently)."""
    present = colors_in(sprite)
    missing = ["#" + bytes(old).hex() for old, _new in pairs if tuple(old) not in present]
    if missing:
        raise InvalidInputError(f"The sprite has no {', '.join(missing[:5])}: nothing to recolour "
                                "there (see `dgx-pixels inspect --colors`).")  # fmt: skip

    def recolor(image):
        for old, new in pairs:
            image = replace_color(image, (*old, 255), (*new, 255))
        return image

    return variant(sprite, recolor)


def variant_paths(folder: Path, stem: str, shifts: list[float], maps: int) -> list[Path]:
    names = [f"{stem}-hue{shift:g}.aseprite" for shift in shifts]
    names += [f"{stem}-map{i + 1}.aseprite" for i in range(maps)]
    return [folder / name for name in names]
