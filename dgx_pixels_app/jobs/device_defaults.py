"""Defaults that suit the device: on a CPU, a small size and few steps (presets/
generation.toml ``[cpu]``) in place of the kind's own, with the reason said; on a GPU
the kind's defaults stand. The GUI and the command line both ask here."""

from __future__ import annotations

from dataclasses import dataclass

from dgx_pixels_app.core.errors import FileFormatError
from dgx_pixels_app.resources import load_toml, preset_path


@dataclass(frozen=True)
class CpuProposal:
    size: int
    steps: int
    count: int
    why: str

    def describe(self, before: tuple[int, int, int], after: tuple[int, int, int]) -> str:
        """What changed, as (width, height, steps) before and after."""
        (w0, h0, s0), (w1, h1, s1) = before, after
        work = (w0 * h0 * s0) / max(1, w1 * h1 * s1)
        steps = f" at {s1} steps instead of {w0}×{h0} at {s0}" if s1 != s0 else (
            f" instead of {w0}×{h0}")  # fmt: skip
        return (f"On the CPU (no CUDA GPU): {w1}×{h1}{steps}, about {work:.0f}× less work; "
                f"{self.why}.")  # fmt: skip


def cpu_proposal() -> CpuProposal:
    data = load_toml(preset_path("generation.toml")).get("cpu")
    try:
        return CpuProposal(int(data["size"]), int(data["steps"]), int(data["count"]),
                           str(data["why"]))  # fmt: skip
    except (TypeError, KeyError, ValueError) as exc:
        raise FileFormatError("presets/generation.toml's [cpu] needs size, steps, count "
                              "and why.") from exc  # fmt: skip


def runs_on_cpu(device: str = "auto", backend: str | None = None) -> bool:
    """Whether a local job would run on the CPU (a Ray cluster's workers say for
    themselves: never assumed)."""
    if backend and backend != "local":
        return False
    if device not in ("auto", "", None):
        return device == "cpu"
    import torch

    mps = getattr(torch.backends, "mps", None)
    return not torch.cuda.is_available() and not (mps is not None and mps.is_available())
