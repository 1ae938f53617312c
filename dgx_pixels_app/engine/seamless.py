"""Seamless (tileable) generation: circular padding on every convolution.

A convolution pads its input with zeros at the image border, so the model treats
the border as an edge. Padding circularly instead makes the left border the right
one's neighbour (and the top the bottom's): what the UNet denoises and the VAE
decodes is a torus, and the image tiles without a seam. Applied per job to the
UNet and the VAE (LoRA layers included: they are convolutions too), and always
restored afterwards, so the next job is an ordinary one.
"""

from __future__ import annotations

import contextlib
import types
from collections.abc import Iterable, Iterator

from dgx_pixels_app.core.generation import SEAMLESS_AXES

AXES = SEAMLESS_AXES


def _circular_conv(axes: str):
    import torch.nn.functional as F

    def conv_forward(self, input, weight, bias):
        ph, pw = self.padding
        x = F.pad(input, (pw, pw, 0, 0), mode="circular" if "x" in axes else "constant")
        x = F.pad(x, (0, 0, ph, ph), mode="circular" if "y" in axes else "constant")
        return F.conv2d(x, weight, bias, self.stride, 0, self.dilation, self.groups)

    return conv_forward


@contextlib.contextmanager
def seamless(modules: Iterable, axes: str) -> Iterator[int]:
    """Within the block, every padded Conv2d of ``modules`` wraps around ``axes``
    ("x", "y" or "xy"). Yields how many convolutions were changed."""
    if axes not in AXES:
        raise ValueError(f"seamless axes must be one of {AXES}, not {axes!r}")
    if not axes:
        yield 0
        return
    import torch.nn as nn

    forward = _circular_conv(axes)
    patched = []
    for module in modules:
        for conv in module.modules():
            if (
                isinstance(conv, nn.Conv2d)
                and isinstance(conv.padding, tuple)
                and conv.padding != (0, 0)
                and conv.padding_mode == "zeros"
                and "_conv_forward" not in conv.__dict__
            ):
                conv._conv_forward = types.MethodType(forward, conv)
                patched.append(conv)
    try:
        yield len(patched)
    finally:
        for conv in patched:
            conv.__dict__.pop("_conv_forward", None)
