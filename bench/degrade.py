"""Make an image look like SDXL's "pixel art": the inverse of pixelize, for evaluation.

Upscales true pixel art by a non-integer factor with slowly drifting cell sizes,
puts it on a shaded coloured background, blurs it, adds noise and JPEG artefacts.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def degrade(art: np.ndarray, seed: int, target: int = 1024, background=None) -> np.ndarray:
    """``background``: the colour under the sprite (default: a random one), or a
    function of (height, width) giving the background image at the upscaled size."""
    rng = np.random.default_rng(seed)
    h, w = art.shape[:2]
    scale = target / max(w, h) * rng.uniform(0.93, 1.0)
    drift = rng.uniform(0.02, 0.10)
    blur = rng.uniform(0.5, 1.5)
    noise = rng.uniform(1.5, 6.0)
    quality = int(rng.integers(70, 96))
    shade = rng.uniform(4, 14)
    drawn = rng.integers(0, 256, 3).astype(np.float32)  # drawn always: same random stream
    paint = background if callable(background) else None
    if paint is None:
        background = drawn if background is None else np.asarray(background, np.float32)

    def cuts(n: int) -> np.ndarray:
        k = np.arange(n + 1, dtype=np.float64)
        c = k * scale + drift * scale * np.sin(2 * np.pi * k / max(4.0, n / 2) + rng.uniform(0, 6))
        c[0], c[-1] = 0.0, n * scale
        return c

    cx, cy = cuts(w), cuts(h)
    big_w, big_h = int(round(cx[-1])), int(round(cy[-1]))
    xi = np.clip(np.searchsorted(cx, np.arange(big_w) + 0.5) - 1, 0, w - 1)
    yi = np.clip(np.searchsorted(cy, np.arange(big_h) + 0.5) - 1, 0, h - 1)
    up = art[yi[:, None], xi[None, :]].astype(np.float32)
    alpha = up[..., 3:4] / 255.0
    yy, xx = np.mgrid[0:big_h, 0:big_w]
    if paint is not None:  # a painted background carries its own shading
        rgb = up[..., :3] * alpha + np.asarray(paint(big_h, big_w), np.float32) * (1 - alpha)
    else:
        rgb = up[..., :3] * alpha + background * (1 - alpha)
        rgb += shade * np.sin(xx / big_w * 3 + yy / big_h * 2)[..., None]
    image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(blur)
    )
    noisy = np.asarray(image).astype(np.float32) + rng.normal(0, noise, (big_h, big_w, 3))
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGBA"))
