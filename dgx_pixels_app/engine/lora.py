"""LoRAs as named adapters on the resident pipeline: add, weigh, toggle, remove,
without ever reloading the base model."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.errors import ModelError, first_line
from dgx_pixels_app.core.generation import LoraRef
from dgx_pixels_app.engine.fusing import Fusion
from dgx_pixels_app.engine.safety import refuse_pickle, safetensors_header


@dataclass
class LoadedLora:
    name: str  # adapter name
    path: Path


def adapter_name(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", path.stem)[:48] or "lora"


class LoraSet:
    def __init__(self, pipe) -> None:
        self.pipe = pipe
        self.loaded: dict[str, LoadedLora] = {}  # resolved path -> adapter
        self.fused: tuple | None = None  # ((adapter, weight), ...) merged into the weights
        self.fusion = Fusion(pipe)

    def ensure(self, path: str | Path) -> str:
        """Load the LoRA file once; later uses only change weights."""
        path = Path(path).expanduser().resolve()
        key = str(path)
        if key in self.loaded:
            return self.loaded[key].name
        refuse_pickle(path)
        header = safetensors_header(path)
        if not any("lora" in k.lower() for k in header if k != "__metadata__"):
            raise ModelError(f"'{path.name}' holds no LoRA weights.")
        name = adapter_name(path)
        taken = {lora.name for lora in self.loaded.values()}
        base, n = name, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        before = self._adapter_names()
        try:
            self.pipe.load_lora_weights(str(path), adapter_name=name)
        except (ValueError, RuntimeError, KeyError, TypeError) as exc:
            self._forget(name)
            raise ModelError(
                f"LoRA '{path.name}' does not fit the loaded model ({first_line(exc, 200)}). It was probably "
                "trained for another base (an SD 1.5 LoRA on SDXL, say). The model is unchanged."
            ) from exc
        if name not in self._adapter_names() - before:
            self._forget(name)
            raise ModelError(
                f"LoRA '{path.name}' matched no layer of the loaded model: it was trained for another "
                "base model. The model is unchanged."
            )
        self.loaded[key] = LoadedLora(name, path)
        return name

    def apply(self, loras: list[LoraRef], fuse: bool = False) -> None:
        """Make exactly these LoRAs active with these weights (disabled ones are off).
        With ``fuse`` they are merged into the model's weights (a distilled LoRA's
        recipe runs with no per-step LoRA cost) until a different set is applied."""
        names, weights = [], []
        for lora in loras:
            name = self.ensure(lora.path)
            if lora.enabled and lora.weight != 0:
                names.append(name)
                weights.append(float(lora.weight))
        wanted = tuple(zip(names, weights, strict=True))
        if self.fused is not None:
            if fuse and self.fused == wanted:
                return
            self.unfuse()
        if names:
            self.pipe.set_adapters(names, adapter_weights=weights)
            self.pipe.enable_lora()
            if fuse:
                self.fusion.fuse(names)
                self.fused = wanted
        elif self.loaded:
            self.pipe.disable_lora()

    def unfuse(self) -> None:
        if self.fused is not None:
            self.fusion.unfuse()
            self.fused = None

    def clear(self) -> None:
        """Every LoRA out of the model: the plain layers back (no PEFT wrappers left)."""
        self.unfuse()
        if self.loaded:
            self.pipe.unload_lora_weights()
        self.loaded.clear()

    def remove(self, path: str | Path) -> None:
        key = str(Path(path).expanduser().resolve())
        lora = self.loaded.pop(key, None)
        if lora is not None:
            self.unfuse()
            self.pipe.delete_adapters(lora.name)

    def _adapter_names(self) -> set[str]:
        try:
            return {name for names in self.pipe.get_list_adapters().values() for name in names}
        except (AttributeError, ValueError):
            return set()

    def _forget(self, name: str) -> None:
        if name in self._adapter_names():
            with contextlib.suppress(ValueError, KeyError):
                self.pipe.delete_adapters(name)
