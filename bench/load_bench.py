"""Time loading a full-size SDXL single-file checkpoint to a ready CPU pipeline.

    python bench/load_bench.py [CHECKPOINT] [--cases app_fp32,bare_fp32,...] [--profile]
                               [--json OUT.json] [--rss-cap-gb 18]

CHECKPOINT defaults to /tmp/full/sdxl-random-fp16.safetensors (bench/full_checkpoint.py
writes it). Every case runs in a fresh subprocess; the parent samples the child's
/proc/PID/status (RssAnon, RssFile) every 50 ms and kills it if RssAnon passes the cap.

Cases:
  app_<dt>   dgx_pixels_app.engine.loader.load_model(path, EngineSettings(device="cpu",
             dtype=<dt>)) (fp32 is the app's CPU default)
  bare_<dt>  StableDiffusionXLPipeline.from_single_file(path, config=resources/sdxl,
             local_files_only=True, torch_dtype=<dt>)
  hash       dgx_pixels_app.engine.hashes.file_sha256 of the file, uncached and cached
  check      dgx_pixels_app.engine.loader.check_model_path (header checks)
A "+thp" suffix (e.g. bare_fp32+thp) runs the case with THP_MEM_ALLOC_ENABLE=1.
Each load case also times "touch": reading one element per 4 KiB page of every
parameter, i.e. what the first generation pays if the weights are still mmap-backed.

With --profile each load case runs a second time under cProfile and the report gives a
breakdown by function (cumulative seconds; cProfile inflates Python-heavy parts).
Page cache: the file is normally warm (just written / read); each case reports its
major page faults so a cold read shows up.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = "/tmp/full/sdxl-random-fp16.safetensors"
CONFIG = ROOT / "resources" / "sdxl"
ALL_CASES = ["hash", "check", "bare_fp16", "app_fp16", "bare_bf16", "app_bf16", "bare_fp32",
             "app_fp32"]  # fmt: skip

# (label, file substring, function name) -> cumulative seconds in the profile
PROFILE_POINTS = [
    ("import diffusers pipeline", "", "<module>"),  # filled specially
    ("from_single_file (pipeline)", "loaders/single_file.py", "from_single_file"),
    ("  open file (safetensors load_file, mmap)", "safetensors/torch.py", "load_file"),
    ("  fetch_diffusers_config / infer type", "single_file_utils.py", "fetch_diffusers_config"),
    ("  UNet/VAE from_single_file", "single_file_model.py", "from_single_file"),
    ("    build modules (from_config)", "configuration_utils.py", "from_config"),
    ("    convert_ldm_unet_checkpoint", "single_file_utils.py", "convert_ldm_unet_checkpoint"),
    ("    convert_ldm_vae_checkpoint", "single_file_utils.py", "convert_ldm_vae_checkpoint"),
    (
        "    load_model_dict_into_meta (all 4 models)",
        "model_loading_utils.py",
        "load_model_dict_into_meta",
    ),
    (
        "      accelerate set_module_tensor_to_device",
        "accelerate/utils/modeling.py",
        "set_module_tensor_to_device",
    ),
    (
        "      Tensor.to (dtype casts, all callers)",
        "~",
        "<method 'to' of 'torch._C.TensorBase' objects>",
    ),
    ("      Tensor.contiguous", "~", "<method 'contiguous' of 'torch._C.TensorBase' objects>"),
    ("      Tensor.clone", "~", "<method 'clone' of 'torch._C.TensorBase' objects>"),
    (
        "  text encoders create_diffusers_clip_model_from_ldm",
        "single_file_utils.py",
        "create_diffusers_clip_model_from_ldm",
    ),
    ("    CLIP config from_pretrained", "configuration_utils.py", "from_pretrained"),
    ("    convert_open_clip_checkpoint", "single_file_utils.py", "convert_open_clip_checkpoint"),
    ("    convert_ldm_clip_checkpoint", "single_file_utils.py", "convert_ldm_clip_checkpoint"),
    ("  tokenizers (from_pretrained)", "tokenization_utils_base.py", "from_pretrained"),
    ("  empty_device_cache", "torch_utils.py", "empty_device_cache"),
    ("  gc.collect", "~", "<built-in method gc.collect>"),
    ("app _apply_settings", "engine/loader.py", "_apply_settings"),
    ("  pipe.to(device)", "pipeline_utils.py", "to"),
    ("  unet.set_attn_processor", "unets/unet_2d_condition.py", "set_attn_processor"),
    ("  vae.enable_slicing", "autoencoder_kl.py", "enable_slicing"),
]


# ----------------------------------------------------------------------------- child


def _status() -> dict:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("RssAnon", "RssFile", "VmRSS", "VmHWM")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) * 1024
    return out


def _touch(pipe) -> tuple[float, int]:
    """Read one element per 4 KiB page of every parameter/buffer; seconds and bytes."""
    import torch

    t = time.perf_counter()
    total = 0
    with torch.no_grad():
        for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
            for p in list(getattr(pipe, name).parameters()) + list(getattr(pipe, name).buffers()):
                flat = p.detach().reshape(-1)
                step = max(1, 4096 // flat.element_size())
                flat[::step].float().sum().item()
                total += flat.numel() * flat.element_size()
    return time.perf_counter() - t, total


def _pipe_summary(pipe) -> dict:
    import torch

    out = {}
    for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
        m = getattr(pipe, name)
        dts = sorted({str(p.dtype).replace("torch.", "") for p in m.parameters()})
        meta = sum(p.is_meta for p in m.parameters())
        out[name] = {"dtypes": dts, "on_meta": int(meta)}
    out["unet_attn_processor"] = type(next(iter(pipe.unet.attn_processors.values()))).__name__
    del torch
    return out


def _hash_case(p: Path) -> dict:
    """The provenance hash of the file, uncached and cached."""
    from dgx_pixels_app.engine.hashes import file_sha256

    res: dict = {}
    t = time.perf_counter()
    digest = file_sha256(p, cache=None)
    res["uncached_s"] = time.perf_counter() - t
    cache: dict = {}
    file_sha256(p, cache)  # fill
    t = time.perf_counter()
    for _ in range(100):
        assert file_sha256(p, cache) == digest
    res["cached_lookup_s"] = (time.perf_counter() - t) / 100
    res["sha256"] = digest
    res["GBps"] = p.stat().st_size / res["uncached_s"] / 1e9
    return res


def child(case: str, path: str, profile: bool) -> dict:
    t_start = time.perf_counter()
    res: dict = {"case": case}
    if case == "hash":
        res.update(_hash_case(Path(path)))
    elif case == "check":
        from dgx_pixels_app.engine.loader import check_model_path

        t = time.perf_counter()
        res["kind"] = check_model_path(Path(path))
        res["check_s"] = time.perf_counter() - t
    else:
        who, dt = case.split("+")[0].split("_")
        t = time.perf_counter()
        import diffusers  # noqa: F401
        import torch  # noqa: F401
        from diffusers import StableDiffusionXLPipeline

        if who == "app":
            from dgx_pixels_app.engine.loader import load_model
            from dgx_pixels_app.engine.settings import EngineSettings
        res["import_s"] = time.perf_counter() - t
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from diffusers.utils import logging as dlog

        dlog.disable_progress_bar()
        dtype = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[dt]

        def run():
            if who == "app":
                lm = load_model(path, EngineSettings(device="cpu", dtype=dt))
                return lm.pipe, lm.load_seconds
            t0 = time.perf_counter()
            pipe = StableDiffusionXLPipeline.from_single_file(
                path, config=str(CONFIG), local_files_only=True, torch_dtype=dtype
            )
            return pipe, time.perf_counter() - t0

        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            t = time.perf_counter()
            prof.enable()
            pipe, inner = run()
            prof.disable()
            res["load_s"] = time.perf_counter() - t
            st = pstats.Stats(prof)
            res["profile"] = _extract(st)
            res["top"] = _top(st, 25)
        else:
            t = time.perf_counter()
            pipe, inner = run()
            res["load_s"] = time.perf_counter() - t
        res["inner_load_seconds"] = inner
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        res["majflt_load"] = ru1.ru_majflt - ru0.ru_majflt
        res["minflt_load"] = ru1.ru_minflt - ru0.ru_minflt
        res["cpu_user_s"] = ru1.ru_utime - ru0.ru_utime
        res["cpu_sys_s"] = ru1.ru_stime - ru0.ru_stime
        res["after_load"] = _status()
        res["touch_s"], res["param_bytes"] = _touch(pipe)
        res["majflt_touch"] = resource.getrusage(resource.RUSAGE_SELF).ru_majflt - ru1.ru_majflt
        res["after_touch"] = _status()
        res["pipe"] = _pipe_summary(pipe)
    res["ru_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    res["process_s"] = time.perf_counter() - t_start
    return res


def _extract(st) -> dict:
    out = {}
    for label, file_sub, fn in PROFILE_POINTS:
        if fn == "<module>":
            continue
        ct = 0.0
        calls = 0
        for (filename, _line, name), (_cc, nc, _tt, cum, _callers) in st.stats.items():
            if name == fn and (file_sub in filename):
                # count only outermost: skip entries called from themselves
                ct += cum
                calls += nc
        out[label] = {"cum_s": round(ct, 3), "calls": calls}
    return out


def _top(st, n) -> list:
    rows = sorted(st.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    return [
        {
            "fn": f"{Path(f).name}:{line}:{name}",
            "tottime_s": round(tt, 3),
            "cum_s": round(cum, 3),
            "calls": nc,
        }
        for (f, line, name), (cc, nc, tt, cum, _callers) in rows
    ]


# ----------------------------------------------------------------------------- parent


def _proc_status(pid: int) -> dict:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("RssAnon", "RssFile")):
                    k, v = line.split(":")
                    out[k] = int(v.split()[0]) * 1024
    except OSError:
        pass
    return out


def _mem_available() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable"):
                return int(line.split()[1]) * 1024
    return 0


def run_case(case: str, path: str, profile: bool, cap: float) -> dict:
    cmd = [sys.executable, __file__, path, "--child", case] + (["--profile"] if profile else [])
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TRANSFORMERS_VERBOSITY="error",
    )
    if case.endswith("+thp"):  # PyTorch's CPU allocator madvises huge pages for big blocks
        env["THP_MEM_ALLOC_ENABLE"] = "1"
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    peak = {"RssAnon": 0, "RssFile": 0, "sum": 0}
    killed = []

    def watch():
        while proc.poll() is None:
            s = _proc_status(proc.pid)
            a, f = s.get("RssAnon", 0), s.get("RssFile", 0)
            peak["RssAnon"] = max(peak["RssAnon"], a)
            peak["RssFile"] = max(peak["RssFile"], f)
            peak["sum"] = max(peak["sum"], a + f)
            if a > cap or _mem_available() < 1.5e9:
                killed.append(
                    f"RssAnon {a / 1e9:.1f} GB / MemAvailable {_mem_available() / 1e9:.1f} GB"
                )
                proc.kill()
                return
            time.sleep(0.05)

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    out, err = proc.communicate()
    th.join()
    wall = time.perf_counter() - t
    try:
        res = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        res = {"case": case, "error": (err or out)[-3000:]}
    res["subprocess_wall_s"] = wall
    res["peak_sampled"] = peak
    if killed:
        res["killed"] = killed[0]
    return res


def _gb(x) -> str:
    return f"{x / 1e9:.2f}"


def table(results: list[dict]) -> str:
    lines = [
        "| case | load s | touch s | load+touch | import s | CPU user+sys s | peak RssAnon GB | peak RssFile GB | ru_maxrss GB | majflt | dtypes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "load_s" not in r:
            continue
        dts = ",".join(
            sorted(
                {
                    d
                    for k, v in r.get("pipe", {}).items()
                    if isinstance(v, dict)
                    for d in v["dtypes"]
                }
            )
        )
        lines.append(
            f"| {r['case']}{' (cProfile)' if 'profile' in r else ''} | {r['load_s']:.2f} | {r['touch_s']:.2f} | "
            f"{r['load_s'] + r['touch_s']:.2f} | {r['import_s']:.2f} | {r['cpu_user_s'] + r['cpu_sys_s']:.1f} | "
            f"{_gb(r['peak_sampled']['RssAnon'])} | {_gb(r['peak_sampled']['RssFile'])} | {_gb(r['ru_maxrss'])} | "
            f"{r['majflt_load'] + r['majflt_touch']} | {dts} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("path", nargs="?", default=DEFAULT)
    p.add_argument("--cases", default=",".join(ALL_CASES))
    p.add_argument("--profile", action="store_true")
    p.add_argument("--json")
    p.add_argument("--rss-cap-gb", type=float, default=18.0)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--child")
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child, a.path, a.profile), default=str))
        return 0
    results = []
    for case in a.cases.split(",") * a.repeat:
        for prof in [False, True] if a.profile and case not in ("hash", "check") else [False]:
            r = run_case(case, a.path, prof, a.rss_cap_gb * 1e9)
            results.append(r)
            brief = {
                k: r.get(k)
                for k in (
                    "load_s",
                    "touch_s",
                    "uncached_s",
                    "cached_lookup_s",
                    "check_s",
                    "killed",
                    "error",
                )
                if r.get(k) is not None
            }
            print(
                f"{case}{' [profile]' if prof else ''}: {json.dumps(brief, default=str)[:600]}",
                file=sys.stderr,
                flush=True,
            )
            if a.json:
                Path(a.json).write_text(json.dumps(results, indent=1, default=str))
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
