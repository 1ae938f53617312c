"""Speed presets on the tiny model: each distilled LoRA's recipe runs exactly as its
data says, its LoRA is fused and unfused cleanly, batches equal single images per
seed, and FP8 and compilation behave on a machine without FP8."""

from __future__ import annotations

import functools

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


def _timesteps_seen(engine, request, etas=None) -> list[int]:
    seen = []
    engine.generate(request, progress=None)  # warm the scheduler
    original = engine.model.pipe.scheduler.step

    @functools.wraps(original)  # the pipeline passes eta only to a step() that takes it
    def spy(model_output, timestep, *args, **kwargs):
        seen.append(int(timestep))
        if etas is not None:
            etas.append(kwargs.get("eta"))
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


@pytest.mark.parametrize(
    ("rid", "timesteps", "eta"),
    [("dmd2-4step", [999, 749, 499, 249], None),  # DMD2's card: fixed timesteps, LCM
     ("hyper-4step", [999, 749, 499, 249], 0.0),  # Hyper-SD's card: trailing DDIM
     ("tcd-4step", [999, 759, 499, 259], 0.3)],  # TCD's card: eta (gamma) 0.3 reaches step()
)  # fmt: skip
def test_recipes_match_their_cards_numbers_and_eta_reaches_the_scheduler(
    engine, distilled, rid, timesteps, eta
):
    recipe = RECIPES[rid]
    etas: list = []
    request = _request(recipe=rid, steps=recipe.steps, cfg=recipe.cfg,
                       loras=[LoraRef(str(distilled), recipe.lora_weight)])  # fmt: skip
    assert _timesteps_seen(engine, request, etas) == timesteps
    if eta is not None:
        assert etas == [eta] * len(timesteps)
    engine.loras.apply([])


def test_a_recipe_runs_its_own_steps_and_cfg_whatever_the_request_says(engine, distilled):
    """A hand-edited or older request (steps 8 with DMD2's 4 fixed timesteps, CFG on)."""
    request = _request(recipe="dmd2-4step", steps=8, cfg=7.0, loras=[LoraRef(str(distilled))])
    progress = []
    result = engine.generate(request, progress=progress.append)
    assert [(p.step, p.total) for p in progress] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert (result.requests[0].steps, result.requests[0].cfg) == (4, 0.0)
    engine.loras.apply([])


def test_in_bf16_taking_a_fused_lora_out_gives_back_the_exact_weights(tiny_model, distilled):
    """PEFT's unmerge subtracts, which in bf16 leaves weights a rounding step off: the
    weights the merge touches are kept and copied back (bit for bit)."""
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings

    engine = Engine(EngineSettings(device="cpu", dtype="bf16"))
    engine.load(tiny_model[0])
    unet = engine.model.pipe.unet
    before = {k: v.clone() for k, v in unet.state_dict().items()}
    request = _request(recipe="lightning-4step", loras=[LoraRef(str(distilled))])
    engine.generate(request)
    assert engine.loras.fused is not None

    def base_weights():  # a LoRA layer keeps the model's own weight as base_layer.weight
        return {k.replace(".base_layer", ""): v for k, v in unet.state_dict().items()
                if "lora_" not in k}  # fmt: skip

    merged = base_weights()
    assert any(not torch.equal(merged[k], before[k]) for k in before), "nothing was merged"
    engine.generate(_request())  # quality: the merge comes out
    after = base_weights()
    assert all(torch.equal(after[k], before[k]) for k in before)


def test_a_merge_that_fails_half_way_leaves_the_model_as_it_was(engine, distilled, monkeypatch):
    unet = engine.model.pipe.unet
    engine.loras.apply([])
    before = {k: v.clone() for k, v in unet.state_dict().items() if "lora_" not in k}
    original = engine.model.pipe.fuse_lora

    def half(*args, **kwargs):
        original(*args, **kwargs)  # merged, then a failure (as torchao layers raise)
        raise ValueError("cannot merge into this layer")

    monkeypatch.setattr(engine.model.pipe, "fuse_lora", half)
    with pytest.raises(ModelError, match="Could not merge the LoRAs"):
        engine.generate(_request(recipe="lightning-4step", loras=[LoraRef(str(distilled))]))
    monkeypatch.undo()
    assert engine.loras.fused is None
    after = unet.state_dict()
    assert max(float((after[k] - before[k]).abs().max()) for k in before) < 1e-6
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


def test_several_images_of_one_prompt_equal_the_same_seeds_one_at_a_time(engine):
    """Count N (num_images_per_prompt): the image for seed S is the same made alone or
    with others (CPU: at most 1 of 255; different prompts: test_batching.py)."""
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


@pytest.mark.parametrize(
    ("config", "complaint"),
    [({"timestep_spacing": "sideways"}, "does not work with EulerDiscreteScheduler"),
     ({"warp_factor": 9}, "sets 'warp_factor', which EulerDiscreteScheduler does not have")],
)  # fmt: skip
def test_scheduler_options_it_cannot_use_name_the_recipe(engine, config, complaint):
    from dataclasses import replace as changed

    from dgx_pixels_app.engine.recipes import recipe_scheduler

    recipe = changed(RECIPES["lightning-4step"], scheduler_config=config)
    with pytest.raises(InvalidInputError, match=complaint):
        recipe_scheduler(recipe, engine._scheduler_config)


def test_live_previews_come_from_taesd_xl_when_it_is_in_a_models_folder(tiny_model):
    """A TAESD-XL-shaped AutoencoderTiny (random weights) in the models folder: with the
    switch on, each step's preview is the full-size picture, not the 1/8 sketch."""
    from diffusers import AutoencoderTiny

    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings
    from dgx_pixels_app.settings import models_dir

    AutoencoderTiny(encoder_block_out_channels=(8, 8, 8, 8),
                    decoder_block_out_channels=(8, 8, 8, 8)).save_pretrained(
        models_dir() / "taesdxl")  # fmt: skip
    sizes = {}
    for switch in (False, True):
        engine = Engine(EngineSettings(device="cpu", tiny_previews=switch))
        engine.load(tiny_model[0])
        previews = []
        engine.generate(_request(), progress=lambda p, seen=previews: seen.append(p.preview))
        sizes[switch] = {p.shape for p in previews if p is not None}
    assert sizes == {False: {(8, 8, 3)}, True: {(64, 64, 3)}}
