"""Live previews with the tiny SDXL autoencoder (TAESD-XL), when the person has it.

TAESD-XL (madebyollin/taesdxl, a diffusers folder whose config names AutoencoderTiny)
decodes a latent in a few milliseconds on a GPU: each step's preview then shows the real
picture at full size instead of the 1/8-size colour sketch of the linear latent map.
It is a local file like any model (Model ▸ Download from Hugging Face…
madebyollin/taesdxl); nothing is downloaded for it. The final image is still decoded by the model's own VAE.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np


def find_tiny_decoder(folders: list[Path], max_depth: int = 4) -> Path | None:
    """The first diffusers AutoencoderTiny folder (TAESD-XL) in ``folders``."""
    for base in folders:
        if not base.is_dir():
            continue
        depth = len(base.parts)
        for root, dirs, names in os.walk(base):
            if len(Path(root).parts) - depth >= max_depth:
                dirs[:] = []
            if "config.json" in names and _is_tiny(Path(root) / "config.json"):
                return Path(root)
    return None


def _is_tiny(config: Path) -> bool:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("_class_name") == "AutoencoderTiny"


class TinyDecoder:
    """AutoencoderTiny on the model's device, decoding one latent to an RGB array."""

    def __init__(self, folder: Path, device, dtype) -> None:
        from diffusers import AutoencoderTiny

        self.vae = AutoencoderTiny.from_pretrained(folder, local_files_only=True,
                                                   use_safetensors=True)  # fmt: skip
        self.vae.to(device, dtype)
        self.folder = folder

    def __call__(self, latent) -> np.ndarray:
        import torch

        with torch.inference_mode():
            image = self.vae.decode(latent[None].to(self.vae.dtype)).sample[0]
        rgb = ((image.float().clamp(-1, 1) + 1) * 127.5).permute(1, 2, 0)
        return rgb.round().to(torch.uint8).cpu().numpy()
