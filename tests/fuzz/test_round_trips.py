"""Round trips through the formats we write, on generated documents: what is written
reads back the same — a sprite through ``.aseprite`` (layers, frames, durations, cels,
tags, palette, generation metadata), a sheet through its JSON, a PNG's parameters,
a batch manifest and the settings."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from dgx_pixels_app.core.document import Cel, Direction, Frame, Layer, Sprite, Tag
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
from dgx_pixels_app.core.palette import Palette
from tests.formats.test_aseprite import assert_same

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
NAME = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@st.composite
def requests(draw):
    return GenerationRequest(
        prompt=draw(TEXT), negative_prompt=draw(TEXT),
        seed=draw(st.none() | st.integers(0, 2**32 - 1)), model=draw(TEXT),
        loras=[LoraRef(draw(TEXT), draw(st.floats(-4, 4, width=32)), draw(st.booleans()))
               for _ in range(draw(st.integers(0, 2)))],
        steps=draw(st.integers(1, 150)), cfg=draw(st.floats(0, 30, width=32)),
        width=draw(st.integers(64, 2048)), height=draw(st.integers(64, 2048)),
        scheduler=draw(st.sampled_from(["", "euler", "dpmpp_2m"])),
        mode=draw(st.sampled_from(["txt2img", "img2img"])),
        strength=draw(st.none() | st.floats(0, 1, width=32)),
        seamless=draw(st.sampled_from(["", "x", "xy"])),
    )  # fmt: skip


@st.composite
def sprites(draw):
    w, h = draw(st.integers(1, 24)), draw(st.integers(1, 24))
    colors = draw(st.lists(st.tuples(*[st.integers(0, 255)] * 4), max_size=20))
    sprite = Sprite(w, h, Palette(colors))
    sprite.layers = [Layer(draw(NAME), draw(st.booleans()), draw(st.booleans()), draw(st.integers(0, 255)))
                     for _ in range(draw(st.integers(1, 3)))]  # fmt: skip
    sprite.frames = [Frame(draw(st.integers(1, 65535))) for _ in range(draw(st.integers(1, 4)))]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    for layer in sprite.layers:
        for frame in sprite.frames:
            if draw(st.booleans()):
                image = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
                image[..., 3] = np.where(rng.random((h, w)) < 0.6, rng.integers(1, 256, (h, w)), 0)
                image[image[..., 3] == 0] = 0
                if image[..., 3].any() or draw(st.booleans()):
                    generation = draw(st.none() | requests())
                    if image[..., 3].any() or generation is not None:
                        sprite.cels[(layer.id, frame.id)] = Cel(image, generation)
    count = len(sprite.frames)
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, count - 1))
        sprite.tags.append(Tag(draw(NAME), start, draw(st.integers(start, count - 1)),
                               draw(st.sampled_from(list(Direction))),
                               draw(st.tuples(*[st.integers(0, 255)] * 3))))  # fmt: skip
    return sprite


@given(sprites())
def test_a_document_survives_aseprite(sprite):
    from dgx_pixels_app.formats import aseprite

    assert_same(sprite, aseprite.from_bytes(aseprite.to_bytes(sprite)))


@given(sprites(), st.sampled_from(["rows", "columns", "packed"]), st.integers(0, 3),
       st.booleans(), st.sampled_from(["hash", "array"]))  # fmt: skip
def test_a_sheet_survives_its_json(tmp_path_factory, sprite, layout, padding, trim, form):
    from dgx_pixels_app.formats.documents import open_document
    from dgx_pixels_app.formats.sheet import SheetOptions
    from dgx_pixels_app.formats.sheet_json import write_sheet_files

    assume(any(sprite.composite(i)[..., 3].any() for i in range(len(sprite.frames))))
    folder = tmp_path_factory.mktemp("sheet")
    options = SheetOptions(layout=layout, padding=padding, trim=trim)
    write_sheet_files(sprite, options, folder / "s.png", form)
    back = open_document(folder / "s.json")
    assert [f.duration_ms for f in back.frames] == [f.duration_ms for f in sprite.frames]
    assert [(t.name, t.start, t.end, t.direction) for t in back.tags] == [
        (t.name, t.start, t.end, t.direction) for t in sprite.tags
    ]
    for i in range(len(sprite.frames)):
        assert np.array_equal(back.composite(i), sprite.composite(i)), i


@given(requests())
def test_png_parameters_survive(request):
    import io

    from PIL import Image

    from dgx_pixels_app.formats.images import encode_png

    data = encode_png(np.zeros((2, 2, 4), np.uint8),
                      {"parameters": request.a1111_parameters(), "dgx-pixels": request.to_json()})  # fmt: skip
    with Image.open(io.BytesIO(data)) as image:
        text = dict(image.text)
    assert text["parameters"] == request.a1111_parameters()
    assert GenerationRequest.from_json(text["dgx-pixels"]).to_dict() == request.to_dict()


@given(st.lists(st.fixed_dictionaries({"file": st.from_regex(r"[a-z0-9-]{1,12}\.png", fullmatch=True),
                                       "status": st.sampled_from(["done", "failed", "pending"]),
                                       "index": st.integers(0, 99),
                                       "seed": st.integers(0, 2**32 - 1), "prompt": TEXT}),
                max_size=6), st.dictionaries(st.text(max_size=8), TEXT, max_size=4))  # fmt: skip
def test_a_manifest_survives(tmp_path_factory, images, plan):
    from dgx_pixels_app.jobs.manifest import Manifest

    path = tmp_path_factory.mktemp("manifest") / "manifest.json"
    Manifest(path, plan, images, {"path": "/m", "sha256": "ab"}, "local").save()
    back = Manifest.load(path)
    assert (back.images, back.plan, back.model, back.backend) == (
        images,
        plan,
        {"path": "/m", "sha256": "ab"},
        "local",
    )


@given(st.lists(TEXT, max_size=5), st.integers(8, 8192), st.text(max_size=60),
       st.dictionaries(TEXT, TEXT, max_size=3))  # fmt: skip
def test_the_settings_survive(folders, width, token, projects):
    from dgx_pixels_app.settings import load_settings, update_settings

    def change(s):
        s.model_folders, s.new_sprite_width, s.mcp_token, s.bevy_projects = (
            folders,
            width,
            token,
            projects,
        )

    update_settings(change)
    back = load_settings()
    assert (back.model_folders, back.new_sprite_width, back.mcp_token, back.bevy_projects) == (
        folders, width, token, projects)  # fmt: skip
