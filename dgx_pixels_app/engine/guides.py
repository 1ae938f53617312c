"""Reference images (IP-Adapter) and structure controls (ControlNets), resident beside
the loaded SDXL pipeline.

ControlNets are loaded once each and kept; the control pipelines are built with
diffusers' ``from_pipe`` (the same UNet, VAE and text encoders: no second copy of the
base). The IP-Adapter's weights are read once and kept in memory: a request with
references attaches it to the UNet (cheap), one without detaches it, and a new
reference or weight is only new embeddings and scales. The base model never reloads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError, ModelError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.resources import control_data

_PIPES = {  # (union, mode) -> the diffusers pipeline class
    (False, "txt2img"): "StableDiffusionXLControlNetPipeline",
    (False, "img2img"): "StableDiffusionXLControlNetImg2ImgPipeline",
    (False, "inpaint"): "StableDiffusionXLControlNetInpaintPipeline",
    (True, "txt2img"): "StableDiffusionXLControlNetUnionPipeline",
    (True, "img2img"): "StableDiffusionXLControlNetUnionImg2ImgPipeline",
    (True, "inpaint"): "StableDiffusionXLControlNetUnionInpaintPipeline",
}


class Guides:
    """The control models resident beside one loaded model (dropped with it)."""

    def __init__(self, base, device, dtype) -> None:
        self.base, self.device, self.dtype = base, device, dtype
        self.controlnets: dict[str, object] = {}
        self._pipes: dict[tuple, object] = {}
        self._adapter: tuple[str, str] | None = None  # (weights, encoder) in memory
        self._state: dict | None = None
        self._encoder = None
        self.attached = False
        self._embeds: tuple | None = None  # (key, the last references' mixed embeddings)
        self.loads = {"controlnet": 0, "ip_adapter": 0}  # files read (tests, benches)

    # -- pipelines ------------------------------------------------------------------
    def pipeline(self, plain, mode: str, request: GenerationRequest):
        """The pipeline this request runs on: ``plain`` (the mode's own) when it has no
        controls, else the mode's ControlNet pipeline over the same components."""
        self._adapt(request)
        if not request.controls:
            return plain
        paths = tuple(c.model for c in request.controls)
        union = self._controlnet(paths[0]).__class__.__name__ == "ControlNetUnionModel"
        if union:  # one union model serves every control of the image
            if len(set(paths)) > 1:
                raise InvalidInputError("The controls of one image use one union ControlNet.")
            paths = paths[:1]
        key = (mode, paths)
        if key not in self._pipes:
            import diffusers

            nets = [self._controlnet(p) for p in paths]  # the same model twice is fine
            net = diffusers.MultiControlNetModel(nets) if len(nets) > 1 else nets[0]
            cls = getattr(diffusers, _PIPES[(union, mode)])
            pipe = cls.from_pipe(plain, controlnet=net)
            pipe.set_progress_bar_config(disable=True)
            self._pipes[key] = pipe
        return self._pipes[key]

    def _controlnet(self, path: str):
        if not path:
            raise ModelError("A control has no ControlNet chosen: make the job with the app.")
        if path not in self.controlnets and Path(path).is_file():  # one .safetensors file
            from dgx_pixels_app.engine.controlnet_file import load_controlnet_file

            model = load_controlnet_file(path, self.base.unet, self.dtype)
            self.controlnets[path] = model.to(self.device)
            self.loads["controlnet"] += 1
        if path not in self.controlnets:
            import diffusers

            config = Path(path, "config.json")
            name = _class_name(config)
            cls = getattr(diffusers, name, None) if name in _CLASSES else None
            if cls is None:
                raise ModelError(f"'{path}' is not a diffusers ControlNet folder.")
            try:
                model = cls.from_pretrained(path, dtype=self.dtype, local_files_only=True)
            except (OSError, ValueError, RuntimeError) as exc:
                raise ModelError(f"Cannot load the ControlNet '{Path(path).name}': {exc}") from exc
            self.controlnets[path] = model.to(self.device)
            self.loads["controlnet"] += 1
        return self.controlnets[path]

    # -- reference images -----------------------------------------------------------
    def _adapt(self, request: GenerationRequest) -> None:
        """Attach the IP-Adapter for a request with references; detach it otherwise
        (a UNet with it attached insists on reference images)."""
        refs = request.references
        if not refs:
            if self.attached:
                self.base.unload_ip_adapter()
                self.attached = False
            return
        wanted = (refs[0].adapter, refs[0].encoder)
        if self._adapter != wanted:
            self._read_adapter(*wanted)
        if not self.attached:
            self.base.register_modules(image_encoder=self._encoder, feature_extractor=_processor(
                self._encoder.config.image_size))  # fmt: skip
            try:
                self.base.load_ip_adapter(self._state, subfolder=None, weight_name=None,
                                          image_encoder_folder=None)  # fmt: skip
            except (RuntimeError, ValueError, KeyError) as exc:  # made for another model
                self.base.register_modules(image_encoder=None, feature_extractor=None)
                self._adapter = None
                raise ModelError(
                    f"The IP-Adapter '{Path(wanted[0]).name}' does not fit this model "
                    f"(is it for SD 1.5, or another encoder?): {str(exc)[:160]}"
                ) from exc
            self.attached = True
        self.base.set_ip_adapter_scale(self._scale(refs))

    def _read_adapter(self, weights: str, encoder: str) -> None:
        from safetensors import safe_open
        from transformers import CLIPVisionModelWithProjection

        if not weights or not encoder:
            raise ModelError("A reference has no IP-Adapter chosen: make the job with the app.")
        if self.attached:
            self.base.unload_ip_adapter()
            self.attached = False
        try:
            state: dict = {"image_proj": {}, "ip_adapter": {}}
            with safe_open(weights, framework="pt", device="cpu") as f:
                for key in f.keys():  # noqa: SIM118 - safe_open is not iterable
                    group, _, rest = key.partition(".")
                    if group in state:  # in the model's precision (files mix fp16/fp32)
                        state[group][rest] = f.get_tensor(key).to(self.dtype)
            if Path(encoder).is_file():  # ComfyUI's clip_vision keeps single files
                from dgx_pixels_app.engine.clip_vision_file import load_encoder_file

                image_encoder = load_encoder_file(encoder, self.dtype).to(self.device)
            else:
                image_encoder = CLIPVisionModelWithProjection.from_pretrained(
                    encoder, dtype=self.dtype, local_files_only=True
                ).to(self.device)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"Cannot load the IP-Adapter '{Path(weights).name}': {exc}") from exc
        self._state, self._encoder, self._adapter = state, image_encoder, (weights, encoder)
        self.loads["ip_adapter"] += 1

    def _scale(self, refs):
        """The adapter's scale: the strongest reference's weight; style-only: that
        weight on the style blocks only (InstantStyle), sized to this UNet's blocks."""
        weight = max(ref.weight for ref in refs)
        if not refs[0].style_only:
            return weight
        blocks = control_data().get("style_only", {"up": {"block_0": [0.0, 1.0, 0.0]}})
        return {part: {block: [v * weight for v in values[: self._attentions(part, block)]]
                       for block, values in parts.items()}
                for part, parts in blocks.items()}  # fmt: skip

    def _attentions(self, part: str, block: str) -> int:
        unet = self.base.unet
        blocks = {"up": unet.up_blocks, "down": unet.down_blocks}[part]
        return len(getattr(blocks[int(block.split("_")[1])], "attentions", []))

    def reference_embeds(self, request: GenerationRequest, images: list[np.ndarray], cfg: bool):
        """The references' image embeddings, mixed by weight (the pipeline's
        ``ip_adapter_image_embeds``): one adapter, any number of references."""
        import torch
        from PIL import Image

        key = (self._adapter, cfg, tuple((r.sha256, r.weight) for r in request.references))
        if (
            self._embeds is not None
            and self._embeds[0] == key
            and all(r.sha256 for r in request.references)
        ):
            return [self._embeds[1]]  # a character's frames share one reference
        total = sum(ref.weight for ref in request.references) or 1.0
        mixed = None
        with torch.inference_mode():
            for ref, image in zip(request.references, images, strict=True):
                embeds = self.base.prepare_ip_adapter_image_embeds(
                    [Image.fromarray(_rgb(image))], None, self.device, 1, cfg
                )[0]
                part = embeds * (ref.weight / total if total else 1.0)
                mixed = part if mixed is None else mixed + part
        self._embeds = (key, mixed)
        return [mixed]


def control_arguments(request: GenerationRequest, images: list[np.ndarray], mode: str,
                      union: bool) -> dict:  # fmt: skip
    """The ControlNet arguments of one pipeline call, in the order of the controls."""
    from PIL import Image

    controls = request.controls
    for control, image in zip(controls, images, strict=True):
        if image.shape[:2] != (request.height, request.width):
            raise InvalidInputError(
                f"The {control.type} control image is {image.shape[1]}×{image.shape[0]}; this "
                f"image is {request.width}×{request.height}."
            )
    pictures = [Image.fromarray(_rgb(image)) for image in images]
    many = len(controls) > 1
    args = {
        "controlnet_conditioning_scale": [c.strength for c in controls] if many or union
        else controls[0].strength,
        "control_guidance_start": [c.start for c in controls],
        "control_guidance_end": [c.end for c in controls],
    }  # fmt: skip
    if union:
        types = control_data()["types"]
        args.update(control_image=pictures, control_mode=[types[c.type]["union"] for c in controls])
    else:
        key = "image" if mode == "txt2img" else "control_image"
        args[key] = pictures if many else pictures[0]
    return args


def is_union(pipe) -> bool:
    return type(getattr(pipe, "controlnet", None)).__name__ == "ControlNetUnionModel"


_CLASSES = ("ControlNetModel", "ControlNetUnionModel")


def _class_name(config: Path) -> str:
    import json

    try:
        return json.loads(config.read_text(encoding="utf-8")).get("_class_name", "")
    except (OSError, ValueError, AttributeError):
        return ""


def _processor(size: int):
    from transformers import CLIPImageProcessor

    return CLIPImageProcessor(size=size, crop_size=size)


def _rgb(image: np.ndarray) -> np.ndarray:
    """RGBA over white (a sprite's transparent background reads as plain white)."""
    if image.ndim == 3 and image.shape[2] == 4:
        alpha = image[..., 3:4].astype(np.float32) / 255
        return (image[..., :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    return image
