"""The one-command GPU check: ``dgx-pixels benchmark --gpu``.

On a CUDA machine, with no downloads and within a time limit (8 minutes by default), it
writes a full-size SDXL single-file checkpoint with random weights (a step costs the
same whatever the weights), then measures the app's engine beside bare diffusers doing
the same work in the same run: model load, 1024² at 30 steps (bf16, SDPA), a batch of
8, a 4-step Lightning recipe with a LoRA of the real shape (fused and as an adapter),
LoRA switching, the regionally compiled UNet, the FP8 UNet with its pixel difference
against bf16 (on the 1024² image and on the pixelized sprite), the tiny decoder against
the full VAE, and peak memory. Rows that no longer fit the time limit are skipped and
say so. On a machine without CUDA it prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

from dgx_pixels_app.engine import gpu_rows as rows
from dgx_pixels_app.engine.gpu_control import control_rows, make_models
from dgx_pixels_app.engine.gpu_extra import compiled, fp8, make_lora, tiny_decoder

log = logging.getLogger(__name__)
NEEDS_CUDA = "The GPU check needs an NVIDIA GPU with CUDA; "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dgx-pixels benchmark --gpu", description=__doc__)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=8.0, help="time limit (default 8)")
    parser.add_argument(
        "--folder", help="where the random checkpoint goes (default: a temp folder)"
    )
    parser.add_argument("--json", help="also write the table as JSON here")
    parser.add_argument("--tiny", action="store_true",
                        help="the tiny test model instead of full-size SDXL (smoke test)")  # fmt: skip
    parser.add_argument("--allow-cpu", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    problem = _check_arguments(args)
    if problem:
        print(f"dgx-pixels benchmark --gpu: {problem}")
        return 2
    start = time.perf_counter()
    device = _device(args.allow_cpu)
    if device is None:
        return 2
    try:
        folder = tempfile.TemporaryDirectory(dir=args.folder)
    except OSError as exc:
        print(f"dgx-pixels benchmark --gpu: cannot make a folder for the random model in "
              f"{args.folder or tempfile.gettempdir()}: {exc.strerror or exc}.")  # fmt: skip
        return 2
    with folder as tmp:
        table, info = _run(args, device, Path(tmp), start + 60 * args.minutes)
    info["total_s"] = round(time.perf_counter() - start, 1)
    print(render(table, info))
    if args.json:
        text = json.dumps({"info": info, "rows": [r.__dict__ for r in table]}, indent=1)
        try:  # "x": a file made meanwhile is not replaced either
            with open(Path(args.json).expanduser(), "x", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            print(f"Could not write {args.json}: {exc.strerror or exc}.")
            return 1
    return 0


def _check_arguments(args) -> str | None:
    """What is wrong with the arguments, before a minute of work is spent on them."""
    if not 64 <= args.size <= 2048 or args.size % 8:
        return f"--size must be a multiple of 8 from 64 to 2048, not {args.size}."
    if not 1 <= args.steps <= 150:
        return f"--steps must be 1 to 150, not {args.steps}."
    if not 0.5 <= args.minutes <= 60:
        return "--minutes must be 0.5 to 60."
    if args.folder and not Path(args.folder).is_dir():
        return f"--folder '{args.folder}' is not a folder."
    if args.json:
        return _table_file_problem(args.json)
    return None


def _table_file_problem(name: str) -> str | None:
    if any(ord(c) < 32 for c in name):
        return "the table's file name has a control character (a newline?) in it."
    path = Path(name).expanduser()
    try:
        if not path.parent.is_dir():
            return f"the table's file '{name}': its folder does not exist."
        if path.exists() or path.is_symlink():
            return f"the table's file '{name}' is already there: give a new name."
    except OSError as exc:  # a name too long for the file system, say
        return f"the table's file cannot be used: {exc.strerror or exc}."
    return None


def _device(allow_cpu: bool):
    try:
        import torch
    except ImportError:
        print(NEEDS_CUDA + "PyTorch is not installed.")
        return None
    if torch.cuda.is_available():
        return torch.device("cuda")
    if allow_cpu:
        return torch.device("cpu")
    print(NEEDS_CUDA + f"this PyTorch ({torch.__version__}) sees none. Nothing was measured.")
    return None


def _run(args, device, tmp: Path, deadline: float) -> tuple[list, dict]:
    from dgx_pixels_app.engine.engine import Engine
    from dgx_pixels_app.engine.settings import EngineSettings

    info = _environment(device)
    table: list[rows.Row] = []
    path, write_s = _checkpoint(args.tiny, tmp, device)
    info["checkpoint"] = f"{path.name}: {_size_gb(path):.2f} GB written in {write_s:.1f} s"
    settings = EngineSettings(device=str(device))
    engine = Engine(settings)
    rows.reset_peak(device)
    t_ours = rows.once(lambda: engine.load(path), device)
    bare, t_bare = _bare_load(path, engine.model.dtype, device)
    table.append(rows.Row("model load to a ready pipeline", t_ours, t_bare,
                          note="the file in the page cache; our hash reads on beside"))  # fmt: skip
    ctx = rows.Context(device, engine, bare, args.size, args.steps, deadline)
    lora, other = make_lora(engine.model.pipe, tmp, rank=4 if args.tiny else 64)
    steps = [
        ("plain", 40, lambda: rows.plain(ctx)),
        ("turbo fused", 15, lambda: rows.turbo(ctx, lora, fused=True)),
        ("turbo adapter", 15, lambda: rows.turbo(ctx, lora, fused=False)),
        ("LoRA switch", 15, lambda: rows.lora_switch(ctx, lora, other)),
        ("batch", 70, lambda: rows.batch(ctx)),
        ("tiny decoder", 10, lambda: tiny_decoder(ctx)),
        ("controls", 150, lambda: _controls(ctx, path, tmp, full=not args.tiny)),
        ("compiled", 120, lambda: compiled(ctx)),
        ("fp8", 150, lambda: fp8(ctx, path, lora, compile_too=not args.tiny)),
    ]
    for name, estimate, step in steps:
        if name in args.skip:
            continue
        if ctx.left() < estimate:
            table.append(
                rows.Row(name, note=f"skipped: {ctx.left():.0f} s left, needs ~{estimate}")
            )
            continue
        try:
            result = step()
            table.extend(result if isinstance(result, list) else [result])
        except Exception as exc:  # one broken row must not lose the others
            log.debug("row %s failed", name, exc_info=True)
            table.append(rows.Row(name, note=f"failed: {type(exc).__name__}: {exc}"[:200]))
        print(f"  … {name} done, {ctx.left():.0f} s left", file=sys.stderr, flush=True)
    info["peak_gb"] = rows.peak_gb(device)
    return table, info


def _controls(ctx, path: Path, tmp: Path, full: bool) -> list:
    """The control rows, on the model the first rows loaded."""
    if ctx.engine.model is None:
        ctx.engine.load(path)
    return control_rows(ctx, make_models(ctx.engine.model.pipe.unet, tmp, full))


def _environment(device) -> dict:
    import diffusers
    import torch

    info = {"torch": torch.__version__, "diffusers": diffusers.__version__, "device": str(device)}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
        info["capability"] = ".".join(map(str, torch.cuda.get_device_capability(device)))
    try:
        import torchao

        info["torchao"] = torchao.__version__
    except ImportError:
        info["torchao"] = "not installed"
    return info


def _checkpoint(tiny: bool, tmp: Path, device) -> tuple[Path, float]:
    start = time.perf_counter()
    if tiny:
        from dgx_pixels_app.engine.tiny import make_test_model

        path = make_test_model(tmp / "tiny")[0]
    else:
        from dgx_pixels_app.engine.full_model import write_checkpoint

        path = write_checkpoint(tmp / "sdxl-random-fp16.safetensors", dtype="fp16",
                                device=device.type)  # fmt: skip
    return Path(path), time.perf_counter() - start


def _bare_load(path: Path, dtype, device):
    from diffusers import StableDiffusionXLPipeline

    from dgx_pixels_app.resources import resource_path

    def load():
        if path.is_dir():
            pipe = StableDiffusionXLPipeline.from_pretrained(path, dtype=dtype)
        else:
            pipe = StableDiffusionXLPipeline.from_single_file(
                str(path), config=str(resource_path("sdxl")), dtype=dtype,
                local_files_only=True)  # fmt: skip
        pipe.to(device)
        pipe.set_progress_bar_config(disable=True)
        holder.append(pipe)

    holder: list = []
    seconds = rows.once(load, device)
    return holder[0], seconds


def _size_gb(path: Path) -> float:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e9
    return path.stat().st_size / 1e9


def render(table: list, info: dict) -> str:
    lines = ["", "DGX-Pixels GPU check: " + ", ".join(f"{k} {v}" for k, v in info.items()), "",
             f"{'measure':<44}{'ours':>10}{'bare':>10}{'ratio':>8}  {'peak GB':>7}  note",
             "-" * 100]  # fmt: skip
    for r in table:
        ours = f"{r.ours:.3f}" if r.ours is not None else "-"
        bare = f"{r.bare:.3f}" if r.bare is not None else "-"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "-"
        peak = f"{r.peak_gb:.1f}" if r.peak_gb is not None else ""
        lines.append(f"{r.name[:43]:<44}{ours:>10}{bare:>10}{ratio:>8}  {peak:>7}  "
                     f"{r.unit if r.ours is not None else ''} {r.note}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
