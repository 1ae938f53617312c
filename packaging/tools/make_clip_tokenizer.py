"""Rebuild the CLIP BPE tokenizer files SDXL uses, offline, from open_clip's merges.

Run once when updating resources/ (the output is committed; nothing runs at start-up):

    pip download --no-deps open_clip_torch -d /tmp/oc
    python packaging/tools/make_clip_tokenizer.py /tmp/oc/open_clip_torch-*.whl

writes resources/sdxl/tokenizer/ and resources/sdxl/tokenizer_2/ (vocab.json,
merges.txt, tokenizer_config.json, special_tokens_map.json). SDXL's second tokenizer
is the same BPE with "!" as its padding token.
"""

from __future__ import annotations

import gzip
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
N_MERGES = 49152 - 256 - 2


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte -> printable character table."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars), strict=True))


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("open_clip/bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.decompress(raw).decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : N_MERGES + 1]]
    vocab = list(bytes_to_unicode().values())
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == 49408, len(vocab)
    encoder = {token: i for i, token in enumerate(vocab)}
    for folder, pad in (("tokenizer", "<|endoftext|>"), ("tokenizer_2", "!")):
        out = ROOT / "resources" / "sdxl" / folder
        out.mkdir(parents=True, exist_ok=True)
        (out / "vocab.json").write_text(json.dumps(encoder, ensure_ascii=False), encoding="utf-8")
        (out / "merges.txt").write_text(
            "#version: 0.2\n" + "\n".join(" ".join(m) for m in merges) + "\n", encoding="utf-8"
        )
        special = {
            "bos_token": "<|startoftext|>",
            "eos_token": "<|endoftext|>",
            "unk_token": "<|endoftext|>",
            "pad_token": pad,
        }
        (out / "special_tokens_map.json").write_text(json.dumps(special, indent=2))
        config = {
            "tokenizer_class": "CLIPTokenizer",
            "model_max_length": 77,
            "do_lower_case": True,
            "clean_up_tokenization_spaces": True,
            "errors": "replace",
            **special,
        }
        (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2))
    print("wrote", ROOT / "resources" / "sdxl")


if __name__ == "__main__":
    main(sys.argv[1])
