"""Style LoRA training on the tiny model: dataset preparation, the loss falls, the saved
LoRA is in kohya's layout with metadata and changes the engine's output, kill -9 and
--resume give the same loss curve, bad input is a clear message."""

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
from dgx_pixels_app.training.dataset import load_dataset

PALETTE = np.array([[20, 20, 30], [200, 60, 60], [60, 200, 90], [240, 220, 120]], np.uint8)


def make_dataset(folder: Path, count: int = 4, size=(16, 16)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        index = rng.integers(0, 4, size)
        alpha = np.where(rng.random(size) < 0.8, 255, 0).astype(np.uint8)
        Image.fromarray(np.dstack([PALETTE[index], alpha]), "RGBA").save(folder / f"sprite{i}.png")
    (folder / "sprite0.txt").write_text("red slime, blob", encoding="utf-8")
    return folder


def test_dataset_is_prepared_the_pixel_art_way(tmp_path):
    folder = make_dataset(tmp_path / "refs")
    Image.fromarray(np.zeros((32, 16, 4), np.uint8) + 200, "RGBA").save(folder / "tall.png")
    (folder / "broken.png").write_bytes(b"not a png")
    Image.new("RGBA", (4, 4), (255, 0, 0, 255)).save(folder / "speck.png")
    data = load_dataset(folder, resolution=128, template="pixel art, {caption}", trigger="mystyle")
    assert sorted(n for n, _ in data.skipped) == ["broken.png", "speck.png"]
    first = next(i for i in data.items if i.path.name == "sprite0.png")
    assert first.caption == "mystyle, pixel art, red slime, blob" and data.captions_found == 1
    assert first.bucket == (128, 128) and first.original_size == (128, 128)
    source = np.array(Image.open(folder / "sprite0.png"))
    blocks = first.image.reshape(16, 8, 16, 8, 3)
    assert (blocks == blocks[:, :1, :, :1]).all()  # every art pixel became a crisp 8x8 block
    opaque = source[..., 3] == 255
    assert np.array_equal(blocks[:, 0, :, 0][opaque], source[..., :3][opaque])
    assert (blocks[:, 0, :, 0][~opaque] == 255).all()  # transparency on a flat background
    tall = next(i for i in data.items if i.path.name == "tall.png")
    assert tall.bucket[0] > tall.bucket[1]  # a tall bucket: nothing cropped
    assert tall.original_size[0] == 2 * tall.original_size[1]
    assert "skipped broken.png" in data.summary() and "bucket 128x128" in data.summary()


@pytest.fixture(scope="module")
def trainer(tiny_model, tmp_path_factory):
    from dgx_pixels_app.training.trainer import TrainConfig, Trainer

    folder = make_dataset(tmp_path_factory.mktemp("refs"))
    out = tmp_path_factory.mktemp("out") / "style.safetensors"
    config = TrainConfig(dataset=str(folder), output=str(out), model=str(tiny_model[0]), rank=4,
                         alpha=4, steps=10, lr=1e-3, batch=2, resolution=128, seed=3, save_every=5)  # fmt: skip
    t = Trainer(config, load_dataset(folder, 128))
    t.setup()
    return t


def test_loss_falls_on_a_fixed_batch(trainer):
    for group in trainer.optimizer.param_groups:
        group["lr"] = 1e-2
    state = trainer.generator.get_state()
    losses = []
    for _ in range(30):
        trainer.generator.set_state(state)  # the same images, noise and timesteps every step
        losses.append(trainer.train_step([0, 1]))
    assert losses[-1] < 0.85 * losses[0], losses
    assert (
        sum(b < a for a, b in zip(losses, losses[1:], strict=False)) >= 25
    )  # falling nearly every step


def test_saved_lora_is_kohya_with_metadata_and_changes_the_output(trainer, engine, tmp_path):
    from safetensors import safe_open

    from dgx_pixels_app.core.generation import GenerationRequest, LoraRef

    for _ in range(5):
        trainer.train_step(trainer.sample_batch())
    path = tmp_path / "style.safetensors"
    trainer.save_lora(path)
    with safe_open(str(path), "np") as f:
        keys, meta = list(f.keys()), f.metadata()
    assert keys and all(k.startswith("lora_unet_") for k in keys)
    assert any(k.endswith(".lora_down.weight") for k in keys) and any(
        k.endswith(".alpha") for k in keys
    )
    assert meta["ss_network_dim"] == "4" and meta["ss_base_model_version"] == "sdxl_base_v1-0"
    assert len(meta["ss_sd_model_hash"]) == 64 and meta["ss_num_train_images"] == "4"
    tags = json.loads(meta["ss_tag_frequency"])
    assert list(tags.values())[0]["red slime"] == 1
    request = GenerationRequest("pixel art slime", seed=2, steps=3, width=64, height=64)
    plain = engine.generate(request).images[0]
    styled = engine.generate(
        GenerationRequest(**{**request.__dict__, "loras": [LoraRef(str(path), 1.0)]})
    )
    assert not np.array_equal(plain, styled.images[0])
    assert np.array_equal(engine.generate(request).images[0], plain)


def train_cli(tiny_model, dataset, out, *extra) -> subprocess.Popen:
    args = [sys.executable, "-m", "dgx_pixels_app", "train-lora", str(dataset), "-o", str(out),
            "--model", str(tiny_model[0]), "--rank", "2", "--batch", "1", "--steps", "12",
            "--save-every", "4", "--resolution", "128", "--lr", "1e-3", "--seed", "5",
            "--json-progress", *extra]  # fmt: skip
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})  # fmt: skip


def losses(log: Path) -> list[float]:
    return [json.loads(line)["loss"] for line in log.read_text().splitlines()]


def test_kill_9_then_resume_continues_with_the_same_loss_curve(tiny_model, tmp_path):
    dataset = make_dataset(tmp_path / "refs")
    whole = train_cli(tiny_model, dataset, tmp_path / "a.safetensors")
    assert whole.wait(300) == 0
    reference = losses(tmp_path / "a.train.jsonl")
    assert len(reference) == 12
    out = tmp_path / "b.safetensors"
    killed = train_cli(tiny_model, dataset, out)
    checkpoint = tmp_path / "b.checkpoint.pt"
    deadline = time.monotonic() + 300
    for line in killed.stdout:
        event = json.loads(line)
        if event["kind"] == "step" and event["step"] >= 6:
            break
        assert time.monotonic() < deadline
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)
    assert checkpoint.is_file() and not out.exists()
    import torch

    assert torch.load(checkpoint, weights_only=True)["step"] == 4  # the last checkpoint, intact
    resumed = train_cli(tiny_model, dataset, out, "--resume")
    events = [json.loads(line) for line in resumed.stdout]
    assert resumed.wait(300) == 0
    assert {"kind": "resumed", "step": 4} in events
    assert np.allclose(losses(tmp_path / "b.train.jsonl"), reference, rtol=1e-5, atol=1e-6)
    assert out.is_file()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda t: (t / "empty", []), "holds no images"),
        (lambda t: (t / "junk", [("a.png", b"junk"), ("b.webp", b"junk")]), "No usable image"),
        (
            lambda t: (t / "latin", [("a.png", None), ("a.txt", "épée".encode("latin-1"))]),
            "is not UTF-8",
        ),
    ],
)
def test_bad_datasets(tmp_path, tiny_model, capsys, setup, message):
    folder, files = setup(tmp_path)
    folder.mkdir()
    for name, content in files:
        if content is None:
            Image.new("RGBA", (16, 16), (255, 0, 0, 255)).save(folder / name)
        else:
            (folder / name).write_bytes(content)
    code = main(["train-lora", str(folder), "-o", str(tmp_path / "x.safetensors"),
                 "--model", str(tiny_model[0]), "--steps", "2", "--resolution", "128"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("dgx-pixels: error:") and message in err[-1], err


def test_bad_options_model_disk_and_output(tmp_path, tiny_model, capsys, monkeypatch):
    import shutil

    folder = make_dataset(tmp_path / "refs")
    base = [
        "train-lora",
        str(folder),
        "--model",
        str(tiny_model[0]),
        "--steps",
        "2",
        "--resolution",
        "128",
    ]
    assert main([*base, "-o", str(tmp_path / "missing" / "x.safetensors")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main([*base, "-o", str(tmp_path / "x.safetensors"), "--rank", "0"]) == 2
    assert "--rank must be 1 to 256" in capsys.readouterr().err
    not_sdxl = tmp_path / "sd15"
    shutil.copytree(tiny_model[0], not_sdxl)
    config = json.loads((not_sdxl / "unet" / "config.json").read_text())
    config["addition_embed_type"] = None
    (not_sdxl / "unet" / "config.json").write_text(json.dumps(config))
    assert main([*base[:2], "--model", str(not_sdxl), "-o", str(tmp_path / "x.safetensors"),
                 "--steps", "2", "--resolution", "128"]) == 2  # fmt: skip
    assert "SDXL" in capsys.readouterr().err

    class Full:
        free = 1024

    monkeypatch.setattr(shutil, "disk_usage", lambda _path: Full())
    assert main([*base, "-o", str(tmp_path / "x.safetensors")]) == 2
    assert "Not enough disk space" in capsys.readouterr().err


def test_resume_without_a_checkpoint_says_so(tmp_path, tiny_model, capsys):
    folder = make_dataset(tmp_path / "refs")
    code = main(["train-lora", str(folder), "-o", str(tmp_path / "x.safetensors"), "--model",
                 str(tiny_model[0]), "--steps", "2", "--resolution", "128", "--resume"])  # fmt: skip
    assert code == 2 and "Nothing to resume" in capsys.readouterr().err


def test_text_encoder_training_writes_te_keys_that_the_engine_loads(
    tiny_model, engine, tmp_path, capsys
):
    """--text-encoder needs a transformers/peft pair that works together (pyproject pins
    one): the LoRA carries both text encoders' keys, and the engine applies them."""
    from safetensors import safe_open

    from dgx_pixels_app.core.generation import GenerationRequest, LoraRef

    folder = make_dataset(tmp_path / "refs")
    out = tmp_path / "te.safetensors"
    code = main(["train-lora", str(folder), "-o", str(out), "--model", str(tiny_model[0]),
                 "--steps", "2", "--resolution", "128", "--batch", "1", "--rank", "2",
                 "--lr", "1e-2", "--text-encoder"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    with safe_open(str(out), "np") as f:
        keys, meta = list(f.keys()), f.metadata()
    assert meta["ss_train_text_encoder"] == "True"
    assert any(k.startswith("lora_te1_") for k in keys) and any(
        k.startswith("lora_te2_") for k in keys
    )
    request = GenerationRequest("pixel art slime", seed=2, steps=2, width=64, height=64)
    plain = engine.generate(request).images[0]
    styled = engine.generate(
        GenerationRequest(**{**request.__dict__, "loras": [LoraRef(str(out), 1.0)]})
    ).images[0]
    assert not np.array_equal(plain, styled)


def test_what_can_be_checked_is_checked_before_any_progress(tmp_path, tiny_model, capsys):
    """An output folder that cannot be written, a base that is not SDXL and --resume
    without a checkpoint: one error line, exit 2, no dataset summary or bar first."""
    folder = make_dataset(tmp_path / "refs")
    not_sdxl = tmp_path / "sd15.safetensors"
    from safetensors.numpy import save_file

    save_file({"model.diffusion_model.input_blocks.0.0.weight": np.zeros((4, 4), np.float32)},
              str(not_sdxl))  # fmt: skip
    base = ["train-lora", str(folder), "--steps", "2", "--resolution", "128"]
    cases = [
        (["-o", "/proc/x.safetensors", "--model", str(tiny_model[0])], "Cannot write in '/proc'"),
        (["-o", str(tmp_path / "x.safetensors"), "--model", str(not_sdxl)], "is not an SDXL"),
        (["-o", str(tmp_path / "x.safetensors"), "--model", str(tiny_model[0]), "--resume"],
         "Nothing to resume"),
    ]  # fmt: skip
    for extra, message in cases:
        started = time.perf_counter()
        assert main([*base, *extra]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("dgx-pixels: error:") and message in err[0], err
        assert time.perf_counter() - started < 5


def test_the_same_lora_is_the_same_bytes(tmp_path):
    """safetensors orders its metadata by hash map (it changes from one save to the
    next); the LoRA's header is written sorted, so the file and its SHA-256 repeat."""
    import torch
    from safetensors.torch import load_file, save

    from dgx_pixels_app.training.files import write_lora

    tensors = {f"lora_unet_b{i}.lora_down.weight": torch.ones(2, 4) * i for i in range(4)}
    metadata = {f"ss_key_{i}": str(i) for i in range(12)} | {
        "ss_sd_model_name": "ピクセル.safetensors"
    }
    raw = {save(tensors, metadata=metadata) for _ in range(20)}
    if len(raw) == 1:
        pytest.skip("this safetensors writes its metadata in one order already")
    for i in range(10):
        write_lora(tmp_path / f"{i}.safetensors", tensors, metadata)
    assert len({(tmp_path / f"{i}.safetensors").read_bytes() for i in range(10)}) == 1
    loaded = load_file(str(tmp_path / "0.safetensors"))
    assert all(torch.equal(loaded[k], v) for k, v in tensors.items())


def test_an_earlier_run_is_never_replaced_unasked(tmp_path, tiny_model, capsys):
    folder = make_dataset(tmp_path / "refs")
    out = tmp_path / "style.safetensors"
    (tmp_path / "style.train.jsonl").write_text('{"step": 1, "loss": 0.5, "lr": 0.0001}\n')
    base = ["train-lora", str(folder), "-o", str(out), "--model", str(tiny_model[0]),
            "--steps", "1", "--resolution", "128", "--batch", "1", "--rank", "2"]  # fmt: skip
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "earlier run (style.train.jsonl)" in err and "--overwrite" in err
    assert (tmp_path / "style.train.jsonl").read_text().startswith('{"step": 1')
    assert main([*base, "--overwrite"]) == 0
    assert out.is_file()


def test_an_output_that_is_a_folder_is_said(tmp_path, tiny_model, capsys):
    folder = make_dataset(tmp_path / "refs")
    (tmp_path / "out.safetensors").mkdir()
    code = main(["train-lora", str(folder), "-o", str(tmp_path / "out.safetensors"), "--model",
                 str(tiny_model[0]), "--steps", "1", "--resolution", "128", "--overwrite"])  # fmt: skip
    assert code == 2 and "is a folder" in capsys.readouterr().err
