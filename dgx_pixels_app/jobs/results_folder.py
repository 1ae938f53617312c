"""The app's results saved as a folder in the batch format: one PNG per result (with
its A1111 parameters and the exact request), and a ``manifest.json`` that ``batch``
and other tools read. Only into an empty or new folder: nothing is ever replaced."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dgx_pixels_app.core.errors import FileAccessError, InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.formats.images import write_png
from dgx_pixels_app.jobs.items import slug
from dgx_pixels_app.jobs.manifest import NAME, Manifest


def save_results(folder: Path, results: list[tuple[np.ndarray, GenerationRequest]]) -> Path:
    """Writes them (oldest first, as they were made); returns the manifest's path."""
    folder = Path(folder).expanduser()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidInputError(f"'{folder}' is not an empty folder: pick a new or empty one "
                                "(nothing already there is replaced).")  # fmt: skip
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"Cannot create '{folder}': {exc.strerror or exc}.") from exc
    entries = []
    for index, (image, request) in enumerate(results):
        subject = request.extra.get("subject") or request.prompt or "result"
        name = f"{index + 1:03d}-{slug(str(subject))[:40] or 'result'}-{request.seed}.png"
        write_png(folder / name, image, {"parameters": request.a1111_parameters(),
                                         "dgx-pixels": request.to_json()})  # fmt: skip
        entries.append({
            "index": index, "item": name.removesuffix(".png"), "subject": str(subject),
            "file": name, "status": "done", "size": int(max(image.shape[:2])),
            "request": request.to_dict(), "prompt": request.prompt, "seed": request.seed,
            "model": request.model, "steps": request.steps, "cfg": request.cfg,
            "sampler": request.scheduler, "width": int(image.shape[1]),
            "height": int(image.shape[0]),
        })  # fmt: skip
    manifest = Manifest(folder / NAME, {"source": "DGX-Pixels results"}, entries)
    manifest.save()
    return manifest.path
