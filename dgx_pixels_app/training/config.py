"""What a training run is asked to do, and every check that needs no model: the
options, a writable output folder, an SDXL base (from headers), a checkpoint to resume."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError, OptionError


@dataclass
class TrainConfig:
    dataset: str
    output: str
    model: str
    rank: int = 16
    alpha: float = 16.0
    steps: int = 3000
    lr: float = 1e-4
    batch: int = 4
    resolution: int = 1024
    caption_template: str = "pixel art, {caption}"
    trigger: str = ""
    text_encoder: bool = False
    sample_every: int = 0
    sample_prompt: str = ""
    sample_steps: int = 20
    save_every: int = 500
    resume: bool = False
    overwrite: bool = False  # replace an earlier run's LoRA, loss log and checkpoint
    seed: int = 0
    device: str = "auto"
    min_snr_gamma: float = 5.0

    def check(self) -> None:
        problems = []
        if not 1 <= self.rank <= 256:
            problems.append(("rank", f"must be 1 to 256, not {self.rank}"))
        if not 1 <= self.steps <= 1_000_000:
            problems.append(("steps", f"must be 1 to 1000000, not {self.steps}"))
        if not 0 < self.lr < 1:
            problems.append(("lr", f"must be between 0 and 1, not {self.lr}"))
        if not 1 <= self.batch <= 64:
            problems.append(("batch", f"must be 1 to 64, not {self.batch}"))
        if self.resolution % 64 or not 128 <= self.resolution <= 2048:
            problems.append(
                ("resolution", f"must be a multiple of 64 from 128 to 2048, not {self.resolution}")
            )
        if self.save_every < 1:
            problems.append(("save_every", "must be at least 1"))
        if problems:
            raise OptionError(*problems[0], *problems[1:])
        out = Path(self.output).expanduser()
        if out.suffix.lower() != ".safetensors":
            raise InvalidInputError(f"The output must be a .safetensors file, not '{self.output}'.")
        if not out.parent.is_dir():
            raise InvalidInputError(f"The folder '{out.parent}' does not exist.")
        if out.is_dir():
            raise InvalidInputError(f"'{out}' is a folder: give a .safetensors file name.")
        _check_writable(out.parent)

    def preflight(self) -> None:
        """Everything that can be checked before any work starts (seconds, not minutes,
        and before a progress bar): the options, a writable output folder, an SDXL
        base (from its headers), and a checkpoint to resume from."""
        from dgx_pixels_app.engine.loader import check_model_path
        from dgx_pixels_app.engine.safety import check_sdxl

        self.check()
        model = Path(self.model).expanduser()
        check_model_path(model)
        check_sdxl(model)
        if self.resume and not self.checkpoint.is_file():
            raise InvalidInputError(
                f"Nothing to resume: '{self.checkpoint.name}' does not exist beside "
                f"'{Path(self.output).name}'. Start without resume."
            )
        earlier = self.earlier_run()
        if earlier and not self.resume and not self.overwrite:
            raise InvalidInputError(
                f"'{Path(self.output).name}' has an earlier run ({', '.join(p.name for p in earlier)}): "
                "pick another output name, continue it with resume, or replace it (--overwrite)."
            )

    def earlier_run(self) -> list[Path]:
        """What a new run here would replace: the LoRA, its loss log, its checkpoint."""
        out = Path(self.output).expanduser()
        return [p for p in (out, self.log, self.checkpoint, self.samples) if p.exists()]

    @property
    def checkpoint(self) -> Path:
        out = Path(self.output).expanduser()
        return out.with_name(out.stem + ".checkpoint.pt")

    @property
    def log(self) -> Path:
        out = Path(self.output).expanduser()
        return out.with_name(out.stem + ".train.jsonl")

    @property
    def samples(self) -> Path:
        out = Path(self.output).expanduser()
        return out.with_name(out.stem + "-samples")


def _check_writable(folder: Path) -> None:
    """Try it: permissions, a read-only file system or a full inode table all show."""
    import os
    import tempfile

    try:
        fd, name = tempfile.mkstemp(prefix=".dgx-pixels-check-", dir=folder)
    except OSError as exc:
        raise InvalidInputError(
            f"Cannot write in '{folder}' ({exc.strerror or exc}): choose another output."
        ) from exc
    os.close(fd)
    os.unlink(name)


def estimate_checkpoint_bytes(rank: int, text_encoder: bool) -> int:
    """About the size of one checkpoint (LoRA weights and two Adam moments) for SDXL."""
    unet = 2.6e6 * rank  # SDXL's attention LoRA parameters per unit of rank, roughly
    text = 0.2e6 * rank if text_encoder else 0
    return int((unet + text) * 4 * 3 * 1.1)
