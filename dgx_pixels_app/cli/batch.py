"""``dgx-pixels batch ITEMS --output DIR``: one sprite per item (or N), resumable."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from dgx_pixels_app.cli.common import (
    add_model_options,
    add_request_options,
    make_queue,
    parse_loras,
    request_options_from,
    resolve_model,
)
from dgx_pixels_app.core.words import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="generate a sprite for every line of a list (txt, CSV or JSON)",
        description="ITEMS: a text file with one prompt per line (blank lines and # comments "
        "ignored), or CSV/JSON with per-item name, prompt, count, seed, size, kind, style, "
        "negative. Writes NAME.png per image (pixelized, transparent background, --size px), "
        "manifest.json and a contact sheet index.png. Killed at any moment, --resume "
        "finishes the rest.",
    )
    p.add_argument("items", help="the list of items (.txt, .csv, .json or .jsonl)")
    p.add_argument("-o", "--output", required=True, help="the folder to write into")
    p.add_argument("--kind", default="item", help="asset kind preset (default: item)")
    p.add_argument("--style", help="style preset (8bit, 16bit, gameboy, modern)")
    p.add_argument("--size", type=int, default=64, help="sprite size in pixels (default 64)")
    p.add_argument("--count", type=int, default=1, help="images per item (default 1)")
    p.add_argument("--seed", type=int, help="first seed (default: random, kept in the manifest)")
    p.add_argument("--steps", type=int, help="default: the kind's")
    p.add_argument("--cfg", type=float, help="default: the kind's")
    p.add_argument("--sampler", help="euler, euler_a, dpmpp_2m, … (default: the kind's)")
    p.add_argument(
        "--resolution",
        type=int,
        help="the model's image size before pixelize (default: the kind's)",
    )
    add_request_options(p)
    p.add_argument("--negative", default="", help="added to every negative prompt")
    p.add_argument("--palette", help="snap every sprite to a palette (name or .gpl/.hex/.pal)")
    add_model_options(p)
    p.add_argument("--resume", action="store_true", help="finish a batch that was interrupted")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.jobs.batch import BatchOptions, prepare_batch
    from dgx_pixels_app.jobs.items import read_items
    from dgx_pixels_app.jobs.job import ImageFailed, ImageReady, ModelLoaded

    items_path = Path(args.items)
    items = read_items(items_path)
    options = BatchOptions(
        output=Path(args.output), model=resolve_model(args.model), kind=args.kind, style=args.style,
        size=args.size, count=args.count, seed=args.seed, steps=args.steps, cfg=args.cfg,
        scheduler=args.sampler, negative=args.negative, loras=parse_loras(args.lora),
        palette=args.palette, resolution=args.resolution, items_sha256=hashlib.sha256(items_path.read_bytes()).hexdigest(),
        options=request_options_from(args),
    )  # fmt: skip
    job = prepare_batch(items, options, resume=args.resume)
    target = job.target
    done_before = target.done_count()
    if not job.tasks:
        print(f"{args.output}: all {target.total} images are already done.", file=sys.stderr)
        return 0
    queue = make_queue(args)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=target.total, initial=done_before, unit="img", file=sys.stderr,
                   dynamic_ncols=True, desc="batch")  # fmt: skip
    started = time.monotonic()
    failures: list[str] = []

    def show(event) -> None:
        if isinstance(event, ModelLoaded) and bar is not None:
            bar.write(f"loaded {event.model.path.name} on {queue.backend.name} "
                      f"({counted(event.model.workers, 'worker')}, {event.model.device}) "
                      f"in {event.model.load_seconds:.1f} s")  # fmt: skip
        elif isinstance(event, ImageReady) and bar is not None:
            per_min = event.done / max(1e-9, time.monotonic() - started) * 60
            bar.set_postfix_str(f"{per_min:.1f} img/min")
            bar.update(1)
        elif isinstance(event, ImageFailed):
            entry = target.by_index.get(event.index, {})
            failures.append(f"{entry.get('file', event.index)}: {event.message}")
            if bar is not None:
                bar.write(f"failed: {failures[-1]}")
                bar.update(1)

    queue.subscribe(show)
    try:
        result = queue.run(job)
    finally:
        if bar is not None:
            bar.close()
        queue.backend.close()
    elapsed = time.monotonic() - started
    made = len(result.items)
    print(
        f"{counted(made, 'image')} in {elapsed:.1f} s ({made / max(elapsed, 1e-9) * 60:.1f}/min), "
        f"{len(failures)} failed → {target.output / 'manifest.json'}",
        file=sys.stderr,
    )
    return 1 if failures else 0
