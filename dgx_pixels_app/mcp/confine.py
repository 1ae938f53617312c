"""Where an agent may read and write: inside the roots the server was started with.

Relative paths are taken from the first root. ``..`` anywhere, absolute paths
outside every root, and symbolic links whose target leaves the roots are refused
with a message; reading is also allowed in the app's own folders (its models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError, OptionError

MAX_PATH = 1000  # characters
OWN = ".dgx-pixels"  # formats/deploy.FOLDER: the record of what was written, and kept files


def _expanded(text: str, what: str) -> Path:
    try:
        return Path(text).expanduser()
    except RuntimeError as exc:  # ~someone who does not exist here
        raise InvalidInputError(f"The {what} path '{text}' names an unknown home folder.") from exc


def _real(text: str, what: str) -> Path:
    try:
        return _expanded(text, what).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links
        raise InvalidInputError(f"The {what} path '{text}' cannot be followed ({exc}).") from exc


@dataclass
class Roots:
    writable: list[Path]
    readable: list[Path] = field(default_factory=list)  # besides the writable roots

    @classmethod
    def of(cls, roots: list[str | Path], readable: list[str | Path] = ()) -> Roots:
        resolved = []
        for root in roots:
            path = _real(str(root), "allowed folder")
            if not path.is_dir():
                raise OptionError("allow_root", f"'{root}' is not a folder")
            resolved.append(path)
        if not resolved:
            raise OptionError(
                "allow_root", "needs at least one folder: the server writes only there"
            )
        return cls(resolved, [_real(str(p), "models folder") for p in readable])

    def describe(self) -> str:
        return ", ".join(str(r) for r in self.writable)

    def _resolve(self, text: str, allowed: list[Path], what: str) -> Path:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"The {what} path is empty or not text.")
        if "\x00" in text or len(text) > MAX_PATH:
            raise InvalidInputError(
                f"The {what} path holds a NUL character or is over {MAX_PATH} characters."
            )
        if ".." in Path(text.strip()).parts:
            raise InvalidInputError(
                f"'{text}' climbs out with '..': give a path inside {self.describe()}."
            )
        raw = _expanded(text.strip(), what)
        path = raw if raw.is_absolute() else self.writable[0] / raw
        resolved = _real(str(path), what)  # links followed: their target must stay inside too
        if not any(resolved.is_relative_to(root) for root in allowed):
            lexical = path.absolute()
            via = (
                " through a symbolic link"
                if any(lexical.is_relative_to(root) for root in allowed)
                else ""
            )
            raise InvalidInputError(
                f"'{text}' is outside the folders this server may use{via} ({self.describe()})."
            )
        if OWN in resolved.parts:  # what DGX-Pixels wrote where, and the files it kept
            raise InvalidInputError(
                f"'{text}' is in DGX-Pixels' own {OWN}/ folder, not for agents."
            )
        return resolved

    def write(self, text: str, what: str = "output") -> Path:
        return self._resolve(text, self.writable, what)

    def read(self, text: str, what: str = "input") -> Path:
        path = self._resolve(text, self.writable + self.readable, what)
        if not path.exists():
            raise InvalidInputError(f"'{text}' does not exist.")
        return path

    def project(self, text: str) -> Path:
        """A Bevy project inside the roots: a folder with a Cargo.toml."""
        path = self.write(text, "Bevy project")
        if not path.is_dir() or not (path / "Cargo.toml").is_file():
            raise InvalidInputError(f"'{text}' is not a Bevy project: it has no Cargo.toml.")
        return path
