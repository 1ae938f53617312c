"""Sprite-wide touch-up operations (Aseprite's Edit ▸ FX and Sprite menu): outline,
replace colour, hue/saturation/lightness, brightness/contrast — on one cel, all frames
of a layer, all layers of a frame, or everything — and canvas size, sprite size and
trim. Each is a plain function on RGBA arrays wrapped in one undoable command, so the
app, the command line and agents do the same thing. Locked layers are left alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from dgx_pixels_app.core.commands import Group, PatchPixels, patch_between
from dgx_pixels_app.core.document import Sprite
from dgx_pixels_app.core.errors import InvalidInputError, OptionError
from dgx_pixels_app.core.parallel import Progress, map_cels

SCOPES = ("cel", "layer", "frame", "all")  # this cel, all frames of a layer, a frame, all


def targets(sprite: Sprite, scope: str, layer_id: int, frame_id: int) -> list[tuple[int, int]]:
    """The (layer, frame) keys of the cels an operation touches."""
    if scope not in SCOPES:
        raise OptionError("scope", f"must be one of {', '.join(SCOPES)}, not '{scope}'")
    locked = {layer.id for layer in sprite.layers if layer.locked or layer.group}
    keys = [key for key in sprite.cels if key[0] not in locked]
    keep = {
        "cel": lambda k: k == (layer_id, frame_id), "layer": lambda k: k[0] == layer_id,
        "frame": lambda k: k[1] == frame_id, "all": lambda k: True,
    }[scope]  # fmt: skip
    return sorted(k for k in keys if keep(k))


def pixels_command(sprite: Sprite, keys: list[tuple[int, int]],
                   fn: Callable[[np.ndarray], np.ndarray], label: str,
                   mask: np.ndarray | None = None,
                   progress: Progress | None = None) -> Group | None:  # fmt: skip
    """``fn`` on each cel (inside ``mask`` only, when given) as one undo step holding only
    what differs; None when nothing changes. The cels run on every core; a linked cel
    once. It reads the live cels: off the UI thread, the caller must drop the result
    (and treat any error as "changed meanwhile") when ``sprite.events.count`` moved or a
    stroke is under way, since the UI thread may edit them while this runs."""
    unique = {id(sprite.cels[key]): key for key in keys}

    def one(key: tuple[int, int]) -> PatchPixels | None:
        before = sprite.cels[key].image
        image = fn(before)
        if mask is not None:
            image = np.where(mask[..., None], image, before)
        return patch_between(sprite, *key, before, image, label)

    patches = dict(zip(unique.values(), map_cels(one, unique.values(), progress), strict=True))
    steps = []
    for key in keys:  # each linked key gets its patch too: writing it twice is harmless
        patch = patches.get(unique[id(sprite.cels[key])])
        if patch is not None:
            steps.append(replace(patch, layer_id=key[0], frame_id=key[1]))
    return Group(steps, label) if steps else None


def results_command(sprite: Sprite, after: dict[tuple[int, int], np.ndarray], label: str,
                    mask: np.ndarray | None = None) -> Group | None:  # fmt: skip
    """The cels' new pixels (computed elsewhere) as one undo step holding only what
    differs; None when nothing does."""
    steps = []
    for (layer_id, frame_id), image in after.items():
        before = sprite.cels[(layer_id, frame_id)].image
        if mask is not None:
            image = np.where(mask[..., None], image, before)
        step = patch_between(sprite, layer_id, frame_id, before, image, label)
        if step is not None:
            steps.append(step)
    return Group(steps, label) if steps else None


def _rgba(color) -> np.ndarray:
    try:
        values = np.asarray(color, dtype=np.int64).ravel()
    except (TypeError, ValueError, OverflowError):
        values = np.zeros(0, np.int64)
    if values.size not in (3, 4) or (values < 0).any() or (values > 255).any():
        raise InvalidInputError(f"A colour is 3 or 4 numbers from 0 to 255, not {color!r}.")
    rgba = np.append(values, 255)[:4].astype(np.uint8)
    return rgba if rgba[3] else np.zeros(4, np.uint8)  # clear is stored as (0, 0, 0, 0)


def _grow(mask: np.ndarray, diagonal: bool) -> np.ndarray:
    """The mask and its 4- (or 8-) connected neighbours."""
    padded = np.pad(mask, 1)
    out = mask.copy()
    shifts = [(0, 1), (0, -1), (1, 0), (-1, 0)]
    if diagonal:
        shifts += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    h, w = mask.shape
    for dy, dx in shifts:
        out |= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
    return out


def outline(image: np.ndarray, color, outside: bool = True, diagonal: bool = False,
            shade: bool = False) -> np.ndarray:  # fmt: skip
    """Aseprite's Outline: the ring of transparent pixels around the shape (``outside``)
    or the shape's own edge pixels (inside), in ``color`` — or, with ``shade``, each in a
    darker shade of the shape pixel beside it; 4- or 8-connected."""
    opaque = image[..., 3] > 0
    ring = _grow(opaque, diagonal) & ~opaque if outside else opaque & _grow(~opaque, diagonal)
    if not shade:
        return _paint(image, ring, _rgba(color))
    source = _neighbour_colors(image, opaque, diagonal) if outside else image
    out = image.copy()
    darker = source[ring].astype(np.float32)
    darker[:, :3] *= SHADE
    darker[:, 3] = 255
    out[ring] = np.round(darker).astype(np.uint8)
    return out


SHADE = 0.6  # "a darker shade": the neighbour's colour at 60 %


def _neighbour_colors(image: np.ndarray, opaque: np.ndarray, diagonal: bool) -> np.ndarray:
    """For each pixel, the colour of a shape pixel beside it (left, right, up, down, then
    the corners): what an outside outline darkens."""
    h, w = opaque.shape
    padded, solid = np.pad(image, ((1, 1), (1, 1), (0, 0))), np.pad(opaque, 1)
    out = np.zeros_like(image)
    found = np.zeros((h, w), bool)
    shifts = [(0, -1), (0, 1), (-1, 0), (1, 0)]
    if diagonal:
        shifts += [(-1, -1), (-1, 1), (1, -1), (1, 1)]
    for dy, dx in shifts:
        take = solid[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] & ~found
        out[take] = padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w][take]
        found |= take
    return out


def _paint(image: np.ndarray, where: np.ndarray, color: np.ndarray) -> np.ndarray:
    """A copy of ``image`` with ``color`` where ``where`` (one 32-bit write per pixel)."""
    out = np.ascontiguousarray(image).copy()
    np.putmask(out.view(np.uint32).reshape(where.shape), where, color.view(np.uint32)[0])
    return out


def replace_color(image: np.ndarray, old, new, tolerance: int = 0) -> np.ndarray:
    """Every pixel within ``tolerance`` (0–255, per channel) of ``old`` becomes ``new``."""
    if not 0 <= tolerance <= 255:
        raise OptionError("tolerance", f"must be 0 to 255, not {tolerance}")
    source, target = _rgba(old), _rgba(new)
    if tolerance == 0:  # one 32-bit comparison per pixel
        flat = np.ascontiguousarray(image).view(np.uint32).reshape(image.shape[:2])
        return _paint(image, flat == source.view(np.uint32)[0], target)
    wide = source.astype(np.int16)

    def swap(colors: np.ndarray) -> np.ndarray:
        near = (np.abs(colors.astype(np.int16) - wide) <= tolerance).all(axis=2)
        return _paint(colors, near, target)

    return per_color(image, swap)  # the test once per distinct colour


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:  # NaN fails too
        raise OptionError(name, f"must be {low:g} to {high:g}, not {value}")


def per_color(image: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``fn`` (a pixel-wise colour change) computed once per distinct colour and mapped
    back: pixel art has a few dozen colours, so a 1024² cel costs a table lookup, not a
    million colour conversions. Exactly what ``fn(image)`` gives."""
    flat = np.ascontiguousarray(image).view(np.uint32).reshape(-1)
    colors = np.unique(flat[:: max(1, flat.size // 4096)])  # most colours, from a sample
    for _ in range(2):  # then every colour the sample missed
        index = np.minimum(np.searchsorted(colors, flat), colors.size - 1)
        missing = colors[index] != flat
        if not missing.any():
            break
        colors = np.union1d(colors, flat[missing])
        if colors.size * 4 > flat.size:  # hardly repeating (a photo): directly
            return fn(image)
    else:
        index = np.searchsorted(colors, flat)
    table = np.ascontiguousarray(fn(colors.view(np.uint8).reshape(-1, 1, 4)))
    return table.view(np.uint32).reshape(-1).take(index).view(np.uint8).reshape(image.shape)


def hue_saturation(image: np.ndarray, hue: float = 0.0, saturation: float = 0.0,
                   lightness: float = 0.0) -> np.ndarray:  # fmt: skip
    """Shift hue (degrees, -180..180), saturation and lightness (-100..100 %) of the
    opaque pixels in HSL, as Aseprite's Hue/Saturation; alpha is kept."""
    _check_range("hue", hue, -180, 180)
    _check_range("saturation", saturation, -100, 100)
    _check_range("lightness", lightness, -100, 100)
    return per_color(image, lambda im: _hsl_shift(im, hue, saturation, lightness))


def _hsl_shift(image: np.ndarray, hue: float, saturation: float, lightness: float) -> np.ndarray:
    rgb = image[..., :3].astype(np.float64) / 255
    high, low = rgb.max(axis=2), rgb.min(axis=2)
    light = (high + low) / 2
    delta = high - low
    sat = np.where(delta == 0, 0, delta / np.maximum(1e-12, 1 - np.abs(2 * light - 1)))
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    safe = np.maximum(delta, 1e-12)
    h = np.select([high == r, high == g], [((g - b) / safe) % 6, (b - r) / safe + 2],
                  (r - g) / safe + 4) * 60  # fmt: skip
    h = (np.where(delta == 0, 0, h) + hue) % 360
    sat = np.clip(sat * (1 + saturation / 100), 0, 1)
    light = np.clip(light + lightness / 100 * np.where(lightness > 0, 1 - light, light), 0, 1)
    out = image.copy()
    out[..., :3] = np.round(_hsl_to_rgb(h, sat, light) * 255).astype(np.uint8)
    return np.where((image[..., 3] > 0)[..., None], out, image)


def _hsl_to_rgb(h: np.ndarray, s: np.ndarray, light: np.ndarray) -> np.ndarray:
    c = (1 - np.abs(2 * light - 1)) * s
    x = c * (1 - np.abs((h / 60) % 2 - 1))
    m = light - c / 2
    sector = (h // 60).astype(int) % 6
    zero = np.zeros_like(c)
    table = [(c, x, zero), (x, c, zero), (zero, c, x), (zero, x, c), (x, zero, c), (c, zero, x)]
    rgb = np.zeros((*h.shape, 3))
    for i, parts in enumerate(table):
        rgb[sector == i] = np.stack(parts, axis=-1)[sector == i]
    return rgb + m[..., None]


def brightness_contrast(image: np.ndarray, brightness: float = 0.0,
                        contrast: float = 0.0) -> np.ndarray:  # fmt: skip
    """Brightness and contrast (-100..100 each) of the opaque pixels; alpha is kept."""
    _check_range("brightness", brightness, -100, 100)
    _check_range("contrast", contrast, -100, 100)
    return per_color(image, lambda im: _levels(im, brightness, contrast))


def _levels(image: np.ndarray, brightness: float, contrast: float) -> np.ndarray:
    rgb = image[..., :3].astype(np.float64)
    factor = (100 + contrast) / 100 if contrast <= 0 else 100 / max(1e-6, 100 - contrast)
    rgb = (rgb - 128) * factor + 128 + brightness * 2.55
    out = image.copy()
    out[..., :3] = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
    return np.where((image[..., 3] > 0)[..., None], out, image)
