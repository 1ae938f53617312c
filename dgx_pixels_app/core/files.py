"""Reading user files with errors a person can act on, and a size bound first."""

from __future__ import annotations

import os
from pathlib import Path

from dgx_pixels_app.core.errors import FileAccessError, FileFormatError


def read_bytes(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The file's bytes; refuses a missing file, a folder, no permission or > ``limit``."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError(str(path))
        if size > limit:
            raise FileFormatError(f"'{path.name}' is {size:,} bytes: too large for {_a(what)}.")
        return path.read_bytes()
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
