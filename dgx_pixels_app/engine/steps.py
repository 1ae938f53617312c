"""What runs at each denoising step: cancel (by raising inside diffusers' step
callback), progress, and a cheap preview of the latents (a linear map, or TAESD-XL
when the user switched live previews with it on)."""

from __future__ import annotations

import logging

import numpy as np

from dgx_pixels_app.engine.backend import Progress
from dgx_pixels_app.engine.settings import EngineSettings

log = logging.getLogger(__name__)

# A linear map from SDXL latents to RGB: a preview costs one tiny matrix product.
_LATENT_RGB = np.array(
    [
        [0.3651, 0.4232, 0.4341],
        [-0.2533, -0.0042, 0.1068],
        [0.1076, 0.1111, -0.0362],
        [-0.3165, -0.2492, -0.2188],
    ],
    dtype=np.float32,
)
_LATENT_BIAS = np.array([0.1084, -0.0175, -0.0011], dtype=np.float32)


class _Cancelled(Exception):
    pass


def latents_to_preview(latents) -> np.ndarray:
    lat = latents.detach().float().cpu().numpy()
    rgb = np.einsum("chw,cd->hwd", lat, _LATENT_RGB) + _LATENT_BIAS
    return np.clip((rgb + 1.0) * 127.5, 0, 255).astype(np.uint8)


def _preview_decoder(settings: EngineSettings, model):
    """TAESD-XL from the models folders when live previews with it are switched on."""
    if not settings.tiny_previews:
        return None
    from dgx_pixels_app.engine.discovery import model_folders
    from dgx_pixels_app.engine.previews import TinyDecoder, find_tiny_decoder

    folder = find_tiny_decoder([f.path for f in model_folders() if f.exists])
    try:
        return TinyDecoder(folder, model.device, model.dtype) if folder else None
    except (OSError, ValueError, RuntimeError) as exc:  # a damaged one: the linear map
        log.warning("TAESD-XL in %s not used: %s", folder, exc)
        return None


def _preview(latent, decoder) -> np.ndarray:
    if decoder is not None:
        try:
            return decoder(latent)
        except (RuntimeError, ValueError) as exc:  # a preview never fails a job
            log.warning("TAESD-XL preview failed: %s", exc)
    return latents_to_preview(latent)


def _on_step(total: int, done: list[int], progress, cancel, preview_every: int, decoder=None):
    """diffusers' step callback: cancel by raising, progress with a cheap preview."""

    def on_step(_pipe, step, _timestep, kwargs):
        if cancel is not None and cancel.cancelled:
            raise _Cancelled
        done[0] = step + 1
        if progress is not None:
            preview = None
            if preview_every and (step % preview_every == 0 or step + 1 == total):
                preview = _preview(kwargs["latents"][0], decoder)
            progress(Progress(step + 1, total, preview))
        return kwargs

    return on_step
