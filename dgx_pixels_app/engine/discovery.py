"""Where models live: the app's models folder, the Hugging Face cache and folders
the user adds (ComfyUI's ``models/``, A1111's ``models/Stable-diffusion``).

Pure file-system scanning: no torch, no network.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app import settings as app_settings

MODEL_SUFFIXES = (".safetensors",)
PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")


@dataclass
class ModelFolder:
    path: Path
    source: str  # "app", "huggingface", "user"
    exists: bool
    files: int  # .safetensors files found (checkpoints and LoRAs)
    diffusers_models: int  # folders with a model_index.json


def huggingface_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "huggingface"
    )
    return Path(home) / "hub"


def model_folders(user_folders: list[str] | None = None) -> list[ModelFolder]:
    if user_folders is None:
        user_folders = app_settings.load_settings().model_folders
    candidates = [(app_settings.models_dir(), "app"), (huggingface_cache(), "huggingface")]
    candidates += [(Path(p).expanduser(), "user") for p in user_folders]
    return [_scan(path, source) for path, source in candidates]


def _scan(path: Path, source: str, max_depth: int = 4) -> ModelFolder:
    if not path.is_dir():
        return ModelFolder(path, source, False, 0, 0)
    files = diffusers = 0
    base_depth = len(path.parts)
    for root, dirs, names in os.walk(path):
        if len(Path(root).parts) - base_depth >= max_depth:
            dirs[:] = []
        files += sum(1 for n in names if n.endswith(MODEL_SUFFIXES))
        diffusers += "model_index.json" in names
    return ModelFolder(path, source, True, files, diffusers)


@dataclass
class FoundModel:
    path: Path
    name: str
    source: str
    kind: str  # "diffusers" or "checkpoint"


def find_checkpoints(user_folders: list[str] | None = None, max_depth: int = 4) -> list[FoundModel]:
    """SDXL models in the known folders: diffusers folders and single-file checkpoints.

    A ``.safetensors`` file counts as a checkpoint when its header names UNet weights
    (``model.diffusion_model.*``); LoRAs and VAEs are left out. Only headers are read.
    """
    from dgx_pixels_app.core.errors import DgxPixelsError
    from dgx_pixels_app.engine.safety import tensor_names

    found: list[FoundModel] = []
    for folder in model_folders(user_folders):
        if not folder.exists:
            continue
        base_depth = len(folder.path.parts)
        for root, dirs, names in os.walk(folder.path):
            root_path = Path(root)
            if "model_index.json" in names:
                label = (
                    root_path.parent.parent.name
                    if root_path.parent.name == "snapshots"
                    else root_path.name
                )
                found.append(FoundModel(root_path, label, folder.source, "diffusers"))
                dirs[:] = []
                continue
            if len(root_path.parts) - base_depth >= max_depth:
                dirs[:] = []
            for name in names:
                if not name.endswith(".safetensors"):
                    continue
                path = root_path / name
                try:
                    if path.stat().st_size < 500 * 2**20:
                        continue
                    keys = tensor_names(path)
                except (OSError, DgxPixelsError):
                    continue
                if any(k.startswith("model.diffusion_model.") for k in keys[:2000]):
                    found.append(FoundModel(path, path.stem, folder.source, "checkpoint"))
    return found


def find_loras(
    user_folders: list[str] | None = None, extra: list[Path] = (), max_depth: int = 4
) -> list[FoundModel]:
    """LoRA files (``.safetensors`` whose tensor names say LoRA) in the known folders.
    Only headers are read; files over 2 GB are checkpoints, not LoRAs."""
    from dgx_pixels_app.core.errors import DgxPixelsError
    from dgx_pixels_app.engine.safety import tensor_names

    folders = [(f.path, f.source) for f in model_folders(user_folders) if f.exists]
    folders += [(Path(p), "project") for p in extra if Path(p).is_dir()]
    found: list[FoundModel] = []
    seen: set[Path] = set()
    for base, source in folders:
        base_depth = len(base.parts)
        for root, dirs, names in os.walk(base):
            root_path = Path(root)
            if len(root_path.parts) - base_depth >= max_depth:
                dirs[:] = []
            for name in names:
                path = root_path / name
                if not name.endswith(".safetensors"):
                    continue
                try:  # a link loop, a pipe or a device is not a LoRA (and must not hang)
                    real = path.resolve(strict=True)
                    info = real.stat()
                    if real in seen or not stat.S_ISREG(info.st_mode) or info.st_size > 2 * 2**30:
                        continue
                    keys = tensor_names(real)
                except (OSError, RuntimeError, DgxPixelsError):
                    continue
                if any("lora" in k.lower() for k in keys[:200]):
                    seen.add(real)
                    found.append(FoundModel(path, path.stem, source, "lora"))
    return found
