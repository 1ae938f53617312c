"""The one request builder: presets over defaults, the caller over both, everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.jobs.batch import BatchOptions, plan_images
from dgx_pixels_app.jobs.items import BatchItem
from dgx_pixels_app.jobs.requests import Choices, build_request
from dgx_pixels_app.resources import generation_defaults, load_toml, preset_path

PACKAGE = Path(__file__).resolve().parents[2] / "dgx_pixels_app"


def kind(kind_id: str) -> dict:
    kinds = load_toml(preset_path("asset-kinds.toml"))["kind"]
    return next(k for k in kinds if k["id"] == kind_id)


def test_a_kind_sets_its_settings_and_the_caller_wins():
    item = kind("item")
    request = build_request(Choices("a sword", kind="item"))
    assert (request.steps, request.cfg) == (item["steps"], item["cfg"])
    assert request.prompt.startswith("a sword, single game item icon")
    chosen = build_request(Choices("a sword", kind="item", steps=7, cfg=2.5, resolution=512))
    assert (chosen.steps, chosen.cfg, chosen.width, chosen.height) == (7, 2.5, 512, 512)
    assert chosen.extra == {"subject": "a sword", "kind": "item"}


def test_without_a_kind_the_defaults_come_from_presets():
    defaults = generation_defaults()
    request = build_request(Choices("a sword"))
    assert request.prompt == "a sword"
    assert (request.steps, request.cfg, request.width, request.scheduler) == (
        defaults["steps"], defaults["cfg"], defaults["width"], defaults["scheduler"]
    )  # fmt: skip


def test_batch_items_get_the_same_request_as_the_builder(tmp_path):
    options = BatchOptions(output=tmp_path / "out", model=str(tmp_path / "m"), kind="item")
    entries = plan_images([BatchItem("a sword", seed=5, at="list, line 1")], options)
    expected = build_request(Choices("a sword", kind="item", model=str(tmp_path / "m"), seed=5))
    assert entries[0]["request"] == expected.to_dict()


def test_bad_choices_are_refused_with_where_they_came_from():
    with pytest.raises(InvalidInputError, match="items.csv, line 3: unknown kind 'boat'"):
        build_request(Choices("x", kind="boat", where="items.csv, line 3"))
    with pytest.raises(InvalidInputError, match="steps must be 1 to 150"):
        build_request(Choices("x", steps=900))


def test_no_default_numbers_for_requests_are_written_in_code():
    pattern = re.compile(r"""get\(\s*["'](steps|cfg|width|height|strength)["']\s*,\s*[\d.]+""")
    found = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
        or re.search(r"""(default|scheduler|sampler)\s*(:\s*str\s*)?=\s*["']euler""", line)
    ]
    assert found == []


def test_a_batch_is_the_same_batch_from_the_app_the_cli_and_older_versions(tmp_path):
    def plan(**changes):
        return BatchOptions(output=tmp_path, model="m", kind="item", **changes).identity()

    cli = plan()
    assert plan(options={"clip_skip": 0}) == cli  # the app sends every option, defaults too
    assert plan(scheduler="euler") == cli  # manifests before the builder recorded "euler"
    assert plan(options={"clip_skip": 1}) != cli
