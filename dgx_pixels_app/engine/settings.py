"""Engine settings: device, precision and the memory/speed switches that matter on a
DGX-Spark (unified memory, Blackwell GPU) and on ordinary CUDA workstations."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class EngineSettings:
    device: str = "auto"  # auto, cuda, cuda:1, mps, cpu
    dtype: str = (
        "auto"  # auto (bf16 on CUDA when supported, else fp16; fp32 on CPU), bf16, fp16, fp32
    )
    attention: str = "sdpa"  # sdpa (PyTorch scaled-dot-product attention) or default
    vae_tiling: bool = False  # decode large images in tiles (less memory)
    vae_slicing: bool = True  # decode a batch one image at a time
    channels_last: bool = False  # memory format that helps some GPUs' convolutions
    compile_unet: bool = False  # compile the UNet's repeated blocks (cached on disk)
    fp8_unet: bool = False  # the UNet's linear layers in FP8 (CUDA, compute capability 8.9+)
    tiny_previews: bool = False  # live previews with TAESD-XL when it is in a models folder
    allow_pickle: bool = False  # never on by default: pickle checkpoints can run code
    max_batch: int = 8  # images per UNet call at most (engine.batching lowers it to fit)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def switched(cls, names, **values) -> EngineSettings:
        """Settings with the named on/off options on (unknown names are ignored: a
        settings file from another version)."""
        return cls(**values, **{name: True for name in names if name in SWITCHES})

    @classmethod
    def from_settings(cls, saved, **values) -> EngineSettings:
        """The engine settings the app's settings file keeps (switches, batch cap)."""
        cap = saved.max_batch if 1 <= saved.max_batch <= 64 else cls.max_batch
        return cls.switched(saved.engine_switches, max_batch=cap, **values)

    def switches(self) -> list[str]:
        return [name for name in SWITCHES if getattr(self, name)]


# The on/off options a person may switch in the app (Model menu) and the settings file.
SWITCHES = {
    "vae_tiling": "VAE Tiling (large images, less memory)",
    "channels_last": "Channels-Last Memory Format",
    "compile_unet": "Compile the UNet (each new size, CFG or LoRA waits once)",
    "fp8_unet": "FP8 UNet (Ada, Hopper, Blackwell GPUs)",
    "tiny_previews": "Live Previews with TAESD-XL (if in your models folders)",
}


def resolve_device(settings: EngineSettings):
    """(torch.device, torch.dtype) for these settings on this machine."""
    import torch

    name = settings.device
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    device = torch.device(name)
    dtype_name = settings.dtype
    if dtype_name == "auto":
        if device.type == "cuda":
            dtype_name = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        elif device.type == "mps":
            dtype_name = "fp16"
        else:
            dtype_name = "fp32"
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype_name]
    return device, dtype
