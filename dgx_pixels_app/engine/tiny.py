"""A tiny SDXL-shaped model with random weights, for tests and offline demos.

Same architecture family and file layout as SDXL (UNet with text-time conditioning,
a 4-block VAE so latents are 1/8 of the image as in SDXL, two CLIP text encoders of
different widths, the real CLIP tokenizers, Euler scheduler), just a few million
parameters: a 64 px image in 2 steps takes a few hundredths of a second on a CPU.
Also writes a matching LoRA (``test-lora.safetensors``) whose weights are not zero,
so applying it changes the output.
"""

from __future__ import annotations

from pathlib import Path

from dgx_pixels_app.resources import resource_path

TEXT_1, TEXT_2, TIME_DIM = 32, 64, 8


def build_tiny_pipeline(seed: int = 0):
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionXLPipeline,
        UNet2DConditionModel,
    )
    from transformers import (
        CLIPTextConfig,
        CLIPTextModel,
        CLIPTextModelWithProjection,
        CLIPTokenizer,
    )

    torch.manual_seed(seed)
    sdxl = resource_path("sdxl")
    unet = UNet2DConditionModel(
        sample_size=32,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=TIME_DIM,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=TEXT_2 + 6 * TIME_DIM,
        cross_attention_dim=TEXT_1 + TEXT_2,
        norm_num_groups=8,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 16, 32, 32),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
        scaling_factor=0.13025,
    )

    def text_config(hidden: int) -> CLIPTextConfig:
        return CLIPTextConfig(
            hidden_size=hidden,
            intermediate_size=hidden * 2,
            num_attention_heads=4,
            num_hidden_layers=2,
            max_position_embeddings=77,
            vocab_size=49408,
            projection_dim=hidden,
            hidden_act="gelu",
            bos_token_id=49406,
            eos_token_id=49407,
            pad_token_id=49407,
        )

    text_encoder = CLIPTextModel(text_config(TEXT_1))
    text_encoder_2 = CLIPTextModelWithProjection(text_config(TEXT_2))
    tokenizer = CLIPTokenizer.from_pretrained(sdxl / "tokenizer")
    tokenizer_2 = CLIPTokenizer.from_pretrained(sdxl / "tokenizer_2")
    assert tokenizer.convert_tokens_to_ids("<|endoftext|>") == 49407, "bundled tokenizer is damaged"
    scheduler = EulerDiscreteScheduler.from_pretrained(sdxl / "scheduler")
    return StableDiffusionXLPipeline(
        vae=vae,
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=tokenizer_2,
        unet=unet,
        scheduler=scheduler,
    )


def make_lora_state(pipe, seed: int = 1, rank: int = 4, scale: float = 0.3) -> dict:
    """LoRA weights for ``pipe``'s UNet attention layers, in diffusers' file format."""
    import torch
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    config = LoraConfig(
        r=rank,
        lora_alpha=rank,
        target_modules=["to_q", "to_k", "to_v", "to_out.0"],
        init_lora_weights=False,
    )
    pipe.unet.add_adapter(config, adapter_name="tmp")
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in pipe.unet.named_parameters():
            if "lora_" in name:
                param.copy_(torch.randn(param.shape, generator=generator) * scale)
    state = convert_state_dict_to_diffusers(
        get_peft_model_state_dict(pipe.unet, adapter_name="tmp")
    )
    pipe.unet.delete_adapters("tmp")
    return state


def make_test_model(folder: str | Path) -> tuple[Path, Path]:
    """Write the tiny model to ``folder``, its LoRA to ``folder/test-lora.safetensors``
    and its control models beside them (engine.tiny_control: an IP-Adapter with its
    image encoder, an OpenPose ControlNet and a union one)."""
    from diffusers import StableDiffusionXLPipeline

    from dgx_pixels_app.core.errors import FileAccessError

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"Cannot create '{folder}': {exc.strerror or exc}.") from exc
    pipe = build_tiny_pipeline()
    pipe.save_pretrained(folder, safe_serialization=True)
    from dgx_pixels_app.engine.tiny_control import make_controlnets, make_ip_adapter

    make_ip_adapter(pipe.unet, folder / "ip-adapter")  # before the LoRA wraps the UNet
    make_controlnets(pipe.unet, folder)
    state = make_lora_state(pipe)
    StableDiffusionXLPipeline.save_lora_weights(
        folder, unet_lora_layers=state, weight_name="test-lora.safetensors"
    )
    return folder, folder / "test-lora.safetensors"
