"""Where ControlNets and IP-Adapters live, and which serve a request.

Found like LoRAs, in the models folders, the Hugging Face cache and the user's folders
(ComfyUI's ``models/controlnet``, ``models/ipadapter`` and ``models/clip_vision``
among them). Only names, ``config.json`` files and safetensors headers are read: no
torch. A request's control types are served by single-type ControlNets when every
type has one, else by one union ControlNet; a missing one is named before any model
loads.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.errors import DgxPixelsError, ModelError
from dgx_pixels_app.engine.discovery import model_folders
from dgx_pixels_app.resources import control_data

CONTROLNET_CLASSES = {"ControlNetModel": False, "ControlNetUnionModel": True}
DOWNLOADS = {  # what to fetch with Model ▸ Download from Hugging Face…
    "union": "xinsir/controlnet-union-sdxl-1.0",
    "pose": "xinsir/controlnet-openpose-sdxl-1.0",
    "ip-adapter": "h94/IP-Adapter (sdxl_models/ip-adapter_sdxl_vit-h.safetensors + "
    "models/image_encoder)",
}


@dataclass(frozen=True)
class ControlModel:
    path: Path  # the diffusers folder
    name: str
    union: bool
    types: tuple[str, ...]  # the control types it serves
    modes: int = 0  # a union's number of control types


@dataclass(frozen=True)
class IpAdapter:
    path: Path  # the weights file (image_proj.* and ip_adapter.* tensors)
    encoder: Path | None  # its CLIP image encoder folder


def _walk(max_depth: int = 6):
    """(folder, file names) under every known models folder, link loops skipped."""
    seen: set[Path] = set()
    for folder in model_folders():
        if not folder.exists:
            continue
        base = len(folder.path.parts)
        for root, dirs, names in os.walk(folder.path, followlinks=True):
            real = Path(root).resolve()
            if real in seen or len(Path(root).parts) - base >= max_depth:
                dirs[:] = []
                if real in seen:
                    continue
            seen.add(real)
            yield Path(root), names


def _label(folder: Path) -> str:
    """A folder's name, or its repository's for a Hugging Face cache snapshot."""
    if folder.parent.name == "snapshots":
        return folder.parent.parent.name.removeprefix("models--").replace("--", "/")
    return folder.name


def _config(path: Path) -> dict:
    try:
        if path.stat().st_size > 1 << 20:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def find_controlnets() -> list[ControlModel]:
    """Every SDXL ControlNet in the known folders: diffusers folders (config.json naming
    a ControlNet class, with safetensors weights) and single files in diffusers' layout
    (ComfyUI's ``models/controlnet``: xinsir's files, for one)."""
    found = []
    for root, names in _walk():
        if "config.json" in names and any(n.endswith(".safetensors") for n in names):
            config = _config(root / "config.json")
            union = CONTROLNET_CLASSES.get(config.get("_class_name"))
            if union is not None and config.get("addition_embed_type") == "text_time":
                modes = config.get("num_control_type", 6)  # (SD 1.5/2 ones lack text_time)
                found.append(_model(root, _label(root), union, modes if type(modes) is int else 6))
            continue  # a model folder's own files are not single-file ControlNets
        for name in names:
            if name.endswith(".safetensors"):
                shape = _single_file(root / name)
                if shape is not None:
                    found.append(_model(root / name, Path(name).stem, *shape))
    return found


def _model(path: Path, label: str, union: bool, modes: int) -> ControlModel:
    types = control_data()["types"]
    if union:
        served = tuple(t for t, e in types.items() if e["union"] < modes)
        return ControlModel(path, label, True, served, modes)
    served = tuple(t for t, e in types.items() if _named(label, e["patterns"]))
    return ControlModel(path, label, False, served[:1])


def _single_file(path: Path) -> tuple[bool, int] | None:
    """(union, its control types) of a single-file SDXL ControlNet in diffusers' layout,
    from its header; None for any other file."""
    from dgx_pixels_app.engine.safety import safetensors_header

    try:
        if path.stat().st_size > 8 * 2**30:
            return None
        header = safetensors_header(path)
    except (OSError, DgxPixelsError):
        return None
    if "controlnet_cond_embedding.conv_in.weight" not in header:
        return None
    if "add_embedding.linear_1.weight" not in header:
        return None  # an SD 1.5/2 ControlNet
    task = header.get("task_embedding", {})
    shape = task.get("shape") if isinstance(task, dict) else None
    if isinstance(shape, list) and shape and type(shape[0]) is int:
        return True, shape[0]
    return False, 0


def _named(label: str, patterns: list[str]) -> bool:
    return any(re.search(p, label, re.IGNORECASE) for p in patterns)


def choose_controlnets(wanted: list[str], found: list[ControlModel]) -> list[ControlModel]:
    """One model per wanted type: single-type ones if every type has one, else one union
    for all. ModelError naming the type and what to download when none serves."""
    single = {}
    for model in found:
        if not model.union:
            for kind in model.types:
                single.setdefault(kind, model)
    if all(kind in single for kind in wanted):
        return [single[kind] for kind in wanted]
    unions = [m for m in found if m.union and all(k in m.types for k in wanted)]
    if unions:
        best = max(unions, key=lambda m: m.modes)
        return [best] * len(wanted)
    missing = next(k for k in wanted if k not in single)
    weak_union = [m for m in found if m.union]
    extra = (f" ({weak_union[0].name} serves {', '.join(weak_union[0].types)}; the "
             "promax file serves tile)") if weak_union else ""  # fmt: skip
    raise ModelError(
        f"No ControlNet for the {missing} control{extra}. Put an SDXL {missing} ControlNet "
        f"or a union one in a models folder (Model ▸ Download from Hugging Face…: "
        f"{DOWNLOADS['union']})."
    )


def find_ip_adapters() -> list[IpAdapter]:
    """IP-Adapter weight files and the image encoder each will use: an
    ``image_encoder/`` folder beside it or one level up (h94's layout), else the first
    CLIP vision folder found (ComfyUI's clip_vision)."""

    files, encoders = [], {}
    for root, names in _walk():
        if "config.json" in names:
            widths = _encoder_widths(root)
            if widths:
                encoders[root] = widths
        for name in names:
            if name.endswith(".safetensors"):
                shape, widths = _adapter_and_encoder_shapes(root / name)
                if shape is not None:
                    files.append((root / name, shape))
                elif widths:  # a single-file image encoder (ComfyUI's clip_vision)
                    encoders[root / name] = widths
    out = []
    for path, (cross, width) in files:
        if cross in SD15_CROSS:
            continue  # an SD 1.5/2 adapter (h94 keeps those in models/)
        fits = [e for e, widths in encoders.items() if width in widths]  # its encoder's width
        near = [path.parent / "image_encoder", path.parent.parent / "image_encoder",
                path.parent.parent / "models" / "image_encoder"]  # fmt: skip
        encoder = next((e for e in near if e in fits), fits[0] if fits else None)
        out.append(IpAdapter(path, encoder))
    return sorted(out, key=lambda a: ("sdxl" not in a.path.name.lower(), str(a.path)))


SD15_CROSS = (768, 1024)  # the text widths of SD 1.5 and SD 2 (SDXL's is 2048)


def _adapter_and_encoder_shapes(path: Path):
    """An IP-Adapter file's shapes (see _adapter_shape), or a single-file image
    encoder's widths, from the header: (shape or None, widths or ())."""
    from dgx_pixels_app.engine.clip_vision_file import encoder_shapes
    from dgx_pixels_app.engine.safety import safetensors_header

    try:
        header = safetensors_header(path)
    except (OSError, DgxPixelsError):
        return None, ()
    return _adapter_shape(header), encoder_shapes(header) or ()


def _adapter_shape(header: dict) -> tuple[int, int] | None:
    """(the UNet text width it was made for, the image embedding width it takes) of an
    IP-Adapter file's header; None for any other file."""
    k = header.get("ip_adapter.1.to_k_ip.weight", {})
    proj = header.get("image_proj.proj.weight") or header.get("image_proj.proj_in.weight") or {}
    shapes = (k.get("shape") if isinstance(k, dict) else None,
              proj.get("shape") if isinstance(proj, dict) else None)  # fmt: skip
    if not all(isinstance(s, list) and len(s) == 2 for s in shapes):
        return None
    return int(shapes[0][1]), int(shapes[1][1])


def _encoder_widths(folder: Path) -> tuple[int, ...]:
    """A CLIP image encoder's output widths: its projection (what a plain IP-Adapter
    takes) and its hidden size (what a Plus one takes); () for any other folder."""
    config = _config(folder / "config.json")
    if "CLIPVisionModelWithProjection" not in (config.get("architectures") or []):
        return ()
    inner = config.get("vision_config") if isinstance(config.get("vision_config"), dict) else {}
    widths = [config.get(k, inner.get(k)) for k in ("projection_dim", "hidden_size")]
    return tuple(w for w in widths if type(w) is int)


def choose_ip_adapter(found: list[IpAdapter]) -> IpAdapter:
    usable = [a for a in found if a.encoder is not None]
    if usable:
        return usable[0]
    if found:
        raise ModelError(
            f"The IP-Adapter {found[0].path.name} has no image encoder: put its "
            "image_encoder/ folder beside it (or a CLIP vision folder in a models folder)."
        )
    raise ModelError(
        "No IP-Adapter for reference images. Put an SDXL IP-Adapter and its image encoder "
        f"in a models folder (Model ▸ Download from Hugging Face…: {DOWNLOADS['ip-adapter']})."
    )
