"""The Sprite menu's operations on a whole sprite, as the app runs them (every cel,
one command): 8 layers × 8 frames of random opaque-and-transparent pixels at 256² and
1024², each as a ratio to a plain numpy pass over the same pixels in the same run
(``np.where`` of every cel against its alpha, written to a new array).

    python bench/touchup_bench.py [--sizes 256,1024] [--repeat 3]

The operations run their cels on every core (``core/parallel.py``), as the app does;
the baseline is one thread. "push + undo" is the part the UI thread does: writing the
changed pixels into the cels and back. RotSprite scales each cel 8× before turning it;
its every-cel rows are one run: random pixels over the whole canvas (the worst case:
Scale2x everywhere), and a sprite amid clear pixels, as sprites are (RotSprite works on
the content and what it can reach). Numbers are medians of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from dgx_pixels_app.core.canvas_ops import canvas_size_command, trim_command  # noqa: E402
from dgx_pixels_app.core.document import Cel, Frame, Layer, Sprite  # noqa: E402
from dgx_pixels_app.core.frame_commands import InsertFrame  # noqa: E402
from dgx_pixels_app.core.layer_commands import InsertLayer  # noqa: E402
from dgx_pixels_app.core.rotsprite import rotate  # noqa: E402
from dgx_pixels_app.core.sprite_ops import (  # noqa: E402
    brightness_contrast,
    hue_saturation,
    outline,
    pixels_command,
    replace_color,
    targets,
)


def make(size: int, layers: int = 8, frames: int = 8) -> Sprite:
    rng = np.random.default_rng(0)
    sprite = Sprite.new(size, size)
    for i in range(layers - 1):
        InsertLayer(len(sprite.layers), Layer(f"Layer {i + 2}")).apply(sprite)
    for _ in range(frames - 1):
        InsertFrame(len(sprite.frames), Frame()).apply(sprite)
    palette = rng.integers(0, 256, (16, 4), dtype=np.uint8)
    palette[:, 3] = 255
    for layer in sprite.layers:
        for frame in sprite.frames:
            image = palette[rng.integers(0, 16, (size, size))]
            image[rng.random((size, size)) < 0.4] = 0  # transparent holes: edges to outline
            sprite.cels[(layer.id, frame.id)] = Cel(image)
    return sprite


def _centred(image: np.ndarray) -> np.ndarray:
    """The image's middle quarter-side block on a clear canvas of the same size."""
    h, w = image.shape[:2]
    out = np.zeros_like(image)
    out[h * 3 // 8 : h * 5 // 8, w * 3 // 8 : w * 5 // 8] = image[h * 3 // 8 : h * 5 // 8,
                                                               w * 3 // 8 : w * 5 // 8]  # fmt: skip
    return out


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rows(sprite: Sprite, repeat: int) -> list[tuple[str, float]]:
    keys = targets(sprite, "all", sprite.layers[0].id, sprite.frames[0].id)
    color = tuple(int(v) for v in sprite.cels[keys[0]].image[0, 0])
    ops = {
        "outline": lambda im: outline(im, (0, 0, 0, 255)),
        "replace colour": lambda im: replace_color(im, color, (1, 2, 3, 255), 8),
        "hue/saturation": lambda im: hue_saturation(im, 40, 10, 5),
        "brightness/contrast": lambda im: brightness_contrast(im, 10, 20),
    }
    out = [("baseline (np.where, every cel)", timed(
        lambda: [np.where((sprite.cels[k].image[..., 3] > 0)[..., None], sprite.cels[k].image, 0)
                 for k in keys], repeat))]  # fmt: skip
    for name, fn in ops.items():
        out.append((name, timed(lambda fn=fn, n=name: pixels_command(sprite, keys, fn, n), repeat)))
    out.append(("canvas size (+16 px)", timed(
        lambda: canvas_size_command(sprite, sprite.width + 16, sprite.height + 16), repeat)))  # fmt: skip
    out.append(("trim", timed(lambda: trim_command(sprite), repeat)))
    one = sprite.cels[keys[0]].image
    out.append(("rotate 30° RotSprite (one cel)", timed(lambda: rotate(one, 30), repeat)))
    out.append(("rotate 30° RotSprite (every cel)", timed(
        lambda: pixels_command(sprite, keys, lambda im: rotate(im, 30), "Rotate"), 1)))  # fmt: skip
    framed = sprite.snapshot()  # a sprite amid clear pixels, as sprites are
    for cel in framed.cels.values():
        cel.image[...] = _centred(cel.image)
    out.append(("rotate 30° (every cel, content ¼ of the side)", timed(
        lambda: pixels_command(framed, keys, lambda im: rotate(im, 30), "Rotate"), 1)))  # fmt: skip
    outline_command = pixels_command(sprite, keys, ops["outline"], "Outline")
    out.append(("outline: push + undo (UI thread)", timed(
        lambda: (outline_command.apply(sprite), outline_command.revert(sprite)), repeat)))  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="256,1024")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'operation':34} {'size':>6} {'seconds':>9} {'× baseline':>11}")
    for size in (int(s) for s in args.sizes.split(",")):
        sprite = make(size)
        measured = rows(sprite, args.repeat)
        base = measured[0][1]
        for name, seconds in measured:
            print(f"{name:34} {size:>5}² {seconds:>9.3f} {seconds / base:>10.1f}×")


if __name__ == "__main__":
    main()
