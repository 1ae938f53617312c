"""Speed presets on the tiny model: each distilled LoRA's recipe runs exactly as its
data says, its LoRA is fused and unfused cleanly, batches equal single images per
seed, and FP8 and compilation behave on a machine without FP8."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dgx_pixels_app.core.errors import InvalidInputError, ModelError
from dgx_pixels_app.core.generation import GenerationRequest, LoraRef
from dgx_pixels_app.resources import speed_data

RECIPES = speed_data().recipes


def _request(**changes) -> GenerationRequest:
    values = {"prompt": "pixel knight", "seed": 7, "steps": 2, "cfg": 5.0, "width": 64,
              "height": 64, **changes}  # fmt: skip
    return GenerationRequest(**values)


@pytest.fixture
def distilled(tiny_model, tmp_path):
    """The tiny model's LoRA under a distilled LoRA's published name."""
    path = tmp_path / "sdxl_lightning_4step_lora.safetensors"
    path.write_bytes(tiny_model[1].read_bytes())
    return path


def _timesteps_seen(engine, request) -> list[int]:
    seen = []
    engine.generate(request, progress=None)  # warm the scheduler
    original = engine.model.pipe.scheduler.step

    def spy(model_output, timestep, *args, **kwargs):
        seen.append(int(timestep))
        return original(model_output, timestep, *args, **kwargs)

    engine.model.pipe.scheduler.step = spy
    try:
        engine.generate(request)
    finally:
        del engine.model.pipe.scheduler.step
    return seen


@pytest.mark.parametrize("rid", sorted(RECIPES))
def test_each_recipe_runs_its_scheduler_timesteps_and_cfg(engine, distilled, rid):
    """The scheduler class, its options and the timesteps it steps through are the data
    file's; CFG at or below 1 runs one UNet pass per step (no negative branch)."""
    import diffusers

    recipe = RECIPES[rid]
    request = _request(recipe=rid, steps=recipe.steps, cfg=recipe.cfg,
                       loras=[LoraRef(str(distilled), recipe.lora_weight)])  # fmt: skip
    seen = _timesteps_seen(engine, request)
    scheduler = engine.model.pipe.scheduler
    assert type(scheduler) is getattr(diffusers, recipe.scheduler)
    for key, value in recipe.scheduler_config.items():
        assert scheduler.config[key] == value
    expected = getattr(diffusers, recipe.scheduler).from_config(
        engine._scheduler_config, **recipe.scheduler_config)  # fmt: skip
    if recipe.timesteps:
        expected.set_timesteps(timesteps=list(recipe.timesteps))
    else:
        expected.set_timesteps(recipe.steps)
    assert seen == [int(t) for t in expected.timesteps]
    assert len(seen) == recipe.steps
    assert engine.model.pipe.do_classifier_free_guidance is (recipe.cfg > 1)
    engine.loras.apply([])


def test_lightning_4_steps_are_trailing_euler(engine, distilled):
    """SDXL-Lightning's card: Euler with trailing spacing, 4 steps: 999, 749, 499, 249."""
    recipe = RECIPES["lightning-4step"]
    request = _request(recipe=recipe.id, steps=4, cfg=0.0, loras=[LoraRef(str(distilled))])
    assert _timesteps_seen(engine, request) == [999, 749, 499, 249]
    engine.loras.apply([])


def test_a_fused_recipe_lora_equals_the_adapter_and_unfuses_to_the_exact_weights(
    engine, distilled, tiny_model
):
    """Fused (no per-step cost) gives the same image as the LoRA applied as an adapter,
    with a style LoRA stacked on; going back to quality restores the weights."""
    unet = engine.model.pipe.unet
    before = {k: v.clone() for k, v in unet.state_dict().items() if "lora" not in k}
    style = LoraRef(str(tiny_model[1]), 0.5)
    request = _request(recipe="lightning-4step", steps=4, cfg=0.0,
                       loras=[style, LoraRef(str(distilled))])  # fmt: skip
    fused = engine.generate(request).images[0]
    assert engine.loras.fused is not None
    engine.fuse_distilled = False
    try:
        adapter = engine.generate(request).images[0]
    finally:
        engine.fuse_distilled = True
    assert engine.loras.fused is None
    assert np.abs(fused.astype(int) - adapter.astype(int)).max() <= 1
    engine.generate(request)  # fused again, then a quality request unfuses
    plain = engine.generate(_request()).images[0]
    assert engine.loras.fused is None
    after = {k: v for k, v in unet.state_dict().items() if "lora" not in k}
    worst = max(float((after[k] - before[k]).abs().max()) for k in before)
    assert worst < 1e-6, worst
    engine.loras.apply([])
    assert np.array_equal(plain, engine.generate(_request()).images[0])


def test_an_unknown_recipe_is_refused_by_name(engine):
    with pytest.raises(InvalidInputError, match="Unknown sampling recipe 'warp-1step'"):
        engine.generate(_request(recipe="warp-1step"))


def test_a_batch_equals_the_same_seeds_one_at_a_time(engine):
    """The image for seed S is the same made alone or in a batch (CPU: at most 1 of 255
    on any channel; GPU kernels for other batch sizes may differ by a few levels)."""
    batch = engine.generate(_request(seed=100), count=3).images
    alone = [engine.generate(_request(seed=100 + i)).images[0] for i in range(3)]
    for one, other in zip(batch, alone, strict=True):
        assert np.abs(one.astype(int) - other.astype(int)).max() <= 1


def test_fp8_on_a_machine_without_it_is_one_clear_error_and_the_model_stays(tiny_model):
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings

    engine = Engine(EngineSettings(device="cpu"))
    engine.load(tiny_model[0])
    engine.settings = EngineSettings(device="cpu", fp8_unet=True)
    with pytest.raises(ModelError) as caught:
        engine.load(tiny_model[0])
    assert "FP8 needs an NVIDIA GPU" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert engine.loaded  # the old model was not freed for a load that could not run
    engine.settings = EngineSettings(device="cpu")
    assert engine.generate(_request()).images[0].shape == (64, 64, 4)


def test_compiling_keeps_the_image_and_fills_the_cache_folder(tiny_model, isolated_home):
    """Regional compilation of the repeated blocks; compiled code lands in the user's
    cache folder (reused by the next start)."""
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings
    from dgx_pixels_app.engine.speedups import compile_cache_dir

    eager = Engine(EngineSettings(device="cpu"))
    eager.load(tiny_model[0])
    expected = eager.generate(_request()).images[0]
    eager.unload()
    compiled = Engine(EngineSettings(device="cpu", compile_unet=True))
    compiled.load(tiny_model[0])
    blocks = [m for m in compiled.model.pipe.unet.modules()
              if type(m).__name__ == "BasicTransformerBlock"]  # fmt: skip
    assert blocks and all(getattr(m, "_compiled_call_impl", None) for m in blocks)
    image = compiled.generate(_request()).images[0]
    assert np.abs(image.astype(int) - expected.astype(int)).max() <= 2
    cache = compile_cache_dir()
    assert str(cache).startswith(str(isolated_home))
    assert any(cache.rglob("*")), "nothing was cached"
    torch._dynamo.reset()
