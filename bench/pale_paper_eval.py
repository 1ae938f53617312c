"""Pale and faded sprites, small on near-white mottled paper, at exact cells: where
JPEG's seams over the paper outnumber the sprite's edges (pixelize rules 21 and 22).

    PYTHONPATH=. .venv/bin/python bench/pale_paper_eval.py          # ~2 min
    PYTHONPATH=. .venv/bin/python bench/pale_paper_eval.py --ab     # and without rules 21-22

Sprites: our own pale drawings (egg, cloud, ghost, sheep, bottle, snowman) and, when
bench/fetch_pixelize_assets.sh has run, Dungeon Crawl's items faded toward the paper.
Each is placed somewhere in a transparent frame 4-8 times its size (less where the
picture would pass 1600 px), upscaled by exactly the family's cell, put on paper,
blurred and JPEG'd (every other picture twice, as the wide evaluation's light
background is). Per family of cells: how many
pictures are read at the right size (the frame's, in cells), and how many are off by
more than a cell; with --ab, how many rules 21-22 changed, fixed (off by more than a cell
before, not now) and broke (the reverse), read in the same run.
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import own_art  # noqa: E402
import pixelize_wide_eval as wide  # noqa: E402

from dgx_pixels_app.pixelize import grid  # noqa: E402

MAX_SIDE = 1600  # pictures at most about this many pixels on a side (a frame of less room)
PALE = ["egg", "cloud", "ghost", "sheep", "bottle", "snowman"]
FAMILIES = {  # name: cells drawn (one per picture, in turn)
    "2 px": [2.0],
    "2.7 px": [8 / 3],
    "4 px": [4.0],
    "4.3-6.4 px": [4.3, 4.6, 5.0, 5.3, 5.6, 6.0, 6.4],
    "8 px": [8.0],
    "16-24 px": [16.0, 24.0],
}


def on_paper_exact(
    art: np.ndarray, cell: float, seed: int, room: int = 8, again: bool = False, offset: int = 0
) -> np.ndarray:
    """``art`` somewhere in a transparent frame ``room`` times its size, upscaled by
    exactly ``cell`` onto near-white mottled paper, blurred and JPEG'd; ``again``: then
    softened and JPEG'd once more (as the wide evaluation's light background is);
    ``offset``: the frame starts this many pixels in (off JPEG's block grid)."""
    rng = np.random.default_rng(seed)
    h, w = art.shape[:2]
    fh, fw = h * room, w * room
    top, left = int(rng.integers(0, fh - h)), int(rng.integers(0, fw - w))
    big_h, big_w = int(round(fh * cell)), int(round(fw * cell))
    ys = np.clip(((np.arange(big_h) - offset + 0.5) / cell).astype(int) - top, -1, h)
    xs = np.clip(((np.arange(big_w) - offset + 0.5) / cell).astype(int) - left, -1, w)
    inside = (ys[:, None] >= 0) & (ys[:, None] < h) & (xs[None, :] >= 0) & (xs[None, :] < w)
    up = art[np.clip(ys, 0, h - 1)[:, None], np.clip(xs, 0, w - 1)[None, :]].astype(np.float32)
    alpha = np.where(inside, up[..., 3] / 255.0, 0.0)[..., None]
    noise = Image.fromarray(rng.normal(128, 40, (big_h, big_w)).clip(0, 255).astype(np.uint8))
    mottle = np.asarray(noise.filter(ImageFilter.GaussianBlur(rng.uniform(4, 10))), np.float32)
    mottle = (mottle - mottle.mean()) / max(float(mottle.std()), 1e-3) * rng.uniform(1.5, 3)
    paper = (rng.uniform(234, 246) + mottle + rng.normal(0, 1.5, (big_h, big_w)))[..., None]
    rgb = up[..., :3] * alpha + paper * (1 - alpha)
    image = Image.fromarray(rgb.clip(0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=int(rng.integers(60, 90)))
    if again:
        image = Image.open(buffer).filter(ImageFilter.GaussianBlur(0.8))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=int(np.random.default_rng(seed + 1).integers(75, 95)))
    return np.asarray(Image.open(buffer).convert("RGBA"))


def faded(art: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``art``'s colours pulled most of the way toward a near-white."""
    out = art.copy()
    paper, keep = rng.uniform(225, 250), rng.uniform(0.08, 0.35)
    out[..., :3] = np.clip(paper + (out[..., :3] - paper) * keep, 0, 255).astype(np.uint8)
    return out


def sprites(assets: Path) -> list[tuple[str, np.ndarray]]:
    """Our pale drawings, and Crawl's items (at most 32 px) faded, when fetched."""
    out = [(name, own_art.sprite(name)) for name in PALE]
    rng = np.random.default_rng(0)
    for name, (_, art) in sorted(wide.crawl(assets).items()):
        if "item" in name and max(art.shape[:2]) <= 32:
            out.append((f"{name} faded", faded(art, rng)))
    return out


def read(image: np.ndarray, rule: bool) -> tuple[int, int]:
    """The grid's size in cells, with rules 21 and 22 or without them."""
    blocks, harmonics = grid.INK_BLOCKS, grid.INK_HARMONICS
    grid.INK_BLOCKS, grid.INK_HARMONICS = (blocks, harmonics) if rule else ((), ())
    try:
        return grid.detect_grid(image).size
    finally:
        grid.INK_BLOCKS, grid.INK_HARMONICS = blocks, harmonics


def run(per_family: int, ab: bool) -> None:
    pool = sprites(Path(__file__).resolve().parent / "out" / "assets")
    print(f"{len(pool)} sprites; {per_family} pictures per family")
    for f, (family, cells) in enumerate(FAMILIES.items()):
        exact = off = changed = fixed = broke = 0
        for i in range(per_family):
            seed = 1000 * f + i
            rng = np.random.default_rng(seed)
            _, art = pool[int(rng.integers(len(pool)))]
            cell, room = cells[i % len(cells)], int(rng.integers(4, 9))
            room = max(2, min(room, int(MAX_SIDE / (max(art.shape[:2]) * cell))))
            image = on_paper_exact(art, cell, seed, room, again=bool(i % 2))
            want = (art.shape[1] * room, art.shape[0] * room)
            got = read(image, True)
            miss = max(abs(a - b) for a, b in zip(got, want, strict=True))
            exact, off = exact + (miss == 0), off + (miss > 1)
            if ab:
                before = read(image, False)
                was = max(abs(a - b) for a, b in zip(before, want, strict=True))
                changed += before != got
                fixed, broke = fixed + (was > 1 >= miss), broke + (miss > 1 >= was)
        line = f"{family:12s} n {per_family:3d}  exact {exact:3d}  off>1 {off:3d}"
        print(line + (f"  changed {changed:3d} fixed {fixed:3d} broke {broke:3d}" if ab else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--per-family", type=wide.count_arg(10_000), default=40, help="pictures (1-10000)"
    )
    parser.add_argument("--ab", action="store_true", help="also read without rules 21 and 22")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    run(args.per_family, args.ab)


if __name__ == "__main__":
    main()
