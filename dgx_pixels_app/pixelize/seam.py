"""How seamless a tile is: its wrap edge compared with its own interior edges.

For each axis, the mean colour difference across the wrap (last column → first
column, last row → first row) is divided by the mean difference between
neighbouring columns (rows) inside the tile. About 1 means the seam looks like
any other line of the tile; well above 1 means a visible seam when tiled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOT_SEAMLESS = 1.5  # a score above this is flagged as a visible seam
_EPSILON = 1.0  # in 0-255 colour units: flat tiles do not divide by zero


@dataclass
class SeamScore:
    x: float
    y: float

    @property
    def score(self) -> float:
        return max(self.x, self.y)

    @property
    def seamless(self) -> bool:
        return self.score <= NOT_SEAMLESS

    def __str__(self) -> str:
        flag = "" if self.seamless else "  (visible seam)"
        return f"seam {self.score:.2f} (x {self.x:.2f}, y {self.y:.2f}){flag}"


def _axis_ratio(image: np.ndarray) -> float:
    """Along columns: wrap difference / mean interior neighbour difference."""
    if image.shape[1] < 3:
        return 1.0
    interior = np.abs(np.diff(image, axis=1)).mean()
    wrap = np.abs(image[:, 0] - image[:, -1]).mean()
    return float((wrap + _EPSILON) / (interior + _EPSILON))


def seam_score(rgba: np.ndarray) -> SeamScore:
    """The seam score of an RGB(A) tile (alpha counts as a channel)."""
    image = rgba.astype(np.float32)
    return SeamScore(_axis_ratio(image), _axis_ratio(image.transpose(1, 0, 2)))
