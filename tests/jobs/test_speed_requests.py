"""Speed presets in the one request builder: the right distilled LoRA is found by its
name, its recipe replaces steps, CFG and sampler, and a missing LoRA is a message
that says which to get. Damaged recipe data names the recipe."""

from __future__ import annotations

import pytest

from dgx_pixels_app.core import speed
from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError, OptionError
from dgx_pixels_app.core.generation import LoraRef
from dgx_pixels_app.jobs.requests import Choices, build_request
from dgx_pixels_app.resources import speed_data


def _files(tmp_path, *names):
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(b"x")
        paths.append(path)
    return paths


def test_turbo_takes_the_lightning_lora_and_its_exact_recipe(tmp_path):
    lightning, style = _files(
        tmp_path, "sdxl_lightning_4step_lora.safetensors", "style.safetensors"
    )
    request = build_request(Choices("knight", steps=30, cfg=7.0, options={"speed": "turbo"},
                                    loras=[LoraRef(str(style), 0.7)],
                                    speed_loras=[lightning]))  # fmt: skip
    assert (request.recipe, request.steps, request.cfg) == ("lightning-4step", 4, 0.0)
    assert [(lo.path, lo.weight) for lo in request.loras] == [
        (str(style), 0.7), (str(lightning.resolve()), 1.0)]  # fmt: skip


def test_fast_prefers_the_8_step_lora(tmp_path):
    candidates = _files(tmp_path, "sdxl_lightning_4step_lora.safetensors",
                        "sdxl_lightning_8step_lora.safetensors")  # fmt: skip
    request = build_request(Choices("knight", options={"speed": "fast"}, speed_loras=candidates))
    assert (request.recipe, request.steps) == ("lightning-8step", 8)


def test_a_renamed_distilled_lora_is_recognised_by_its_name(tmp_path):
    (renamed,) = _files(tmp_path, "My Lightning 4-step v2.safetensors")
    request = build_request(Choices("knight", options={"speed": "turbo"}, speed_loras=[renamed]))
    assert request.recipe == "lightning-4step"


def test_a_lora_the_user_listed_counts_and_is_not_added_twice(tmp_path):
    (lightning,) = _files(tmp_path, "sdxl_lightning_4step_lora.safetensors")
    request = build_request(Choices("knight", options={"speed": "turbo"}, speed_loras=[],
                                    loras=[LoraRef(str(lightning), 0.9)]))  # fmt: skip
    assert [lo.weight for lo in request.loras] == [1.0]


def test_turbo_without_a_distilled_lora_says_which_to_get(tmp_path):
    generic = _files(tmp_path, "pytorch_lora_weights.safetensors", "style.safetensors")
    with pytest.raises(InvalidInputError) as caught:
        build_request(Choices("knight", options={"speed": "turbo"}, speed_loras=generic))
    message = str(caught.value)
    assert "Turbo sampling needs a distilled LoRA" in message
    assert "SDXL-Lightning" in message and "sdxl_lightning_4step_lora.safetensors" in message


def test_quality_is_the_kinds_own_sampling_and_a_bad_speed_names_the_option(tmp_path):
    request = build_request(Choices("knight", options={"speed": "quality"}, speed_loras=[]))
    assert request.recipe == "" and request.steps == 25
    with pytest.raises(OptionError, match="speed must be one of quality, fast, turbo"):
        build_request(Choices("knight", options={"speed": "ludicrous"}))


def test_the_shipped_recipes_cite_their_cards_and_are_preferred_by_some_preset():
    data = speed_data()
    assert len(data.recipes) >= 10
    for recipe in data.recipes.values():
        assert recipe.card.startswith("https://"), recipe.id
        assert recipe.download, recipe.id
    preferred = {rid for ids in data.prefer.values() for rid in ids}
    assert {"lightning-4step", "dmd2-4step", "hyper-4step", "lcm-4step", "tcd-4step"} <= preferred


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"scheduler": "os.system"}, "scheduler must be one of"),
        ({"steps": 0}, "steps must be 1 to 50"),
        ({"timesteps": [999, 500]}, "2 timesteps for 4 steps"),
        ({"patterns": ["(unclosed"]}, "is damaged"),
        ({"cfg": "high"}, "is damaged"),
    ],
)
def test_damaged_recipe_data_names_the_recipe(change, complaint):
    raw = {"name": "X", "scheduler": "EulerDiscreteScheduler", "steps": 4, "cfg": 0.0, **change}
    data = {"recipes": {"x-4step": raw}, "presets": {"turbo": {"prefer": ["x-4step"]}}}
    with pytest.raises(FileFormatError, match=complaint) as caught:
        speed.parse(data)
    assert "recipe 'x-4step'" in str(caught.value)


def test_a_preset_preferring_an_unknown_recipe_is_damaged_data():
    with pytest.raises(FileFormatError, match="unknown recipe 'nope'"):
        speed.parse({"recipes": {}, "presets": {"fast": {"prefer": ["nope"]}}})
