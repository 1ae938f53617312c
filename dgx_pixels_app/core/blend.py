"""Layer blend modes, as Aseprite names and saves them.

A layer's colour is first mixed with what lies below by the mode's function B
(W3C Compositing: ``Cs' = (1 - ab) * Cs + ab * B(Cb, Cs)``, so over a clear
backdrop a layer shows its own colour), then laid "over" with the layer's alpha
and opacity. Codes are the blend-mode numbers of Aseprite's layer chunk.
"""

from __future__ import annotations

import numpy as np

from dgx_pixels_app.core.errors import InvalidInputError

# name -> Aseprite's code, in Aseprite's order
MODES: dict[str, int] = {
    "normal": 0, "multiply": 1, "screen": 2, "overlay": 3, "darken": 4, "lighten": 5,
    "color dodge": 6, "color burn": 7, "hard light": 8, "soft light": 9, "difference": 10,
    "exclusion": 11, "hue": 12, "saturation": 13, "color": 14, "luminosity": 15,
    "addition": 16, "subtract": 17, "divide": 18,
}  # fmt: skip
BY_CODE = {code: name for name, code in MODES.items()}


def check_mode(name: str) -> str:
    key = str(name).strip().lower().replace("_", " ").replace("-", " ")
    key = {"add": "addition", "colour dodge": "color dodge", "colour burn": "color burn",
           "colour": "color"}.get(key, key)  # fmt: skip
    if key not in MODES:
        raise InvalidInputError(f"Unknown blend mode {name!r}: use one of {', '.join(MODES)}.")
    return key


def _hard_light(b, s):
    return np.where(s <= 0.5, b * 2 * s, 1 - (1 - b) * (1 - (2 * s - 1)))


def _soft_light(b, s):
    d = np.where(b <= 0.25, ((16 * b - 12) * b + 4) * b, np.sqrt(b))
    return np.where(s <= 0.5, b - (1 - 2 * s) * b * (1 - b), b + (2 * s - 1) * (d - b))


def _safe_div(a, b):
    return np.divide(a, b, out=np.ones_like(a), where=b > 0)


_SEPARABLE = {
    "multiply": lambda b, s: b * s,
    "screen": lambda b, s: b + s - b * s,
    "overlay": lambda b, s: _hard_light(s, b),
    "darken": np.minimum,
    "lighten": np.maximum,
    "color dodge": lambda b, s: np.where(b <= 0, 0.0, np.minimum(1.0, _safe_div(b, 1 - s))),
    "color burn": lambda b, s: np.where(
        b >= 1, 1.0, 1 - np.minimum(1.0, _safe_div(1 - b, s) * (s > 0) + (s <= 0))
    ),
    "hard light": _hard_light,
    "soft light": _soft_light,
    "difference": lambda b, s: np.abs(b - s),
    "exclusion": lambda b, s: b + s - 2 * b * s,
    "addition": lambda b, s: np.minimum(1.0, b + s),
    "subtract": lambda b, s: np.maximum(0.0, b - s),
    "divide": lambda b, s: np.where(b <= 0, 0.0, np.where(b >= s, 1.0, _safe_div(b, s))),
}


def _lum(c):
    return c[:, 0:1] * 0.3 + c[:, 1:2] * 0.59 + c[:, 2:3] * 0.11


def _clip_color(c):
    lum = _lum(c)
    low, high = c.min(axis=1, keepdims=True), c.max(axis=1, keepdims=True)
    c = np.where(low < 0, lum + (c - lum) * _safe_div(lum, lum - low), c)
    return np.where(high > 1, lum + (c - lum) * _safe_div(1 - lum, high - lum), c)


def _set_lum(c, lum):
    return _clip_color(c + (lum - _lum(c)))


def _sat(c):
    return c.max(axis=1, keepdims=True) - c.min(axis=1, keepdims=True)


def _set_sat(c, sat):
    low, high = c.min(axis=1, keepdims=True), c.max(axis=1, keepdims=True)
    span = high - low
    return np.where(span > 0, (c - low) * _safe_div(sat, span), 0.0)


_NON_SEPARABLE = {
    "hue": lambda b, s: _set_lum(_set_sat(s, _sat(b)), _lum(b)),
    "saturation": lambda b, s: _set_lum(_set_sat(b, _sat(s)), _lum(b)),
    "color": lambda b, s: _set_lum(s, _lum(b)),
    "luminosity": lambda b, s: _set_lum(b, _lum(s)),
}


def mix(mode: str, backdrop: np.ndarray, source: np.ndarray) -> np.ndarray:
    """B(Cb, Cs) for colours in 0..1, shape (n, 3)."""
    if mode in _SEPARABLE:
        return _SEPARABLE[mode](backdrop, source)
    return _NON_SEPARABLE[mode](backdrop, source)


def blend_over(
    out: np.ndarray, src: np.ndarray, where: np.ndarray, opacity: int, mode: str = "normal"
) -> None:
    """Lay ``src`` (scaled by ``opacity``) over ``out`` where ``where``, in place
    (straight RGBA uint8)."""
    s = src[where].astype(np.float32)
    d = out[where].astype(np.float32)
    if mode != "normal":
        cb, cs, ab = d[:, :3] / 255.0, s[:, :3] / 255.0, d[:, 3:4] / 255.0
        s[:, :3] = ((1 - ab) * cs + ab * np.clip(mix(mode, cb, cs), 0, 1)) * 255.0
    a = s[:, 3:4] * (opacity / (255.0 * 255.0))
    keep = d[:, 3:4] / 255.0 * (1.0 - a)
    new_a = a + keep
    rgb = np.where(new_a > 0, (s[:, :3] * a + d[:, :3] * keep) / np.maximum(new_a, 1e-12), 0.0)
    result = np.empty_like(s)
    result[:, :3] = rgb
    result[:, 3:4] = new_a * 255.0
    out[where] = np.clip(result + 0.5, 0, 255).astype(np.uint8)
