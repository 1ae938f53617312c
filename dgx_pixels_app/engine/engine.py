"""The resident SDXL engine: one loaded pipeline serving text-to-image,
image-to-image and inpainting from the same components, with LoRA adapters,
per-step progress with a cheap preview, and cancel within one step.

Qt-free and synchronous: the GUI runs it on a QThread worker, the CLI calls it
directly, tests call it on the tiny model. After a cancel or an error (CUDA
out-of-memory included) the engine and its loaded model stay usable.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.errors import CancelledError, InvalidInputError, ModelError
from dgx_pixels_app.core.generation import MAX_SEED, CancelToken, GenerationRequest, validate
from dgx_pixels_app.engine.backend import GenerationResult, GuideImages, Progress
from dgx_pixels_app.engine.calls import Call, keep_unmasked, rgba, seeded_generator
from dgx_pixels_app.engine.guides import Guides, control_arguments, is_union
from dgx_pixels_app.engine.loader import LoadedModel, check_model_path, load_model
from dgx_pixels_app.engine.lora import LoraSet
from dgx_pixels_app.engine.recipes import find_recipe, recipe_arguments, recipe_scheduler
from dgx_pixels_app.engine.seamless import seamless
from dgx_pixels_app.engine.settings import EngineSettings, resolve_device
from dgx_pixels_app.engine.steps import _Cancelled, _on_step, _preview_decoder, latents_to_preview  # noqa: F401

log = logging.getLogger(__name__)


class Engine:
    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self.model: LoadedModel | None = None
        self.loras: LoraSet | None = None
        self.guides: Guides | None = None  # ControlNets and the IP-Adapter beside the model
        self._derived: dict[str, object] = {}
        self._lock = threading.Lock()
        self._hashing = None  # a Future: the loaded model's SHA-256
        self.last_steps_per_second: float | None = None
        self.hash_wait_seconds = 0.0  # how long the first image waited for the hash
        self.preview_decoder = None  # TAESD-XL for live previews (settings.tiny_previews)
        self.fuse_distilled = True  # fuse a recipe's LoRAs into the weights (no per-step cost)

    # -- models -----------------------------------------------------------------
    def load(self, path: str | Path, config: str | Path | None = None) -> LoadedModel:
        """Load a model, freeing the previous one first so two never sit in memory."""
        kind = check_model_path(Path(path).expanduser())  # a bad path never unloads the model
        if self.settings.fp8_unet:  # nor does a switch this machine cannot run
            from dgx_pixels_app.engine.speedups import check_fp8

            check_fp8(resolve_device(self.settings)[0])
        with self._lock:
            self._free()
            self.model = load_model(path, self.settings, config, kind)
            # The provenance hash (7 s for a new 6.9 GB file, cached after) is read on a
            # thread of its own once the model is in: the load neither waits nor competes
            # for it; the first image's provenance waits if it is not done by then.
            self._hashing = _hash_beside(Path(path).expanduser().resolve())
            self._scheduler_config = dict(self.model.pipe.scheduler.config)
            self.preview_decoder = _preview_decoder(self.settings, self.model)
            self.loras = LoraSet(self.model.pipe)
            self.guides = Guides(self.model.pipe, self.model.device, self.model.dtype)
            return self.model

    def unload(self) -> None:
        with self._lock:
            self._free()

    def _free(self) -> None:
        self.model = None
        self.preview_decoder = None
        self._hashing = None
        self.loras = None
        self.guides = None
        self._derived.clear()
        gc.collect()
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except ImportError:
            pass

    @property
    def loaded(self) -> bool:
        return self.model is not None

    def memory_in_use(self) -> int:
        """Bytes in use: GPU memory allocated by torch on CUDA, else this process's RSS."""
        try:
            import torch

            if self.model is not None and self.model.device.type == "cuda":
                return int(torch.cuda.memory_allocated(self.model.device))
        except ImportError:
            pass
        try:
            with open("/proc/self/statm") as f:
                import os

                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    # -- generation ---------------------------------------------------------------
    def generate(
        self,
        request: GenerationRequest,
        count: int = 1,
        init_image: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        progress: Callable[[Progress], None] | None = None,
        cancel: CancelToken | None = None,
        preview_every: int = 1,
        guides: GuideImages | None = None,
    ) -> GenerationResult:
        """Run one request. ``init_image`` (RGBA) makes it image-to-image; with ``mask``
        (bool, True = repaint) it is inpainting; ``guides``: the pixels of its
        references and controls. Raises CancelledError if cancelled."""
        validate(request, count)
        if self.model is None:
            raise ModelError("No model is loaded: load one first (Model ▸ Load Model…).")
        mode = "inpaint" if mask is not None else "img2img" if init_image is not None else "txt2img"
        _check_guides(request, guides)
        with self._lock:
            pipe = self.guides.pipeline(self._pipeline(mode), mode, request)
            recipe = self._prepare(pipe, request)
            request = _as_recipe(request, recipe)
            seed = request.seed if request.seed is not None else random.randint(0, MAX_SEED)
            call = Call(request, mode, count, init_image, mask)
            args = {**call.arguments(self.model.device, seed), **recipe_arguments(recipe)}
            args.update(self._guide_arguments(pipe, request, guides, mode))
            done = [0]
            args["callback_on_step_end"] = _on_step(
                call.total, done, progress, cancel, preview_every, self.preview_decoder
            )
            start = time.perf_counter()
            output = self._run(pipe, args, call, done)
            elapsed = time.perf_counter() - start
            images = [rgba(img) for img in output.images]
            if mode == "inpaint":  # the artist's pixels outside the mask are kept exactly
                keep_unmasked(images, init_image, mask)
            rate = call.total / elapsed if elapsed > 0 else 0.0
            self.last_steps_per_second = rate * count or None
            return GenerationResult(images, self._provenance(call, images, seed), elapsed, rate)

    def generate_group(
        self, requests: list[GenerationRequest], progress=None, cancel=None, preview_every=1
    ) -> list[GenerationResult]:
        """Text-to-image requests that differ only in prompt, negative prompt and seed, in
        one pipeline call (a batched UNet): one result per request, each image the one
        its seed gives alone. See engine.batching for which requests group."""
        from dgx_pixels_app.engine.batching import check_group

        check_group(requests)
        for request in requests:
            validate(request)
            if request.references or request.controls:
                raise InvalidInputError("Requests with references or controls run one by one.")
        if len(requests) == 1:
            return [self.generate(requests[0], progress=progress, cancel=cancel,
                                  preview_every=preview_every)]  # fmt: skip
        if self.model is None:
            raise ModelError("No model is loaded: load one first (Model ▸ Load Model…).")
        with self._lock:
            pipe = self.guides.pipeline(self._pipeline("txt2img"), "txt2img", requests[0])
            recipe = self._prepare(pipe, requests[0])
            requests = [_as_recipe(r, recipe) for r in requests]
            seeds = [
                r.seed if r.seed is not None else random.randint(0, MAX_SEED) for r in requests
            ]
            calls = [Call(r, "txt2img", 1, None, None) for r in requests]
            args = {**calls[0].arguments(self.model.device, seeds[0]), **recipe_arguments(recipe)}
            negatives = [r.negative_prompt for r in requests]
            args.update(prompt=[r.prompt for r in requests],
                        negative_prompt=negatives if any(negatives) else None,
                        generator=[seeded_generator(self.model.device, s) for s in seeds])  # fmt: skip
            done = [0]
            args["callback_on_step_end"] = _on_step(calls[0].total, done, progress, cancel,
                                                    preview_every, self.preview_decoder)  # fmt: skip
            start = time.perf_counter()
            output = self._run(pipe, args, calls[0], done)
            elapsed = time.perf_counter() - start
            rate = calls[0].total / elapsed if elapsed > 0 else 0.0
            self.last_steps_per_second = rate * len(requests) or None
            images = [rgba(img) for img in output.images]
            return [GenerationResult([im], self._provenance(c, [im], s), elapsed / len(images), rate)
                    for im, c, s in zip(images, calls, seeds, strict=True)]  # fmt: skip

    def _prepare(self, pipe, request: GenerationRequest):
        """CLIP skip checked, the sampler (or the recipe's) and the LoRAs in place; the
        recipe, if any."""
        _check_clip_skip(pipe, request.clip_skip)
        recipe = find_recipe(request.recipe)
        self._set_scheduler(pipe, request.scheduler, recipe)
        if self.loras is not None:  # a distilled LoRA is fused while its recipe runs (PEFT
            # cannot merge into torchao's FP8 weights: there it runs as an adapter)
            fuse = recipe is not None and self.fuse_distilled and not self.settings.fp8_unet
            self.loras.apply(request.loras, fuse=fuse)
        return recipe

    def _guide_arguments(self, pipe, request: GenerationRequest, guides, mode: str) -> dict:
        """The references' embeddings and the controls' images for the pipeline call."""
        args = {}
        if request.references:
            args["ip_adapter_image_embeds"] = self.guides.reference_embeds(
                request, guides.references, request.cfg > 1
            )
        if request.controls:
            args.update(control_arguments(request, guides.controls, mode, is_union(pipe)))
        return args

    def _run(self, pipe, args: dict, call: Call, done: list[int]):
        """The pipeline call, with cancel and out-of-memory turned into the app's errors."""
        import torch

        try:
            with torch.inference_mode(), seamless((pipe.unet, pipe.vae), call.request.seamless):
                return pipe(**args)
        except _Cancelled:
            raise CancelledError(f"Cancelled after {done[0]} of {call.total} steps.") from None
        except torch.cuda.OutOfMemoryError as exc:
            gc.collect()
            torch.cuda.empty_cache()
            r = call.request
            raise ModelError(
                f"Out of GPU memory generating {call.count} × {r.width}×{r.height}. Try fewer "
                "images, a smaller size, or VAE tiling. The model is still loaded."
            ) from exc

    def model_sha256(self) -> str:
        """The loaded model's SHA-256 (waiting for its thread if it is still reading)."""
        if self._hashing is None:
            return ""
        started = time.perf_counter()
        try:
            digest = self._hashing.result()
        except Exception as exc:  # an unreadable file: provenance without a hash
            log.warning("model hash failed: %s", exc)
            digest = ""
        self.hash_wait_seconds += time.perf_counter() - started
        return digest

    def _provenance(self, call: Call, images, seed: int) -> list[GenerationRequest]:
        """The exact request behind each image: its seed, the model by absolute path and
        hash, the mode and size it really ran at (the same whichever back end ran it)."""
        model = self.model.path.expanduser().resolve()
        strength = None if call.mode == "txt2img" else call.strength
        return [
            replace(call.request, seed=(seed + i) % (MAX_SEED + 1), model=str(model),
                    model_sha256=self.model_sha256(), mode=call.mode, strength=strength,
                    width=image.shape[1], height=image.shape[0])
            for i, image in enumerate(images)
        ]  # fmt: skip

    def _pipeline(self, mode: str):
        pipe = self.model.pipe
        if mode == "txt2img":
            return pipe
        if mode not in self._derived:
            from diffusers import StableDiffusionXLImg2ImgPipeline, StableDiffusionXLInpaintPipeline

            cls = (
                StableDiffusionXLImg2ImgPipeline
                if mode == "img2img"
                else StableDiffusionXLInpaintPipeline
            )
            derived = cls.from_pipe(pipe)  # same modules: no second copy of the weights
            derived.set_progress_bar_config(disable=True)
            self._derived[mode] = derived
        return self._derived[mode]

    def _set_scheduler(self, pipe, name: str, recipe=None) -> None:
        name = f"recipe:{recipe.id}" if recipe is not None else name or "euler"
        if getattr(pipe, "_dgx_scheduler", None) == name:
            return
        if recipe is not None:
            pipe.scheduler = recipe_scheduler(recipe, self._scheduler_config)
            pipe._dgx_scheduler = name
            return
        from diffusers import (
            DDIMScheduler,
            DPMSolverMultistepScheduler,
            EulerAncestralDiscreteScheduler,
            EulerDiscreteScheduler,
            UniPCMultistepScheduler,
        )

        # Always from the model's own scheduler config: building from the current one
        # would carry options over (Euler after DPM++ Karras would use Karras sigmas).
        config = self._scheduler_config
        choices = {
            "euler": (EulerDiscreteScheduler, {}),
            "euler_a": (EulerAncestralDiscreteScheduler, {}),
            "dpmpp_2m": (DPMSolverMultistepScheduler, {}),
            "dpmpp_2m_karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
            "ddim": (DDIMScheduler, {}),
            "unipc": (UniPCMultistepScheduler, {}),
        }
        cls, extra = choices[name]
        pipe.scheduler = cls.from_config(config, **extra)
        pipe._dgx_scheduler = name


def _hash_beside(path: Path):
    """The model's SHA-256 on a thread of its own (a Future); a failed load leaves it to
    finish alone (its result is cached for the next try)."""
    from concurrent.futures import Future

    from dgx_pixels_app.engine.hashes import sha256

    future: Future = Future()

    def work() -> None:
        with contextlib.suppress(AttributeError, OSError):  # Linux: this thread yields to the load
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            future.set_result(sha256(path))
        except BaseException as exc:  # reported to whoever waits for it
            future.set_exception(exc)

    threading.Thread(target=work, name="model-hash", daemon=True).start()
    return future


def _as_recipe(request: GenerationRequest, recipe) -> GenerationRequest:
    """A recipe runs its own steps and CFG whatever the request says (a hand-edited or
    older request), and the provenance says what ran."""
    if recipe is None:
        return request
    return replace(request, steps=recipe.steps, cfg=recipe.cfg)


def _check_guides(request: GenerationRequest, guides) -> None:
    """Every reference and control has its pixels (a request read back from a file
    has only their paths: the job that runs it again reads them)."""
    refs = len(guides.references) if guides else 0
    controls = len(guides.controls) if guides else 0
    if refs != len(request.references) or controls != len(request.controls):
        raise InvalidInputError(
            f"This request has {len(request.references)} reference and "
            f"{len(request.controls)} control images but {refs} and {controls} came with it."
        )


def _check_clip_skip(pipe, clip_skip: int) -> None:
    """SDXL reads the penultimate layer and ``clip_skip`` more back: the text encoder
    must have that many layers."""
    if not clip_skip:
        return
    layers = min(e.config.num_hidden_layers for e in (pipe.text_encoder, pipe.text_encoder_2))
    if clip_skip > layers - 1:
        raise InvalidInputError(
            f"This model's text encoders have {layers} layers: CLIP skip at most {layers - 1}."
        )
