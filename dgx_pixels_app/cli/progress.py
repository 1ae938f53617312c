"""The long commands' progress, as ``batch`` shows it: what is loading, then a bar of
images (tiles, frames) with a rate and an ETA, and the step inside the current image.
Driven by the job queue's events; ``--quiet`` hides it."""

from __future__ import annotations

import argparse
import sys


def add_quiet_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


class JobBar:
    def __init__(self, model: str, unit: str, total: int | None, quiet: bool = False) -> None:
        from tqdm import tqdm

        words = unit if total == 1 else unit + "s"
        self.bar = tqdm(total=total, unit=unit, file=sys.stderr, dynamic_ncols=True,
                        disable=quiet, desc=f"loading {model.rstrip('/').rsplit('/', 1)[-1]}: ",
                        bar_format="{desc}{n_fmt}/{total_fmt} " + words +
                        " [{elapsed}<{remaining}{postfix}]")  # fmt: skip
        self.quiet = quiet
        self._steps = ""

    def __call__(self, event) -> None:
        from dgx_pixels_app.jobs.job import ImageFailed, ImageReady, JobProgress, ModelLoaded

        if isinstance(event, ModelLoaded):
            m = event.model
            self.write(f"loaded {m.path.name} ({m.kind}, {m.device}, {m.dtype}) in "
                       f"{m.load_seconds:.1f} s")  # fmt: skip
            self.bar.set_description("generating", refresh=False)
        elif isinstance(event, JobProgress):
            self.bar.set_description("generating", refresh=False)
            self.bar.set_postfix_str(f"step {event.step}/{event.total}")
        elif isinstance(event, ImageReady | ImageFailed):
            self.bar.update(1)

    def write(self, text: str) -> None:
        if not self.quiet:
            self.bar.write(text, file=sys.stderr)

    def close(self) -> None:
        self.bar.close()
