"""Download a model from the Hugging Face hub: only ever as an explicit user action.

A dropped connection resumes within a download (the hub client retries with a range);
a cancelled one starts its current file again (the recommended set, engine/recommended.py,
resumes across calls). Safetensors only, with byte progress and cancel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, InvalidInputError, ModelError

_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
IGNORE = [
    "*.bin",
    "*.ckpt",
    "*.pt",
    "*.pth",
    "*.onnx",
    "*.onnx_data",
    "*.msgpack",
    "*.h5",
    "*onnx*",
    "*openvino*",
    "*flax*",
]


def parse_source(text: str) -> tuple[str, str | None]:
    """``owner/repo`` or ``owner/repo/file.safetensors``."""
    text = text.strip().removeprefix("https://huggingface.co/").strip("/")
    parts = text.split("/")
    repo, filename = "/".join(parts[:2]), "/".join(parts[2:]) or None
    if filename:
        filename = filename.removeprefix("blob/main/").removeprefix("resolve/main/")
    if not _REPO.match(repo) or ".." in text:
        raise InvalidInputError(
            f"'{text}' is not a Hugging Face model id like stabilityai/stable-diffusion-xl-base-1.0."
        )
    if filename and not filename.endswith(".safetensors"):
        raise InvalidInputError(
            "Only .safetensors files are downloaded: pickle files can run code."
        )
    return repo, filename


def download(source: str, models_dir: Path, progress: Callable[[int, int], None] | None = None,
             cancel: Callable[[], bool] | None = None) -> Path:  # fmt: skip
    """Download into ``models_dir``; returns the model folder or file."""
    repo, filename = parse_source(source)
    try:
        import huggingface_hub
        from huggingface_hub.utils import tqdm as hub_tqdm
    except ImportError as exc:
        raise ModelError("huggingface_hub is not installed.") from exc

    class Progress(hub_tqdm):
        def update(self, n=1):
            if cancel is not None and cancel():
                raise _Stop
            result = super().update(n)
            if getattr(self, "disable", False):  # a hidden bar counts nothing itself
                self.n += n
            if progress is not None and getattr(self, "unit", "B") == "B":
                progress(int(self.n), int(self.total or 0))
            return result

    target = models_dir / repo.replace("/", "--")
    target.mkdir(parents=True, exist_ok=True)
    try:
        if filename:
            path = huggingface_hub.hf_hub_download(
                repo, filename, local_dir=target, tqdm_class=Progress
            )
            return Path(path)
        huggingface_hub.snapshot_download(
            repo, local_dir=target, ignore_patterns=IGNORE, tqdm_class=Progress
        )
        return target
    except _Stop:
        raise CancelledError(
            "Download cancelled; run it again to resume where it stopped."
        ) from None
    except Exception as exc:
        offline = "offline" in str(exc).lower() or "connect" in str(exc).lower()
        hint = " The machine seems to be offline." if offline else ""
        raise ModelError(
            f"Could not download '{source}': {str(exc).splitlines()[0][:200]}.{hint}"
        ) from exc


class _Stop(Exception):
    pass
