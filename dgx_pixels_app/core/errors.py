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
