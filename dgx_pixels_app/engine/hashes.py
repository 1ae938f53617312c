"""SHA-256 of models and LoRAs for manifests, cached so a 7 GB checkpoint is read once.

A diffusers folder's hash is the SHA-256 of its weight files' hashes in path order.
The cache (``hashes.json`` in the app's data folder) is keyed by path, size and
modification time, so a replaced file is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.confine import own_files

_lock = threading.Lock()
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".ckpt", ".pt", ".pth")


def _cache_path() -> Path:
    from dgx_pixels_app.settings import data_dir

    return data_dir() / "hashes.json"


def _load_cache() -> dict:
    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def file_sha256(path: Path, cache: dict | None = None) -> str:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    if cache is not None and key in cache:
        return cache[key]
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 22):
            digest.update(chunk)
    value = digest.hexdigest()
    if cache is not None:
        cache[key] = value
    return value


def sha256(path: str | Path) -> str:
    """The file's SHA-256, or a folder's (over its weight files); "" if unreadable."""
    path = Path(path).expanduser()
    with _lock:
        cache = _load_cache()
        before = len(cache)
        try:
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.suffix in WEIGHT_SUFFIXES)
                combined = hashlib.sha256()
                for file in files:
                    combined.update(str(file.relative_to(path)).encode())
                    combined.update(file_sha256(file, cache).encode())
                value = combined.hexdigest()
            else:
                value = file_sha256(path, cache)
        except OSError:
            return ""
        if len(cache) != before:
            try:
                with own_files():  # the app's cache, whoever the caller writes for
                    _cache_path().parent.mkdir(parents=True, exist_ok=True)
                    atomic_write_text(_cache_path(), json.dumps(cache))
            except OSError:
                pass
        return value
