"""Write a full-size SDXL single-file checkpoint with random weights, and check that it
loads back tensor for tensor.

    python bench/full_checkpoint.py OUT.safetensors [--dtype fp16|bf16|fp32] [--seed 0]
                                    [--device cpu|cuda] [--verify | --verify-only]

The writer (and the key mapping's origin and licence) is
dgx_pixels_app/engine/full_model.py, which the GPU check and bench/speed_bench.py use
too; this script adds the command line and the round-trip check.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dgx_pixels_app.engine.full_model import (  # noqa: E402
    CONFIG,
    DTYPES,
    checkpoint_layout,
    to_diffusers,
    write_checkpoint,
)

# --------------------------------------------------------------------------------------
# Round-trip check
# --------------------------------------------------------------------------------------


def verify(
    path, dtype: str = "fp16", config: Path = CONFIG, samples_per_component: int = 6
) -> dict:
    """Load ``path`` with from_single_file (same dtype as written) and compare sampled
    tensors of every component with the file; also check that every parameter of every
    component came from the file (none left at a random init): each component's state
    dict must equal the file's tensors, key for key, for the sampled set, and the set of
    names in the file's layout must equal the components' parameter names."""
    import io
    import logging
    import random
    from contextlib import redirect_stderr

    from diffusers import StableDiffusionXLPipeline
    from diffusers.utils import logging as dlog
    from safetensors import safe_open

    tdtype = DTYPES[dtype]
    # capture diffusers/transformers warnings (missing/unexpected keys would show here)
    dlog.set_verbosity_warning()
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    for lg in ("diffusers", "transformers"):
        logging.getLogger(lg).addHandler(handler)
    with redirect_stderr(buf):
        pipe = StableDiffusionXLPipeline.from_single_file(
            str(path), config=str(config), local_files_only=True, torch_dtype=tdtype
        )
    warnings = buf.getvalue()

    layout = checkpoint_layout(config)
    covered = {}
    for _sd_key, (_, _, parts) in layout.items():
        for comp, name, _ in parts:
            covered.setdefault(comp, set()).add(name)
    report = {"warnings": [w for w in warnings.splitlines() if w.strip()], "components": {}}
    rng = random.Random(0)
    with safe_open(str(path), framework="pt") as f:
        file_keys = set(f.keys())
        assert file_keys == set(layout), "file keys differ from the layout"
        for comp in ("unet", "vae", "text_encoder", "text_encoder_2"):
            sd = getattr(pipe, comp).state_dict()
            on_meta = [k for k, v in sd.items() if v.is_meta]
            missing = sorted(set(sd) - covered[comp])
            extra = sorted(covered[comp] - set(sd))
            keys = [k for k, (_, _, parts) in layout.items() if parts[0][0] == comp]
            sample = rng.sample(sorted(keys), samples_per_component)
            # always include the transformed ones
            sample += [k for k in keys if layout[k][1] != "same"][:3]
            checked, bad = 0, []
            for key in sample:
                shape, transform, parts = layout[key]
                for (_c, name), t in to_diffusers(f.get_tensor(key), transform, parts).items():
                    checked += 1
                    got = sd[name]
                    if got.dtype != t.dtype or got.shape != t.shape or not torch.equal(got, t):
                        bad.append(name)
            report["components"][comp] = {
                "params": len(sd),
                "on_meta": on_meta,
                "not_in_file": missing,
                "file_only": extra,
                "checked": checked,
                "mismatched": bad,
            }
    ok = all(
        not v["on_meta"] and not v["not_in_file"] and not v["file_only"] and not v["mismatched"]
        for v in report["components"].values()
    )
    ok = ok and not any(
        "missing" in w.lower() or "newly initialized" in w.lower() or "unexpected" in w.lower()
        for w in report["warnings"]
    )
    report["ok"] = ok
    return report


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--dtype", default="fp16", choices=sorted(DTYPES))
    p.add_argument("--device", default="cpu")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--verify", action="store_true", help="load it back and compare tensors")
    p.add_argument("--verify-only", action="store_true", help="only verify an existing file")
    a = p.parse_args(argv)
    if not a.verify_only:
        t = time.perf_counter()
        write_checkpoint(a.out, a.dtype, a.device, a.seed, verbose=True)
        print(f"write: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if a.verify or a.verify_only:
        t = time.perf_counter()
        rep = verify(a.out, a.dtype)
        print(json.dumps(rep, indent=1))
        print(f"verify: {time.perf_counter() - t:.1f} s", file=sys.stderr)
        return 0 if rep["ok"] else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
