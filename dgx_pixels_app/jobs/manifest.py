"""``manifest.json`` of a batch: the plan, and what became of every image.

Written atomically after every image, so a batch killed at any moment leaves a
manifest that says exactly which images are done; ``--resume`` reads it back.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dgx_pixels_app import __version__
from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.files import read_text
from dgx_pixels_app.core.limits import is_whole

SCHEMA = "dgx-pixels/batch@1"
NAME = "manifest.json"
MAX_MANIFEST_BYTES = 256 * 2**20


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


@dataclass
class Manifest:
    path: Path
    plan: dict[str, Any]  # what identifies the batch: items' hash and the options
    images: list[dict[str, Any]]
    model: dict[str, Any] = field(default_factory=dict)
    backend: str = ""
    created: str = field(default_factory=now)

    def counts(self) -> dict[str, int]:
        out = {"done": 0, "failed": 0, "pending": 0}
        for entry in self.images:
            out[entry["status"]] = out.get(entry["status"], 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "app": f"dgx-pixels {__version__}",
            "created": self.created,
            "updated": now(),
            "backend": self.backend,
            "model": self.model,
            "plan": self.plan,
            "summary": self.counts(),
            "images": self.images,
        }

    def save(self) -> None:
        atomic_write_text(self.path, json.dumps(self.to_dict(), indent=1, ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> Manifest:
        text = read_text(path, MAX_MANIFEST_BYTES, "batch manifest")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                f"'{path}' is not valid JSON ({exc.msg}, line {exc.lineno})."
            ) from exc
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise FileFormatError(f"'{path}' is not a DGX-Pixels batch manifest.")
        images = data.get("images")
        if not isinstance(images, list) or not all(
            isinstance(e, dict) and isinstance(e.get("file"), str) for e in images
        ):
            raise FileFormatError(f"'{path}' has no readable list of images.")
        for entry in images:
            if Path(entry["file"]).name != entry["file"] or entry["file"].startswith("."):
                raise FileFormatError(f"'{path}' names a file outside its folder.")
            if not _well_formed(entry):
                raise FileFormatError(f"'{path}' has a damaged entry for '{entry['file']}'.")
        return cls(
            path, data.get("plan") or {}, images, data.get("model") or {},
            str(data.get("backend", "")), str(data.get("created") or now()),
        )  # fmt: skip


STATUSES = ("done", "failed", "pending")


def _well_formed(entry: dict) -> bool:
    """What resuming relies on: a status, an index, and (if there) a request and a size."""
    return (
        entry.get("status") in STATUSES
        and is_whole(entry.get("index"))
        and isinstance(entry.get("request", {}), dict)
        and is_whole(entry.get("size", 0))
    )


def check_same_plan(manifest: Manifest, plan: dict[str, Any]) -> None:
    """Resume only the batch that was started: same items, same options."""
    old = manifest.plan
    differences = [k for k in sorted(set(old) | set(plan)) if old.get(k) != plan.get(k)]
    if differences:
        raise InvalidInputError(
            f"'{manifest.path.parent}' holds a batch made with other "
            f"{', '.join(differences)}; resume it with the same list and options, or "
            "choose another output folder."
        )
