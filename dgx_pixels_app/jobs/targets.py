"""Where results go: a folder of PNGs, each with the request behind it.

:class:`PngFolder` writes every image as it arrives (a killed job keeps what it
made), atomically, with the A1111 ``parameters`` text other tools read and the
request as JSON, under a name no file has yet — or under the exact names a person
gave, where nothing they made by hand is replaced unasked. The CLI's ``generate``
and an agent's ``generate_sprite`` both deliver through it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dgx_pixels_app.core.confine import make_folder
from dgx_pixels_app.core.names import unused_name
from dgx_pixels_app.engine.backend import ModelInfo
from dgx_pixels_app.formats.images import write_png
from dgx_pixels_app.jobs.job import ImageResult, Job


class _Taken:
    """The stems of ``folder``'s files with ``suffix``, asked one at a time."""

    def __init__(self, folder: Path, suffix: str) -> None:
        self.folder, self.suffix = folder, suffix

    def __contains__(self, stem: str) -> bool:
        return os.path.lexists(self.folder / f"{stem}{self.suffix}")  # a dangling link too


def unique_path(folder: Path, stem: str, suffix: str = ".png") -> Path:
    """``folder/stem.png``, or ``stem-2.png``… : a file that does not exist yet."""
    return folder / f"{unused_name(stem, _Taken(folder, suffix))}{suffix}"


def png_text(image: ImageResult) -> dict[str, str]:
    request = image.request
    return {"parameters": request.a1111_parameters(), "dgx-pixels": request.to_json()}


class PngFolder:
    """Each image as a PNG in ``folder``: named by ``name(image)`` made unique, or the
    next of ``paths`` (checked by the caller with ``formats.deploy.guard``)."""

    def __init__(self, folder: Path, name: Callable[[ImageResult], str] | None = None,
                 paths: list[Path] | None = None, raw: bool = False,
                 overwrite: bool = False) -> None:  # fmt: skip
        self.folder, self.name, self.paths, self.raw = Path(folder), name, paths, raw
        self.overwrite = overwrite  # given paths: replace files DGX-Pixels did not write
        self.written: list[tuple[Path, ImageResult]] = []
        self.replaced: list[tuple[Path, Path]] = []  # (hand-made file, where it was kept)

    def begin(self, job: Job, model: ModelInfo | None) -> None:
        make_folder(self.folder)

    def write(self, image: ImageResult) -> None:
        art = image.raw if self.raw or image.art is None else image.art
        if self.paths is None:
            path = unique_path(self.folder, self.name(image) if self.name else "sprite")
            write_png(path, art, png_text(image))
        else:  # a name a person gave: the deploy rule (nothing hand-made lost unasked)
            from dgx_pixels_app.formats.deploy import guard, remember

            path = self.paths[len(self.written)]
            self.replaced += guard(self.folder, [path], self.overwrite, keep=True)
            write_png(path, art, png_text(image))
            remember(self.folder, [path])
        self.written.append((path, image))

    def fail(self, index: int, message: str) -> None:
        pass  # the job's result lists failures; no file is written for one

    def finish(self, cancelled: bool) -> None:
        pass
