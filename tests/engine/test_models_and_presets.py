"""Model discovery, downloads (errors only: no network in tests), prompt presets, CLI."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.core.errors import InvalidInputError, ModelError
from dgx_pixels_app.engine.discovery import find_checkpoints, model_folders
from dgx_pixels_app.engine.download import download, parse_source
from dgx_pixels_app.resources import compose_prompt, prompt_presets


def test_presets_fill_prompt_templates():
    kinds, styles = prompt_presets()
    assert {k["id"] for k in kinds} >= {"character", "tile", "item", "ui-icon", "effect"}
    assert {s["id"] for s in styles} >= {"8bit", "16bit", "gameboy"}
    character = next(k for k in kinds if k["id"] == "character")
    gameboy = next(s for s in styles if s["id"] == "gameboy")
    prompt, negative = compose_prompt("a frog knight", character, gameboy)
    assert (
        prompt.startswith("a frog knight, full body game character sprite") and "Game Boy" in prompt
    )
    assert "cropped" in negative and "colorful" in negative


def test_discovery_finds_diffusers_folders_and_user_folders(tiny_model, tmp_path):
    comfy = tmp_path / "ComfyUI" / "models" / "checkpoints"
    comfy.mkdir(parents=True)
    (comfy / "notes.txt").write_text("x")
    found = find_checkpoints([str(tiny_model[0].parent), str(comfy)])
    assert any(f.path == tiny_model[0] and f.kind == "diffusers" for f in found)
    sources = {f.source for f in model_folders([str(comfy)])}
    assert sources == {"app", "huggingface", "user"}


def test_download_refuses_bad_ids_and_pickles_and_reports_offline(tmp_path, monkeypatch):
    for bad in ("not a repo", "../../etc", "owner/repo/model.ckpt"):
        with pytest.raises(InvalidInputError):
            parse_source(bad)
    assert parse_source("https://huggingface.co/owner/repo/blob/main/m.safetensors") == (
        "owner/repo",
        "m.safetensors",
    )
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelError, match="Could not download"):
        download("owner/repo", tmp_path)


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "dgx_pixels_app", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_generate_same_seed_same_image_and_count(tiny_model, tmp_path):
    base = [
        "generate",
        "pixel art knight",
        "--model",
        tiny_model[0],
        "--steps",
        "2",
        "--width",
        "64",
        "--height",
        "64",
        "--seed",
        "5",
        "--raw",
    ]
    from dgx_pixels_app.cli import main

    first = run(*base, "-o", tmp_path / "a.png")  # the real entry point, in its own process
    assert first.returncode == 0, first.stderr
    base = [str(v) for v in base]  # the rest in this process (each process costs ~6 s)
    assert main([*base, "--lora", f"{tiny_model[1]}:0.8", "--count", "2",
                 "-o", str(tmp_path / "b.png")]) == 0  # fmt: skip
    a = np.asarray(Image.open(tmp_path / "a.png"))
    assert a.shape == (64, 64, 4)
    assert (tmp_path / "b-1.png").exists() and (tmp_path / "b-2.png").exists()
    assert main([*base, "-o", str(tmp_path / "c.png")]) == 0
    assert np.array_equal(np.asarray(Image.open(tmp_path / "c.png")), a)  # across processes
    assert main([*base[:-1], "-o", str(tmp_path / "d.png")]) == 0  # without --raw: pixelize


def test_cli_generate_bad_inputs_exit_2(tmp_path, tiny_model):
    (tmp_path / "m.ckpt").write_bytes(b"x")
    (tmp_path / "cut.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{}")
    cases = [
        (["--model", tmp_path / "missing"], "does not exist"),
        (["--model", tmp_path / "m.ckpt"], "pickle"),
        (["--model", tmp_path / "cut.safetensors"], "truncated"),
        (["--model", tiny_model[0], "--width", "100"], "multiple of 8"),
        (["--model", tiny_model[0], "--lora", f"{tiny_model[1]}:heavy"], "not a number"),
    ]
    for extra, words in cases:
        result = run("generate", "x", *extra, "-o", tmp_path / "o.png")
        assert result.returncode == 2, (extra, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr


def test_make_test_model_cli(tmp_path):
    result = run("make-test-model", tmp_path / "tiny")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tiny" / "model_index.json").exists()
    assert (tmp_path / "tiny" / "test-lora.safetensors").exists()
