"""The resident engine on the tiny model: every mode, LoRAs, cancel, model switch, bad input."""

import gc
import weakref

import numpy as np
import pytest

from dgx_pixels_app.core.errors import (
    CancelledError,
    FileAccessError,
    InvalidInputError,
    ModelError,
)
from dgx_pixels_app.core.generation import CancelToken, GenerationRequest, LoraRef
from dgx_pixels_app.engine.engine import Engine


def req(**kw):
    base = {"prompt": "pixel art knight", "seed": 11, "steps": 2, "width": 64, "height": 64}
    return GenerationRequest(**{**base, **kw})


def test_text_to_image_size_seed_and_provenance(engine, tiny_model):
    result = engine.generate(req(width=96, height=64), count=2)
    assert [im.shape for im in result.images] == [(64, 96, 4), (64, 96, 4)]
    assert [r.seed for r in result.requests] == [11, 12]
    assert result.requests[0].model == str(tiny_model[0]) and result.requests[0].mode == "txt2img"
    again = engine.generate(req(width=96, height=64))
    assert np.array_equal(again.images[0], result.images[0])  # same seed, same image
    other = engine.generate(req(width=96, height=64, seed=99))
    assert not np.array_equal(other.images[0], result.images[0])


def test_progress_reports_every_step_with_preview(engine):
    seen = []
    engine.generate(req(steps=3), progress=seen.append)
    assert [(p.step, p.total) for p in seen] == [(1, 3), (2, 3), (3, 3)]
    assert seen[0].preview.shape == (8, 8, 3) and seen[0].preview.dtype == np.uint8


def test_image_to_image_and_inpaint_keep_outside_pixels(engine):
    source = engine.generate(req()).images[0]
    changed = engine.generate(req(steps=4, strength=0.8, seed=3), init_image=source)
    assert changed.images[0].shape == source.shape and changed.requests[0].mode == "img2img"
    assert not np.array_equal(changed.images[0], source)
    mask = np.zeros((64, 64), bool)
    mask[16:48, 8:40] = True
    painted = engine.generate(req(steps=4, seed=3), init_image=source, mask=mask)
    out = painted.images[0]
    assert np.array_equal(
        out[~mask], source[~mask]
    )  # outside the mask: exactly the artist's pixels
    assert np.abs(out[mask].astype(int) - source[mask]).mean() > 1
    assert painted.requests[0].mode == "inpaint"


def test_lora_load_weight_and_unload_restore_output(engine, tiny_model):
    unet = engine.model.pipe.unet  # captured before any LoRA: switching must never reload it
    pipe = engine.model.pipe
    base = engine.generate(req()).images[0]
    full = engine.generate(req(loras=[LoraRef(str(tiny_model[1]), 1.0)])).images[0]
    half = engine.generate(req(loras=[LoraRef(str(tiny_model[1]), 0.5)])).images[0]
    off = engine.generate(req(loras=[LoraRef(str(tiny_model[1]), 1.0, enabled=False)])).images[0]
    assert not np.array_equal(base, full) and not np.array_equal(full, half)
    assert np.array_equal(off, base)
    assert engine.model.pipe is pipe and engine.model.pipe.unet is unet  # switched, not reloaded
    engine.loras.remove(tiny_model[1])
    assert engine.model.pipe.unet is unet  # the base model was never reloaded
    assert np.array_equal(engine.generate(req()).images[0], base)


def test_foreign_loras_refused_and_base_stays(engine, foreign_loras):
    base = engine.generate(req()).images[0]
    for path in foreign_loras:
        with pytest.raises(ModelError, match="another base"):
            engine.generate(req(loras=[LoraRef(str(path), 1.0)]))
        assert np.array_equal(engine.generate(req()).images[0], base)


def test_cancel_within_a_step_then_run_again(engine):
    token = CancelToken()
    steps = []

    def progress(p):
        steps.append(p.step)
        if p.step == 2:
            token.cancel()

    with pytest.raises(CancelledError, match="after 2 of 6"):
        engine.generate(req(steps=6), progress=progress, cancel=token)
    assert steps == [1, 2]
    fresh = engine.generate(req(steps=6)).images[0]
    assert np.array_equal(fresh, engine.generate(req(steps=6)).images[0])


def test_model_switch_frees_the_old_model(tiny_model):
    engine = Engine()
    engine.load(tiny_model[0])
    engine.generate(
        req(), init_image=engine.generate(req()).images[0]
    )  # create a derived pipeline too
    old = weakref.ref(engine.model.pipe.unet)
    engine.load(tiny_model[0])
    gc.collect()
    assert old() is None
    assert engine.generate(req()).images[0].shape == (64, 64, 4)


@pytest.mark.parametrize(
    ("request_kw", "words"),
    [
        ({"prompt": "  "}, "prompt is empty"),
        ({"width": 100}, "multiple of 8"),
        ({"steps": 0}, "steps"),
        ({"cfg": 99}, "CFG"),
        ({"scheduler": "magic"}, "scheduler"),
    ],
)
def test_bad_requests(engine, request_kw, words):
    with pytest.raises(InvalidInputError, match=words):
        engine.generate(req(**request_kw))


def test_no_model_and_schedulers(engine):
    with pytest.raises(ModelError, match="No model is loaded"):
        Engine().generate(req())
    for name in ("euler_a", "dpmpp_2m_karras", "ddim", "unipc", "euler"):
        assert engine.generate(req(scheduler=name)).images[0].shape == (64, 64, 4)


def test_bad_model_files(tmp_path, tiny_model):
    engine = Engine()
    (tmp_path / "model.ckpt").write_bytes(b"\x80\x04 pickle")
    with pytest.raises(ModelError, match="pickle"):
        engine.load(tmp_path / "model.ckpt")
    with pytest.raises(FileAccessError, match="does not exist"):
        engine.load(tmp_path / "missing.safetensors")
    unet_file = tiny_model[0] / "unet" / "diffusion_pytorch_model.safetensors"
    (tmp_path / "cut.safetensors").write_bytes(
        unet_file.read_bytes()[: unet_file.stat().st_size // 2]
    )
    with pytest.raises(ModelError, match="truncated"):
        engine.load(tmp_path / "cut.safetensors")
    (tmp_path / "garbage.safetensors").write_bytes(b"\xff" * 100)
    with pytest.raises(ModelError, match="corrupt|truncated"):
        engine.load(tmp_path / "garbage.safetensors")
    (tmp_path / "empty_folder").mkdir()
    with pytest.raises(ModelError, match="model_index.json"):
        engine.load(tmp_path / "empty_folder")
    assert not engine.loaded


def test_single_file_checkpoint_loads_offline_and_matches(tiny_model, tmp_path):
    """A ComfyUI/CivitAI-style single .safetensors, loaded with a local config folder only."""
    from tests.engine.ldm_export import save_single_file

    engine = Engine()  # a fresh one: no LoRA layers wrapped around its modules
    engine.load(tiny_model[0])
    path = tmp_path / "tiny-sdxl.safetensors"
    save_single_file(engine.model.pipe, path)
    other = Engine()
    loaded = other.load(path, config=tiny_model[0])
    assert loaded.kind == "single-file"
    expected = engine.generate(req()).images[0]
    assert np.array_equal(other.generate(req()).images[0], expected)


def test_bundled_sdxl_config_describes_a_real_sdxl():
    """The single-file config folder is SDXL base (offline, no weights)."""
    import json

    from transformers import CLIPTokenizer

    from dgx_pixels_app.resources import resource_path

    folder = resource_path("sdxl")
    unet = json.loads((folder / "unet" / "config.json").read_text())
    assert (
        unet["cross_attention_dim"] == 2048
        and unet["projection_class_embeddings_input_dim"] == 2816
    )
    for sub in ("tokenizer", "tokenizer_2"):
        tok = CLIPTokenizer.from_pretrained(folder / sub)
        assert len(tok) == 49408 and tok.convert_tokens_to_ids("<|endoftext|>") == 49407
        assert tok("a knight").input_ids == [49406, 320, 7355, 49407]


def test_a_sampler_gives_the_same_image_whatever_ran_before(tiny_model):
    engine = Engine()
    engine.load(tiny_model[0])
    first = engine.generate(req(scheduler="euler", steps=6)).images[0]
    engine.generate(req(scheduler="dpmpp_2m_karras"))
    engine.generate(req(scheduler="ddim"))
    assert np.array_equal(engine.generate(req(scheduler="euler", steps=6)).images[0], first)


def test_too_few_steps_for_the_strength_is_a_clear_error(engine):
    source = np.zeros((64, 64, 4), np.uint8)
    with pytest.raises(InvalidInputError, match="denoise nothing: use at least 3 steps"):
        engine.generate(req(steps=2, strength=0.4), init_image=source)
