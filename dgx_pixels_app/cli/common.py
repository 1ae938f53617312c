"""Options and helpers shared by the generating subcommands (generate, batch, benchmark)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgx_pixels_app.core.errors import InvalidInputError
from dgx_pixels_app.core.words import counted


def add_model_options(p: argparse.ArgumentParser, backend: bool = True) -> None:
    p.add_argument(
        "--model",
        help="a diffusers SDXL folder or a single-file .safetensors (default: the settings' "
        "default model, or the only one found)",
    )
    p.add_argument(
        "--lora", action="append", default=[], metavar="FILE[:WEIGHT]",
        help="apply a LoRA (repeatable)",
    )  # fmt: skip
    p.add_argument("--device", default="auto", help="auto, cuda, cpu, mps")
    if backend:
        p.add_argument(
            "--backend", metavar="local|ray[:HOST:PORT]",
            help="run on this process's engine or on a Ray cluster (ray: a local Ray; "
            "ray:HOST:PORT: join that cluster); default: the app's setting, local",
        )  # fmt: skip
        p.add_argument(
            "--workers", type=int,
            help="Ray workers (default: one per GPU in the cluster, 1 without GPUs)",
        )  # fmt: skip


def add_sampling_options(p: argparse.ArgumentParser) -> None:
    """Seed, steps, CFG, sampler and the model's image size (defaults: the kind's)."""
    p.add_argument("--seed", type=int, help="default: random (recorded)")
    p.add_argument("--steps", type=int, help="default: the kind's")
    p.add_argument("--cfg", type=float, help="default: the kind's")
    p.add_argument("--sampler", help="euler, euler_a, dpmpp_2m, … (default: the kind's)")
    p.add_argument("--resolution", type=int, help="the model's image size (default: the kind's)")
    add_request_options(p)


def add_request_options(p: argparse.ArgumentParser) -> None:
    """A flag for each declared generation option (presets/request-options.toml)."""
    from dgx_pixels_app.resources import request_options

    kinds = {"int": int, "float": float}
    for option in request_options():
        flag = "--" + option["name"].replace("_", "-")
        text = f"{option.get('help', '')} (default {option.get('default')})"
        if option["type"] == "bool":
            p.add_argument(flag, dest=f"option_{option['name']}", default=None,
                           action=argparse.BooleanOptionalAction, help=text)  # fmt: skip
        elif option["type"] == "choice":
            p.add_argument(flag, dest=f"option_{option['name']}", choices=option["choices"],
                           help=text)  # fmt: skip
        else:
            p.add_argument(flag, dest=f"option_{option['name']}", type=kinds[option["type"]],
                           help=text)  # fmt: skip


def add_guide_options(p: argparse.ArgumentParser) -> None:
    """Reference images (IP-Adapter) and structure controls (ControlNets)."""
    p.add_argument(
        "--reference", action="append", default=[], metavar="FILE[:WEIGHT][:style]",
        help="an image whose look the sprite takes (IP-Adapter; weight 0-2, default 0.6; "
        "':style': its style only, not its subject); up to 4",
    )  # fmt: skip
    p.add_argument(
        "--control", action="append", default=[], metavar="TYPE=FILE[:STRENGTH[:START-END]]",
        help="a ControlNet control: pose, lineart, canny, depth, tile or scribble, from a file "
        "(a sprite with transparency is turned into the control: its edges, silhouette…) or a "
        "pose template frame (pose=@walk/east/3); strength 0-2 (1), over the steps START-END "
        "(0-1); up to 4",
    )  # fmt: skip


def guides_from(args: argparse.Namespace) -> tuple[list, list]:
    """The references and controls given, parsed and their files checked."""
    from dgx_pixels_app.core.control import parse_control, parse_reference

    refs = [parse_reference(v) for v in getattr(args, "reference", [])]
    controls = [parse_control(v) for v in getattr(args, "control", [])]
    for item in refs + [c for c in controls if c.image]:
        attr = "path" if hasattr(item, "path") else "image"
        path = Path(getattr(item, attr)).expanduser()
        if path.is_dir():
            raise InvalidInputError(f"'{path}' is a folder, not an image.")
        if not path.exists():
            raise InvalidInputError(f"The image '{path}' does not exist.")
        setattr(item, attr, str(path))  # what the job reads and the record keeps
    return refs, controls


def request_options_from(args: argparse.Namespace) -> dict:
    """The declared options given on the command line (checked by the request builder)."""
    prefix = "option_"
    return {
        k[len(prefix) :]: v for k, v in vars(args).items() if k.startswith(prefix) and v is not None
    }


def resolve_model(value: str | None) -> str:
    """The model to use: --model, else the settings' default, else the only one found."""
    if value:
        if not Path(value).expanduser().exists():
            raise InvalidInputError(f"Model '{value}' does not exist.")
        return value
    from dgx_pixels_app.settings import load_settings

    default = load_settings().default_model
    if default and Path(default).expanduser().exists():
        return default
    from dgx_pixels_app.engine.discovery import find_checkpoints

    found = find_checkpoints()
    if len(found) == 1:
        return str(found[0].path)
    hint = (
        f"{len(found)} models were found; pick one with --model"
        if found
        else "none was found in the models folders (see 'dgx-pixels info')"
    )
    raise InvalidInputError(
        f"No model given: {hint}. Pass --model PATH (a diffusers SDXL folder or a "
        ".safetensors file), or download one in the app (Model ▸ Download)."
    )


def parse_loras(values: list[str]):
    from dgx_pixels_app.core.generation import parse_lora

    loras = [parse_lora(item) for item in values]
    for lora in loras:
        if not Path(lora.path).expanduser().is_file():
            raise InvalidInputError(f"LoRA '{lora.path}' does not exist.")
    return loras


def make_queue(args: argparse.Namespace):
    """A job queue on the back end the arguments ask for, logging metrics."""
    from dgx_pixels_app.engine.factory import make_backend
    from dgx_pixels_app.jobs.metrics import MetricsLog
    from dgx_pixels_app.jobs.queue import JobQueue
    from dgx_pixels_app.settings import load_settings

    chosen = getattr(args, "backend", None) or load_settings().backend
    check_device(args.device, here=chosen == "local")
    backend = make_backend(getattr(args, "backend", None), workers=getattr(args, "workers", None),
                           device=args.device)  # fmt: skip
    return JobQueue(backend, MetricsLog())


def check_device(device: str, here: bool = True) -> None:
    """auto, cpu, cuda, cuda:N or mps — and, for jobs run ``here`` (not on a cluster's
    workers), one this machine has: said before any work."""
    import re

    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d{1,2})?", device or ""):
        raise InvalidInputError(f"--device is auto, cpu, cuda, cuda:N or mps, not '{device[:40]}'.")
    if device in ("auto", "cpu") or not here:
        return
    import torch

    if device.startswith("cuda"):
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = int(device.partition(":")[2] or 0)
        if index >= count:
            raise InvalidInputError(f"--device {device}: this machine has "
                                    f"{counted(count, 'CUDA device')} visible. Use --device "
                                    "cpu (or auto).")  # fmt: skip
    elif not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise InvalidInputError("--device mps: no Apple GPU here. Use --device cpu (or auto).")


def add_overwrite_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite", action="store_true",
        help="replace files that DGX-Pixels did not write (in the output folder, or the game "
        "with --bevy); each old one is kept in .dgx-pixels/replaced/ beside them. Without it "
        "such files are never touched",
    )  # fmt: skip


def print_bevy_files(result) -> None:
    """What a Bevy export wrote, and every file it replaced with where the old one is."""
    for path in (result.image, result.json, result.layout, result.aseprite):
        if path is not None:
            print(f"wrote {path}")
    for line in result.deployed.describe():
        print(line)
    if getattr(result, "version_note", ""):
        print(f"note: {result.version_note}", file=sys.stderr)


def note_recipe(args: argparse.Namespace, request) -> None:
    """Say so when a fast speed's recipe replaces the steps, CFG or sampler given."""
    given = [flag for flag, value in (("--steps", args.steps), ("--cfg", args.cfg),
                                      ("--sampler", getattr(args, "scheduler", None)))
             if value is not None]  # fmt: skip
    if request.recipe and given:
        print(f"note: --speed {request.speed} runs its recipe ({request.recipe}: "
              f"{request.steps} steps, CFG {request.cfg:g}); {', '.join(given)} not used.",
              file=sys.stderr)  # fmt: skip


def cpu_defaults(args: argparse.Namespace, kind: str | None = None) -> str:
    """On a CPU, when neither steps nor a size was given: the small size and few steps
    of presets/generation.toml's [cpu] in place of the kind's. Returns the note to say
    once the command's own checks have passed ("" when nothing changed)."""
    from dgx_pixels_app.jobs.device_defaults import cpu_proposal, runs_on_cpu
    from dgx_pixels_app.jobs.requests import kind_settings
    from dgx_pixels_app.settings import load_settings

    sizes = ("width", "height", "resolution")
    if args.steps is not None or any(getattr(args, name, None) for name in sizes):
        return ""
    proposal, base = cpu_proposal(), kind_settings(kind)  # a bad kind is said first
    width, height, steps = int(base["width"]), int(base["height"]), int(base["steps"])
    fast = getattr(args, "option_speed", None) not in (None, "quality")  # its recipe's steps
    new_steps = steps if fast else min(steps, proposal.steps)
    scale = min(1.0, proposal.size / max(width, height))
    new_size = tuple(max(64, round(v * scale / 8) * 8) for v in (width, height))
    if new_size == (width, height) and new_steps == steps:
        return ""
    backend = getattr(args, "backend", None) or load_settings().backend
    if not runs_on_cpu(getattr(args, "device", "auto"), backend):  # imports torch: last
        return ""
    if new_steps != steps:
        args.steps = new_steps
    if hasattr(args, "width"):
        args.width, args.height = new_size
    else:
        args.resolution = max(new_size)
    return (f"note: {proposal.describe((width, height, steps), (*new_size, new_steps))} Give "
            "--steps or a size to choose yourself.")  # fmt: skip


def say(note: str) -> None:
    if note:
        print(note, file=sys.stderr)
