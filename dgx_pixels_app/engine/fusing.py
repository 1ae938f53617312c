"""Merging LoRAs into the model's weights, and taking them out again exactly.

A distilled LoRA's recipe runs fastest merged (no per-step LoRA cost). PEFT unmerges by
subtracting, which in bf16 or fp16 leaves about a third of the touched weights one
rounding step off, so an image made after a turbo run would differ from one made
before. The weights a merge touches are copied first (to host memory) and copied back
when the merge is taken out: exactly the model's weights again. fp32 weights need no
copy (the subtraction is exact to ~1e-8).
"""

from __future__ import annotations

import warnings

from dgx_pixels_app.core.errors import ModelError, first_line

COMPONENTS = ["unet", "text_encoder", "text_encoder_2"]

# PEFT warns "Already unmerged" for components a merge never touched (said once, here,
# not with warnings.catch_warnings on the jobs thread, which is not thread-safe).
warnings.filterwarnings("ignore", message="Already unmerged", category=UserWarning)


class Fusion:
    """The merged state of one pipeline: which adapters, and the weights they replaced."""

    def __init__(self, pipe) -> None:
        self.pipe = pipe
        self.saved: dict = {}  # LoRA layer -> its base weight as it was (host memory)
        self.active = False

    def fuse(self, names: list[str]) -> None:
        """Merge the adapters ``names`` (at their set weights) into the weights."""
        self.saved = _save_weights(self.pipe, names)
        self.active = True
        try:
            self.pipe.fuse_lora(components=COMPONENTS, lora_scale=1.0, adapter_names=names)
        except Exception as exc:  # part merged: take all of it out before saying so
            self.unfuse()
            raise ModelError(
                f"Could not merge the LoRAs into the model ({first_line(exc, 160)}); the "
                "model is unchanged."
            ) from exc

    def unfuse(self) -> None:
        if not self.active:
            return
        for layer, weight in self.saved.items():
            layer.get_base_layer().weight.data.copy_(weight)
            layer.merged_adapters.clear()  # PEFT then has nothing left to subtract there
        self.pipe.unfuse_lora(components=COMPONENTS)  # the fp32 layers, if any
        self.saved, self.active = {}, False


def _save_weights(pipe, names: list[str]) -> dict:
    import torch

    saved = {}
    for component in COMPONENTS:
        model = getattr(pipe, component, None)
        if model is None:
            continue
        for module in model.modules():
            adapters = getattr(module, "lora_A", None)
            if not adapters or not any(name in adapters for name in names):
                continue
            weight = module.get_base_layer().weight
            if weight.dtype != torch.float32:
                saved[module] = weight.detach().to("cpu", copy=True)
    return saved
