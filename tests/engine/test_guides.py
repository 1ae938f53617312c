"""References (IP-Adapter) and controls (ControlNets) reach the UNet on the tiny models:
the output follows the control image, strength 0 is no control, the step range
matters, references change the picture and switching them never reloads the base."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from dgx_pixels_app.core.control import ControlRef, ReferenceRef
from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.generation import GenerationRequest
from dgx_pixels_app.engine.backend import GuideImages

SIZE = 64


def _request(**kw) -> GenerationRequest:
    return GenerationRequest("a knight", seed=7, steps=3, cfg=5.0, width=SIZE, height=SIZE, **kw)


def _pose(seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).random((SIZE, SIZE, 3)) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def models(tiny_model):
    folder = tiny_model[0]
    return {
        "pose": str(folder / "controlnet-openpose-sdxl"),
        "union": str(folder / "controlnet-union-sdxl-promax"),
        "adapter": str(folder / "ip-adapter" / "ip-adapter_sdxl.safetensors"),
        "encoder": str(folder / "ip-adapter" / "image_encoder"),
    }


def _run(engine, request, refs=(), controls=()):
    guides = GuideImages(list(refs), list(controls))
    return engine.generate(request, guides=guides).images[0][..., :3].astype(int)


def _differ(a, b) -> float:
    return float(np.abs(a - b).mean())


@pytest.mark.parametrize("which", ["pose", "union"])
def test_a_control_steers_the_picture(engine, models, which):
    plain = _run(engine, _request())
    control = ControlRef("pose", pose="walk/east/0", model=models[which])
    one = _run(engine, _request(controls=[control]), controls=[_pose(1)])
    other = _run(engine, _request(controls=[control]), controls=[_pose(2)])
    off = _run(engine, _request(controls=[replace(control, strength=0.0)]), controls=[_pose(1)])
    half = _run(engine, _request(controls=[replace(control, end=0.5)]), controls=[_pose(1)])
    assert _differ(one, plain) > 1  # the control reaches the UNet
    assert _differ(one, other) > 1  # and the picture follows its image
    assert _differ(off, plain) == 0  # strength 0 is no control at all
    assert _differ(half, one) > 0.1  # acting over half the steps is not acting over all
    assert np.array_equal(_run(engine, _request()), plain)  # a plain request is plain again


def test_two_controls_on_one_union_model(engine, models):
    a = ControlRef("pose", pose="walk/east/0", model=models["union"])
    b = ControlRef("depth", image="d.png", model=models["union"], strength=0.7)
    both = _run(engine, _request(controls=[a, b]), controls=[_pose(1), _pose(3)])
    one = _run(engine, _request(controls=[a]), controls=[_pose(1)])
    assert _differ(both, one) > 0.1


def test_references_change_the_picture_without_reloading(engine, models):
    pipe, loads = engine.model.pipe, dict(engine.guides.loads)
    ref = ReferenceRef("hero.png", 0.8, adapter=models["adapter"], encoder=models["encoder"])
    plain = _run(engine, _request())
    red = np.zeros((40, 24, 4), np.uint8)
    red[..., 0], red[..., 3] = 220, 255
    blue = red[..., [2, 1, 0, 3]]
    with_red = _run(engine, _request(references=[ref]), refs=[red])
    with_blue = _run(engine, _request(references=[ref]), refs=[blue])
    weaker = _run(engine, _request(references=[replace(ref, weight=0.2)]), refs=[red])
    style = _run(engine, _request(references=[replace(ref, style_only=True)]), refs=[red])
    two = _run(engine, _request(references=[ref, ref]), refs=[red, blue])
    assert _differ(with_red, plain) > 1
    assert _differ(with_red, with_blue) > 0.1
    assert _differ(weaker, with_red) > 0.1
    assert _differ(style, with_red) > 0.1
    assert min(_differ(two, with_red), _differ(two, with_blue)) > 0.01  # a mix of both
    assert np.array_equal(_run(engine, _request()), plain)  # detached again: as before
    assert engine.model.pipe is pipe  # the base never reloads…
    assert engine.guides.loads["ip_adapter"] - loads["ip_adapter"] <= 1  # …nor the adapter


def test_reference_and_control_together(engine, models):
    ref = ReferenceRef("hero.png", 0.8, adapter=models["adapter"], encoder=models["encoder"])
    control = ControlRef("pose", pose="walk/east/0", model=models["pose"])
    red = np.zeros((32, 32, 4), np.uint8)
    red[..., 0], red[..., 3] = 220, 255
    both = _run(engine, _request(references=[ref], controls=[control]), [red], [_pose(1)])
    only = _run(engine, _request(controls=[control]), controls=[_pose(1)])
    assert _differ(both, only) > 0.1


def test_missing_or_misfit_pixels_are_one_clear_error(engine, models):
    control = ControlRef("pose", pose="walk/east/0", model=models["pose"])
    with pytest.raises(InvalidInputError, match="1 control images but 0"):
        engine.generate(_request(controls=[control]))
    with pytest.raises(InvalidInputError, match="control image is 32×32"):
        _run(engine, _request(controls=[control]), controls=[_pose(1)[:32, :32]])


@pytest.fixture
def distilled(tiny_model, isolated_home):
    """The tiny LoRA under SDXL-Lightning's 4- and 8-step names, in the models folder."""
    from dgx_pixels_app.settings import models_dir

    folder = models_dir() / "loras"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sdxl_lightning_4step_lora.safetensors", "sdxl_lightning_8step_lora.safetensors"):
        (folder / name).write_bytes(tiny_model[1].read_bytes())


@pytest.mark.parametrize("speed", ["quality", "fast", "turbo"])
def test_every_control_type_reaches_the_unet_at_every_speed(engine, models, distilled, speed):
    """Each control type (through the union ControlNet, which serves them all) changes
    the picture under each speed's recipe: the combinations the README lists are live."""
    from dgx_pixels_app.core.control import CONTROL_TYPES
    from dgx_pixels_app.jobs.requests import Choices, build_request

    base = build_request(Choices("a knight", seed=5, steps=3, width=SIZE, height=SIZE,
                                 options={"speed": speed}))  # fmt: skip
    assert (base.recipe != "") == (speed != "quality")
    plain = _run(engine, base)
    for kind in CONTROL_TYPES:
        control = ControlRef(kind, image="c.png", model=models["union"])
        guided = _run(engine, replace(base, controls=[control]), controls=[_pose(4)])
        assert _differ(guided, plain) > 0.5, (speed, kind)


def test_two_controls_of_one_type_on_a_single_type_controlnet(engine, models):
    """A pose from the pose layer and a pose from a file: two controls, one model."""
    a = ControlRef("pose", pose="walk/east/0", model=models["pose"])
    b = ControlRef("pose", image="p.png", model=models["pose"], strength=0.5)
    both = _run(engine, _request(controls=[a, b]), controls=[_pose(1), _pose(2)])
    one = _run(engine, _request(controls=[a]), controls=[_pose(1)])
    assert _differ(both, one) > 0.1


def test_single_file_controlnets_as_comfyui_keeps_them(engine, models, tmp_path, isolated_home):
    """The same weights as one .safetensors file (no config) are found, load against the
    loaded model's UNet and draw the same picture as the folder; a file for another
    model is one clear error."""
    from diffusers import ControlNetModel, ControlNetUnionModel
    from safetensors.torch import save_file

    from dgx_pixels_app.core.errors import ModelError
    from dgx_pixels_app.engine.control_models import find_controlnets
    from dgx_pixels_app.settings import update_settings

    folder = tmp_path / "ComfyUI" / "models" / "controlnet"
    folder.mkdir(parents=True)
    for cls, name, source in ((ControlNetModel, "openpose-xl.safetensors", models["pose"]),
                              (ControlNetUnionModel, "union-promax.safetensors", models["union"])):  # fmt: skip
        state = cls.from_pretrained(source).state_dict()
        save_file({k: v.contiguous() for k, v in state.items()}, str(folder / name))
    save_file({"controlnet_cond_embedding.conv_in.weight": torch.zeros(4, 3, 3, 3),
               "add_embedding.linear_1.weight": torch.zeros(4, 4)}, str(folder / "broken.safetensors"))  # fmt: skip
    update_settings(lambda s: s.model_folders.append(str(tmp_path / "ComfyUI" / "models")))
    found = {m.name: m for m in find_controlnets()}
    assert found["openpose-xl"].types == ("pose",) and found["union-promax"].modes == 8
    for name, source in (("openpose-xl", models["pose"]), ("union-promax", models["union"])):
        as_file = ControlRef("pose", image="p.png", model=str(found[name].path))
        as_folder = replace(as_file, model=source)
        a = _run(engine, _request(controls=[as_file]), controls=[_pose(1)])
        b = _run(engine, _request(controls=[as_folder]), controls=[_pose(1)])
        assert _differ(a, b) < 0.5, name  # the same weights: (nearly) the same picture
        assert _differ(a, _run(engine, _request())) > 1
    broken = ControlRef("pose", image="p.png", model=str(found["broken"].path))
    with pytest.raises(ModelError, match="does not fit the loaded model"):
        _run(engine, _request(controls=[broken]), controls=[_pose(1)])


def test_comfyui_ipadapter_and_single_file_clip_vision(engine, models, tmp_path, isolated_home):
    """ComfyUI's layout: models/ipadapter/*.safetensors and a single-file encoder in
    models/clip_vision, paired by width, load with no config and draw as the folder does."""
    import shutil

    from safetensors.torch import save_file
    from transformers import CLIPVisionModelWithProjection

    from dgx_pixels_app.engine.control_models import choose_ip_adapter, find_ip_adapters
    from dgx_pixels_app.settings import update_settings

    comfy = tmp_path / "ComfyUI" / "models"
    (comfy / "ipadapter").mkdir(parents=True)
    (comfy / "clip_vision").mkdir(parents=True)
    shutil.copy(models["adapter"], comfy / "ipadapter" / "ip-adapter_sdxl_tiny.safetensors")
    state = CLIPVisionModelWithProjection.from_pretrained(models["encoder"]).state_dict()
    save_file({k: v.contiguous() for k, v in state.items()},
              str(comfy / "clip_vision" / "CLIP-ViT-tiny.safetensors"))  # fmt: skip
    update_settings(lambda s: s.model_folders.append(str(comfy)))
    found = choose_ip_adapter(find_ip_adapters())
    assert found.encoder == comfy / "clip_vision" / "CLIP-ViT-tiny.safetensors"
    red = np.zeros((24, 24, 4), np.uint8)
    red[..., 0], red[..., 3] = 220, 255
    as_file = ReferenceRef("r.png", 0.8, adapter=str(found.path), encoder=str(found.encoder))
    as_folder = replace(as_file, adapter=models["adapter"], encoder=models["encoder"])
    a = _run(engine, _request(references=[as_file]), refs=[red])
    b = _run(engine, _request(references=[as_folder]), refs=[red])
    assert _differ(a, b) < 0.01 and _differ(a, _run(engine, _request())) > 1
