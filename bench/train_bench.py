"""Trainer speed: our training step against a bare diffusers + peft loop on the same
model, images and batch (target: ours <= 1.10x the bare loop's time per step), and
the peak memory of each.

    python bench/train_bench.py [--model DIR] [--resolution 256] [--batch 2] [--rank 8] [--steps 20]

Without --model it builds the tiny random SDXL-shaped model. On a GPU give the real
SDXL base and --resolution 1024 --batch 4 --rank 16 for the DGX-Spark projection.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DGX_PIXELS_HOME", tempfile.mkdtemp(prefix="dgx-bench-home-"))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


def dataset(folder: Path, count: int = 8) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    palette = np.array([[20, 20, 30], [200, 60, 60], [60, 200, 90], [240, 220, 120]], np.uint8)
    for i in range(count):
        image = palette[rng.integers(0, 4, (32, 32))]
        Image.fromarray(image, "RGB").save(folder / f"s{i}.png")
    return folder


def peak() -> float:
    try:
        import torch

        if torch.cuda.is_available():
            return torch.cuda.max_memory_allocated() / 2**30
    except ImportError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def ours(args, folder: Path, out: Path) -> tuple[float, float]:
    from dgx_pixels_app.training.dataset import load_dataset
    from dgx_pixels_app.training.trainer import TrainConfig, Trainer

    config = TrainConfig(dataset=str(folder), output=str(out / "o.safetensors"), model=args.model,
                         rank=args.rank, alpha=args.rank, batch=args.batch, resolution=args.resolution)  # fmt: skip
    trainer = Trainer(config, load_dataset(folder, args.resolution))
    trainer.setup()
    for _ in range(3):
        trainer.train_step(trainer.sample_batch())
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        trainer.train_step(trainer.sample_batch())
        times.append(time.perf_counter() - start)
    return statistics.median(times), peak()


def bare(args, folder: Path) -> float:
    """The loop diffusers' own SDXL LoRA example runs, reduced to its core."""
    import torch
    from diffusers import DDPMScheduler, StableDiffusionXLPipeline
    from peft import LoraConfig

    from dgx_pixels_app.training.dataset import load_dataset

    pipe = StableDiffusionXLPipeline.from_pretrained(args.model, local_files_only=True)
    for m in (pipe.unet, pipe.vae, pipe.text_encoder, pipe.text_encoder_2):
        m.requires_grad_(False)
    pipe.unet.add_adapter(LoraConfig(r=args.rank, lora_alpha=args.rank, init_lora_weights="gaussian",
                                     target_modules=["to_q", "to_k", "to_v", "to_out.0"]))  # fmt: skip
    params = [p for p in pipe.unet.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4)
    scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    items = load_dataset(folder, args.resolution).items
    with torch.no_grad():
        pixels = torch.stack(
            [torch.from_numpy(i.image).permute(2, 0, 1).float() / 127.5 - 1 for i in items]
        )
        latents = pipe.vae.encode(pixels).latent_dist.mean * pipe.vae.config.scaling_factor
        encoded = [pipe.encode_prompt(prompt=i.caption, device=torch.device("cpu"), num_images_per_prompt=1,
                                      do_classifier_free_guidance=False) for i in items]  # fmt: skip
        embeds = torch.cat([e[0] for e in encoded])
        pooled = torch.cat([e[2] for e in encoded])
    r = args.resolution
    time_ids = torch.tensor([[r, r, 0, 0, r, r]] * args.batch, dtype=torch.float)

    def step():
        idx = torch.randint(0, len(items), (args.batch,))
        x = latents[idx]
        noise = torch.randn_like(x)
        t = torch.randint(0, 1000, (args.batch,))
        pred = pipe.unet(scheduler.add_noise(x, noise, t), t, encoder_hidden_states=embeds[idx],
                         added_cond_kwargs={"text_embeds": pooled[idx], "time_ids": time_ids}).sample  # fmt: skip
        loss = torch.nn.functional.mse_loss(pred, noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--resolution", type=int, default=256)
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.model is None:
            from dgx_pixels_app.engine.tiny import make_test_model

            args.model = str(make_test_model(tmp / "tiny")[0])
        folder = dataset(tmp / "refs")
        base = bare(args, folder)
        base_peak = peak()
        mine, mine_peak = ours(args, folder, tmp)
    print(f"{'loop':<34} {'s/step':>8} {'ratio':>8} {'peak memory':>12}")
    print(f"{'bare diffusers + peft':<34} {base:>8.3f} {'1.00x':>8} {base_peak:>10.2f} G")
    print(
        f"{'dgx-pixels trainer (min-SNR, clip)':<34} {mine:>8.3f} {mine / base:>7.2f}x {mine_peak:>10.2f} G"
    )
    print("(peak memory: the process's peak RSS on the CPU, torch's peak allocation on CUDA; "
          "the second row includes the first's)")  # fmt: skip


if __name__ == "__main__":
    main()
