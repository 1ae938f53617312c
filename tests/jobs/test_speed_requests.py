"""Speed presets in the one request builder: the right distilled LoRA is found by its
name, its recipe replaces steps, CFG and sampler, and a missing LoRA is a message
that says which to get. Damaged recipe data names the recipe."""

from __future__ import annotations

from pathlib import Path

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
        ({"steps": 0}, "steps must be a whole number from 1 to 50"),
        ({"steps": True}, "steps must be a whole number"),
        ({"steps": 4.9}, "steps must be a whole number"),
        ({"timesteps": [999, 500]}, "timesteps must be one whole number"),
        ({"timesteps": [249, 499, 749, 999]}, "descending"),
        ({"timesteps": [1999, 749, 499, 249]}, "from 999 down to 0"),
        ({"patterns": ["(unclosed"]}, "is not a regular expression"),
        ({"patterns": "lx"}, "lists of text"),
        ({"cfg": "high"}, "cfg must be a number"),
        ({"lora_weight": float("nan")}, "lora_weight must be a number from -4 to 4"),
        ({"lora_weight": 1e308}, "lora_weight must be"),
        ({"eta": -1}, "eta must be"),
        ({"scheduler_config": {"x": [1]}}, "plain values"),
    ],
)
def test_damaged_recipe_data_names_the_recipe(change, complaint):
    raw = {"name": "X", "scheduler": "EulerDiscreteScheduler", "steps": 4, "cfg": 0.0, **change}
    data = {"recipes": {"x-4step": raw}, "presets": {"turbo": {"prefer": ["x-4step"]}}}
    with pytest.raises(FileFormatError, match=complaint) as caught:
        speed.parse(data)
    assert "recipe 'x-4step'" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        {"recipes": [1, 2]},
        {"presets": {"turbo": "fast"}},
        {"recipes": {"x": 3}},
        {"presets": {"fast": {"prefer": "x"}}},
    ],
)
def test_damaged_tables_are_one_message_not_a_traceback(data):
    with pytest.raises(FileFormatError, match="presets/speed.toml"):
        speed.parse(data)


def test_a_preset_preferring_an_unknown_recipe_is_damaged_data():
    with pytest.raises(FileFormatError, match="unknown recipe 'nope'"):
        speed.parse({"recipes": {}, "presets": {"fast": {"prefer": ["nope"]}}})


def test_a_batch_looks_in_the_lora_folders_once_not_per_image(tmp_path, monkeypatch):
    from dgx_pixels_app.jobs import requests
    from dgx_pixels_app.jobs.batch import BatchOptions, plan_images
    from dgx_pixels_app.jobs.items import parse_items

    (lightning,) = _files(tmp_path, "sdxl_lightning_4step_lora.safetensors")
    scans = []

    class Found:
        path = lightning

    monkeypatch.setattr(requests, "find_loras", lambda: scans.append(1) or [Found])
    items = parse_items("\n".join(f"item {i}" for i in range(50)), "txt", "items.txt")
    options = BatchOptions(output=tmp_path / "out", model=str(tmp_path), kind="item",
                           options={"speed": "turbo"})  # fmt: skip
    entries = plan_images(items, options)
    assert len(entries) == 50 and {e["request"]["recipe"] for e in entries} == {"lightning-4step"}
    assert len(scans) == 1


def test_the_presets_order_comes_before_a_published_name(tmp_path):
    """A renamed Lightning file beats DMD2 under its published name (DMD2 is second for
    turbo, and its licence is non-commercial); TCD for SD 1.5 is not taken for SDXL."""
    candidates = _files(tmp_path, "my-lightning-4step.safetensors",
                        "dmd2_sdxl_4step_lora_fp16.safetensors", "tcd-sd15-lora.safetensors")  # fmt: skip
    request = build_request(Choices("knight", options={"speed": "turbo"}, speed_loras=candidates))
    assert request.recipe == "lightning-4step"
    with pytest.raises(InvalidInputError):
        build_request(Choices("knight", options={"speed": "turbo"}, speed_loras=candidates[2:]))


def test_a_csv_speed_cell_is_read_as_a_spreadsheet_writes_it():
    from dgx_pixels_app.jobs.items import parse_items

    (item,) = parse_items("prompt,speed\nsword, Turbo \n", "csv", "items.csv")
    assert item.options == {"speed": "turbo"}


def test_a_bad_speed_in_a_batch_file_says_which_line(tmp_path):
    from dgx_pixels_app.jobs.batch import BatchOptions, plan_images
    from dgx_pixels_app.jobs.items import parse_items

    items = parse_items("prompt,speed\nsword,quality\nshield,ludicrous\n", "csv", "items.csv")
    options = BatchOptions(output=tmp_path / "out", model=str(tmp_path), kind="item")
    with pytest.raises(InvalidInputError, match="items.csv, line 3: speed must be one of"):
        plan_images(items, options)


def test_quality_with_a_distilled_lora_ticked_says_what_to_do(tmp_path):
    (lightning,) = _files(tmp_path, "sdxl_lightning_4step_lora.safetensors")
    with pytest.raises(InvalidInputError, match="draws only with its own recipe.*Speed turbo"):
        build_request(Choices("knight", loras=[LoraRef(str(lightning))]))
    off = build_request(Choices("knight", loras=[LoraRef(str(lightning), enabled=False)]))
    assert off.recipe == ""  # unticked, it is left alone


def test_fast_drops_another_speeds_distilled_lora_the_user_had_ticked(tmp_path):
    four, eight, style = _files(tmp_path, "sdxl_lightning_4step_lora.safetensors",
                                "sdxl_lightning_8step_lora.safetensors", "style.safetensors")  # fmt: skip
    request = build_request(Choices("knight", options={"speed": "fast"}, speed_loras=[eight],
                                    loras=[LoraRef(str(four)), LoraRef(str(style), 0.6)]))  # fmt: skip
    assert request.recipe == "lightning-8step"
    assert [Path(lo.path).name for lo in request.loras] == [
        "style.safetensors", "sdxl_lightning_8step_lora.safetensors"]  # fmt: skip
