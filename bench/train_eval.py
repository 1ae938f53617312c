"""Does training learn? A random-weight model cannot learn a style, but it can learn a
checkable property. Every reference here is dominated by one colour (a saturated red,
with a few details from a small palette). The random VAE cannot draw that red exactly,
so the target is what the model *can* draw: the references passed through the VAE and
back. After training, images generated with the LoRA should be closer in mean colour
to that target than images generated without it (same prompts, same seeds).

    python bench/train_eval.py [--steps 400] [--resolution 128]
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

DETAILS = np.array([[40, 200, 60], [40, 60, 220], [245, 230, 60]], np.uint8)
DOMINANT = np.array([230, 30, 30], np.uint8)


def make_references(folder: Path, count: int, size: int = 32) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for i in range(count):
        image = np.empty((size, size, 3), np.uint8)
        image[:] = DOMINANT
        spots = rng.random((size // 4, size // 4)) < 0.2
        colors = DETAILS[rng.integers(0, 3, (size // 4, size // 4))]
        block = np.kron(spots, np.ones((4, 4), bool))
        image[block] = np.kron(colors, np.ones((4, 4, 1), np.uint8))[block]
        Image.fromarray(image, "RGB").save(folder / f"ref{i:02d}.png")


def mean_colour(images) -> np.ndarray:
    return np.mean([im[..., :3].reshape(-1, 3).mean(0) for im in images], axis=0)


def round_trip(model: str, items) -> list[np.ndarray]:
    import torch

    from dgx_pixels_app.engine.loader import load_model

    pipe = load_model(model).pipe
    out = []
    with torch.no_grad():
        for item in items:
            x = torch.from_numpy(item.image).permute(2, 0, 1)[None].float() / 127.5 - 1
            z = pipe.vae.encode(x).latent_dist.mean
            y = pipe.vae.decode(z).sample[0].permute(1, 2, 0).numpy()
            out.append(np.clip((y + 1) * 127.5, 0, 255))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--resolution", type=int, default=128)
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
        config = TrainConfig(dataset=str(tmp / "refs"), output=str(tmp / "red.safetensors"),
                             model=model, rank=8, alpha=8, steps=args.steps, lr=1e-3, batch=2,
                             resolution=args.resolution, save_every=args.steps, seed=0)  # fmt: skip
        data = load_dataset(config.dataset, args.resolution, config.caption_template)
        target = mean_colour(round_trip(model, data.items))
        trainer = Trainer(config, data)
        trainer.setup()
        trainer.run()
        engine = Engine()
        engine.load(model)
        side = args.resolution
        prompts = [GenerationRequest("pixel art, ref", seed=100 + i, steps=12, width=side, height=side)
                   for i in range(args.images)]  # fmt: skip
        without = [engine.generate(p).images[0] for p in prompts]
        lora = [LoraRef(config.output, 1.0)]
        with_lora = [
            engine.generate(GenerationRequest(**{**p.__dict__, "loras": lora})).images[0]
            for p in prompts
        ]
    before = float(np.linalg.norm(mean_colour(without) - target))
    after = float(np.linalg.norm(mean_colour(with_lora) - target))
    print(f"target mean colour (references through the VAE): {np.round(target, 1)}")
    print(f"{'':<24} {'mean colour':>20} {'distance to target':>19}")
    print(
        f"{'generated, no LoRA':<24} {str(np.round(mean_colour(without), 1)):>20} {before:>19.1f}"
    )
    print(
        f"{'generated, with LoRA':<24} {str(np.round(mean_colour(with_lora), 1)):>20} {after:>19.1f}"
    )
    print(f"distance fell by a factor of {before / max(after, 1e-9):.2f} after {args.steps} steps")


if __name__ == "__main__":
    main()
