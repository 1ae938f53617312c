"""The trainer's files: checkpoints (LoRA weights, optimizer, step, random state) and
the finished LoRA, each written atomically — a trainer killed at any system call
leaves the previous file whole (tests/reliability proves it call by call)."""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_open, atomic_write_bytes
from dgx_pixels_app.core.errors import InvalidInputError, ModelError


def write_checkpoint(path: Path, state: dict) -> None:
    import torch

    with atomic_open(path) as stream:
        torch.save(state, stream)


def read_checkpoint(path: Path) -> dict:
    """The checkpoint's state; a missing or damaged one is one clear error, never a crash
    (``weights_only``: a checkpoint cannot run code)."""
    import torch

    if not path.is_file():
        raise InvalidInputError(f"Nothing to resume: '{path.name}' does not exist.")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many kinds on a damaged file
        raise ModelError(f"The checkpoint '{path.name}' cannot be read ({exc}).") from exc
    if not isinstance(state, dict) or not {"step", "lora", "optimizer", "generator"} <= set(state):
        raise ModelError(f"The checkpoint '{path.name}' is not a DGX-Pixels training checkpoint.")
    return state


def write_lora(path: Path, tensors: dict, metadata: dict[str, str]) -> None:
    from safetensors.torch import save

    atomic_write_bytes(
        path, save({k: v.contiguous() for k, v in tensors.items()}, metadata=metadata)
    )
