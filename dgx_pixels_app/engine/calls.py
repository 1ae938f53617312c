"""One pipeline call's arguments: the mode, strength, steps and generators of a request,
and the images going in and out (RGBA arrays the app uses, RGB the model sees)."""

from __future__ import annotations

import math

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import MAX_SEED, GenerationRequest


class Call:
    """One request's pipeline arguments: the mode, strength and number of steps it runs."""

    def __init__(self, request: GenerationRequest, mode: str, count: int, init_image, mask):
        self.request, self.mode, self.count = request, mode, count
        self.init_image, self.mask = init_image, mask
        default = 0.6 if mode == "img2img" else 0.99
        self.strength = request.strength if request.strength is not None else default
        self.total = request.steps if mode == "txt2img" else int(request.steps * self.strength)

    def arguments(self, device, seed: int) -> dict:
        r = self.request
        generators = [seeded_generator(device, seed + i) for i in range(self.count)]
        args = {
            "prompt": r.prompt, "negative_prompt": r.negative_prompt or None,
            "num_inference_steps": r.steps, "guidance_scale": r.cfg,
            "num_images_per_prompt": self.count, "generator": generators,
            "callback_on_step_end_tensor_inputs": ["latents"], "output_type": "np",
            "clip_skip": r.clip_skip or None,
        }  # fmt: skip
        if self.mode == "txt2img":
            return {**args, "width": r.width, "height": r.height}
        return {**args, **self._source()}

    def _source(self) -> dict:
        from PIL import Image

        image = rgb(self.init_image)
        if self.total < 1:
            raise InvalidInputError(
                f"{self.request.steps} steps at strength {self.strength:g} denoise nothing: use "
                f"at least {math.ceil(1 / self.strength)} steps or a higher strength."
            )
        args = {"image": Image.fromarray(image), "strength": self.strength}
        if self.mode == "inpaint":
            if self.mask.shape != self.init_image.shape[:2]:
                raise InvalidInputError("The inpaint mask must be the size of the image.")
            mask = Image.fromarray(np.where(self.mask, 255, 0).astype(np.uint8), "L")
            args.update(mask_image=mask, width=image.shape[1], height=image.shape[0])
        return args


def seeded_generator(device, seed: int):
    import torch

    return torch.Generator("cpu" if device.type == "mps" else device).manual_seed(
        seed % (MAX_SEED + 1)
    )


def keep_unmasked(images: list[np.ndarray], init_image: np.ndarray, mask: np.ndarray) -> None:
    """Outside the mask, the source's pixels exactly (not round-tripped through the VAE)."""
    source = np.dstack([rgb(init_image), np.full(mask.shape, 255, np.uint8)])
    for image in images:
        image[~mask] = source[~mask]


def rgb(image: np.ndarray) -> np.ndarray:
    """RGBA → RGB over white (transparent areas give the model a plain background)."""
    if image.ndim != 3 or image.shape[2] not in (3, 4):
        raise InvalidInputError("The source image must be RGB or RGBA.")
    h, w = image.shape[:2]
    if h % 8 or w % 8 or h < 64 or w < 64:
        raise InvalidInputError(
            f"The source image must be at least 64×64 with sides that are multiples of 8, not {w}×{h}."
        )
    if image.shape[2] == 3:
        return image
    alpha = image[..., 3:4].astype(np.float32) / 255
    return (image[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)


def rgba(image: np.ndarray) -> np.ndarray:
    rgb = np.clip(np.nan_to_num(image) * 255 + 0.5, 0, 255).astype(np.uint8)
    return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
