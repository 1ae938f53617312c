"""Writing into someone's game without destroying their work.

DGX-Pixels records what it wrote into a project (``.dgx-pixels/deployed.json``: each
file's path and the SHA-256 of the bytes written). A file whose bytes are still
what we wrote is ours and is replaced freely; any other file at a target path was
made by hand (or changed since) and is never replaced silently: the deploy is
refused, listing those files, unless the caller allows overwriting — and then each
one is first copied to ``.dgx-pixels/replaced/<time>/`` and the result says where.

Crash safety: the record is written with the new hashes added before any file, and
pruned after the last, so a deploy killed at any moment leaves every file either
as it was or as new, and still recognised as ours.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.atomic import atomic_write_bytes, atomic_write_text, locked
from dgx_pixels_app.core.confine import check_write, make_folder
from dgx_pixels_app.core.errors import DgxPixelsError, InvalidInputError
from dgx_pixels_app.core.files import read_bytes

FOLDER = ".dgx-pixels"
RECORD = f"{FOLDER}/deployed.json"
SCHEMA = "dgx-pixels/deployed@1"
MAX_RECORD_BYTES = 16 * 2**20
MAX_HASHES = 4  # per file: enough for a deploy interrupted between two others


class DeployConflict(InvalidInputError):
    """Files at the targets that DGX-Pixels did not write (or that changed since)."""

    def __init__(self, project: Path, files: list[Path]) -> None:
        self.project = project
        self.files = files
        super().__init__(self.phrased("overwrite"))

    def phrased(self, allow: str) -> str:
        """The message, with ``allow`` saying how this front end allows overwriting."""
        names = ", ".join(rel(self.project, f) for f in self.files)
        them = "it" if len(self.files) == 1 else "them"
        return (
            f"{names} (in {self.project}) {'was' if len(self.files) == 1 else 'were'} not "
            "written by DGX-Pixels "
            f"(made by hand, or changed since): nothing was written. Choose another name, or "
            f"use {allow} to replace {them}; the old {'file is' if them == 'it' else 'files are'} "
            f"then kept in {FOLDER}/replaced/."
        )


@dataclass
class Deployed:
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)  # ours, replaced freely
    replaced: list[tuple[Path, Path]] = field(default_factory=list)  # (file, its old copy)

    def describe(self) -> list[str]:
        return [f"replaced {p} (the old one is kept at {kept})" for p, kept in self.replaced]


def rel(project: Path, path: Path) -> str:
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_record(project: Path) -> dict[str, list[str]]:
    """path (relative, posix) -> hashes we wrote there; a damaged record is empty
    (which only makes us more careful: every file then counts as hand-made)."""
    path = project / RECORD
    if not path.is_file():
        return {}
    try:
        data = json.loads(read_bytes(path, MAX_RECORD_BYTES, "deploy record"))
    except (DgxPixelsError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {
        k: [h for h in v if isinstance(h, str)][-MAX_HASHES:]
        for k, v in files.items()
        if isinstance(k, str) and isinstance(v, list)
    }


def _write_record(project: Path, record: dict[str, list[str]]) -> None:
    make_folder(project / FOLDER)
    data = {"schema": SCHEMA, "note": "files DGX-Pixels wrote here, by SHA-256", "files": record}
    atomic_write_text(project / RECORD, json.dumps(data, indent=1, sort_keys=True))


def check_targets(project: Path, targets: list[Path]) -> None:
    """Before any write: every target may be written by this caller (confinement), and
    is a file or nothing — a folder or a dangling link there is never "replaced"."""
    for target in targets:
        check_write(target)
        if (target.exists() or target.is_symlink()) and not target.is_file():
            raise InvalidInputError(
                f"'{rel(project, target)}' is a folder or a link to nothing, not a file: "
                "nothing was written. Move it, or choose another name."
            )


def conflicts(project: Path, targets: list[Path]) -> list[Path]:
    """The targets that exist and are not ours as we wrote them."""
    record = read_record(project)
    out = []
    for target in targets:
        if not target.exists() and not target.is_symlink():
            continue
        try:  # a link is never ours (we write files), and is never read through
            ours = not target.is_symlink() and _sha(target.read_bytes()) in record.get(
                rel(project, target), []
            )
        except OSError:
            ours = False
        if not ours:
            out.append(target)
    return out


Overwrite = bool | frozenset  # True, or the files the person agreed to replace


def _refuse(project: Path, hand_made: list[Path], overwrite: Overwrite) -> None:
    refused = [p for p in hand_made if not (overwrite is True or p in (overwrite or ()))]
    if refused:
        raise DeployConflict(project, refused)


def deploy(project: Path, files: dict[Path, bytes], overwrite: Overwrite = False) -> Deployed:
    """Write ``files`` (inside ``project``), keeping every hand-made file (see above).
    One deploy into a project at a time, across threads and processes (the app's export
    and an agent's may meet), so neither drops the other's record."""
    check_targets(project, list(files))
    with _locked(project):
        hand_made = conflicts(project, list(files))
        _refuse(project, hand_made, overwrite)
        return _write(project, files, hand_made)


def guard(project: Path, targets: list[Path], overwrite: Overwrite = False,
          keep: bool = False) -> list[tuple[Path, Path]]:  # fmt: skip
    """For writers that write their files themselves (an animation's, a tileset's, a
    pixelized image): the same rule as a deploy. Refuses targets DGX-Pixels did not
    write unless ``overwrite`` covers them; with ``keep`` (just before writing) copies
    those to .dgx-pixels/replaced/ and returns (file, copy) pairs. Afterwards, call
    :func:`remember` with what was written."""
    check_targets(project, targets)
    if not keep:  # an early check: read only, nothing made
        _refuse(project, conflicts(project, targets), overwrite)
        return []
    with _locked(project):
        hand_made = conflicts(project, targets)
        _refuse(project, hand_made, overwrite)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        return [(path, _keep(project, path, stamp)) for path in hand_made]


def remember(project: Path, paths: list[Path]) -> None:
    """Record these files, as they are now, as written by DGX-Pixels."""
    with _locked(project):
        record = read_record(project)
        for path in paths:
            if path.is_file() and not path.is_symlink():
                key = rel(project, path)
                record[key] = [*record.get(key, []), _sha(path.read_bytes())][-MAX_HASHES:]
        _write_record(project, record)


def _write(project: Path, files: dict[Path, bytes], hand_made: list[Path]) -> Deployed:
    report = Deployed()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path in hand_made:
        report.replaced.append((path, _keep(project, path, stamp)))
    record = read_record(project)
    for path, data in files.items():
        key = rel(project, path)
        record[key] = [*record.get(key, []), _sha(data)][-MAX_HASHES:]
    _write_record(project, record)  # first: a kill mid-deploy leaves files we still know
    for path, data in files.items():
        if path not in hand_made:
            (report.updated if path.exists() else report.created).append(path)
        atomic_write_bytes(path, data)
    for path, data in files.items():
        record[rel(project, path)] = [_sha(data)]
    _write_record(project, record)
    return report


@contextlib.contextmanager
def _locked(project: Path) -> Iterator[None]:
    make_folder(project / FOLDER)
    with locked(project / FOLDER / ".lock"):
        yield


def _keep(project: Path, path: Path, stamp: str) -> Path:
    """Copy a hand-made file to .dgx-pixels/replaced/<stamp>/<its path>, before replacing it."""
    copy = project / FOLDER / "replaced" / stamp / rel(project, path)
    n = 1
    while copy.exists():
        n += 1
        copy = project / FOLDER / "replaced" / f"{stamp}-{n}" / rel(project, path)
    make_folder(copy.parent)
    if path.is_symlink():  # kept as the link it was: never read through (it may lead out)
        copy.symlink_to(os.readlink(path))
    else:
        atomic_write_bytes(copy, path.read_bytes(), mode=path.stat().st_mode & 0o7777)
    return copy
