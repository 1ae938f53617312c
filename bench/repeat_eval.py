"""Pixelize on the kinds that collapsed, from art this project never tuned on: sheets of
icons and blocks of tiles on a regular pitch, animation strips, flags (a few large flat
shapes with one-pixel details) and tall sprites.

    bash bench/fetch_pixelize_assets.sh
    PYTHONPATH=. .venv/bin/python bench/repeat_eval.py [--worst 10] [--save DIR]
    PYTHONPATH=. bench/out/peers/bin/python bench/repeat_eval.py --tools all

Sources (Debian packages, see the fetch script): Adam Bolt's 16x16 and the 8x8 tile
sheets from angband-data, Mr. Rescue's sprites, strips and tiles (mrrescue), and
freeciv-data's flags and trident unit sheet. In each category every third piece is
``tune`` (looked at while fixing pixelize); the rest are ``aside``: only ever scored,
never listed or saved one by one. Each piece is degraded twice like SDXL output
(bench/degrade.py): on a shaded coloured background and on near-white paper.

Art to the picture's edges (tile blocks, flags without room around) is scored twice:
as pixelize does by default (which may take a pale floor or a band along an edge for a
background) and as the README tells a user to pixelize tiles, with the background kept
(``--keep-background``; the peers without transparency). "all" is the defaults;
"all, edges kept" replaces those categories with their kept runs.

Reported per category and split: exact size, mean RGBA accuracy and perfect sprites
(>= 99 % right) as in bench/pixelize_wide_eval.py, and how many came out off by more
than one cell on either axis.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import degrade  # noqa: E402
from pixelize_eval import TOOLS, peer_ppa, peer_unfake, score  # noqa: E402
from pixelize_wide_eval import clean, light_background, opaque_part, summary  # noqa: E402


def blocks(art: np.ndarray, pitch: int, cols: int, rows: int, rows_at) -> list[np.ndarray]:
    """Blocks of cols x rows tiles of ``pitch`` px, left to right, at the tile rows
    ``rows_at``."""
    h, w = art.shape[:2]
    out = []
    for r in rows_at:
        for c in range(0, w // pitch - cols + 1, cols):
            y, x = r * pitch, c * pitch
            if y + rows * pitch <= h:
                out.append(art[y : y + rows * pitch, x : x + cols * pitch].copy())
    return out


def filled(tiles: np.ndarray, pitch: int) -> float:
    """The share of a block's tiles that hold something."""
    h, w = tiles.shape[:2]
    cells = tiles[..., 3].reshape(h // pitch, pitch, w // pitch, pitch)
    return float((cells.max(axis=(1, 3)) > 0).mean())


def spread(items: list, count: int) -> list:
    """``count`` items taken evenly from ``items`` (all when fewer)."""
    if len(items) <= count:
        return items
    return [items[int(i)] for i in np.linspace(0, len(items) - 1, count)]


def margin(art: np.ndarray, side: int) -> np.ndarray:
    """``art`` with ``side`` clear pixels around it: a sheet or a sprite as SDXL draws
    it, with room around (the crops of packed sheets run to their edges)."""
    return np.pad(art, ((side, side), (side, side), (0, 0)))


def icon_sheets(assets: Path) -> list[np.ndarray]:
    """Items on a 16 px pitch (Adam Bolt's), 8 px icons, and freeciv's 30 px units,
    with two pixels of room around the sheet."""
    bolt = clean(assets / "angband" / "16x16.png")
    big = [b for b in blocks(bolt, 16, 6, 4, range(5, 56, 4)) if filled(b, 16) >= 0.8]
    tiny = clean(assets / "angband" / "8x8.png")
    small = [b for b in blocks(tiny, 8, 12, 6, range(8, 96, 6)) if filled(b, 8) >= 0.8]
    units = clean(assets / "freeciv" / "units.png")
    unit_blocks = [b for b in blocks(units, 30, 4, 2, (0, 1)) if filled(b, 30) >= 0.8]
    return [margin(b, 2) for b in spread(big, 8) + spread(small, 6) + spread(unit_blocks, 6)]


def tile_blocks(assets: Path) -> list[np.ndarray]:
    """Opaque blocks of Mr. Rescue's 16 px tiles and Angband's floors and walls."""
    rescue = clean(assets / "mrrescue" / "tiles.png")
    bolt = clean(assets / "angband" / "16x16.png")
    found = [b for b in blocks(rescue, 16, 4, 3, range(0, 16)) if (b[..., 3] == 255).all()]
    found += [b for b in blocks(bolt, 16, 4, 3, range(0, 4)) if (b[..., 3] == 255).all()]
    return spread(found, 12)


STRIPS = ["human_1_run", "human_2_panic", "human_3_carry_left", "human_4_burn", "item_coolant",
          "item_suit", "enemy_normal_run", "enemy_thief_run", "enemy_volcano_shoot",
          "player_running", "player_climb_up", "charcoal_roll", "warning_icons", "gasghost",
          "fire_wall"]  # fmt: skip


def strips(assets: Path) -> list[np.ndarray]:
    """Mr. Rescue's animation strips of 32 px frames (the first four of longer ones)."""
    out = []
    for name in STRIPS:
        art = clean(assets / "mrrescue" / f"{name}.png")
        out.append(art[:32, :128].copy())
    return [a for a in out if a[..., 3].any()]


def flags(assets: Path) -> list[np.ndarray]:
    """freeciv's flags, as sprites with three pixels of room around (see bare_flags)."""
    return [margin(f, 3) for f in bare_flags(assets)]


def bare_flags(assets: Path) -> list[np.ndarray]:
    """freeciv's flags drawn in at most 8 colours, at 29x20 and 44x30: art to the
    picture's edges, a one-pixel frame around."""
    folder = assets / "freeciv" / "flags"
    found = {"": [], "-large": []}
    for path in sorted(folder.glob("*.png")):
        kind = "-large" if path.stem.endswith("-large") else ""
        if "shield" in path.stem:
            continue
        image = Image.open(path).convert("RGBA")
        colours = image.getcolors(64)
        if colours is not None and len(colours) <= 8:
            found[kind].append(np.asarray(image).copy())
    return spread(found[""], 8) + spread(found["-large"], 8)


TALL = ["gasleak_idle", "gasleak_idle_shot", "gasleak_rage_idle", "gasleak_angry_idle_shot",
        "gasleak_walk", "gasleak_shot_walk", "gasleak_rage_walk", "gasleak_transition",
        "door", "human_1_run", "human_2_run", "human_3_fly"]  # fmt: skip


def trimmed(art: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(art[..., 3])
    return art[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].copy()


def tall(assets: Path) -> list[np.ndarray]:
    """Single frames, trimmed: Mr. Rescue's gas-leak boss (64x128 frames), a door and
    the people (32 px frames)."""
    out = []
    for name in TALL:
        art = clean(assets / "mrrescue" / f"{name}.png")
        side = 64 if name.startswith("gasleak") else 32
        frames = [art[: art.shape[0], x : x + side] for x in range(0, art.shape[1], side)]
        for frame in frames[:2] if name.endswith("walk") else frames[:1]:
            if frame[..., 3].any():
                out.append(trimmed(frame))
    return out


def with_room(make):
    """``make``, then room of no particular width around the picture (0.25-2.5 cells of
    a flat, noisy colour), as SDXL draws a flat sprite: ``degrade`` always starts the
    picture on a cell boundary, so "flags to the edges" alone cannot show a padding
    taken for a one-cell frame."""

    def padded(art: np.ndarray, seed: int) -> np.ndarray:
        image = make(art, seed)
        rng = np.random.default_rng(seed + 1)
        pad = int(round(rng.uniform(0.25, 2.5) * image.shape[1] / art.shape[1]))
        h, w = image.shape[0] + 2 * pad, image.shape[1] + 2 * pad
        room = rng.integers(0, 256, 3) + rng.normal(0, 3, (h, w, 3))
        out = np.dstack([np.clip(room, 0, 255), np.full((h, w), 255)]).astype(np.uint8)
        out[pad : pad + image.shape[0], pad : pad + image.shape[1]] = image
        return out

    return padded


CATEGORIES = {"icon sheets": icon_sheets, "tile blocks": tile_blocks,
              "tile blocks, kept": tile_blocks, "animation strips": strips,
              "flags (flat shapes)": flags, "tall sprites": tall,
              "flags to the edges": bare_flags, "flags to the edges, kept": bare_flags,
              "flags, room of any width": bare_flags}  # fmt: skip
# scored on the opaque part of the output (the room is removed; whole cells of it may stay)
ROOM = {"flags, room of any width"}
# art to the edges as the README tells a user to pixelize tiles: the background kept
KEPT = {"tile blocks, kept": "tile blocks", "flags to the edges, kept": "flags to the edges"}


def keep_ours(image: np.ndarray) -> np.ndarray:
    from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize

    return pixelize(image, PixelizeOptions(remove_background=False)).image


KEEPING = {"dgx-pixels": keep_ours, "unfake": partial(peer_unfake, transparent=False),
           "proper-pixel-art": partial(peer_ppa, transparent=False),
           "ai2pixelart": TOOLS["ai2pixelart"]}  # fmt: skip


def cases(assets: Path):
    kinds = [k for k in CATEGORIES if k not in KEPT]  # the seeds: kept art as the art's
    for category, loader in CATEGORIES.items():
        c = kinds.index(KEPT.get(category, category))
        for i, art in enumerate(loader(assets)):
            split = "tune" if i % 3 == 0 else "aside"
            for s, make in enumerate((degrade, light_background)):
                seed = 7001 * (c + 1) + 37 * i + s
                make = with_room(make) if category in ROOM else make
                yield (
                    category,
                    f"{category} {i} {'paper' if s else 'colour'}",
                    split,
                    art,
                    make(art, seed),
                )


def off_cells(original: np.ndarray, out: np.ndarray) -> int:
    if not out.size:
        return max(original.shape[:2])
    return max(abs(out.shape[0] - original.shape[0]), abs(out.shape[1] - original.shape[1]))


def run(tool: str, image: np.ndarray, keep: bool = False) -> np.ndarray:
    try:
        return (KEEPING if keep else TOOLS)[tool](image)
    except ImportError:
        raise SystemExit(f"{tool} is not installed: see bench/requirements-peers.txt") from None
    except Exception:  # a peer that crashes on an input scores zero on it
        return np.zeros((1, 1, 4), np.uint8)


def report(table: dict, tools: list[str], keys: list[tuple[str, str]]) -> None:
    print(f"{'category':<27}{'split':<7}{'n':>4}" + "".join(f"{t:>30}" for t in tools))
    groups = [(c, s, lambda k, c=c, s=s: k == (c, s)) for c, s in keys]
    groups += [("all", s, lambda k, s=s: k[1] == s and k[0] not in KEPT) for s in ("tune", "aside")]
    groups += [("all, edges kept", s, lambda k, s=s: k[1] == s and k[0] not in KEPT.values())
               for s in ("tune", "aside")]  # fmt: skip
    for label, split, match in groups:
        cells = []
        for tool in tools:
            results = [r for k, v in table[tool].items() if match(k) for r in v]
            n, exact, acc, perfect = summary(results)
            far = sum(r[2] > 1 for r in results)
            cells.append(f"{exact:>8.0%}/{acc:>6.2%}/{perfect:>5.0%} off>1:{far:<3}")
        print(f"{label:<27}{split:<7}{n:>4}" + "".join(f"{c:>30}" for c in cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=Path, default=Path(__file__).parent / "out" / "assets")
    parser.add_argument("--tools", default="dgx-pixels", help="comma list, or 'all'")
    parser.add_argument("--save", type=Path, help="folder for tune inputs and outputs")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst tune cases")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    tools = list(TOOLS) if args.tools == "all" else args.tools.split(",")
    table: dict[str, dict] = {t: {} for t in tools}
    times, worst, keys = [], [], []
    for category, name, split, original, image in cases(args.assets):
        keys.append((category, split)) if (category, split) not in keys else None
        for tool in tools:
            start = time.perf_counter()
            out = run(tool, image, category in KEPT)
            if tool == "dgx-pixels":
                times.append(time.perf_counter() - start)
            if category in ROOM:
                out = opaque_part(out) if (out[..., 3] > 0).any() else out[:0, :0]
            exact, rgba, _ = score(original, out) if out.size else (False, 0.0, 0.0)
            table[tool].setdefault((category, split), []).append(
                (exact, rgba, off_cells(original, out))
            )
            if tool == "dgx-pixels" and split == "tune":
                worst.append((rgba, name, out.shape[1::-1], original.shape[1::-1]))
            if args.save and split == "tune":
                args.save.mkdir(parents=True, exist_ok=True)
                Image.fromarray(image).save(args.save / f"{name.replace(' ', '_')}-in.png")
                Image.fromarray(out).save(args.save / f"{name.replace(' ', '_')}-{tool}.png")
    print("cells: exact size / RGBA accuracy / perfect, and outputs off by more than a cell")
    report(table, tools, keys)
    if times:
        print(f"dgx-pixels in-process: median {np.median(times):.3f} s, max {max(times):.3f} s")
    for rgba, name, got, want in sorted(worst)[: args.worst]:
        print(f"  {rgba:6.1%} {name}: got {got} want {want}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
