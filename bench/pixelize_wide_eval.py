"""Pixelize on art from many sources, per category, against the peers (issue 15).

    bash bench/fetch_pixelize_assets.sh
    PYTHONPATH=. .venv/bin/python bench/pixelize_wide_eval.py            # ours only
    PYTHONPATH=. bench/out/peers/bin/python bench/pixelize_wide_eval.py --tools all

Sources (see bench/fetch_pixelize_assets.sh and bench/own_art.py): pyxel's example
art (MIT), pygame's example sprites, Kenney's tanks and tiles (CC0), Luis Zuno's car
and city layer, Dungeon Crawl Stone Soup's item sprites and floor/wall tiles (CC0), and
sprites drawn for this evaluation. Every sprite has a split:

- ``tune``: looked at while tuning pixelize from the start (own drawings, pyxel);
- ``seen``: held out at first, then their failures were looked at and fixed (pygame,
  arcade, and the even-numbered Crawl sprites, which were added as fresh art);
- ``held-out``: only ever scored, never looked at one by one (the odd-numbered Crawl
  sprites and tiles). The targets are judged here.

urban_rpg crops (the older eval's set) are reported on their own.

Each sprite is degraded like SDXL output (bench/degrade.py): upscaled with drifting
non-integer cells, blurred, noised, JPEG'd, on a shaded coloured background or (the
light-background category) on a near-white textured one. Categories: large cells
(12–32 px sprites filling 1024 px), small cells (~4–6.5 px: large art, or a sprite
under 100 px in the middle third of its frame, scored on the opaque part of the output),
light parts on a light background, few colours (2–8), tiles and scenes (art to the
edges), and small cells on a light background (the two hard cases at once).

Per category and tool: exact size rate, mean RGBA accuracy (alpha right and colour
within 24/255, over the original's pixels), perfect sprites (>= 99 % right).
"""

from __future__ import annotations

import argparse
import io
import logging
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import own_art  # noqa: E402
from degrade import degrade  # noqa: E402
from pixelize_eval import CROPS, TOOLS, load_sprites, score  # noqa: E402


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


def clean(path: Path) -> np.ndarray:
    """A sprite with real transparency, alpha made binary."""
    art = full(path)
    art[..., 3] = np.where(art[..., 3] >= 128, 255, 0)
    art[art[..., 3] == 0] = 0
    return art


def half(art: np.ndarray) -> np.ndarray:
    """Art drawn at 2x (99 % of its 2x2 blocks are one colour) at its true resolution."""
    return art[::2, ::2].copy()


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
    """Like degrade(), but on a near-white background as SDXL paints it: soft mottled
    texture (blobs of ~10-25 px), fine grain, a slow vignette and a warm or cool tint.
    The sprite is put on the paper first and the whole picture blurred as one (a VAE
    decodes sprite and background alike), then softened and JPEG'd once more."""
    rng = np.random.default_rng(seed)

    def paper(h: int, w: int) -> np.ndarray:
        field = rng.normal(0, 1, (h, w)) * 40 + 128
        field = Image.fromarray(field.clip(0, 255).astype(np.uint8))
        mottle = np.asarray(field.filter(ImageFilter.GaussianBlur(rng.uniform(4, 10))))
        mottle = mottle.astype(np.float32)
        mottle = (mottle - mottle.mean()) / max(float(mottle.std()), 1e-3) * rng.uniform(1.5, 3)
        yy, xx = np.mgrid[0:h, 0:w]
        vignette = -6 * (((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2)
        grain = rng.normal(0, 1.5, (h, w))
        base = rng.uniform(234, 246) + mottle + vignette + grain
        return base[..., None] + rng.uniform(-3, 3, 3)

    image = degrade(art, seed, target, background=paper)
    soft = Image.fromarray(image[..., :3]).filter(ImageFilter.GaussianBlur(0.8))
    buffer = io.BytesIO()
    soft.save(buffer, "JPEG", quality=int(rng.integers(75, 95)))
    return np.asarray(Image.open(buffer).convert("RGBA"))


def small_size(art: np.ndarray, seed: int) -> int:
    """The degraded image's longer side for cells of about 4-6.5 px."""
    cell = np.random.default_rng(seed).uniform(4.0, 6.5)
    return int(round(cell * max(art.shape[:2])))


def small(art: np.ndarray, seed: int) -> np.ndarray:
    """Cells of about 4-6.5 px: a large sprite, or (see framed) a small one in a frame."""
    return degrade(art, seed, small_size(art, seed))


def small_light(art: np.ndarray, seed: int) -> np.ndarray:
    """Small cells (as small()) on a near-white textured background."""
    return light_background(art, seed, small_size(art, seed))


def framed(art: np.ndarray, seed: int) -> tuple[np.ndarray, tuple[slice, slice]]:
    """A sprite under 100 px in the middle third of a transparent frame three times its
    size (SDXL draws a small sprite with room around it), and where the sprite is."""
    rng = np.random.default_rng(seed + 99)
    h, w = art.shape[:2]
    top = int(rng.integers(h // 2, h + h // 2 + 1))
    left = int(rng.integers(w // 2, w + w // 2 + 1))
    out = np.zeros((3 * h, 3 * w, 4), np.uint8)
    out[top : top + h, left : left + w] = art
    return out, (slice(top, top + h), slice(left, left + w))


def crawl_items(path: Path, count: int = 24) -> list[np.ndarray]:
    """``count`` item sprites spread evenly over Crawl's packed item sheet: the parts of
    its (binarised) alpha, a pixel's gap bridged, 16-40 px on a side, in reading order."""
    from dgx_pixels_app.pixelize.regions import label

    art = clean(path)
    solid = art[..., 3] > 0
    grown = solid.copy()
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        grown |= np.roll(solid, (dy, dx), (0, 1))
    labels, n = label(grown)
    boxes = []
    for i in range(1, n + 1):
        ys, xs = np.nonzero(labels == i)
        y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        if 16 <= y1 - y0 <= 40 and 16 <= x1 - x0 <= 40 and solid[y0:y1, x0:x1].sum() >= 150:
            boxes.append((y0, x0, y1, x1))
    boxes.sort()
    picked = [boxes[int(i)] for i in np.linspace(0, len(boxes) - 1, count)]
    return [art[y0:y1, x0:x1].copy() for y0, x0, y1, x1 in picked]


def crawl_tiles(paths: list[Path], per_sheet: int = 3) -> list[np.ndarray]:
    """Opaque 32 px floor and wall tiles spread evenly over each sheet."""
    out = []
    for path in paths:
        art = full(path)
        h, w = art.shape[:2]
        spots = [
            (y, x)
            for y in range(0, h - 31, 32)
            for x in range(0, w - 31, 32)
            if (art[y : y + 32, x : x + 32, 3] == 255).all()
        ]
        for i in np.linspace(0, len(spots) - 1, per_sheet + 2)[1:-1]:
            y, x = spots[int(i)]
            out.append(art[y : y + 32, x : x + 32].copy())
    return out


def crawl(assets: Path) -> dict[str, tuple[str, np.ndarray]]:
    """The fresh Crawl art: even-numbered sprites ``seen``, odd-numbered ``held-out``."""
    folder = assets / "crawl"
    if not folder.is_dir():
        return {}
    items = crawl_items(folder / "main.png")
    tiles = crawl_tiles([folder / "floor.png", folder / "wall.png"])
    out = {}
    for kind, arts in (("item", items), ("tile", tiles)):
        for i, art in enumerate(arts):
            out[f"crawl {kind} {i:02d}"] = ("held-out" if i % 2 else "seen", art)
    return out


def sources(assets: Path) -> dict[str, tuple[str, np.ndarray]]:
    """name -> (split, art)."""
    own = {n: ("tune", own_art.sprite(n)) for n in own_art.TUNE}
    own |= {n: ("seen", own_art.sprite(n)) for n in own_art.HELD_OUT}
    pyxel = {
        "cat": keyed(assets / "cat_16x16.png"),
        "logo": keyed(assets / "pyxel_logo_38x16.png"),
        "sheet": keyed(assets / "tileset_24x32.png"),  # sprites on a key colour
        "portrait": full(assets / "noguchi_128x128.png"),
    }
    pg, arc = assets / "pygame", assets / "arcade"
    held = {
        "chimp": keyed(pg / "chimp.png"),
        "smiley": keyed(pg / "asprite.bmp"),
        "house": half(clean(pg / "city.png")),
        "shot": clean(pg / "shot.gif"),
        "liquid": full(pg / "liquid.bmp"),
        "tank": half(clean(arc / "tankBody_red.png")),
        "big tank": half(clean(arc / "tankBody_bigRed.png")),
        "huge tank": half(clean(arc / "tankBody_huge.png")),
        "car": clean(arc / "car-idle.png"),
        "city": full(arc / "far-buildings.png")[96:, :128],  # the buildings, cut on 3 sides
    }
    return (
        own
        | {k: ("tune", v) for k, v in pyxel.items()}
        | {k: ("seen", v) for k, v in held.items()}
        | crawl(assets)
    )


# category -> [(sprite, generator)]; generator(art, seed) -> degraded image
PLAN = {
    "large cells": [(n, degrade) for n in (
        "cat", "ghost", "heart", "key", "sheep", "letter", "bottle", "mushroom", "sword",
        "slime", "house", "smiley", "tank", "shot", "sheet")],
    "small cells": [(n, small) for n in (
        "portrait", "logo", "snowman", "chimp", "car", "big tank", "huge tank", "cloud")],
    "light background": [(n, light_background) for n in (
        "ghost", "snowman", "egg", "cat pale", "logo pale",
        "sheep", "letter", "cloud", "bottle", "mushroom", "chimp", "house", "smiley")],
    "few colours": [(n, degrade) for n in (
        "logo 3", "portrait 4", "key", "heart", "egg",
        "sword", "slime", "chimp", "smiley", "house", "tank")],
    "tiles and scenes": [(n, degrade) for n in (
        "bricks", "grass", "liquid", "city")],
    "small cells, light bg": [(n, small_light) for n in (
        "ghost", "snowman", "egg", "cat pale", "sheep", "cloud", "bottle", "mushroom")],
}  # fmt: skip


def plan_for(art: dict[str, tuple[str, np.ndarray]]) -> dict[str, list]:
    """PLAN plus the Crawl art: each item sprite as large cells, small cells (framed),
    on a light background, in 4 colours and at small cells on a light background; each
    floor and wall tile as a tile."""
    plan = {category: list(entries) for category, entries in PLAN.items()}
    for name, (split, sprite) in list(art.items()):
        if name.startswith("crawl item"):
            art[f"{name} 4"] = (split, few_colours(sprite, 4))
            plan["large cells"].append((name, degrade))
            plan["small cells"].append((name, small))
            plan["light background"].append((name, light_background))
            plan["few colours"].append((f"{name} 4", degrade))
            plan["small cells, light bg"].append((name, small_light))
        elif name.startswith("crawl tile"):
            plan["tiles and scenes"].append((name, degrade))
    return plan


def cases(assets: Path, seeds: int):
    art = sources(assets)
    art["cat pale"] = ("tune", pale(art["cat"][1]))
    art["logo pale"] = ("tune", pale(art["logo"][1]))
    art["logo 3"] = ("tune", few_colours(art["logo"][1]))
    art["portrait 4"] = ("tune", few_colours(art["portrait"][1], 4))
    out = []
    for c, (category, plan) in enumerate(plan_for(art).items()):
        for i, (name, generator) in enumerate(plan):
            split, sprite = art[name]
            for s in range(seeds):
                seed, box, target = 7919 * c + 101 * i + s, None, sprite
                if generator in (small, small_light) and max(sprite.shape[:2]) < 100:
                    target, box = framed(sprite, seed)
                out.append((category, name, split, target, generator(target, seed), box))
    for i, sprite in enumerate(load_sprites(assets)[:8]):
        for s in range(seeds):
            image = degrade(sprite, 1000 * i + s)
            out.append(
                ("tuned-on set (urban_rpg)", f"crop {CROPS[i]}", "tune", sprite, image, None)
            )
    return out


def score_in(original: np.ndarray, out: np.ndarray, box) -> tuple[bool, float, float]:
    """score(); for a sprite in a frame (``box``), on the sprite: the opaque parts of
    output and original against each other (margin cells of a flat frame carry no art)."""
    if box is None:
        return score(original, out)
    if not (out[..., 3] > 0).any():
        return False, 0.0, 0.0
    return score(opaque_part(original), opaque_part(out))


def off_by(original: np.ndarray, out: np.ndarray, box) -> int:
    """How many cells the output's size is off on its worse axis (in a frame: the
    opaque parts')."""
    if box is not None and (out[..., 3] > 0).any():
        original, out = opaque_part(original), opaque_part(out)
    return max(abs(a - b) for a, b in zip(out.shape[:2], original.shape[:2], strict=True))


def opaque_part(image: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(image[..., 3] > 0)
    return image[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def count_arg(most: int):
    """An argparse type: a whole count of 1 to ``most``."""

    def count(text: str) -> int:
        value = int(text)
        if not 1 <= value <= most:
            raise argparse.ArgumentTypeError(f"{value} is not a count of 1 to {most}")
        return value

    return count


def summary(results) -> tuple[int, float, float, float]:
    exact = float(np.mean([r[0] for r in results]))
    acc = float(np.mean([r[1] for r in results]))
    perfect = float(np.mean([r[1] >= 0.99 for r in results]))
    return len(results), exact, acc, perfect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, default=Path(__file__).parent / "out" / "assets")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--tools", default="dgx-pixels", help="comma list, or 'all'")
    parser.add_argument("--split", choices=["all", "tune", "seen", "held-out"], default="all")
    parser.add_argument(
        "--save", type=Path, help="folder for every input and output PNG (held-out never)"
    )
    parser.add_argument(
        "--worst", type=int, default=0, help="list the N worst cases of ours (held-out never)"
    )
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    tools = list(TOOLS) if args.tools == "all" else args.tools.split(",")
    data = [c for c in cases(args.assets, args.seeds) if args.split in ("all", c[2])]
    table: dict[str, dict[tuple[str, str], list]] = {t: {} for t in tools}
    times: list[float] = []
    worst = []
    for category, name, split, original, image, box in data:
        for tool in tools:
            start = time.perf_counter()
            try:
                out = TOOLS[tool](image)
            except ImportError:
                raise SystemExit(
                    f"{tool} is not installed: see bench/requirements-peers.txt"
                ) from None
            except Exception:  # a peer that crashes on an input scores zero on it
                out = np.zeros((1, 1, 4), np.uint8)
            if tool == "dgx-pixels" and max(image.shape[:2]) >= 900:
                times.append(time.perf_counter() - start)  # SDXL-sized inputs only
            exact, rgba, _ = score_in(original, out, box)
            off = off_by(original, out, box)
            table[tool].setdefault((category, split), []).append((exact, rgba, off))
            if tool == "dgx-pixels" and split != "held-out":  # never listed one by one
                worst.append((rgba, exact, category, name, out.shape[1::-1], original.shape[1::-1]))
            if args.save and split != "held-out":
                args.save.mkdir(parents=True, exist_ok=True)
                stem = f"{category}-{name}-{len(table[tool][(category, split)])}".replace(" ", "_")
                Image.fromarray(image).save(args.save / f"{stem}-in.png")
                Image.fromarray(out).save(args.save / f"{stem}-{tool}.png")
    print(f"{len(data)} images, seeds {args.seeds}; cells: exact size / RGBA accuracy / perfect,")
    print("and outputs off by more than one cell on either axis")
    header = f"{'category':<26}{'split':<9}{'n':>4}" + "".join(f"{t:>32}" for t in tools)
    print(header)
    categories = list(dict.fromkeys((c[0], c[2]) for c in data))
    groups = [(f"{c}", s, lambda k, c=c, s=s: k == (c, s)) for c, s in categories]
    groups += [
        ("all new art", "tune", lambda k: not k[0].startswith("tuned") and k[1] == "tune"),
        ("all new art", "seen", lambda k: k[1] == "seen"),
        ("all new art", "held-out", lambda k: k[1] == "held-out"),
        ("all new art", "both", lambda k: not k[0].startswith("tuned")),
    ]
    for label, split, match in groups:
        cells = []
        for tool in tools:
            results = [r for k, v in table[tool].items() if match(k) for r in v]
            if not results:
                break
            n, exact, acc, perfect = summary(results)
            far = sum(r[2] > 1 for r in results)
            cells.append(f"{exact:>8.0%}/{acc:>6.2%}/{perfect:>5.0%} off>1:{far:<3}")
        if cells:
            print(f"{label:<26}{split:<9}{n:>4}" + "".join(f"{c:>32}" for c in cells))
    if times:
        print(
            f"dgx-pixels pixelize on the {len(times)} inputs of 900-1024 px: median "
            f"{np.median(times):.3f} s, max {max(times):.3f} s (in-process, decoded array)"
        )
    for rgba, exact, category, name, got, want in sorted(worst)[: args.worst]:
        print(
            f"  {rgba:6.1%} {'exact' if exact else 'WRONG'} {category}: {name} got {got} want {want}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
