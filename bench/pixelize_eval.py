"""Pixelize evaluation: ours against unfake, proper-pixel-art and ai2pixelart, one run.

    bash bench/fetch_pixelize_assets.sh
    python3 -m venv bench/out/peers && bench/out/peers/bin/pip install -r bench/requirements-peers.txt
    PYTHONPATH=. bench/out/peers/bin/python bench/pixelize_eval.py

Sprites cut from pyxel's urban_rpg.png (MIT; magenta is its transparent key) are
degraded like SDXL output (bench/degrade.py) and converted back by each tool.
Reports, per tool: exact output size rate, RGBA accuracy (alpha right and colour
within 24 per channel, over all pixels of the original), colour accuracy on the
original's opaque pixels, and seconds per image (in-process, from a decoded array).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import degrade  # noqa: E402

from dgx_pixels_app.pixelize.pipeline import pixelize  # noqa: E402

# (x, y, w, h) regions of urban_rpg.png holding sprites on the magenta key: each has
# at least 60 % transparent border, as a sprite in an SDXL image has background around it
CROPS = [
    (368, 0, 64, 64), (368, 104, 64, 48), (368, 200, 64, 96), (256, 136, 80, 96),
    (336, 136, 40, 96), (0, 104, 128, 32), (240, 240, 32, 56), (272, 240, 80, 56),
    (48, 152, 72, 40), (128, 152, 48, 48), (256, 184, 96, 48), (80, 136, 48, 32),
    (368, 0, 16, 16), (384, 16, 16, 16), (368, 0, 64, 128),  # a tiny sprite (cells ~60 px) and a tall sheet (~8 px)
]  # fmt: skip
TOLERANCE = 24


def load_sprites(assets: Path) -> list[np.ndarray]:
    sheet = np.asarray(Image.open(assets / "urban_rpg.png").convert("RGBA")).copy()
    key = (sheet[..., 0] == 255) & (sheet[..., 1] == 0) & (sheet[..., 2] == 255)
    sheet[key] = 0
    return [sheet[y : y + h, x : x + w].copy() for x, y, w, h in CROPS]


def ours(image: np.ndarray) -> np.ndarray:
    return pixelize(image).image


def peer_unfake(image: np.ndarray, transparent: bool = True) -> np.ndarray:
    import unfake

    result = unfake.process_image_sync(Image.fromarray(image), transparent_background=transparent)
    return np.asarray(result["image"].convert("RGBA"))


def peer_ppa(image: np.ndarray, transparent: bool = True) -> np.ndarray:
    import proper_pixel_art as ppa

    config = ppa.PixelateConfig(transparent_background=transparent)
    return np.asarray(ppa.pixelate(Image.fromarray(image), config).image.convert("RGBA"))


def peer_ai2pixelart(image: np.ndarray) -> np.ndarray:
    import ai2pixelart

    rgb = ai2pixelart.clean(np.ascontiguousarray(image[..., :3])).image
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])  # it has no transparency


TOOLS = {
    "dgx-pixels": ours,
    "unfake": peer_unfake,
    "proper-pixel-art": peer_ppa,
    "ai2pixelart": peer_ai2pixelart,
}


def score(original: np.ndarray, out: np.ndarray) -> tuple[bool, float, float]:
    exact = out.shape[:2] == original.shape[:2]
    if not exact:  # compare what a game would show: the output stretched to the sprite's size
        out = np.asarray(
            Image.fromarray(out).resize(original.shape[1::-1], Image.Resampling.NEAREST)
        )
    o, r = original.astype(int), out.astype(int)
    alpha_o, alpha_r = o[..., 3] >= 128, r[..., 3] >= 128
    colour_ok = np.abs(o[..., :3] - r[..., :3]).max(-1) <= TOLERANCE
    rgba_ok = (alpha_o == alpha_r) & (~alpha_o | colour_ok)
    opaque_ok = colour_ok[alpha_o].mean() if alpha_o.any() else 1.0
    return exact, float(rgba_ok.mean()), float(opaque_ok)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=Path, default=Path(__file__).parent / "out" / "assets")
    parser.add_argument("--seeds", type=int, default=2, help="degraded versions per sprite")
    parser.add_argument("--save", type=Path, help="folder to write every input and output PNG")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    sprites = load_sprites(args.assets)
    cases = [
        (i, s, sprite, degrade(sprite, seed=1000 * i + s))
        for i, sprite in enumerate(sprites)
        for s in range(args.seeds)
    ]
    rows = []
    for name, tool in TOOLS.items():
        results, times, failures = [], [], 0
        for i, s, sprite, image in cases:
            start = time.perf_counter()
            try:
                out = tool(image)
            except ImportError:
                results = None
                break
            except Exception:  # a peer that crashes on an input scores zero on it
                failures += 1
                out = np.zeros((1, 1, 4), np.uint8)
            times.append(time.perf_counter() - start)
            results.append(score(sprite, out))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                Image.fromarray(image).save(args.save / f"{i:02d}-{s}-input.png")
                Image.fromarray(out).save(args.save / f"{i:02d}-{s}-{name}.png")
        if results is None:
            rows.append((name, None))
            continue
        exact = np.mean([r[0] for r in results])
        rgba = np.mean([r[1] for r in results])
        colour = np.mean([r[2] for r in results])
        rows.append((name, (exact, rgba, colour, np.median(times), failures)))
    print(
        f"{len(cases)} images ({len(sprites)} sprites x {args.seeds} degradations), tolerance {TOLERANCE}/255"
    )
    print(
        f"{'tool':<18}{'exact size':>11}{'RGBA acc.':>11}{'colour acc.':>13}{'s/image':>10}{'crashes':>9}"
    )
    for name, row in rows:
        if row is None:
            print(f"{name:<18}  (not installed: see bench/requirements-peers.txt)")
            continue
        exact, rgba, colour, seconds, failures = row
        print(f"{name:<18}{exact:>10.0%}{rgba:>11.1%}{colour:>13.1%}{seconds:>10.3f}{failures:>9}")
    print_command_timing(cases)
    return 0


def print_command_timing(cases, runs: int = 5) -> None:
    """The whole `dgx-pixels pixelize` command on 1024 px inputs: start-up, decode,
    pixelize, encode, as a user runs it (target: 0.25 s), and the floor under it: a
    Python that only imports numpy and Pillow."""
    import compileall
    import os
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parents[1]
    # An installed wheel has its bytecode compiled by pip; a shell with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module on every run.
    compileall.compile_dir(root / "dgx_pixels_app", quiet=1)
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        big = [c for c in cases if max(c[3].shape[:2]) >= 1000][:runs]
        times = []
        for n, (_i, _s, _sprite, image) in enumerate(big):
            src = Path(tmp) / f"in{n}.png"
            Image.fromarray(image).save(src)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "dgx_pixels_app", "pixelize", str(src), "-o", str(Path(tmp) / "o.png"), "-q"],
                check=True, cwd=root, env=env,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dgx_pixels_app", "pixelize",
             *[str(Path(tmp) / f"in{n}.png") for n in range(len(big))],
             "-o", str(Path(tmp) / "many") + "/", "-q"],
            check=True, cwd=root, env=env,
        )  # fmt: skip
        batch = (time.perf_counter() - start) / max(1, len(big))
        empty = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare = time.perf_counter() - empty
        floors = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import numpy, PIL.Image"], check=True)
            floors.append(time.perf_counter() - start)
    print(
        f"whole command `dgx-pixels pixelize` on {len(times)} images of ~1024 px: median "
        f"{np.median(times):.3f} s, max {max(times):.3f} s (a bare Python start here: {bare:.3f} s, "
        f"one importing numpy and Pillow: {np.median(floors):.3f} s); all {len(big)} in one "
        f"command: {batch:.3f} s per image"
    )


if __name__ == "__main__":
    raise SystemExit(main())
