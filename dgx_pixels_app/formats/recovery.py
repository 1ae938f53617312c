"""Crash recovery: autosaved copies of open documents.

While a document has unsaved changes the GUI writes a snapshot here every 30 s
(in a worker thread). A clean exit deletes the copy; after a crash the copy
remains and the next start offers to recover it. Qt-free so it is testable alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.formats import aseprite


@dataclass
class RecoveryEntry:
    key: str
    sprite_path: Path
    original: str  # the document's own path, "" if never saved
    saved_at: float
    pid: int


def _alive(pid: int) -> bool:
    if not 0 < pid < 2**31:  # a damaged note: no such process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RecoveryStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex[:12]

    def write(self, key: str, sprite: Sprite, original: str = "") -> Path:
        """Write a snapshot (call from a worker thread with ``sprite.snapshot()``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{key}.aseprite"
        aseprite.save(sprite, target)
        meta = {"original": original, "saved_at": time.time(), "pid": os.getpid()}
        atomic_write_text(self.folder / f"{key}.json", json.dumps(meta))
        return target

    def discard(self, key: str) -> None:
        for suffix in (".aseprite", ".json"):
            with contextlib.suppress(FileNotFoundError):
                (self.folder / f"{key}{suffix}").unlink()

    def pending(self) -> list[RecoveryEntry]:
        """Copies left by processes that are gone: what a crash left behind."""
        entries = []
        for meta_path in sorted(self.folder.glob("*.json")):
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                entry = RecoveryEntry(
                    meta_path.stem,
                    meta_path.with_suffix(".aseprite"),
                    str(meta.get("original", "")),
                    float(meta.get("saved_at", 0)),
                    int(meta.get("pid", 0)),
                )
            except (OSError, ValueError, TypeError, AttributeError):
                continue
            if entry.sprite_path.exists() and entry.pid != os.getpid() and not _alive(entry.pid):
                entries.append(entry)
        return sorted(entries, key=lambda e: e.saved_at, reverse=True)
