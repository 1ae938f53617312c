"""What produced an image: the request that crosses every boundary.

``GenerationRequest`` is plain data. The GUI builds it on the UI thread, the CLI
from arguments, the MCP server from JSON; the engine consumes it; the document
keeps it on the cel as provenance and the ``.aseprite`` writer stores it in the
cel's user data. Unknown keys read from a file are kept in ``extra`` so a newer
version's metadata survives a round trip through an older one.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dgx_pixels_app.core.control import ControlRef, ReferenceRef, check_controls, check_references
from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.limits import is_number, is_whole

SCHEMA = "dgx-pixels/generation@1"
SCHEDULERS = ("euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "ddim", "unipc")
SEAMLESS_AXES = ("", "x", "y", "xy")
MAX_SEED = 2**32 - 1


class CancelToken:
    """Set by whoever wants a running request stopped; checked by whatever runs it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass
class LoraRef:
    path: str
    weight: float = 1.0
    enabled: bool = True


def parse_lora(text: str) -> LoraRef:
    """``FILE[:WEIGHT]`` as typed on a command line or in a form (weight -4..4, default 1)."""
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    path, _, weight = text.rpartition(":") if ":" in name else (text, "", "")
    try:
        value = float(weight) if weight else 1.0
    except ValueError as exc:
        raise InvalidInputError(f"LoRA weight in '{text}' is not a number.") from exc
    if not -4 <= value <= 4:
        raise InvalidInputError(f"LoRA weight {value} is out of range (-4 to 4).")
    return LoraRef(path or text, value)


@dataclass
class GenerationRequest:
    prompt: str
    negative_prompt: str = ""
    seed: int | None = None
    model: str = ""
    model_sha256: str = ""  # set by the engine that ran it
    loras: list[LoraRef] = field(default_factory=list)
    steps: int = 20
    cfg: float = 5.0
    width: int = 1024
    height: int = 1024
    scheduler: str = ""
    mode: str = "txt2img"
    strength: float | None = None
    seamless: str = ""  # "x", "y" or "xy": the image tiles along these axes
    clip_skip: int = 0  # text encoder layers skipped (0: SDXL's usual penultimate layer)
    speed: str = "quality"  # the speed preset asked for (quality, fast, turbo)
    recipe: str = ""  # the distilled LoRA's sampling recipe it chose (presets/speed.toml)
    references: list[ReferenceRef] = field(default_factory=list)  # IP-Adapter images
    controls: list[ControlRef] = field(default_factory=list)  # ControlNet images
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {"schema": SCHEMA, **data, **extra}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        """A request read from a file (a cel's user data, a PNG chunk, a manifest): every
        known field must have its type, or it is damaged metadata (FileFormatError)."""
        if not isinstance(data, dict) or not isinstance(data.get("prompt"), str):
            raise FileFormatError("Generation metadata has no prompt.")
        known = {f.name for f in fields(cls)} - {"extra", "loras", "references", "controls"}
        kwargs = {k: v for k, v in data.items() if k in known}
        for name, value in kwargs.items():
            if not _FIELD_TYPES[name](value):
                raise FileFormatError(
                    f"Generation metadata has a damaged '{name}' ({value!r:.40})."
                )
        loras = data.get("loras") or []
        if not isinstance(loras, list) or not all(_is_lora(item) for item in loras):
            raise FileFormatError("Generation metadata has a damaged list of LoRAs.")
        refs = [LoraRef(item.get("path", ""), float(item.get("weight", 1.0)),
                        bool(item.get("enabled", True))) for item in loras]  # fmt: skip
        guides = {"references": _read_list(data, "references", ReferenceRef),
                  "controls": _read_list(data, "controls", ControlRef)}  # fmt: skip
        skip = known | {"loras", "schema", "references", "controls"}
        extra = {k: v for k, v in data.items() if k not in skip}
        return cls(**kwargs, loras=refs, extra=extra, **guides)

    def a1111_parameters(self, model_hash: str = "", lora_hashes: dict | None = None) -> str:
        """The ``parameters`` text A1111/Forge write into PNGs (and civitai, ComfyUI
        readers and ``sd-parsers`` read): prompt, negative, then key: value pairs."""
        sampler = _A1111_SAMPLERS.get(self.scheduler or "euler", self.scheduler)
        if self.recipe:  # a distilled LoRA's own recipe, not the scheduler field
            sampler = self.recipe
        pairs = [
            ("Steps", self.steps), ("Sampler", sampler), ("CFG scale", _num(self.cfg)),
            ("Seed", self.seed), ("Size", f"{self.width}x{self.height}"),
        ]  # fmt: skip
        model_hash = model_hash or self.model_sha256
        if model_hash:
            pairs.append(("Model hash", model_hash[:10]))
        if self.model:
            pairs.append(("Model", _stem(self.model)))
        if self.strength is not None and self.mode != "txt2img":
            pairs.append(("Denoising strength", _num(self.strength)))
        if self.seamless:
            pairs.append(("Tiling", self.seamless))
        if self.clip_skip:
            # A1111's N reads the Nth layer from the end; SDXL already reads the 2nd
            pairs.append(("Clip skip", self.clip_skip + 2))
        pairs += _guide_pairs(self)
        if lora_hashes:
            joined = ", ".join(f"{name}: {h[:12]}" for name, h in lora_hashes.items())
            pairs.append(("Lora hashes", f'"{joined}"'))
        pairs.append(("Version", "dgx-pixels"))
        prompt = self.prompt
        prompt += "".join(
            f" <lora:{_stem(lo.path)}:{_num(lo.weight)}>" for lo in self.loras if lo.enabled
        )
        lines = [prompt]
        if self.negative_prompt:
            lines.append(f"Negative prompt: {self.negative_prompt}")
        lines.append(", ".join(f"{k}: {v}" for k, v in pairs if v not in (None, "")))
        return "\n".join(lines)

    @classmethod
    def from_json(cls, text: str) -> GenerationRequest:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise FileFormatError(f"Generation metadata is not valid JSON: {exc}.") from exc
        return cls.from_dict(data)


def validate(request: GenerationRequest, count: int = 1) -> None:
    """Every limit a request must hold, all problems in one message (before any work)."""
    problems = []
    if not request.prompt.strip():
        problems.append("the prompt is empty")
    for name in ("width", "height"):
        value = getattr(request, name)
        if not 64 <= value <= 2048 or value % 8:
            problems.append(f"{name} must be a multiple of 8 between 64 and 2048, not {value}")
    if not 1 <= request.steps <= 150:
        problems.append(f"steps must be 1 to 150, not {request.steps}")
    if not 0 <= request.cfg <= 30:
        problems.append(f"CFG must be 0 to 30, not {request.cfg}")
    if not 1 <= count <= 16:
        problems.append(f"count must be 1 to 16, not {count}")
    if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
        problems.append(f"the seed must be 0 to {MAX_SEED}")
    if request.scheduler and request.scheduler not in SCHEDULERS:
        problems.append(f"scheduler must be one of {', '.join(SCHEDULERS)}")
    if request.strength is not None and not 0 < request.strength <= 1:
        problems.append("strength must be above 0 and at most 1")
    if request.seamless not in SEAMLESS_AXES:
        problems.append("seamless must be x, y or xy")
    if request.clip_skip < 0:
        problems.append(f"CLIP skip must be 0 or more, not {request.clip_skip}")
    try:
        check_references(request.references)
        check_controls(request.controls)
    except InvalidInputError as exc:
        text = str(exc).rstrip(".")
        problems.append(text[:1].lower() + text[1:])
    if problems:
        raise InvalidInputError("Cannot generate: " + "; ".join(problems) + ".")


_FIELD_TYPES = {
    "prompt": lambda v: isinstance(v, str), "negative_prompt": lambda v: isinstance(v, str),
    "seed": lambda v: v is None or is_whole(v), "model": lambda v: isinstance(v, str),
    "model_sha256": lambda v: isinstance(v, str),
    "steps": is_whole, "cfg": is_number, "width": is_whole, "height": is_whole,
    "scheduler": lambda v: isinstance(v, str), "mode": lambda v: isinstance(v, str),
    "strength": lambda v: v is None or is_number(v), "seamless": lambda v: isinstance(v, str),
    "clip_skip": is_whole, "recipe": lambda v: isinstance(v, str),
    "speed": lambda v: isinstance(v, str),
}  # fmt: skip


def _read_list(data: dict, key: str, cls) -> list:
    """References or controls read back from a file: each an object of known fields of
    the right types, or damaged metadata."""
    items = data.get(key) or []
    names = {f.name: f for f in fields(cls)}
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise FileFormatError(f"Generation metadata has a damaged list of {key}.")
    out = []
    for item in items:
        known = {k: v for k, v in item.items() if k in names}
        for name, value in known.items():
            if not _GUIDE_TYPES[str(names[name].type)](value):
                raise FileFormatError(f"Generation metadata has a damaged {key} entry ({name}).")
        if not known.get("path" if cls is ReferenceRef else "type"):
            raise FileFormatError(f"Generation metadata has a damaged {key} entry.")
        out.append(cls(**known))
    return out


_GUIDE_TYPES = {"str": lambda v: isinstance(v, str), "bool": lambda v: isinstance(v, bool),
                "float": lambda v: is_number(v) and math.isfinite(v)}  # fmt: skip


def _guide_pairs(request: GenerationRequest) -> list[tuple[str, str]]:
    """References and controls as A1111-style pairs (its ControlNet extension writes
    "ControlNet 0: ..."; IP-Adapters go through the same extension)."""
    pairs = []
    for i, ref in enumerate(request.references):
        mode = ", style only" if ref.style_only else ""
        pairs.append((f"Reference {i}", f'"{_stem(ref.path)}, weight {_num(ref.weight)}{mode}"'))
    for i, c in enumerate(request.controls):
        source = (
            ("pose layer" if c.pose.startswith("points:") else f"pose {c.pose}")
            if c.pose
            else _stem(c.image)
        )
        span = f"{_num(c.start)}-{_num(c.end)}"
        pairs.append((f"ControlNet {i}", f'"{c.type}: {source}, weight {_num(c.strength)}, '
                                         f'steps {span}"'))  # fmt: skip
    return pairs


def _is_lora(item) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("path", ""), str)
        and is_number(item.get("weight", 1.0))
        and isinstance(item.get("enabled", True), bool)
    )


_A1111_SAMPLERS = {
    "euler": "Euler",
    "euler_a": "Euler a",
    "dpmpp_2m": "DPM++ 2M",
    "dpmpp_2m_karras": "DPM++ 2M Karras",
    "ddim": "DDIM",
    "unipc": "UniPC",
}


def _num(value: float) -> str:
    return f"{value:g}"


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if name.endswith((".safetensors", ".ckpt")) else name
