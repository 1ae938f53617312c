"""Does training learn? A random-weight model cannot learn a pixel-art style, but it can
learn a measurable one: every reference here is dominated by one colour (a saturated
red, with a few details from a small palette). After training, the model's denoising
error (the training objective, at fixed noise and timesteps) should fall on *new*
images in that style, held out of training, and much less on images in another style
(blue-dominated): the LoRA learned the style, not just its training images.

    python bench/train_eval.py [--steps 300] [--resolution 128]
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


def make_noise(folder: Path, count: int, seed: int, size: int = 32) -> Path:
    """Another "style": every pixel a random colour (no flat areas, no blocks)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8), "RGB").save(
            folder / f"n{i:02d}.png"
        )
    return folder


def make_images(folder: Path, count: int, dominant, seed: int, size: int = 32) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        image = np.empty((size, size, 3), np.uint8)
        image[:] = dominant
        spots = np.kron(rng.random((size // 4, size // 4)) < 0.2, np.ones((4, 4), bool))
        colors = np.kron(
            DETAILS[rng.integers(0, 3, (size // 4, size // 4))], np.ones((4, 4, 1), np.uint8)
        )
        image[spots] = colors[spots]
        Image.fromarray(image, "RGB").save(folder / f"img{i:02d}.png")
    return folder


def eval_loss(trainer, dataset, lora: bool, samples: int = 64) -> float:
    """Mean min-SNR-weighted denoising loss over fixed noise and timesteps."""
    import torch

    unet = trainer.pipe.unet
    unet.enable_adapters() if lora else unet.disable_adapters()
    gen = torch.Generator().manual_seed(1234)
    losses = []
    with torch.no_grad():
        for n in range(samples):
            item = dataset.items[n % len(dataset.items)]
            pixels = torch.from_numpy(item.image).permute(2, 0, 1)[None].float() / 127.5 - 1
            latent = (
                trainer.pipe.vae.encode(pixels).latent_dist.mean
                * trainer.pipe.vae.config.scaling_factor
            )
            noise = torch.randn(latent.shape, generator=gen)
            t = torch.randint(0, 1000, (1,), generator=gen)
            embeds, pooled = trainer._embed([item.caption])
            h, w = item.bucket
            pred = unet(trainer.scheduler.add_noise(latent, noise, t), t, encoder_hidden_states=embeds,
                        added_cond_kwargs={"text_embeds": pooled,
                                           "time_ids": torch.tensor([[h, w, 0, 0, h, w]], dtype=torch.float)}).sample  # fmt: skip
            snr = trainer.alphas[t] / (1 - trainer.alphas[t])
            losses.append(float(((pred - noise) ** 2).mean() * torch.clamp(snr, max=5.0) / snr))
    unet.enable_adapters()
    return float(np.mean(losses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--resolution", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    args = parser.parse_args()
    from dgx_pixels_app.engine.tiny import make_test_model
    from dgx_pixels_app.training.dataset import load_dataset
    from dgx_pixels_app.training.trainer import TrainConfig, Trainer

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = str(make_test_model(tmp / "tiny")[0])
        red = (230, 30, 30)
        train = make_images(tmp / "train", 16, red, seed=1)
        held_out = load_dataset(
            make_images(tmp / "held", 8, red, seed=2), args.resolution, "pixel art, {caption}"
        )
        other = load_dataset(
            make_noise(tmp / "other", 8, seed=3), args.resolution, "pixel art, {caption}"
        )
        config = TrainConfig(dataset=str(train), output=str(tmp / "red.safetensors"), model=model,
                             rank=8, alpha=8, steps=args.steps, lr=args.lr, batch=2,
                             resolution=args.resolution, save_every=args.steps, seed=0,
                             caption_template="pixel art, {caption}")  # fmt: skip
        trainer = Trainer(config, load_dataset(train, args.resolution, "pixel art, {caption}"))
        trainer.setup()
        before = {name: eval_loss(trainer, data, lora=True) for name, data in
                  (("held-out, same style", held_out), ("other style (noise)", other))}  # fmt: skip
        trainer.run()
        after = {name: eval_loss(trainer, data, lora=True) for name, data in
                 (("held-out, same style", held_out), ("other style (noise)", other))}  # fmt: skip
    print(
        f"{'denoising loss on':<24} {'before':>8} {'after':>8} {'change':>8}   ({args.steps} steps)"
    )
    for name in before:
        print(
            f"{name:<24} {before[name]:>8.4f} {after[name]:>8.4f} {after[name] / before[name] - 1:>+8.1%}"
        )


if __name__ == "__main__":
    main()
