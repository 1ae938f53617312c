"""Reading user files with errors a person can act on, and a size bound first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dgx_pixels_app.core.errors import FileAccessError, FileFormatError


def read_bytes(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The file's bytes; refuses a missing file, a folder, a pipe or device (reading one
    would hang or never end), no permission or > ``limit``."""
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(info.st_mode):
            raise FileFormatError(f"'{path.name}' is not a file (a pipe or a device?).")
        if info.st_size > limit:
            raise FileFormatError(
                f"'{path.name}' is {info.st_size:,} bytes: too large for {_a(what)}."
            )
        with path.open("rb") as f:
            data = f.read(limit + 1)  # a file that grew since: still bounded
        if len(data) > limit:
            raise FileFormatError(f"'{path.name}' is too large for {_a(what)}.")
        return data
    except FileAccessError:
        raise
    except OSError as exc:
        raise access_error(path, exc, what) from exc


def _a(what: str) -> str:
    return f"{'an' if what[:1].lower() in 'aeiou' else 'a'} {what}"


def access_error(path: Path, exc: OSError, what: str = "file") -> FileAccessError:
    """The message a person gets when a file cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return FileAccessError(f"'{path}' does not exist.")
    if isinstance(exc, IsADirectoryError):
        return FileAccessError(f"'{path}' is a folder, not {_a(what)}.")
    if isinstance(exc, PermissionError):
        return FileAccessError(f"No permission to read '{path}'.")
    return FileAccessError(f"Cannot read '{path}': {exc.strerror or exc}.")


def read_text(path: str | os.PathLike[str], limit: int, what: str = "file") -> str:
    return read_bytes(path, limit, what).decode("utf-8", errors="replace")
