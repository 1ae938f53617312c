"""``dgx-pixels batch`` end to end on the tiny model: sprites, manifest, PNG parameters,
contact sheet, bad input, failing items, kill -9 and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from dgx_pixels_app.cli import main
from dgx_pixels_app.formats.images import png_text, read_rgba

FAST = ["--steps", "2", "--resolution", "64", "--size", "16", "--seed", "100", "-q"]


def items_file(tmp_path: Path, text: str, name: str = "items.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def batch(items, out, model, *extra, capsys=None) -> int:
    return main(["batch", str(items), "--output", str(out), "--model", str(model), *FAST, *extra])


def test_batch_writes_sprites_manifest_parameters_and_contact_sheet(tmp_path, tiny_model):
    items = items_file(tmp_path, "# inventory\nIron Sword\nhealth potion\n\nIron Sword\n")
    out = tmp_path / "assets" / "items"
    assert batch(items, out, tiny_model[0], "--count", "2", "--style", "16bit") == 0
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == sorted(
        ["iron-sword-1.png", "iron-sword-2.png", "health-potion-1.png", "health-potion-2.png",
         "iron-sword-2-1.png", "iron-sword-2-2.png", "index.png"]
    )  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"] == {"done": 6, "failed": 0, "pending": 0}
    assert len(manifest["model"]["sha256"]) == 64
    first = manifest["images"][0]
    for key in ("item", "file", "prompt", "negative", "seed", "model", "model_sha256", "loras",
                "steps", "cfg", "sampler", "width", "height", "size", "seconds"):  # fmt: skip
        assert key in first, key
    assert first["seed"] == 100 and manifest["images"][1]["seed"] == 101
    assert "16-bit pixel art" in first["prompt"] and first["steps"] == 2
    sprite = read_rgba(out / first["file"])
    assert sprite.shape == (16, 16, 4)
    assert set(np.unique(sprite[..., 3])) <= {0, 255}
    text = png_text(out / first["file"])
    params = text["parameters"].splitlines()
    assert params[0].startswith("Iron Sword") or "Iron Sword" in params[0]
    assert params[1].startswith("Negative prompt: ")
    assert "Seed: 100" in params[2] and "Steps: 2" in params[2] and "Size: 64x64" in params[2]
    assert f"Model hash: {manifest['model']['sha256'][:10]}" in params[2]
    assert json.loads(text["dgx-pixels"])["seed"] == 100
    with Image.open(out / "index.png") as sheet:
        assert sheet.width > 3 * 128 and sheet.height >= 2 * 128


def test_same_seed_same_images_and_resume_of_a_finished_batch(tmp_path, tiny_model, capsys):
    items = items_file(tmp_path, "slime\nbat\n")
    assert batch(items, tmp_path / "a", tiny_model[0]) == 0
    assert batch(items, tmp_path / "b", tiny_model[0]) == 0
    for name in ("slime.png", "bat.png"):
        assert np.array_equal(read_rgba(tmp_path / "a" / name), read_rgba(tmp_path / "b" / name))
    capsys.readouterr()
    assert batch(items, tmp_path / "a", tiny_model[0], "--resume") == 0
    assert "already done" in capsys.readouterr().err


def test_csv_overrides_per_item(tmp_path, tiny_model):
    items = items_file(
        tmp_path, "name,prompt,count,seed,size,kind\nHero,a knight,1,5,24,character\n,a tree,2,,,\n",
        "items.csv",
    )  # fmt: skip
    assert batch(items, tmp_path / "out", tiny_model[0]) == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    hero, *trees = manifest["images"]
    assert hero["file"] == "hero.png" and hero["seed"] == 5 and hero["size"] == 24
    assert "full body game character" in hero["prompt"]
    assert read_rgba(tmp_path / "out" / "hero.png").shape == (24, 24, 4)
    assert [t["file"] for t in trees] == ["a-tree-1.png", "a-tree-2.png"]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda t: (t / "missing.txt", []), "does not exist"),
        (lambda t: (items_file(t, "\n# nothing\n"), []), "holds no items"),
        (lambda t: (items_file(t, "prompt,count\nsword,2,3\n", "x.csv"), []), "x.csv, line 2"),
        (lambda t: (items_file(t, '[{"prompt": 1}]', "x.json"), []), "x.json, item 1"),
        (lambda t: (items_file(t, "sword\n"), ["--style", "vaporwave"]), "unknown style 'vaporwave'"),
        (lambda t: (items_file(t, "sword\n"), ["--kind", "spaceship"]), "unknown kind 'spaceship' (known: character"),
        (lambda t: (items_file(t, "sword\n"), ["--size", "4"]), "--size must be 8 to 512"),
        (lambda t: (items_file(t, "sword\n"), ["--backend", "ray:127.0.0.1:9"]), "Cannot reach the Ray cluster"),
        (lambda t: (items_file(t, "sword\n"), ["--backend", "slurm"]), "--backend must be local, ray or ray:HOST:PORT, not 'slurm'"),
        (lambda t: (items_file(t, "name,prompt\n../../evil,sword\n", "x.csv"), []),
         "x.csv, line 2: The name '../../evil' looks like a path"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    tmp_path, tiny_model, capsys, setup, message
):
    items, extra = setup(tmp_path)
    out = tmp_path / "out"
    assert batch(items, out, tiny_model[0], *extra) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dgx-pixels: error:") and message in err[0], err
    assert not out.exists()


def test_output_that_is_a_file_or_an_existing_batch(tmp_path, tiny_model, capsys):
    items = items_file(tmp_path, "sword\n")
    not_a_folder = tmp_path / "out.png"
    not_a_folder.write_bytes(b"x")
    assert batch(items, not_a_folder, tiny_model[0]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert batch(items, tmp_path / "done", tiny_model[0]) == 0
    assert batch(items, tmp_path / "done", tiny_model[0]) == 2
    assert "already holds a batch (manifest.json): resume it" in capsys.readouterr().err
    other = items_file(tmp_path, "shield\n", "other.txt")
    assert batch(other, tmp_path / "done", tiny_model[0], "--resume") == 2
    assert "other items_sha256" in capsys.readouterr().err


def test_a_failing_item_is_recorded_and_the_batch_goes_on(
    tmp_path, tiny_model, foreign_loras, capsys
):
    items = items_file(tmp_path, "sword\nshield\n")
    out = tmp_path / "out"
    code = batch(items, out, tiny_model[0], "--lora", str(foreign_loras[0]))
    assert code == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["status"] for e in manifest["images"]] == ["failed", "failed"]
    assert all("does not fit" in e["error"] for e in manifest["images"])
    assert "2 failed" in capsys.readouterr().err


def run_cli(*args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "dgx_pixels_app", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def done_count(manifest: Path) -> int:
    try:
        return json.loads(manifest.read_text())["summary"]["done"]
    except (OSError, ValueError, KeyError):
        return 0


def test_kill_9_mid_batch_then_resume_makes_exactly_one_image_per_item(tmp_path, tiny_model):
    names = [f"crate {i}" for i in range(8)]
    items = items_file(tmp_path, "\n".join(names) + "\n")
    out = tmp_path / "out"
    args = ["batch", str(items), "-o", str(out), "--model", str(tiny_model[0]), *FAST]
    args[args.index("--steps") + 1] = "6"
    proc = run_cli(*args)
    deadline = time.monotonic() + 120
    while done_count(out / "manifest.json") < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    killed_at = done_count(out / "manifest.json")
    assert 2 <= killed_at < len(names), "the kill landed after the batch ended"
    resumed = run_cli(*args, "--resume")
    _, err = resumed.communicate(timeout=180)
    assert resumed.returncode == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["summary"] == {"done": 8, "failed": 0, "pending": 0}
    files = sorted(p.name for p in out.iterdir())
    expected = sorted([f"crate-{i}.png" for i in range(8)] + ["index.png", "manifest.json"])
    assert files == expected  # exactly one image per item, no temp files left behind
    for entry in manifest["images"]:
        assert read_rgba(out / entry["file"]).shape == (16, 16, 4)
    left = len(names) - killed_at
    assert f"{left} image{'s' * (left != 1)} in" in err
