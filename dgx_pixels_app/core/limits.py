"""Bounds every reader checks before it allocates.

A sprite larger than this is not pixel art; refusing it early keeps a corrupt or
hostile header (say 30000 x 30000) from allocating gigabytes.
"""

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError

MAX_SIDE = 8192
MAX_PIXELS = 8192 * 8192
MAX_FRAMES = 10_000
MAX_LAYERS = 1_000
MAX_FILE_BYTES = 1 << 30  # 1 GiB


def is_whole(value) -> bool:
    """A whole number as read from JSON (``true`` is not one, though Python says so)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    """A number as read from JSON (``true`` is not one)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_size(width: int, height: int, *, what: str = "Image", from_file: bool = False) -> None:
    """Raise a clear error if ``width`` x ``height`` cannot be a sprite."""
    error = FileFormatError if from_file else InvalidInputError
    if width < 1 or height < 1:
        raise error(f"{what} size {width}x{height} is empty: both sides must be at least 1 pixel.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise error(
            f"{what} size {width}x{height} is too large: DGX-Pixels handles up to "
            f"{MAX_SIDE}x{MAX_SIDE} pixels."
        )
