"""Does training learn? A random-weight model cannot learn a style, but it can learn a
checkable property: every reference is drawn in one fixed 4-colour palette, and after
training, images generated with the LoRA should sit closer to that palette than
images generated without it (same prompts and seeds).

    python bench/train_eval.py [--steps 300] [--resolution 256]

Prints the mean distance of each generated pixel to the nearest palette colour (RGB,
0-441), without and with the LoRA, and the factor by which it fell.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DGX_PIXELS_HOME", tempfile.mkdtemp(prefix="dgx-bench-home-"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

PALETTE = np.array([[230, 40, 40], [40, 200, 60], [40, 60, 220], [245, 230, 60]], np.float32)


def make_references(folder: Path, count: int, size: int = 32) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for i in range(count):
        blocks = rng.integers(0, 4, (size // 4, size // 4))
        image = np.kron(blocks, np.ones((4, 4), int))  # chunky pixel-art blocks
        Image.fromarray(PALETTE[image].astype(np.uint8), "RGB").save(folder / f"ref{i:02d}.png")


def palette_distance(images: list[np.ndarray]) -> float:
    rgb = np.concatenate([im[..., :3].reshape(-1, 3).astype(np.float32) for im in images])
    return float(np.sqrt(((rgb[:, None, :] - PALETTE[None]) ** 2).sum(-1)).min(1).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--resolution", type=int, default=256)
    parser.add_argument("--images", type=int, default=8)
    args = parser.parse_args()
    from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.tiny import make_test_model
    from dgx_pixels_app.training.dataset import load_dataset
    from dgx_pixels_app.training.trainer import TrainConfig, Trainer

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = str(make_test_model(tmp / "tiny")[0])
        make_references(tmp / "refs", 16)
        config = TrainConfig(dataset=str(tmp / "refs"), output=str(tmp / "palette.safetensors"),
                             model=model, rank=8, alpha=8, steps=args.steps, lr=1e-3, batch=2,
                             resolution=args.resolution, save_every=args.steps, seed=0,
                             caption_template="pixel art, {caption}")  # fmt: skip
        trainer = Trainer(
            config, load_dataset(config.dataset, args.resolution, config.caption_template)
        )
        trainer.setup()
        trainer.run()
        engine = Engine()
        engine.load(model)
        side = args.resolution
        prompts = [GenerationRequest("pixel art, ref", seed=100 + i, steps=8, width=side, height=side)
                   for i in range(args.images)]  # fmt: skip
        without = [engine.generate(p).images[0] for p in prompts]
        lora = [LoraRef(config.output, 1.0)]
        with_lora = [
            engine.generate(GenerationRequest(**{**p.__dict__, "loras": lora})).images[0]
            for p in prompts
        ]
        refs = [np.array(Image.open(p)) for p in sorted((tmp / "refs").glob("*.png"))]
    before, after = palette_distance(without), palette_distance(with_lora)
    print(f"{'':<24} {'palette distance':>17}")
    print(f"{'references':<24} {palette_distance(refs):>17.1f}")
    print(f"{'generated, no LoRA':<24} {before:>17.1f}")
    print(f"{'generated, with LoRA':<24} {after:>17.1f}")
    print(f"fell by a factor of {before / max(after, 1e-9):.2f} after {args.steps} steps")


if __name__ == "__main__":
    main()
