"""Load an SDXL model fully offline: a diffusers folder or a single-file checkpoint."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.errors import DgxPixelsError, FileAccessError, ModelError
from dgx_pixels_app.engine.safety import check_diffusers_folder, refuse_pickle, safetensors_header
from dgx_pixels_app.engine.settings import EngineSettings, resolve_device
from dgx_pixels_app.resources import resource_path


@dataclass
class LoadedModel:
    pipe: object  # StableDiffusionXLPipeline
    path: Path
    kind: str  # "diffusers" or "single-file"
    device: object
    dtype: object
    load_seconds: float


def _offline_env() -> None:
    """Loading never reaches a hub (downloads are a separate, explicit action), and the
    libraries' progress bars and chatter stay out of the app's output."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("DIFFUSERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    # torchao (the FP8 extra), imported by diffusers when installed, reports each kernel
    # library it cannot load on this GPU (or CPU) and registers types torch warns about
    for name in ("torchao", "torch.utils._pytree"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    diffusers_logging.set_verbosity_error()
    diffusers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()


def check_model_path(path: Path) -> str:
    """ "single-file" or "diffusers" if ``path`` looks loadable (headers only); raises a
    DgxPixelsError saying why not. Cheap: run it before freeing the loaded model."""
    if not path.exists():
        raise FileAccessError(f"Model '{path}' does not exist.")
    if path.is_file():
        refuse_pickle(path)
        safetensors_header(path)
        return "single-file"
    check_diffusers_folder(path)
    return "diffusers"


def load_model(
    path: str | Path,
    settings: EngineSettings | None = None,
    config: str | Path | None = None,
    kind: str | None = None,
) -> LoadedModel:
    """Load ``path`` (diffusers folder or ``.safetensors`` file) onto the configured device.

    ``config`` is the diffusers-layout folder describing a single-file checkpoint; by
    default the bundled SDXL base configuration and tokenizers.
    """
    settings = settings or EngineSettings()
    path = Path(path).expanduser()
    kind = kind or check_model_path(path)  # the caller may have checked it already
    _offline_env()
    import torch
    from diffusers import StableDiffusionXLPipeline

    device, dtype = resolve_device(settings)
    start = time.perf_counter()
    try:
        if kind == "diffusers":
            pipe = StableDiffusionXLPipeline.from_pretrained(
                path, dtype=dtype, local_files_only=True, use_safetensors=True
            )
        else:
            pipe = StableDiffusionXLPipeline.from_single_file(
                str(path),
                config=str(config or resource_path("sdxl")),
                dtype=dtype,
                local_files_only=True,
            )
    except DgxPixelsError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError, TypeError) as exc:
        raise ModelError(
            f"'{path.name}' could not be loaded as an SDXL model: {_short(exc)}"
        ) from exc
    _apply_settings(pipe, settings, device, dtype)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return LoadedModel(pipe, path, kind, device, dtype, time.perf_counter() - start)


def _apply_settings(pipe, settings: EngineSettings, device, dtype) -> None:
    import torch

    pipe.to(device)
    if dtype == torch.float16 and hasattr(pipe, "vae"):
        # SDXL's VAE overflows in fp16; diffusers upcasts when force_upcast is set
        pipe.vae.config.force_upcast = True
    if settings.attention == "sdpa":
        from diffusers.models.attention_processor import AttnProcessor2_0

        pipe.unet.set_attn_processor(AttnProcessor2_0())
    if settings.vae_tiling:
        pipe.vae.enable_tiling()
    if settings.vae_slicing:
        pipe.vae.enable_slicing()
    if settings.channels_last:
        pipe.unet.to(memory_format=torch.channels_last)
    if settings.fp8_unet:
        from dgx_pixels_app.engine.speedups import quantize_fp8

        quantize_fp8(pipe.unet)
    if settings.compile_unet:
        from dgx_pixels_app.engine.speedups import compile_unet

        compile_unet(pipe.unet)
    pipe.set_progress_bar_config(disable=True)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
