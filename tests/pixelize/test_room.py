"""Room under half a cell around flat art (rule 12): the band the grid leaves outside it
is read only when it is opaque, flat and one colour on all four sides, and the ring it
leaves on the grid's border is kept as the art's frame only when it is one."""

import sys
from pathlib import Path

import numpy as np
import pytest

from dgx_pixels_app.pixelize.background import framed_in_room
from dgx_pixels_app.pixelize.cuts import AxisGrid, Grid
from dgx_pixels_app.pixelize.palette import _weighted
from dgx_pixels_app.pixelize.pipeline import PixelizeOptions, pixelize
from dgx_pixels_app.pixelize.room import art_to_the_edges, room_color
from tests.pixelize.test_flat_shapes import field, in_room

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from degrade import degrade  # noqa: E402
from pixelize_wide_eval import light_background  # noqa: E402

ROOM = (200, 40, 160)


def picture(band: int = 8, size: int = 200, colour=ROOM) -> np.ndarray:
    """Art of 10 px cells filling [band, size - band) on both axes, in a band of room."""
    rng = np.random.default_rng(0)
    image = np.full((size, size, 4), 255, np.uint8)
    image[..., :3] = np.clip(np.array(colour) + rng.normal(0, 2, (size, size, 3)), 0, 255)
    image[band:-band, band:-band, :3] = (20, 20, 20)
    return image


def grid_inside(band: float, size: int = 200) -> Grid:
    cuts = np.linspace(band, size - band, 19)
    return Grid(AxisGrid(float(cuts[1] - cuts[0]), cuts), AxisGrid(float(cuts[1] - cuts[0]), cuts))


def test_the_room_colour_is_read_from_the_band_on_all_four_sides():
    colour = room_color(picture(), grid_inside(8), 24.0)
    assert colour is not None
    assert np.abs(colour - _weighted(np.array([ROOM], np.uint8))[0]).max() < 4


@pytest.mark.parametrize("case", ["no band", "two px", "noisy side", "one side other",
                                  "transparent", "side missing"])  # fmt: skip
def test_a_band_that_is_not_flat_room_of_one_colour_is_not_room(case):
    image, grid = picture(), grid_inside(8)
    if case == "no band":
        grid = grid_inside(0)
    elif case == "two px":
        image, grid = picture(band=2), grid_inside(2)
    elif case == "noisy side":  # about the room's colour, but far from flat
        noise = np.random.default_rng(1).normal(0, 60, (200, 8, 3))
        image[:, :8, :3] = np.clip(np.array(ROOM) + noise, 0, 255)
    elif case == "one side other":  # flat, of another colour
        image[-8:, :, :3] = (40, 200, 60)
    elif case == "transparent":
        image[:6, :, 3] = 0
    else:  # the grid runs to the right edge
        cuts = np.linspace(8, 200, 20)
        grid = Grid(AxisGrid(float(cuts[1] - cuts[0]), cuts), grid_inside(8).y)
    assert room_color(image, grid, 24.0) is None


def test_the_art_reaches_the_edges_only_when_no_border_cell_is_the_rooms_colour():
    room = _weighted(np.array([ROOM], np.uint8))[0]
    ring = _weighted(np.array([(20, 20, 20)] * 10, np.uint8))
    assert art_to_the_edges(ring, room, 24.0)
    ring[3] = room
    assert not art_to_the_edges(ring, room, 24.0)


def test_a_frame_holds_nothing_or_one_solid_field_paper_holds_an_l():
    frame = np.zeros((10, 12), bool)
    frame[[0, -1], :] = frame[:, [0, -1]] = True
    assert framed_in_room(frame)
    with_field = frame.copy()
    with_field[1:-1, 6:] = True  # a flag's field joined to its frame
    assert framed_in_room(with_field)
    paper = frame.copy()
    paper[1:-1, 8:] = paper[7:, 1:-1] = True  # paper around a sprite near two sides
    assert not framed_in_room(paper)
    open_side = frame.copy()
    open_side[-1, 1:-1] = False  # art running off one side: no ring around the grid
    assert not framed_in_room(open_side)


@pytest.mark.parametrize("make", [degrade, light_background])
def test_a_picked_colour_is_the_users_choice_even_for_a_frame_in_room(make):
    """The rule is for the automatic background only: a picked frame colour goes."""
    art = field(1)
    image = make(art, 1)
    room = in_room(image, round(0.3 * image.shape[1] / art.shape[1]), 1)
    frame = tuple(int(v) for v in art[0, 0, :3])
    result = pixelize(room, PixelizeOptions(background_color=frame))
    assert result.background is not None and not result.notes
    assert (result.image[0, :, 3] == 0).all()


@pytest.mark.parametrize("make", [degrade, light_background])
def test_room_of_the_backgrounds_own_colour_leaves_the_background_removed(make):
    """A sprite on a flat background whose grid leaves a strip of that same colour: the
    room is the background, and it is removed as ever."""
    from tests.pixelize.test_pixelize import sprite

    art = np.pad(sprite(seed=4), ((2, 2), (2, 2), (0, 0)))
    image = make(art, 3)
    cell = image.shape[1] / art.shape[1]
    strip = round(0.3 * cell)
    rgb = np.median(image[:4, :4, :3].reshape(-1, 3), axis=0).astype(np.uint8)
    padded = np.pad(image, ((strip, strip), (strip, strip), (0, 0)))
    padded[..., 3] = 255
    padded[padded[..., :3].sum(-1) == 0, :3] = rgb  # the strip in the corner's colour
    result = pixelize(padded)
    assert result.background is not None and not result.notes


@pytest.mark.parametrize("make", [degrade, light_background])
@pytest.mark.parametrize("pads", [(1, 3, 1, 3), (1, 1, 1, 3), (1, 1, 3, 3)])
def test_paper_one_cell_deep_on_two_sides_is_still_the_background(pads, make):
    """Paper around a sprite that comes within a cell of two sides, in a band: an L or a
    U of paper inside the ring, not a frame (29 of 48 such pictures had kept all their
    paper: a reviewer's case)."""
    from tests.pixelize.test_pixelize import sprite

    top, bottom, left, right = pads
    art = np.pad(sprite(seed=4)[1:-1, 1:-1], ((top, bottom), (left, right), (0, 0)))
    image = make(art, 6)
    result = pixelize(in_room(image, round(0.35 * image.shape[1] / art.shape[1]), 2))
    assert result.background is not None and not result.notes
    assert (result.image[..., 3] == 0).mean() > 0.2
