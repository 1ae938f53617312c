"""Free transform in the core: the selected pixels moved, scaled with nearest neighbour,
flipped, turned with RotSprite — no new colours, the rest of the cel untouched, what
leaves the canvas cut, a scale past the size limit refused."""

import numpy as np
import pytest

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.transform import Transform, apply

RED, BLUE, GREEN = (255, 0, 0, 255), (0, 0, 255, 255), (0, 200, 0, 255)


def scene():
    image = np.zeros((16, 16, 4), np.uint8)
    image[2:4, 2:6] = RED
    image[2:4, 2] = BLUE
    image[12, 12] = GREEN  # not selected: must stay
    mask = np.zeros((16, 16), bool)
    mask[2:4, 2:6] = True
    return image, mask


def colors(image):
    return {tuple(c) for c in image.reshape(-1, 4).tolist()}


def test_move_scale_flip_and_turn():
    image, mask = scene()
    moved, new_mask = apply(image, mask, Transform(dx=3, dy=-2))
    assert moved[0:2, 5:9, 3].all() and not moved[2:4, 2:5, 3].any()
    assert new_mask[0:2, 5:9].all() and new_mask.sum() == 8
    big, _ = apply(image, mask, Transform(sx=2, sy=3))  # 8 × 6 about the same centre
    assert big[..., 3].sum() // 255 == 48 + 1 and colors(big) == colors(image)
    flipped, _ = apply(image, mask, Transform(sx=-1))
    assert tuple(flipped[2, 5]) == BLUE and tuple(flipped[2, 2]) == RED
    turned, _ = apply(image, mask, Transform(angle=90))
    assert turned[1:5, 3:5, 3].all() and colors(turned) <= colors(image)
    odd, _ = apply(image, mask, Transform(angle=33))
    assert colors(odd) <= colors(image)  # RotSprite: no new colours
    assert tuple(odd[12, 12]) == GREEN


def test_what_leaves_the_canvas_is_cut_and_limits_are_said():
    image, mask = scene()
    gone, new_mask = apply(image, mask, Transform(dx=40))
    assert not new_mask.any() and gone[..., 3].sum() == 255  # only the green pixel left
    with pytest.raises(InvalidInputError, match="limit of 8192"):
        apply(image, mask, Transform(sx=5000))
    with pytest.raises(InvalidInputError, match="Nothing is selected"):
        apply(image, np.zeros((16, 16), bool), Transform())
