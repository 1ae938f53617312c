"""Check model files before any loader touches them.

Only safetensors are loaded: pickle checkpoints (.ckpt, .pt, .pth, .bin) can run
arbitrary code when unpickled, so they are refused with an explanation. A
safetensors file's header is read and bounded, and its data offsets checked
against the file size, so a corrupt or truncated download is reported clearly
instead of failing deep inside torch.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from dgx_pixels_app.core.errors import ModelError
from dgx_pixels_app.core.files import access_error

PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin", ".pkl")
MAX_HEADER_BYTES = 100 * 1024 * 1024


def refuse_pickle(path: Path) -> None:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        raise ModelError(
            f"'{path.name}' is a pickle checkpoint ({path.suffix}). Loading it could run code hidden in the "
            "file, so DGX-Pixels only loads .safetensors. Look for a .safetensors version of this model, "
            "or convert it once in a sandbox you trust."
        )


def safetensors_header(path: Path) -> dict:
    """The parsed header of a ``.safetensors`` file, after checking it is whole."""
    path = Path(path)
    refuse_pickle(path)
    if path.suffix.lower() != ".safetensors":
        raise ModelError(f"'{path.name}' is not a .safetensors file.")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ModelError(f"'{path.name}' is empty or truncated (no safetensors header).")
            (length,) = struct.unpack("<Q", head)
            if length < 2 or length > MAX_HEADER_BYTES or 8 + length > size:
                raise ModelError(
                    f"'{path.name}' is corrupt or truncated (bad safetensors header size)."
                )
            raw = f.read(length)
    except OSError as exc:
        raise access_error(path, exc, ".safetensors file") from exc
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"'{path.name}' is corrupt: its safetensors header is not valid JSON."
        ) from exc
    if not isinstance(header, dict):
        raise ModelError(f"'{path.name}' is corrupt: unexpected safetensors header.")
    end = 0
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            end = max(end, int(info["data_offsets"][1]))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(
                f"'{path.name}' is corrupt: tensor '{name}' has no valid offsets."
            ) from exc
    if 8 + length + end > size:
        missing = 8 + length + end - size
        raise ModelError(
            f"'{path.name}' is truncated: {missing:,} bytes are missing. The download probably stopped "
            "early; download it again."
        )
    return header


def tensor_names(path: Path) -> list[str]:
    return [k for k in safetensors_header(path) if k != "__metadata__"]


def check_diffusers_folder(folder: Path) -> None:
    """A diffusers model folder whose weights are all safetensors and whole."""
    if not (folder / "model_index.json").is_file():
        raise ModelError(
            f"'{folder}' is not a diffusers model folder (it has no model_index.json)."
        )
    for component in ("unet", "vae", "text_encoder", "text_encoder_2"):
        sub = folder / component
        if not sub.is_dir():
            raise ModelError(
                f"'{folder.name}' is missing its {component}/ folder: is it an SDXL model?"
            )
        weights = sorted(sub.glob("*.safetensors"))
        if not weights:
            pickles = [p.name for p in sub.iterdir() if p.suffix.lower() in PICKLE_SUFFIXES]
            if pickles:
                refuse_pickle(sub / pickles[0])
            raise ModelError(f"'{folder.name}/{component}' has no .safetensors weights.")
        for weight in weights:
            if weight.name.endswith(".index.json"):
                continue
            safetensors_header(weight)


def check_sdxl(path: Path) -> None:
    """Refuse a model that is not SDXL, from its files' headers only (no weights read):
    a check that costs milliseconds, for commands that would otherwise load first."""
    path = Path(path).expanduser()
    name = path.name
    if path.is_dir():
        try:
            config = json.loads((path / "unet" / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"'{name}' has no readable unet/config.json: is it SDXL?") from exc
        sdxl = isinstance(config, dict) and config.get("addition_embed_type") == "text_time"
    else:
        keys = tensor_names(path)
        sdxl = any(
            k.startswith(("conditioner.embedders.1.", "model.diffusion_model.label_emb."))
            for k in keys
        )
    if not sdxl:
        raise ModelError(f"'{name}' is not an SDXL model: LoRA training needs SDXL.")
