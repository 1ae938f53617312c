"""Where an agent may read and write: inside the roots the server was started with.

Relative paths are taken from the first root. ``..`` anywhere, absolute paths
outside every root, and symbolic links whose target leaves the roots are refused
with a message; reading is also allowed in the app's own folders (its models).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError

MAX_PATH = 1000  # characters


@dataclass
class Roots:
    writable: list[Path]
    readable: list[Path] = field(default_factory=list)  # besides the writable roots

    @classmethod
    def of(cls, roots: list[str | Path], readable: list[str | Path] = ()) -> Roots:
        resolved = []
        for root in roots:
            path = Path(root).expanduser()
            if not path.is_dir():
                raise InvalidInputError(f"--allow-root '{root}' is not a folder.")
            resolved.append(path.resolve())
        if not resolved:
            raise InvalidInputError(
                "Give at least one --allow-root DIR: the server writes only there."
            )
        return cls(resolved, [Path(p).expanduser().resolve() for p in readable])

    def describe(self) -> str:
        return ", ".join(str(r) for r in self.writable)

    def _resolve(self, text: str, allowed: list[Path], what: str) -> Path:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInputError(f"The {what} path is empty or not text.")
        if "\x00" in text or len(text) > MAX_PATH:
            raise InvalidInputError(
                f"The {what} path holds a NUL character or is over {MAX_PATH} characters."
            )
        raw = Path(text.strip()).expanduser()
        if ".." in raw.parts:
            raise InvalidInputError(
                f"'{text}' climbs out with '..': give a path inside {self.describe()}."
            )
        path = raw if raw.is_absolute() else self.writable[0] / raw
        resolved = path.resolve()  # follows symbolic links: their target must stay inside too
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
