"""Pixelize on art it was not tuned on, per category (the baseline for issue 15).

    bash bench/fetch_pixelize_assets.sh
    PYTHONPATH=. .venv/bin/python bench/pixelize_wide_eval.py [--seeds 3]

Sources: pyxel's MIT-licensed example assets (cat_16x16, pyxel_logo_38x16,
tileset_24x32, noguchi_128x128) — never used while tuning — and, for comparison,
the urban_rpg crops of bench/pixelize_eval.py that pixelize *was* tuned on.
Categories: large cells (16–38 px sprites filling 1024 px), small cells (~5–8 px),
light colours on a near-white textured background, few-colour sprites, tiles (art
up to the edges). Reports per category: exact size, mean RGBA accuracy (alpha right
and colour within 24/255) and the share of perfect sprites (>= 99 % of pixels).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import degrade  # noqa: E402
from pixelize_eval import CROPS, load_sprites, score  # noqa: E402

from dgx_pixels_app.pixelize.pipeline import pixelize  # noqa: E402


def keyed(path: Path) -> np.ndarray:
    """A sprite with its most common border colour made transparent."""
    art = np.array(Image.open(path).convert("RGBA"))
    border = np.concatenate([art[0], art[-1], art[:, 0], art[:, -1]])
    colours, counts = np.unique(border, axis=0, return_counts=True)
    key = colours[counts.argmax()]
    art[(art == key).all(-1)] = 0
    return art


def full(path: Path) -> np.ndarray:
    return np.array(Image.open(path).convert("RGBA"))


def pale(art: np.ndarray) -> np.ndarray:
    """The sprite's lightest colour made white-ish: highlights that touch the background."""
    out = art.copy()
    opaque = out[..., 3] > 0
    lum = out[..., :3].astype(int).sum(-1)
    lightest = lum[opaque].max()
    out[opaque & (lum >= lightest - 30), :3] = (244, 244, 240)
    return out


def few_colours(art: np.ndarray, n: int = 3) -> np.ndarray:
    out = art.copy()
    opaque = out[..., 3] > 0
    rgb = Image.fromarray(np.ascontiguousarray(out[..., :3])).quantize(n, dither=Image.Dither.NONE)
    out[..., :3] = np.array(rgb.convert("RGB"))
    out[~opaque] = 0
    return out


def light_background(art: np.ndarray, seed: int, target: int = 1024) -> np.ndarray:
    """Like degrade(), but on a near-white, softly textured background (as SDXL draws)."""
    rng = np.random.default_rng(seed)
    image = degrade(art, seed, target)
    h, w = image.shape[:2]
    # redo the background: find it from the degraded image's border colour
    up = np.array(Image.fromarray(art).resize((w, h), Image.Resampling.NEAREST))
    background = (
        rng.uniform(232, 250)
        + rng.normal(0, 3, (h, w, 1))
        + 4 * np.sin(np.mgrid[0:h, 0:w][1] / 37.0)[..., None]
    )
    alpha = up[..., 3:4] / 255.0
    rgb = image[..., :3] * alpha + background * (1 - alpha)
    soft = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.8)
    )
    buffer = io.BytesIO()
    soft.save(buffer, "JPEG", quality=int(rng.integers(75, 95)))
    return np.asarray(Image.open(buffer).convert("RGBA"))


def cases(assets: Path, seeds: int):
    cat, logo = keyed(assets / "cat_16x16.png"), keyed(assets / "pyxel_logo_38x16.png")
    tiles, portrait = full(assets / "tileset_24x32.png"), full(assets / "noguchi_128x128.png")
    tuned = load_sprites(assets)
    out = []
    for s in range(seeds):
        out += [("large cells", "cat", cat, degrade(cat, 10 + s)),
                ("large cells", "logo", logo, degrade(logo, 20 + s)),
                ("small cells", "portrait", portrait, degrade(portrait, 30 + s)),
                ("light background", "cat pale", pale(cat), light_background(pale(cat), 40 + s)),
                ("light background", "logo pale", pale(logo), light_background(pale(logo), 50 + s)),
                ("few colours", "logo 3", few_colours(logo), degrade(few_colours(logo), 60 + s)),
                ("few colours", "portrait 4", few_colours(portrait, 4), degrade(few_colours(portrait, 4), 70 + s)),
                ("tiles", "tileset", tiles, degrade(tiles, 80 + s))]  # fmt: skip
        for i, sprite in enumerate(tuned[:8]):
            out.append(
                (
                    "tuned-on set (urban_rpg)",
                    f"crop {CROPS[i]}",
                    sprite,
                    degrade(sprite, 1000 * i + s),
                )
            )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, default=Path(__file__).parent / "out" / "assets")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--save", type=Path)
    args = parser.parse_args()
    rows: dict[str, list] = {}
    for category, name, original, image in cases(args.assets, args.seeds):
        out = pixelize(image).image
        exact, rgba, _colour = score(original, out)
        rows.setdefault(category, []).append((exact, rgba))
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            stem = (
                f"{category}-{name}-{len(rows[category])}".replace(" ", "_")
                .replace("(", "")
                .replace(")", "")
                .replace(",", "")
            )
            Image.fromarray(image).save(args.save / f"{stem}-in.png")
            Image.fromarray(out).save(args.save / f"{stem}-out.png")
    print(f"{'category':<28}{'n':>4}{'exact size':>12}{'RGBA acc.':>11}{'perfect':>9}")
    everything = []
    for category, results in rows.items():
        everything += results if not category.startswith("tuned") else []
        exact = np.mean([r[0] for r in results])
        acc = np.mean([r[1] for r in results])
        perfect = np.mean([r[1] >= 0.99 for r in results])
        print(f"{category:<28}{len(results):>4}{exact:>11.0%}{acc:>11.1%}{perfect:>9.0%}")
    exact = np.mean([r[0] for r in everything])
    acc = np.mean([r[1] for r in everything])
    perfect = np.mean([r[1] >= 0.99 for r in everything])
    print(f"{'all new art':<28}{len(everything):>4}{exact:>11.0%}{acc:>11.1%}{perfect:>9.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
