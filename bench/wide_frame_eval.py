"""Small sprites in SDXL's wide frame: a sprite of 12-40 art pixels somewhere in a
1024 px picture of 128-272 cells (8 to 3.8 px each, cells a few per cent off a whole
pixel included), on a plain light or coloured background, blurred and JPEG'd. The
whole picture's edge profiles hold the sprite's few edges diluted by the background's
noise; pixelize reads such a sprite's own box too (pixelize.grid._by_the_box).

    PYTHONPATH=. .venv/bin/python bench/wide_frame_eval.py          # ~2 min
    PYTHONPATH=. .venv/bin/python bench/wide_frame_eval.py --ab     # and without the box

Sprites: ``tune``, this project's own drawings (bench/own_art.py: looked at while
fixing this); ``aside``, Dungeon Crawl's items (bench/fetch_pixelize_assets.sh), only
ever scored. Reported per split and family of cells, on the sprite (the output's
opaque part against the art's, as bench/pixelize_wide_eval.py scores a framed
sprite): exact size, mean RGBA accuracy, perfect (>= 99 %), and how many are off by
more than a cell; with --ab, how many the box changed, fixed and broke, in one run.
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

from dgx_pixels_app.pixelize import grid_check  # noqa: E402

SIDE = 1024
FAMILIES = {  # name: cells across the 1024 px picture (one per picture, in turn)
    "8 px": [128, 126, 130],
    "5-6.4 px": [160, 170, 186, 204],
    "3.8-4.3 px": [240, 248, 252, 256, 258, 261, 266, 272],
}


def in_wide_frame(art: np.ndarray, cells: int, seed: int) -> np.ndarray:
    """``art`` somewhere in a picture ``cells`` art pixels across, each SIDE / cells
    px, on a light grey or a coloured background (a gentle gradient), blurred and
    JPEG'd, as RGBA."""
    rng = np.random.default_rng(seed)
    h, w = art.shape[:2]
    cell = SIDE / cells
    top, left = int(rng.integers(0, cells - h)), int(rng.integers(0, cells - w))
    ys = (np.arange(SIDE) / cell).astype(int) - top
    xs = (np.arange(SIDE) / cell).astype(int) - left
    inside = (ys[:, None] >= 0) & (ys[:, None] < h) & (xs[None, :] >= 0) & (xs[None, :] < w)
    up = art[np.clip(ys, 0, h - 1)[:, None], np.clip(xs, 0, w - 1)[None, :]].astype(np.float32)
    alpha = np.where(inside, up[..., 3] / 255.0, 0.0)[..., None]
    light = rng.random() < 0.5
    colour = np.full(3, rng.uniform(200, 250)) if light else rng.uniform(40, 200, 3)
    slope = rng.uniform(-12, 12, 3) * np.linspace(-0.5, 0.5, SIDE)[:, None, None]
    rgb = up[..., :3] * alpha + (colour + slope) * (1 - alpha)
    image = Image.fromarray(rgb.clip(0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=int(rng.integers(70, 95)))
    return np.asarray(Image.open(buffer).convert("RGBA"))


def sprites(assets: Path) -> dict[str, list[np.ndarray]]:
    """Per split, the sprites: our drawings (tune) and Crawl's items (aside, if fetched)."""
    names = own_art.TUNE + own_art.HELD_OUT
    crawl = [art for name, (_, art) in sorted(wide.crawl(assets).items()) if "item" in name]
    return {"tune": [own_art.sprite(name) for name in names], "aside": crawl}


def read(image: np.ndarray, box: bool) -> np.ndarray:
    """The sprite pixelize makes, with the box's reading or without it."""
    kept = grid_check.BOX_BETTER, grid_check.BOX_HALVES
    if not box:
        grid_check.BOX_BETTER = grid_check.BOX_HALVES = float("inf")
    try:
        return wide.TOOLS["dgx-pixels"](image)
    finally:
        grid_check.BOX_BETTER, grid_check.BOX_HALVES = kept


def run(per_family: int, ab: bool) -> None:
    pool = sprites(Path(__file__).resolve().parent / "out" / "assets")
    print(f"sprites: tune {len(pool['tune'])}, aside {len(pool['aside'])}; {per_family} each")
    for split, arts in pool.items():
        for f, (family, frames) in enumerate(FAMILIES.items()):
            if not arts:
                continue
            scores, off, changed, fixed, broke = [], 0, 0, 0, 0
            for i in range(per_family):
                seed = 10_000 * f + i + (500 if split == "aside" else 0)
                art = arts[int(np.random.default_rng(seed).integers(len(arts)))]
                image = in_wide_frame(art, frames[i % len(frames)], seed)
                out = read(image, True)
                scores.append(wide.score_in(art, out, True))
                miss = wide.off_by(art, out, True)
                off += miss > 1
                if ab:
                    before = read(image, False)
                    was = wide.off_by(art, before, True)
                    changed += before.shape != out.shape or not np.array_equal(before, out)
                    fixed, broke = fixed + (was > 1 >= miss), broke + (miss > 1 >= was)
            _, exact, acc, perfect = wide.summary(scores)
            line = (f"{split:6s} {family:11s} n {per_family:3d}  exact {exact:4.0%}  "
                    f"accuracy {acc:6.2%}  perfect {perfect:4.0%}  off>1 {off:3d}")  # fmt: skip
            print(
                line + (f"  changed {changed:3d} fixed {fixed:3d} broke {broke:3d}" if ab else "")
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--per-family",
        type=wide.count_arg(500),
        default=40,
        help="pictures per family (1-500: the aside split's seeds start 500 after the tune's)",
    )
    parser.add_argument("--ab", action="store_true", help="also read without the box")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    run(args.per_family, args.ab)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
