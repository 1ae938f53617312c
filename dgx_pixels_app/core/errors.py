"""One error family whose messages a person can act on.

Front ends catch :class:`DgxPixelsError` and show ``str(error)``: the CLI prints it
and exits 2, the GUI shows it in a dialog and keeps running. Anything else that
escapes is a bug and is reported as one.
"""


class DgxPixelsError(Exception):
    """Base of every error meant for a user."""


class InvalidInputError(DgxPixelsError, ValueError):
    """A value given by a person (a size, a name, an option) cannot be used."""


class FileFormatError(DgxPixelsError):
    """A file is not what it claims to be, or is corrupt, truncated or too large."""


class FileAccessError(DgxPixelsError, OSError):
    """A file or folder cannot be read or written (missing, permissions, disk full)."""


class ModelError(DgxPixelsError):
    """A model or LoRA cannot be found, loaded or used."""


class CancelledError(DgxPixelsError):
    """A job was cancelled by the user."""


class OptionError(InvalidInputError):
    """Values of named options that cannot be used. Lower layers name the option as
    they know it (``frames``); ``str()`` reads "frames must be 2 to 16, not 40.", and a
    front end phrases the name its own way with :meth:`phrased` (the CLI: ``--frames``).
    """

    def __init__(self, option: str, problem: str, *more: tuple[str, str]) -> None:
        self.problems = [(option, problem), *more]
        super().__init__(self.phrased(lambda name: name))

    def phrased(self, name) -> str:
        """The message with each option written as ``name(option)``."""
        return "; ".join(f"{name(option)} {problem}" for option, problem in self.problems) + "."


def first_line(exc: BaseException, limit: int = 300) -> str:
    """An exception's first line (or its type's name), short enough for one message line."""
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:limit]
