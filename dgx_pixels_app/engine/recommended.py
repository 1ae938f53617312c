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
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import CancelledError, FileFormatError, ModelError
from dgx_pixels_app.resources import load_toml, resource_path

ROLES = ("base", "style", "speed")
_HEX64 = re.compile(r"[0-9a-f]{64}")  # used with fullmatch: no trailing newline slips in
MAX_SIZE = 1 << 40
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
        sha, size, default = data.get("sha256", ""), data.get("size", 0), data.get("default", False)
        if not isinstance(sha, str) or (sha and not _HEX64.fullmatch(sha.lower())):
            raise FileFormatError(f"{where}: sha256 is 64 hex digits or empty.")
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_SIZE:
            raise FileFormatError(f"{where}: size is a whole number of bytes.")
        if not isinstance(default, bool):
            raise FileFormatError(f"{where}: default is true or false.")
        _check_place(data, where)
        fields = {k: data[k] for k in _FIELDS}
        entries.append(Recommended(**fields, size=size, sha256=sha.lower(), default=default))
    return entries


ATTEMPTS = 5  # a dropped connection is resumed this many times in one call


_REPO = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*", re.ASCII)
_FILE = re.compile(r"[A-Za-z0-9][\w.-]*\.safetensors", re.ASCII)


def _check_place(data: dict, where: str) -> None:
    """The repo is owner/name and the file a plain name: nothing leaves the models folder."""
    if not _REPO.fullmatch(data["repo"]) or ".." in data["repo"]:
        raise FileFormatError(f"{where}: repo is owner/name, not '{data['repo'][:60]}'.")
    if not _FILE.fullmatch(data["file"]) or ".." in data["file"]:
        raise FileFormatError(
            f"{where}: file is a plain .safetensors name, not '{data['file'][:60]}'."
        )


Progress = Callable[[str, int, int], None]  # (what, bytes done, bytes in all)


def fetch(entry: Recommended, models_dir: Path, *, endpoint: str | None = None,
          progress: Progress | None = None,
          cancel: Callable[[], bool] | None = None) -> Path:  # fmt: skip
    """Downloads one entry into ``models_dir/<owner>--<repo>/`` and checks it. The bytes
    go to ``<file>.part`` first: a later call continues it (an HTTP range request), and
    the file appears under its own name only once its size and SHA-256 are right. A file
    whose SHA-256 cannot be known (no published one, none from the server) is refused."""
    import huggingface_hub
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        raise ModelError("HF_HUB_OFFLINE is set: unset it to download models.")
    report = progress or (lambda *_a: None)
    _check_place({"repo": entry.repo, "file": entry.file}, entry.name)  # a caller's own entry
    folder = models_dir / entry.folder_name
    target = folder / entry.file
    if target.is_file():
        return target  # fetched (and checked) before
    if os.path.lexists(target):
        raise ModelError(f"'{target}' is in the way (not a file): remove it and try again.")
    try:
        url = huggingface_hub.hf_hub_url(entry.repo, entry.file, endpoint=endpoint or None)
        meta = huggingface_hub.get_hf_file_metadata(url)
        size, expected = meta.size or entry.size, _expected_sha(entry, meta.etag)
        folder.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        have = _read_part(part, size, entry.name, report, cancel)
        _room_for(folder, size - have.done)
        if not size or have.done < size:
            _download(url, part, have, size, entry.name, report, cancel)
    except (_Stop, CancelledError):
        raise CancelledError(
            f"Download of {entry.name} cancelled; start it again to resume where it stopped."
        ) from None
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"Could not download {entry.name}: {_why(exc, entry)}") from exc
    if size and have.done != size:
        raise ModelError(f"{entry.name}: the server sent {have.done:,} bytes of {size:,}; "
                         "start it again to resume.")  # fmt: skip
    got = have.digest.hexdigest()
    if got != expected:
        os.unlink(part)
        raise ModelError(
            f"{entry.name} does not match its published SHA-256 (expected {expected[:12]}…, "
            f"got {got[:12]}…): the file was deleted. Download it again; if it "
            "keeps failing, the mirror or the network changes the file."
        )
    os.replace(part, target)
    return target


def _expected_sha(entry: Recommended, etag: str | None) -> str:
    """The SHA-256 to check: the published one, else the hub's own (an LFS file's ETag).
    Refused before any byte when there is none, or when the hub's differs from ours."""
    hub = (etag or "").strip('"').removeprefix("W/").strip('"').lower()
    hub = hub if _HEX64.fullmatch(hub) else ""
    if entry.sha256 and hub and hub != entry.sha256:
        raise ModelError(f"{entry.name}: the hub's {entry.file} is no longer the file this list "
                         "names (its SHA-256 changed), so it is not downloaded; a newer "
                         "DGX-Pixels lists the new one.")  # fmt: skip
    if not (entry.sha256 or hub):
        raise ModelError(f"{entry.name}: neither this list nor the server gives a SHA-256 for "
                         f"{entry.file}, so it could not be checked and is not downloaded. Use "
                         "the hub itself (not a mirror), or download it yourself and Scan for "
                         "Models.")  # fmt: skip
    return entry.sha256 or hub


def _why(exc: Exception, entry: Recommended) -> str:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 404:
        return (f"the hub has no {entry.file} in {entry.repo} (moved or renamed?); a newer "
                "DGX-Pixels may list it, or download it yourself and Scan for Models.")  # fmt: skip
    if status in (401, 403):
        return (f"{entry.repo} asks you to log in or accept its licence on huggingface.co "
                "first (then set HF_TOKEN).")  # fmt: skip
    text = (str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__).rstrip(".")
    return text + (". The machine seems to be offline." if _offline(exc) else ".")


def _offline(exc: BaseException | None) -> bool:
    """A connection that never opened (no network, no DNS, refused), anywhere in the chain."""
    while exc is not None:
        if _kind(exc, "ConnectError", "ConnectTimeout", "ConnectionRefusedError"):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _kind(exc: BaseException, *names: str) -> bool:
    """By class name: the hub client's HTTP library (httpx, or its fork) is not ours to import."""
    return any(cls.__name__ in names for cls in type(exc).__mro__)


def _room_for(folder: Path, remaining: int) -> None:
    free = shutil.disk_usage(folder).free
    if remaining > 0 and free < remaining + (256 << 20):
        raise ModelError(f"{folder} has {free / 1e9:.1f} GB free; the rest of the download needs "
                         f"{remaining / 1e9:.1f} GB. Free some space or pick another models "
                         "folder.")  # fmt: skip


@dataclass
class _Bytes:
    """What the part file holds: its SHA-256 so far and its length (kept in step on
    every chunk, so a retry after any failure continues from exactly there)."""

    digest: object = field(default_factory=hashlib.sha256)
    done: int = 0

    def restart(self, part: Path) -> None:
        self.digest, self.done = hashlib.sha256(), 0
        part.open("wb").close()


def _read_part(part: Path, size: int, name: str, report: Progress,
               cancel: Callable[[], bool] | None) -> _Bytes:  # fmt: skip
    """What an earlier download left; one larger than the file is dropped; anything but
    a plain file there is refused, never followed."""
    have = _Bytes()
    try:
        info = part.lstat()
    except FileNotFoundError:
        return have
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(f"'{part}' is in the way (not a plain file): remove it and try again.")
    if size and info.st_size > size:
        part.unlink()
        return have
    with part.open("rb") as f:
        while chunk := f.read(8 << 20):
            if cancel is not None and cancel():
                raise _Stop
            have.digest.update(chunk)
            have.done += len(chunk)
            report(f"Checking what {name} has so far", have.done, info.st_size)
    return have


TRANSIENT = (408, 425, 429, 500, 502, 503, 504)


def _download(url: str, part: Path, have: _Bytes, size: int, name: str, report: Progress,
              cancel: Callable[[], bool] | None) -> None:  # fmt: skip
    """The rest of the bytes into ``part`` (HTTP ranges); a dropped connection or a
    passing server error is retried, keeping what is there."""
    from huggingface_hub.utils import build_hf_headers, get_session

    for attempt in range(1, ATTEMPTS + 1):
        with part.open("ab") as f:
            f.truncate(have.done)  # exactly what the digest covers
        headers = build_hf_headers() | {"Accept-Encoding": "identity"}
        if have.done:
            headers["Range"] = f"bytes={have.done}-"
        try:
            with get_session().stream("GET", url, headers=headers, follow_redirects=True,
                                      timeout=30) as response:  # fmt: skip
                if response.status_code == 416 and have.done:  # nothing left: start over
                    have.restart(part)
                    continue
                response.raise_for_status()
                if have.done and not _continues(response, have.done):  # the whole file again
                    have.restart(part)
                _write(response, part, have, size, name, report, cancel)
            if not size or have.done >= size:
                return
        except _Stop:
            raise
        except Exception as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            passing = status in TRANSIENT or _kind(exc, "TransportError", "OSError")
            if attempt == ATTEMPTS or not passing:
                raise
            time.sleep(min(0.2 * 2**attempt, 5))


def _continues(response, done: int) -> bool:
    return response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
        f"bytes {done}-"
    )


def _write(response, part: Path, have: _Bytes, size: int, name: str, report: Progress,
           cancel: Callable[[], bool] | None) -> None:  # fmt: skip
    with part.open("ab") as f:
        for chunk in response.iter_raw(1 << 20):
            if cancel is not None and cancel():
                raise _Stop
            if size:  # never past the announced length (a server that streams on)
                chunk = chunk[: size - have.done]
            f.write(chunk)
            f.flush()
            have.digest.update(chunk)
            have.done += len(chunk)
            report(name, have.done, size)
            if size and have.done >= size:
                break
        os.fsync(f.fileno())


class _Stop(Exception):
    pass
