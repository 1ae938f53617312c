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
            raise FileAccessError(f"'{path}' is a folder, not a {what}.")
        if size > limit:
            raise FileFormatError(f"'{path.name}' is {size:,} bytes: too large for a {what}.")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise FileAccessError(f"'{path}' does not exist.") from exc
    except IsADirectoryError as exc:
        raise FileAccessError(f"'{path}' is a folder, not a {what}.") from exc
    except PermissionError as exc:
        raise FileAccessError(f"No permission to read '{path}'.") from exc
    except OSError as exc:
        raise FileAccessError(f"Cannot read '{path}': {exc.strerror or exc}.") from exc


def read_text(path: str | os.PathLike[str], limit: int, what: str = "file") -> str:
    return read_bytes(path, limit, what).decode("utf-8", errors="replace")
