"""The trainer's files: checkpoints (LoRA weights, optimizer, step, random state) and
the finished LoRA, each written atomically — a trainer killed at any system call
leaves the previous file whole (tests/reliability proves it call by call)."""

from __future__ import annotations

import json
import struct
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

    data = save({k: v.contiguous() for k, v in tensors.items()}, metadata=metadata)
    atomic_write_bytes(path, canonical_header(data))


def canonical_header(data: bytes) -> bytes:
    """safetensors writes its metadata in hash-map order, which changes from process to
    process: the same LoRA would get another SHA-256 each time (and provenance records
    hashes). The header re-written with sorted keys has the same length, so every
    offset stays valid."""
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    text = json.dumps(header, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    if len(text) > length:  # the same content in another order: cannot happen
        raise ValueError("safetensors wrote a header DGX-Pixels cannot reorder")
    return data[:8] + text.ljust(length, b" ") + data[8 + length :]
