"""The recommended set (``resources/recommended-models.toml``) and fetching it.

Only ever an explicit user action: the person sees names, sizes and licences first.
Each file comes through the hub client (resumable: an interrupted or cancelled
download continues from its partial file), then its SHA-256 is checked against the
published one (or, where the data gives none, the hub's own LFS checksum); a file
that differs is deleted and never loaded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, FileFormatError, ModelError
from dgx_pixels_app.resources import load_toml, resource_path

ROLES = ("base", "style", "speed")
_FIELDS = ("id", "role", "name", "about", "repo", "file", "licence", "licence_url")


@dataclass(frozen=True)
class Recommended:
    id: str
    role: str
    name: str
    about: str
    repo: str
    file: str
    size: int
    sha256: str
    licence: str
    licence_url: str
    default: bool

    @property
    def folder_name(self) -> str:
        return self.repo.replace("/", "--")


def recommended_set(path: Path | None = None) -> list[Recommended]:
    """The entries, checked (a damaged file says which entry and what is wrong)."""
    path = path or resource_path("recommended-models.toml")
    entries = []
    for number, data in enumerate(load_toml(path).get("models", []), 1):
        where = f"{path.name}, entry {number}"
        if not isinstance(data, dict) or any(not isinstance(data.get(k), str) for k in _FIELDS):
            raise FileFormatError(f"{where}: needs text for {', '.join(_FIELDS)}.")
        if data["role"] not in ROLES or not data["file"].endswith(".safetensors"):
            raise FileFormatError(f"{where}: role is one of {ROLES}; files are .safetensors.")
        sha = data.get("sha256", "")
        if not isinstance(sha, str) or (sha and len(sha) != 64):
            raise FileFormatError(f"{where}: sha256 is 64 hex digits or empty.")
        fields = {k: data[k] for k in _FIELDS}
        entries.append(Recommended(**fields, size=int(data.get("size", 0)), sha256=sha.lower(),
                                   default=bool(data.get("default", False))))  # fmt: skip
    return entries


ATTEMPTS = 5  # a dropped connection is resumed this many times in one call
Progress = Callable[[str, int, int], None]  # (what, bytes done, bytes in all)


def fetch(entry: Recommended, models_dir: Path, *, endpoint: str | None = None,
          progress: Progress | None = None,
          cancel: Callable[[], bool] | None = None) -> Path:  # fmt: skip
    """Downloads one entry into ``models_dir/<owner>--<repo>/`` and checks it. The bytes
    go to ``<file>.part`` first: a later call continues it (an HTTP range request), and
    the file appears under its own name only once its size and SHA-256 are right."""
    import huggingface_hub
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise ModelError("HF_HUB_OFFLINE is set: unset it to download models.")
    report = progress or (lambda *_a: None)
    folder = models_dir / entry.folder_name
    target = folder / entry.file
    if target.is_file():
        return target  # fetched (and checked) before
    try:
        url = huggingface_hub.hf_hub_url(entry.repo, entry.file, endpoint=endpoint or None)
        meta = huggingface_hub.get_hf_file_metadata(url)
        folder.mkdir(parents=True, exist_ok=True)
        _room_for(folder, meta.size or entry.size)
        digest, part = _resume(url, target, meta.size or entry.size, entry.name, report, cancel)
    except (_Stop, CancelledError):
        raise CancelledError(
            f"Download of {entry.name} cancelled; start it again to resume where it stopped."
        ) from None
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"Could not download {entry.name}: {_why(exc, entry)}") from exc
    expected = entry.sha256 or (meta.etag or "").strip('"').lower()
    if len(expected) == 64 and digest != expected:
        os.unlink(part)
        raise ModelError(
            f"{entry.name} does not match its published SHA-256 (expected {expected[:12]}…, "
            f"got {digest[:12]}…): the file was deleted. Download it again; if it keeps "
            "failing, the mirror or the network changes the file."
        )
    os.replace(part, target)
    return target


def _why(exc: Exception, entry: Recommended) -> str:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 404:
        return (f"the hub has no {entry.file} in {entry.repo} (moved or renamed?); a newer "
                "DGX-Pixels may list it, or download it yourself and Scan for Models.")  # fmt: skip
    if status in (401, 403):
        return (f"{entry.repo} asks you to log in or accept its licence on huggingface.co "
                "first (then set HF_TOKEN).")  # fmt: skip
    text = (str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__).rstrip(".")
    offline = any(w in text.lower() for w in ("offline", "connect", "resolve", "timed out"))
    return text + (". The machine seems to be offline." if offline else ".")


def _room_for(folder: Path, size: int) -> None:
    free = shutil.disk_usage(folder).free
    if size and free < size + (256 << 20):
        raise ModelError(f"{folder} has {free / 1e9:.1f} GB free; the download needs "
                         f"{size / 1e9:.1f} GB. Free some space or pick another models folder.")  # fmt: skip


def _resume(url: str, target: Path, size: int, name: str, report: Progress,
            cancel: Callable[[], bool] | None) -> tuple[str, Path]:  # fmt: skip
    """The bytes into ``<target>.part``, continuing what is there; a dropped connection
    is picked up again a few times. Returns the SHA-256 of the whole file and the part."""
    from huggingface_hub.utils import build_hf_headers, get_session

    part = target.with_name(target.name + ".part")
    digest, done = hashlib.sha256(), 0
    if part.is_file():
        with part.open("rb") as f:
            while chunk := f.read(8 << 20):
                digest.update(chunk)
                done += len(chunk)
    for attempt in range(1, ATTEMPTS + 1):
        headers = build_hf_headers() | ({"Range": f"bytes={done}-"} if done else {})
        try:
            with get_session().stream("GET", url, headers=headers, follow_redirects=True,
                                      timeout=60) as response:  # fmt: skip
                if done and response.status_code != 206:  # the range was not honoured
                    digest, done = hashlib.sha256(), 0
                    part.unlink(missing_ok=True)
                    if response.status_code == 416:
                        continue
                response.raise_for_status()
                with part.open("ab") as f:
                    for chunk in response.iter_bytes(1 << 20):
                        if cancel is not None and cancel():
                            raise _Stop
                        f.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        report(name, done, size)
                    f.flush()
                    os.fsync(f.fileno())
            if not size or done >= size:
                break
        except _Stop:
            raise
        except Exception:
            if attempt == ATTEMPTS or not part.is_file():
                raise
    if size and done != size:
        raise ModelError(f"{name}: the server sent {done:,} bytes of {size:,}; try again.")
    return digest.hexdigest(), part


class _Stop(Exception):
    pass
