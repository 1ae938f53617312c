"""Real batching: text-to-image tasks that differ only in prompt, negative prompt and
seed run as one pipeline call (one batched UNet), as many at once as memory allows.

Each image stays the one its seed gives alone: every image has its own generator, and
the negative prompts are either all empty (SDXL's zero embedding, as for one image) or
all given. Batch size: the ``max_batch`` setting, lowered to what free memory holds.
"""

from __future__ import annotations

from dataclasses import replace

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest

# Working memory per image at 1024², bf16, CFG on (two UNet passes), SDXL: activations,
# attention and the VAE decode. A conservative figure: the batch must never run out.
BYTES_PER_IMAGE_1024 = 2 * 2**30


def group_key(request: GenerationRequest) -> tuple:
    """What must be equal for two requests to share one call."""
    rest = replace(request, prompt="", negative_prompt="", seed=None, extra={})
    return rest, bool(request.negative_prompt)


def check_group(requests: list[GenerationRequest]) -> None:
    if not requests:
        raise InvalidInputError("A batch needs at least one request.")
    key = group_key(requests[0])
    if any(group_key(r) != key for r in requests[1:]):
        raise InvalidInputError("These requests differ in more than prompt and seed.")


def per_image_bytes(request: GenerationRequest, dtype_bytes: int) -> int:
    scale = request.width * request.height / 1024**2
    passes = 2 if request.cfg > 1 else 1
    return int(BYTES_PER_IMAGE_1024 * scale * passes / 2 * dtype_bytes / 2)


def batch_size(
    request: GenerationRequest, cap: int, free_bytes: int | None, dtype_bytes: int
) -> int:
    """How many images of ``request`` to run at once: at most ``cap``, and what 80 % of
    ``free_bytes`` holds (None: unknown, the cap alone)."""
    if free_bytes is None:
        return max(1, cap)
    fits = int(free_bytes * 0.8 // max(1, per_image_bytes(request, dtype_bytes)))
    return max(1, min(cap, fits))


def free_memory(device) -> int | None:
    """Free bytes on ``device``: the GPU's on CUDA, MemAvailable on a CPU."""
    try:
        import torch

        if device.type == "cuda":
            return int(torch.cuda.mem_get_info(device)[0])
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (ImportError, OSError, RuntimeError, ValueError, IndexError):
        pass
    return None


def groups(tasks, size_for) -> list[list]:
    """Consecutive single-image text-to-image tasks with equal keys, in runs of at most
    ``size_for(request)``; every other task alone. Order is kept."""
    out: list[list] = []
    for task in tasks:
        alone = not _groupable(task)
        last = out[-1] if out else None
        if (not alone and last and _groupable(last[0])
                and group_key(last[0].request) == group_key(task.request)
                and len(last) < size_for(task.request)):  # fmt: skip
            last.append(task)
        else:
            out.append([task])
    return out


def _groupable(task) -> bool:
    r = task.request
    return (task.count == 1 and task.init_image is None and task.mask is None
            and not r.references and not r.controls)  # fmt: skip
