"""The LoRA trainer: diffusers + peft on SDXL, deterministic, resumable.

LoRA on the UNet's attention (``to_q``, ``to_k``, ``to_v``, ``to_out.0``; optionally
the text encoders' ``q/k/v/out_proj``), the base weights frozen. bf16 autocast with
gradient checkpointing on CUDA, fp32 on the CPU. Images are encoded once (VAE
mean); captions once unless the text encoders train. SDXL's micro-conditioning is
the bucket size with no crop (images are padded into their bucket, never cut).
Loss weighting is min-SNR (γ = 5).

Randomness (which bucket and images, the noise, the timesteps) comes from one
seeded generator whose state is saved in every checkpoint (LoRA weights,
optimizer state, step): ``resume`` continues with the loss curve the run would
have had. Checkpoints are written atomically; a killed trainer leaves the last
one intact.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from dgx_pixels_app.core.atomic import atomic_write_text
from dgx_pixels_app.core.errors import CancelledError, ModelError
from dgx_pixels_app.training.config import TrainConfig
from dgx_pixels_app.training.dataset import Dataset
from dgx_pixels_app.training.files import read_checkpoint, write_checkpoint, write_lora

__all__ = ["TrainConfig", "Trainer"]
UNET_TARGETS = ["to_q", "to_k", "to_v", "to_out.0"]
TEXT_TARGETS = ["q_proj", "k_proj", "v_proj", "out_proj"]
Report = Callable[[dict], None]


class Trainer:
    def __init__(self, config: TrainConfig, dataset: Dataset, report: Report | None = None,
                 stop: Callable[[], bool] | None = None) -> None:  # fmt: skip
        self.config = config
        self.dataset = dataset
        self.report = report or (lambda event: None)
        self.stop = stop or (lambda: False)
        self.step = 0

    # -- setup ---------------------------------------------------------------------------
    def setup(self) -> None:
        import torch
        from diffusers import DDPMScheduler
        from peft import LoraConfig

        from dgx_pixels_app.engine.loader import load_model
        from dgx_pixels_app.engine.settings import EngineSettings

        c = self.config
        self.loaded = load_model(c.model, EngineSettings(device=c.device))
        pipe = self.pipe = self.loaded.pipe
        if getattr(pipe.unet.config, "addition_embed_type", None) != "text_time" or not hasattr(
            pipe, "text_encoder_2"
        ):
            raise ModelError(
                f"'{Path(c.model).name}' is not an SDXL model: LoRA training needs SDXL."
            )
        self.device = self.loaded.device
        self.cuda = self.device.type == "cuda"
        for module in (pipe.unet, pipe.vae, pipe.text_encoder, pipe.text_encoder_2):
            module.requires_grad_(False)
        torch.manual_seed(c.seed)  # the LoRA's initial weights come from the seed too
        pipe.unet.add_adapter(LoraConfig(r=c.rank, lora_alpha=c.alpha, init_lora_weights="gaussian",
                                         target_modules=UNET_TARGETS))  # fmt: skip
        if c.text_encoder:
            for encoder in (pipe.text_encoder, pipe.text_encoder_2):
                encoder.add_adapter(LoraConfig(r=c.rank, lora_alpha=c.alpha, init_lora_weights="gaussian",
                                               target_modules=TEXT_TARGETS))  # fmt: skip
        if self.cuda:
            pipe.unet.enable_gradient_checkpointing()
        self.params = [p for m in self._trained() for p in m.parameters() if p.requires_grad]
        for p in self.params:  # LoRA weights train in fp32 whatever the base's precision
            p.data = p.data.float()
        self.scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
        self.alphas = self.scheduler.alphas_cumprod.to(self.device)
        self.generator = torch.Generator().manual_seed(c.seed)
        self.optimizer = torch.optim.AdamW(self.params, lr=c.lr, weight_decay=1e-2)
        self._encode()

    def _trained(self):
        pipe = self.pipe
        return [pipe.unet] + (
            [pipe.text_encoder, pipe.text_encoder_2] if self.config.text_encoder else []
        )

    def _encode(self) -> None:
        """Latents once per image; caption embeddings once unless the text encoders train."""
        import torch

        pipe = self.pipe
        self.latents, self.embeds = [], []
        with torch.no_grad():
            for item in self.dataset.items:
                pixels = torch.from_numpy(item.image).permute(2, 0, 1)[None].float() / 127.5 - 1
                pixels = pixels.to(self.device, pipe.vae.dtype)
                latent = pipe.vae.encode(pixels).latent_dist.mean * pipe.vae.config.scaling_factor
                self.latents.append(latent[0].float().cpu())
                if not self.config.text_encoder:
                    self.embeds.append(self._embed([item.caption]))
        self.by_bucket: dict[tuple, list[int]] = {}
        for i, item in enumerate(self.dataset.items):
            self.by_bucket.setdefault(item.bucket, []).append(i)
        self.bucket_keys = sorted(self.by_bucket)

    def _embed(self, captions: list[str]):
        embeds, _, pooled, _ = self.pipe.encode_prompt(
            prompt=captions, device=self.device, num_images_per_prompt=1,
            do_classifier_free_guidance=False,
        )  # fmt: skip
        return embeds.float(), pooled.float()

    # -- one step ------------------------------------------------------------------------
    def sample_batch(self) -> list[int]:
        import torch

        sizes = torch.tensor([len(self.by_bucket[k]) for k in self.bucket_keys], dtype=torch.float)
        bucket = self.bucket_keys[int(torch.multinomial(sizes, 1, generator=self.generator))]
        members = self.by_bucket[bucket]
        picks = torch.randint(0, len(members), (self.config.batch,), generator=self.generator)
        return [members[int(i)] for i in picks]

    def train_step(self, indices: list[int]) -> float:
        """One optimizer step on these images; returns the loss."""
        import torch

        pipe, c = self.pipe, self.config
        latents = torch.stack([self.latents[i] for i in indices]).to(self.device)
        noise = torch.randn(latents.shape, generator=self.generator).to(self.device)
        t = torch.randint(0, self.scheduler.config.num_train_timesteps, (len(indices),),
                          generator=self.generator).to(self.device)  # fmt: skip
        noisy = self.scheduler.add_noise(latents, noise, t)
        if c.text_encoder:
            embeds, pooled = self._embed([self.dataset.items[i].caption for i in indices])
        else:
            embeds = torch.cat([self.embeds[i][0] for i in indices])
            pooled = torch.cat([self.embeds[i][1] for i in indices])
        h, w = self.dataset.items[indices[0]].bucket
        time_ids = torch.tensor(
            [[h, w, 0, 0, h, w]] * len(indices), dtype=torch.float, device=self.device
        )
        dtype = pipe.unet.dtype
        autocast = torch.autocast("cuda", dtype=torch.bfloat16) if self.cuda else _nothing()
        with autocast:
            prediction = pipe.unet(
                noisy.to(dtype), t, encoder_hidden_states=embeds.to(self.device, dtype),
                added_cond_kwargs={"text_embeds": pooled.to(self.device, dtype), "time_ids": time_ids.to(dtype)},
            ).sample.float()  # fmt: skip
        if self.scheduler.config.prediction_type == "v_prediction":
            target = self.scheduler.get_velocity(latents, noise, t)
        else:
            target = noise
        per_sample = ((prediction - target) ** 2).mean(dim=(1, 2, 3))
        snr = self.alphas[t] / (1 - self.alphas[t])
        weight = torch.clamp(snr, max=c.min_snr_gamma) / snr
        if self.scheduler.config.prediction_type == "v_prediction":
            weight = torch.clamp(snr, max=c.min_snr_gamma) / (snr + 1)
        loss = (per_sample * weight).mean()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.params, 1.0)
        self.optimizer.step()
        return float(loss.detach())

    # -- the run -------------------------------------------------------------------------
    def run(self) -> Path:
        c = self.config
        if c.resume:
            self._load_checkpoint()
        else:  # a new run (replacing an earlier one was asked for): its log and checkpoint go
            c.log.unlink(missing_ok=True)
            c.checkpoint.unlink(missing_ok=True)
        smoothed = None
        started, first_step = time.perf_counter(), self.step
        while self.step < c.steps:
            if self.stop():
                self.save_checkpoint()
                raise CancelledError(
                    f"Training stopped at step {self.step}; the checkpoint is saved."
                )
            loss = self.train_step(self.sample_batch())
            self.step += 1
            smoothed = loss if smoothed is None else 0.95 * smoothed + 0.05 * loss
            rate = (self.step - first_step) / max(1e-9, time.perf_counter() - started)
            event = {"step": self.step, "loss": loss, "smoothed": smoothed, "lr": c.lr,
                     "it_per_s": rate, "eta_s": (c.steps - self.step) / max(rate, 1e-9)}  # fmt: skip
            with open(c.log, "a", encoding="utf-8") as log:
                log.write(json.dumps({k: event[k] for k in ("step", "loss", "lr")}) + "\n")
            self.report({"kind": "step", **event, "total": c.steps})
            if self.step % c.save_every == 0 or self.step == c.steps:
                self.save_checkpoint()
            if c.sample_every and c.sample_prompt and self.step % c.sample_every == 0:
                self.report({"kind": "sample", "path": str(self.sample(c.sample_prompt))})
        self.save_lora(Path(c.output).expanduser())
        self.report({"kind": "done", "path": str(Path(c.output).expanduser()), "steps": self.step})
        return Path(c.output).expanduser()

    def save_checkpoint(self) -> None:
        from peft.utils import get_peft_model_state_dict

        state = {
            "step": self.step,
            "lora": {name: get_peft_model_state_dict(m) for name, m in self._named_trained()},
            "optimizer": self.optimizer.state_dict(),
            "generator": self.generator.get_state(),
            "config": asdict(self.config),
        }
        write_checkpoint(self.config.checkpoint, state)
        self.report({"kind": "checkpoint", "step": self.step, "path": str(self.config.checkpoint)})

    def _named_trained(self):
        names = ["unet", "text_encoder", "text_encoder_2"]
        return list(zip(names, self._trained(), strict=False))

    def _load_checkpoint(self) -> None:
        from peft.utils import set_peft_model_state_dict

        state = read_checkpoint(self.config.checkpoint)
        missing = [name for name, _ in self._named_trained() if name not in state["lora"]]
        if missing:
            raise ModelError(
                f"The checkpoint holds no {', '.join(missing)} weights: it was made with other "
                "options (text encoder training?). Resume with the options it was started with."
            )
        for name, module in self._named_trained():
            set_peft_model_state_dict(module, state["lora"][name])
        for p in self.params:
            p.data = p.data.float()
        self.optimizer.load_state_dict(state["optimizer"])
        self.generator.set_state(state["generator"])
        self.step = int(state["step"])
        kept = []
        if self.config.log.is_file():  # steps logged after the checkpoint run again
            for line in self.config.log.read_text(encoding="utf-8").splitlines():
                try:
                    if json.loads(line)["step"] <= self.step:
                        kept.append(line)
                except (ValueError, KeyError, TypeError):  # a damaged line is dropped
                    continue
        atomic_write_text(self.config.log, "".join(f"{line}\n" for line in kept))
        self.report({"kind": "resumed", "step": self.step})

    def sample(self, prompt: str) -> Path:
        import torch

        from dgx_pixels_app.formats.images import write_png

        pipe = self.pipe
        pipe.unet.eval()
        autocast = torch.autocast("cuda", dtype=torch.bfloat16) if self.cuda else _nothing()
        with torch.no_grad(), autocast:  # fp32 LoRA weights beside a bf16 base
            image = pipe(prompt=prompt, num_inference_steps=self.config.sample_steps,
                         generator=torch.Generator().manual_seed(self.config.seed),
                         width=self.config.resolution, height=self.config.resolution,
                         output_type="np").images[0]  # fmt: skip
        pipe.unet.train()
        rgb = np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)
        folder = self.config.samples
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"step-{self.step:06d}.png"
        write_png(path, np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)]))
        return path

    def save_lora(self, path: Path) -> None:
        """kohya's key layout (``lora_unet_…``, ``lora_te1_…``) with training metadata."""
        import torch
        from diffusers.utils import convert_state_dict_to_kohya
        from peft.utils import get_peft_model_state_dict

        from dgx_pixels_app import __version__
        from dgx_pixels_app.engine import hashes

        prefixed = {}
        for name, module in self._named_trained():
            for key, value in get_peft_model_state_dict(module).items():
                prefixed[f"{name}.{key}"] = value.detach().float().cpu().contiguous()
        kohya = convert_state_dict_to_kohya(prefixed)
        for key in kohya:
            if key.endswith(".alpha"):
                kohya[key] = torch.tensor(float(self.config.alpha))
        c = self.config
        metadata = {
            "ss_network_module": "networks.lora", "ss_network_dim": str(c.rank),
            "ss_network_alpha": str(c.alpha), "ss_base_model_version": "sdxl_base_v1-0",
            "ss_sd_model_name": Path(c.model).name, "ss_sd_model_hash": hashes.sha256(c.model),
            "ss_steps": str(self.step), "ss_max_train_steps": str(c.steps),
            "ss_num_train_images": str(len(self.dataset.items)), "ss_learning_rate": str(c.lr),
            "ss_resolution": f"({c.resolution}, {c.resolution})", "ss_seed": str(c.seed),
            "ss_batch_size_per_device": str(c.batch), "ss_train_text_encoder": str(c.text_encoder),
            "ss_tag_frequency": json.dumps({Path(c.dataset).name: self.dataset.tag_frequency()}),
            "modelspec.architecture": "stable-diffusion-xl-v1-base/lora",
            "dgx_pixels_version": __version__,
        }  # fmt: skip
        write_lora(path, kohya, metadata)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None
