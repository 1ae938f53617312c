"""A CLIP image encoder kept as one ``.safetensors`` file (ComfyUI's
``models/clip_vision``: ``CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors`` and the like,
in transformers' layout), built without a config download: the widths, depth, patch
and image size are read from the tensor shapes; what shapes do not say follows the
published encoders (16 attention heads; GELU, except OpenAI's ViT-L/14 whose width is
1024 and which uses quick GELU)."""

from __future__ import annotations

import math
import re
from pathlib import Path

from dgx_pixels_app.core.errors import ModelError

PATCH = "vision_model.embeddings.patch_embedding.weight"
PROJECTION = "visual_projection.weight"


def encoder_shapes(header: dict) -> tuple[int, int] | None:
    """(projection width, hidden width) from a safetensors header, or None when the
    file is not a CLIP image encoder with a projection."""
    patch, projection = header.get(PATCH), header.get(PROJECTION)
    if not isinstance(patch, dict) or not isinstance(projection, dict):
        return None
    try:
        return int(projection["shape"][0]), int(patch["shape"][0])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def config_from(state: dict):
    from transformers import CLIPVisionConfig

    hidden, _c, patch, _ = state[PATCH].shape
    positions = state["vision_model.embeddings.position_embedding.weight"].shape[0]
    layers = 1 + max(int(m.group(1)) for k in state
                     if (m := re.match(r"vision_model\.encoder\.layers\.(\d+)\.", k)))  # fmt: skip
    return CLIPVisionConfig(
        hidden_size=hidden, projection_dim=state[PROJECTION].shape[0], patch_size=patch,
        image_size=patch * math.isqrt(positions - 1), num_hidden_layers=layers,
        intermediate_size=state["vision_model.encoder.layers.0.mlp.fc1.weight"].shape[0],
        num_attention_heads=16 if hidden % 16 == 0 and hidden >= 512 else max(1, hidden // 8),
        hidden_act="quick_gelu" if hidden == 1024 else "gelu",
    )  # fmt: skip


def load_encoder_file(path: str | Path, dtype):
    from safetensors.torch import load_file
    from transformers import CLIPVisionModelWithProjection

    name = Path(path).name
    try:
        state = load_file(str(path))
        model = CLIPVisionModelWithProjection(config_from(state))
        missing, _unexpected = model.load_state_dict(state, strict=False)
    except (OSError, RuntimeError, KeyError, ValueError) as exc:
        raise ModelError(f"Cannot load the image encoder '{name}': {str(exc)[:160]}") from exc
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing:
        raise ModelError(f"The image encoder '{name}' lacks {len(missing)} weights ({missing[0]}).")
    return model.to(dtype=dtype)
