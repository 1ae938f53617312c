"""Which ControlNets and IP-Adapters the folders offer: SDXL ones only, each adapter
with the image encoder whose width it takes (h94's layout keeps SD 1.5 adapters and a
ViT-bigG encoder beside the ViT-H ones)."""

from __future__ import annotations

import json

import torch
from safetensors.torch import save_file

from dgx_pixels_app.engine.control_models import (
    choose_controlnets,
    choose_ip_adapter,
    find_controlnets,
    find_ip_adapters,
)
from dgx_pixels_app.settings import update_settings


def _adapter(path, cross: int, width: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"ip_adapter.1.to_k_ip.weight": torch.zeros(4, cross),
               "image_proj.proj.weight": torch.zeros(8, width)}, str(path))  # fmt: skip


def _encoder(folder, projection: int, hidden: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({
        "architectures": ["CLIPVisionModelWithProjection"], "projection_dim": projection,
        "hidden_size": hidden}))  # fmt: skip


def _controlnet(folder, cls: str, sdxl: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = {"_class_name": cls, **({"addition_embed_type": "text_time"} if sdxl else {})}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "diffusion_pytorch_model.safetensors").write_bytes(b"")


def test_h94_layout_pairs_vit_h_and_skips_sd15(tmp_path, isolated_home):
    repo = tmp_path / "IP-Adapter"
    _adapter(repo / "models" / "ip-adapter_sd15.safetensors", 768, 1024)
    _encoder(repo / "models" / "image_encoder", 1024, 1280)  # ViT-H
    _adapter(repo / "sdxl_models" / "ip-adapter_sdxl_vit-h.safetensors", 2048, 1024)
    _adapter(repo / "sdxl_models" / "ip-adapter_sdxl.safetensors", 2048, 1280)
    _encoder(repo / "sdxl_models" / "image_encoder", 1280, 1664)  # ViT-bigG
    update_settings(lambda s: s.model_folders.append(str(tmp_path)))
    found = {a.path.name: a.encoder for a in find_ip_adapters()}
    assert "ip-adapter_sd15.safetensors" not in found
    assert found["ip-adapter_sdxl_vit-h.safetensors"] == repo / "models" / "image_encoder"
    assert found["ip-adapter_sdxl.safetensors"] == repo / "sdxl_models" / "image_encoder"
    assert choose_ip_adapter(find_ip_adapters()).path.name.startswith("ip-adapter_sdxl")


def test_sd15_controlnets_are_not_offered(tmp_path, isolated_home):
    _controlnet(tmp_path / "sd-controlnet-openpose", "ControlNetModel", sdxl=False)
    _controlnet(tmp_path / "controlnet-openpose-sdxl-1.0", "ControlNetModel", sdxl=True)
    _controlnet(tmp_path / "controlnet-union-sdxl-1.0", "ControlNetUnionModel", sdxl=True)
    update_settings(lambda s: s.model_folders.append(str(tmp_path)))
    found = find_controlnets()
    assert sorted(m.name for m in found) == ["controlnet-openpose-sdxl-1.0",
                                             "controlnet-union-sdxl-1.0"]  # fmt: skip
    pose, depth = choose_controlnets(["pose", "depth"], found)
    assert pose.union and depth.union  # depth has no model of its own: the union serves both
    assert [m.name for m in choose_controlnets(["pose"], found)] == ["controlnet-openpose-sdxl-1.0"]
    assert "tile" not in found[1].types or found[1].modes >= 7  # 6 types: no tile
