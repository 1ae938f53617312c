"""Colour-swap variants from the app or the command line: made from hue shifts and
colour mappings (``jobs.recolor``), then added to the sprite as new frames (a tag per
variant, one undo step) or written as ``.aseprite`` files, never over one you made."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.commands import Command, Group
from dgx_pixels_app.core.document import Frame, Sprite, Tag
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.frame_commands import InsertFrame, SetTags
from dgx_pixels_app.core.limits import MAX_FRAMES
from dgx_pixels_app.core.words import counted
from dgx_pixels_app.jobs.recolor import (
    MAX_VARIANTS,
    hue_variant,
    mapped_variant,
    parse_hue_shifts,
    parse_mapping,
)

TAG_COLORS = [(90, 140, 255), (255, 120, 90), (120, 220, 120), (230, 200, 80)]


def named_variants(sprite: Sprite, hue_shifts: str = "", mappings: list[str] = ()
                   ) -> list[tuple[str, Sprite]]:  # fmt: skip
    """("hue120", sprite), … then ("map1", sprite), …: each a recoloured copy."""
    shifts = parse_hue_shifts(hue_shifts) if hue_shifts.strip() else []
    maps = [parse_mapping(text) for text in mappings if text.strip()]
    if not shifts and not maps:
        raise InvalidInputError("Give hue shifts (degrees, e.g. 120, 240) or a colour mapping "
                                "('#rrggbb=#rrggbb'), or both.")  # fmt: skip
    if len(shifts) + len(maps) > MAX_VARIANTS:
        raise InvalidInputError(f"At most {MAX_VARIANTS} variants at once.")
    named = [(f"hue{s:g}", hue_variant(sprite, s)) for s in shifts]
    return named + [(f"map{i + 1}", mapped_variant(sprite, m)) for i, m in enumerate(maps)]


def as_frames_command(sprite: Sprite, named: list[tuple[str, Sprite]]) -> Command:
    """Each variant's frames after the sprite's own, tagged with the variant's name."""
    if sprite.indexed:
        raise InvalidInputError("An indexed sprite has one palette, so its variants (palette "
                                "swaps) go to files; or turn it to RGB colour first.")  # fmt: skip
    total = len(sprite.frames) * (1 + len(named))
    if total > MAX_FRAMES:
        raise InvalidInputError(f"{counted(len(named), 'variant')} of "
                                f"{counted(len(sprite.frames), 'frame')} make {total}; a sprite "
                                f"holds at most {MAX_FRAMES}: write them as files instead.")  # fmt: skip
    steps: list[Command] = []
    tags = list(sprite.tags)
    at = len(sprite.frames)
    for number, (name, made) in enumerate(named):
        for frame in sprite.frames:
            cels = {layer.id: made.cels[(layer.id, frame.id)] for layer in sprite.layers
                    if (layer.id, frame.id) in made.cels}  # fmt: skip
            steps.append(InsertFrame(at, Frame(frame.duration_ms), cels, label="Variant"))
            at += 1
        end = at - 1
        tags.append(Tag(name, end - len(sprite.frames) + 1, end,
                        color=TAG_COLORS[number % len(TAG_COLORS)]))  # fmt: skip
    steps.append(SetTags(tags, label="Variant Tags"))
    return Group(steps, label="Colour Variants")


def write_files(named: list[tuple[str, Sprite]], folder: Path, stem: str,
                overwrite: bool = False) -> tuple[list[Path], list[tuple[Path, Path]]]:  # fmt: skip
    """``STEM-NAME.aseprite`` for each variant in ``folder``; returns (written, replaced
    files with where their old versions are kept)."""
    from dgx_pixels_app.formats import aseprite
    from dgx_pixels_app.formats.deploy import guard, remember
    from dgx_pixels_app.jobs.batch import check_output

    check_output(folder)
    paths = [folder / f"{stem}-{name}.aseprite" for name, _made in named]
    folder.mkdir(parents=True, exist_ok=True)
    guard(folder, paths, overwrite)  # refused before anything is written
    replaced = guard(folder, paths, overwrite, keep=True)
    for path, (_name, made) in zip(paths, named, strict=True):
        aseprite.save(made, path)
    remember(folder, paths)
    return paths, replaced
