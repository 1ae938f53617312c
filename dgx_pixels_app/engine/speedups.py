"""Faster UNets: regional compilation with a persistent cache, and FP8 linear layers.

Regional compilation compiles the UNet's repeated transformer block once and reuses
it for all 70 of SDXL's, so the first run waits seconds, not minutes; the compiled
code is kept in the user's cache folder, so the next start reuses it. FP8 quantizes
the UNet's linear layers with torchao (dynamic activation scaling, per-row weight
scales) on GPUs that run FP8 natively (compute capability 8.9: Ada, Hopper, Blackwell).
"""

from __future__ import annotations

import os
from pathlib import Path

from dgx_pixels_app.core.errors import ModelError

FP8_CAPABILITY = (8, 9)
OFF = " Switch FP8 off: Model ▸ FP8 UNet, or take fp8_unet out of engine_switches in settings.json."


def compile_cache_dir() -> Path:
    from dgx_pixels_app.settings import _base

    return _base("cache") / "torch-compile"


def compile_unet(unet) -> Path:
    """Compile ``unet``'s repeated blocks in place; returns the cache folder used."""
    from dgx_pixels_app import USER_COMPILE_CACHE

    # Inductor reads these when it compiles: FX graphs and Triton kernels go here. A folder
    # the person chose before starting the app is kept (torch itself sets the variable to
    # its /tmp default on first use, so only the value at start-up says what they chose).
    cache = Path(USER_COMPILE_CACHE) if USER_COMPILE_CACHE else compile_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(cache)
    os.environ.setdefault("TRITON_CACHE_DIR", str(cache / "triton"))
    import torch._inductor.config as inductor

    inductor.fx_graph_cache = True
    if getattr(unet, "_repeated_blocks", None):
        unet.compile_repeated_blocks(fullgraph=True)
    else:  # a model class without declared blocks: the whole module
        import torch

        unet.forward = torch.compile(unet.forward)
    return cache


def fp8_problem(device) -> str | None:
    """Why FP8 cannot run on ``device`` (a torch.device), or None if it can."""
    import torch

    if device.type != "cuda":
        return (f"FP8 needs an NVIDIA GPU that runs FP8 (Ada, Hopper or Blackwell); this "
                f"model runs on the {device.type.upper()}.{OFF}")  # fmt: skip
    capability = torch.cuda.get_device_capability(device)
    if capability < FP8_CAPABILITY:
        name = torch.cuda.get_device_name(device)
        return (f"FP8 needs compute capability 8.9 or newer (Ada, Hopper, Blackwell); the "
                f"{name} has {capability[0]}.{capability[1]}.{OFF}")  # fmt: skip
    try:
        import torchao  # noqa: F401
    except ImportError:
        return "FP8 needs the torchao package: pip install 'dgx-pixels[fp8]'." + OFF
    return None


def check_fp8(device) -> None:
    problem = fp8_problem(device)
    if problem:
        raise ModelError(problem)


def quantize_fp8(unet) -> int:
    """The UNet's linear layers to FP8 in place; returns how many were converted."""
    from torchao.quantization import Float8DynamicActivationFloat8WeightConfig, PerRow, quantize_

    converted = []

    def fits(module, _name: str) -> bool:
        import torch

        ok = isinstance(module, torch.nn.Linear) and _fp8_shape(module)
        if ok:
            converted.append(module)
        return ok

    quantize_(unet, Float8DynamicActivationFloat8WeightConfig(granularity=PerRow()), filter_fn=fits)
    return len(converted)


def _fp8_shape(linear) -> bool:
    """FP8 matrix products need both sides a multiple of 16 (SDXL's all are)."""
    return linear.in_features % 16 == 0 and linear.out_features % 16 == 0
