"""Sprite ▸ Colour Mode: RGB and indexed, as commands (see ``core.indexed``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from dgx_pixels_app.core.commands import Command, relink
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.events import Change, ChangeKind
from dgx_pixels_app.core.indexed import (
    MAX_INDEXED,
    check_palette,
    conform,
    missing_colors,
    with_transparent,
)
from dgx_pixels_app.core.palette import Palette

# how colours that are not in the palette are brought in when converting
REDUCE = ("none", "nearest", "add", "sprite")


@dataclass
class SetColorMode(Command):
    """Turn indexed mode on or off. ``palette`` (on): the palette to use; ``snap``:
    map colours not in it to the nearest entry (otherwise they are an error)."""

    indexed: bool
    palette: Palette | None = None
    snap: bool = False
    label: str = "Colour Mode"
    _old: tuple | None = field(default=None, repr=False)

    def apply(self, sprite: Sprite) -> None:
        self._old = (sprite.indexed, sprite.palette, sprite.cels, sprite.reference)
        if not self.indexed:
            sprite.indexed = False
        else:
            palette = with_transparent(self.palette or sprite.palette)
            check_palette(palette)
            if not self.snap:
                _refuse_missing(sprite, palette)
            sprite.cels = relink(sprite.cels, lambda image: conform(image, palette))
            sprite.palette, sprite.indexed = palette, True
            if sprite.reference is not None:  # shown as an 8-bit file will keep it
                ref = sprite.reference
                sprite.reference = replace(ref, image=conform(ref.image, palette))
        sprite.events.emit(Change(ChangeKind.PALETTE))
        sprite.events.emit(Change(ChangeKind.LAYERS))

    def revert(self, sprite: Sprite) -> None:
        assert self._old is not None
        sprite.indexed, sprite.palette, sprite.cels, sprite.reference = self._old
        sprite.events.emit(Change(ChangeKind.PALETTE))
        sprite.events.emit(Change(ChangeKind.LAYERS))


def _refuse_missing(sprite: Sprite, palette: Palette) -> None:
    images = [cel.image for cel in sprite.unique_cels()]
    missing = missing_colors(images, palette)
    if len(missing):
        sample = ", ".join("#{:02x}{:02x}{:02x}".format(*c[:3]) for c in missing[:4].tolist())
        raise InvalidInputError(
            f"{len(missing)} of the sprite's colours are not in the palette ({sample}"
            f"{', …' if len(missing) > 4 else ''}): map them to the nearest palette colours, "
            "or take the palette from the sprite."
        )


def _sprite_colors(sprite: Sprite):
    """The distinct visible RGBA colours of the cels (alpha kept: a half-clear pixel is
    its own entry)."""
    images = [cel.image for cel in sprite.unique_cels()]
    return missing_colors(images, Palette())


def sprite_color_count(sprite: Sprite) -> int:
    return len(_sprite_colors(sprite))


def to_indexed(sprite: Sprite, reduce: str = "none") -> SetColorMode:
    """The command that makes ``sprite`` indexed. ``reduce``: "none" (every colour must
    be in the palette), "nearest" (map to the palette's nearest colours), "add" (the
    colours missing from the palette are appended to it) or "sprite" (the palette
    becomes the sprite's own colours); at most 255 colours plus transparent."""
    if reduce not in REDUCE:
        raise OptionError("reduce", f"must be one of {', '.join(REDUCE)}, not '{reduce}'")
    if sprite.indexed:
        raise InvalidInputError("The sprite is already in indexed colour.")
    if reduce == "sprite":
        if sprite_color_count(sprite) > MAX_INDEXED - 1:
            raise InvalidInputError(
                f"The sprite has more than {MAX_INDEXED - 1} colours: reduce them first "
                "(Pixelize with a palette size, or map them to the nearest palette colours)."
            )
        own = [tuple(c) for c in _sprite_colors(sprite).tolist()]
        return SetColorMode(True, Palette(own, name="From sprite"), label="Indexed Colour")
    if reduce == "add":
        palette = with_transparent(sprite.palette)
        images = [c.image for c in sprite.unique_cels()]
        extra = [tuple(c) for c in missing_colors(images, palette).tolist()]
        if len(palette) + len(extra) > MAX_INDEXED:
            raise InvalidInputError(
                f"The palette ({len(palette)}) and the {len(extra)} colours missing from it make "
                f"more than {MAX_INDEXED}: map them to the nearest palette colours instead."
            )
        return SetColorMode(True, Palette([*palette.colors, *extra], palette.names,
                                          palette.name), label="Indexed Colour")  # fmt: skip
    if not len(sprite.palette):
        raise InvalidInputError("The sprite has no palette: take the palette from the sprite.")
    return SetColorMode(True, None, snap=reduce == "nearest", label="Indexed Colour")
