"""What ``dgx-pixels info`` and Help > About report: versions, device, memory, models."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from dgx_pixels_app import __version__
from dgx_pixels_app.engine.discovery import model_folders

PACKAGES = (
    "torch",
    "diffusers",
    "transformers",
    "peft",
    "safetensors",
    "PySide6-Essentials",
    "numpy",
    "Pillow",
)


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def system_memory() -> tuple[int, int] | None:
    """(total, available) bytes from /proc/meminfo, or None where unavailable."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            values = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in f if ":" in line}
        return values["MemTotal"], values.get("MemAvailable", values["MemTotal"])
    except (OSError, KeyError, ValueError, IndexError):
        return None


def probe_device() -> dict[str, str]:
    """Ask torch which accelerator is present (imports torch: slow, so only on demand)."""
    try:
        import torch
    except ImportError:
        return {"device": "unavailable (torch is not installed)"}
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        free, total = torch.cuda.mem_get_info(0)
        bf16 = "yes" if torch.cuda.is_bf16_supported() else "no"
        return {
            "device": f"CUDA: {props.name} (compute {props.major}.{props.minor}), CUDA {torch.version.cuda}",
            "device memory": f"{free / 2**30:.1f} GiB free of {total / 2**30:.1f} GiB",
            "bf16": bf16,
        }
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return {"device": "MPS (Apple GPU)"}
    return {"device": f"CPU ({torch.get_num_threads()} threads); no CUDA device found"}


def collect_info(probe_device: bool = True) -> dict[str, object]:
    info: dict[str, object] = {
        "dgx-pixels": __version__,
        "python": f"{sys.version.split()[0]} ({platform.machine()}, {platform.system()})",
    }
    for name in PACKAGES:
        info[name] = package_version(name)
    memory = system_memory()
    if memory:
        info["memory"] = f"{memory[1] / 2**30:.1f} GiB available of {memory[0] / 2**30:.1f} GiB"
    if probe_device:
        info.update(globals()["probe_device"]())
    folders = []
    for folder in model_folders():
        state = (
            f"{folder.files} .safetensors, {folder.diffusers_models} diffusers folders"
            if folder.exists
            else "not found"
        )
        folders.append(f"{folder.path} [{folder.source}]: {state}")
    info["model folders"] = folders
    return info


def format_info(info: dict[str, object]) -> str:
    lines = []
    for key, value in info.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  {item}" for item in value)
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)
