"""``dgx-pixels train-lora DATASET -o STYLE.safetensors``: a style LoRA from references."""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
from pathlib import Path

from dgx_pixels_app.cli.common import resolve_model


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train-lora",
        help="train a style LoRA on SDXL from a folder of reference sprites",
        description="DATASET_DIR: PNG/JPEG/WebP/.aseprite references with optional same-name "
        ".txt captions. Writes the LoRA (kohya key layout, loads in ComfyUI, A1111 and "
        "DGX-Pixels), NAME.train.jsonl (every step's loss), NAME.checkpoint.pt and samples.",
    )
    p.add_argument("dataset", metavar="DATASET_DIR")
    p.add_argument("-o", "--output", required=True, help="the LoRA to write (.safetensors)")
    p.add_argument("--model", help="the SDXL base (default: as `generate`)")
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--alpha", type=float, default=16.0)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--resolution", type=int, default=1024)
    p.add_argument("--caption-template", default="pixel art, {caption}")
    p.add_argument("--trigger", default="", help="a trigger word put in front of every caption")
    p.add_argument("--text-encoder", action="store_true", help="also train the text encoders")
    p.add_argument("--sample-every", type=int, default=0, help="save a sample image every N steps")
    p.add_argument("--sample-prompt", default="")
    p.add_argument("--sample-steps", type=int, default=20)
    p.add_argument("--save-every", type=int, default=500, help="checkpoint every N steps")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.add_argument("--overwrite", action="store_true",
                   help="replace an earlier run's LoRA, loss log and checkpoint at -o")  # fmt: skip
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto")
    p.add_argument(
        "--json-progress", action="store_true", help="JSON lines on stdout (for the app)"
    )
    p.add_argument("--die-with-parent", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=run)


def _die_with_parent() -> None:
    """The app's trainer must not outlive a killed app (Linux: PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def run(args: argparse.Namespace) -> int:
    from dgx_pixels_app.core.errors import CancelledError, InvalidInputError
    from dgx_pixels_app.training.config import estimate_checkpoint_bytes
    from dgx_pixels_app.training.dataset import load_dataset
    from dgx_pixels_app.training.trainer import TrainConfig, Trainer

    if args.die_with_parent:
        _die_with_parent()
    config = TrainConfig(
        dataset=args.dataset, output=args.output, model=resolve_model(args.model), rank=args.rank,
        alpha=args.alpha, steps=args.steps, lr=args.lr, batch=args.batch, resolution=args.resolution,
        caption_template=args.caption_template, trigger=args.trigger, text_encoder=args.text_encoder,
        sample_every=args.sample_every, sample_prompt=args.sample_prompt, sample_steps=args.sample_steps,
        save_every=args.save_every, resume=args.resume, seed=args.seed, device=args.device,
        overwrite=args.overwrite,
    )  # fmt: skip
    config.preflight()
    out = Path(config.output).expanduser()
    free = shutil.disk_usage(out.parent).free
    need = estimate_checkpoint_bytes(config.rank, config.text_encoder) * 2
    if free < need:
        raise InvalidInputError(
            f"Not enough disk space for checkpoints in '{out.parent}': {free / 2**20:.0f} MB free, "
            f"about {need / 2**20:.0f} MB needed."
        )
    dataset = load_dataset(
        config.dataset, config.resolution, config.caption_template, config.trigger
    )
    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))  # pause: checkpoint, exit

    def emit(event: dict) -> None:
        if args.json_progress:
            print(json.dumps(event), flush=True)

    emit({"kind": "summary", "text": dataset.summary(), "images": len(dataset.items),
          "skipped": dataset.skipped})  # fmt: skip
    if not args.json_progress:
        print(dataset.summary(), file=sys.stderr)
    bar = None
    if not args.json_progress:
        from tqdm import tqdm

        bar = tqdm(
            total=config.steps, unit="step", file=sys.stderr, dynamic_ncols=True, desc="train"
        )

    def report(event: dict) -> None:
        emit(event)
        if bar is None:
            return
        if event["kind"] == "resumed":
            bar.n = event["step"]
            bar.write(f"resuming from {config.checkpoint.name} at step {event['step']} of "
                      f"{config.steps}")  # fmt: skip
            bar.refresh()
        elif event["kind"] == "step":
            bar.update(event["step"] - bar.n)
            bar.set_postfix_str(f"loss {event['smoothed']:.4f}")
        elif event["kind"] == "sample":
            bar.write(f"sample: {event['path']}")

    trainer = Trainer(config, dataset, report, lambda: stopping["now"])
    try:
        trainer.setup()
        path = trainer.run()
    except CancelledError as exc:
        emit({"kind": "stopped", "step": trainer.step, "message": str(exc)})
        print(f"dgx-pixels: {exc} The same command with --resume continues it.", file=sys.stderr)
        return 3
    finally:
        if bar is not None:
            bar.close()
    print(f"wrote {path} ({trainer.step} steps); log {config.log}", file=sys.stderr)
    return 0
