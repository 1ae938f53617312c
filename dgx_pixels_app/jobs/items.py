"""Batch item lists: a text file (one prompt per line), CSV or JSON with overrides.

Text: blank lines and lines starting with ``#`` are ignored. CSV: a header row
naming the columns (``prompt`` required; ``name``, ``count``, ``seed``, ``size``,
``kind``, ``style``, ``negative`` optional). JSON: a list of strings or objects
with the same keys (or ``{"items": [...]}``); JSON Lines (``.jsonl``): one object
or string per line. Every problem names its line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from dgx_pixels_app.core.errors import FileFormatError, InvalidInputError
from dgx_pixels_app.core.files import read_bytes

MAX_ITEMS = 10_000
MAX_ITEMS_BYTES = 16 * 2**20
MAX_COUNT = 64
MAX_PROMPT = 2_000
FIELDS = ("name", "prompt", "count", "seed", "size", "kind", "style", "negative")


@dataclass
class BatchItem:
    prompt: str
    name: str = ""
    count: int | None = None
    seed: int | None = None
    size: int | None = None
    kind: str | None = None
    style: str | None = None
    negative: str | None = None
    options: dict = field(default_factory=dict)  # declared generation options (clip_skip…)
    at: str = ""  # where it came from, for messages: 'items.csv, line 4'


def slug(text: str, limit: int = 48) -> str:
    """A file-name-safe name: lowercase letters, digits and dashes."""
    name = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return name[:limit].rstrip("-") or "item"


def read_items(path: str | Path) -> list[BatchItem]:
    path = Path(path)
    data = read_bytes(path, MAX_ITEMS_BYTES, "list of items")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"'{path.name}' is not UTF-8 text.") from exc
    return parse_items(text, path.suffix.lower().lstrip("."), path.name)


def parse_items(text: str, form: str = "txt", where: str = "the list") -> list[BatchItem]:
    """Items from text in a form: ``txt`` (one prompt per line), ``csv``, ``json``, ``jsonl``."""
    if form == "csv":
        items = _from_csv(text, where)
    elif form == "json":
        items = _from_json(text, where)
    elif form == "jsonl":
        items = _from_jsonl(text, where)
    else:
        items = [
            BatchItem(prompt=line.strip(), at=f"{where}, line {n}")
            for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if not items:
        raise InvalidInputError(f"{where} holds no items: write one prompt per line.")
    if len(items) > MAX_ITEMS:
        raise InvalidInputError(f"{where} holds {len(items)} items; at most {MAX_ITEMS}.")
    for item in items:
        _check(item, where)
    return items


def _check(item: BatchItem, where: str) -> None:
    at = item.at or where
    if not item.prompt.strip():
        raise InvalidInputError(f"{at}: the prompt is empty.")
    if len(item.prompt) > MAX_PROMPT:
        raise InvalidInputError(f"{at}: the prompt is over {MAX_PROMPT} characters.")
    if item.count is not None and not 1 <= item.count <= MAX_COUNT:
        raise InvalidInputError(f"{at}: count must be 1 to {MAX_COUNT}, not {item.count}.")
    if item.seed is not None and not 0 <= item.seed <= 2**32 - 1:
        raise InvalidInputError(f"{at}: the seed must be 0 to {2**32 - 1}.")
    if item.size is not None and not 8 <= item.size <= 512:
        raise InvalidInputError(f"{at}: size must be 8 to 512 pixels, not {item.size}.")


def _item(values: dict, at: str) -> BatchItem:
    from dgx_pixels_app.resources import request_options

    declared = {o["name"]: o["type"] for o in request_options()}
    unknown = sorted(set(values) - set(FIELDS) - set(declared))
    if unknown:
        known = ", ".join([*FIELDS, *declared])
        raise InvalidInputError(
            f"{at}: unknown field {', '.join(map(repr, unknown))} (known: {known})."
        )
    prompt = values.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInputError(f"{at}: every item needs a prompt.")
    out = BatchItem(prompt=prompt.strip(), at=at)
    for key in ("name", "kind", "style", "negative"):
        value = values.get(key)
        if value not in (None, ""):
            if not isinstance(value, str):
                raise InvalidInputError(f"{at}: {key} must be text.")
            setattr(out, key, value.strip())
    for key, kind in declared.items():  # checked (range, type) by the request builder
        if values.get(key) not in (None, ""):
            out.options[key] = _option_value(values[key], kind, key, at)
    for key in ("count", "seed", "size"):
        value = values.get(key)
        if value in (None, ""):
            continue
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InvalidInputError(f"{at}: {key} must be a whole number, not {value!r}.") from None
        setattr(out, key, number)
    return out


def _option_value(value, kind: str, key: str, at: str):
    """A declared option's value from JSON (as is) or CSV text (parsed by its type)."""
    if not isinstance(value, str):
        return value
    if kind == "choice":  # as a spreadsheet writes it: "Turbo" is turbo
        return value.strip().lower()
    text = value.strip().lower()
    try:
        if kind == "bool":
            return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}[
                text
            ]
        return int(text) if kind == "int" else float(text)
    except (KeyError, ValueError):
        raise InvalidInputError(
            f"{at}: {key} must be {'true or false' if kind == 'bool' else 'a number'}, not {value!r}."
        ) from None


def _from_csv(text: str, where: str) -> list[BatchItem]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InvalidInputError(f"{where}, line {reader.line_num}: not valid CSV ({exc}).") from exc
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if "prompt" not in header:
        raise InvalidInputError(
            f"{where}, line 1: the header must name a 'prompt' column (and optionally "
            f"{', '.join(f for f in FIELDS if f != 'prompt')})."
        )
    items = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InvalidInputError(
                f"{where}, line {n}: {len(row)} fields where the header has {len(header)} "
                "(quote a prompt that holds commas)."
            )
        items.append(_item(dict(zip(header, row, strict=True)), f"{where}, line {n}"))
    return items


def _from_json(text: str, where: str) -> list[BatchItem]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"{where}, line {exc.lineno}: not valid JSON ({exc.msg}).") from exc
    if isinstance(data, dict):
        data = data.get("items")
    if not isinstance(data, list):
        raise InvalidInputError(f'{where}: expected a list of items (or {{"items": [...]}}).')
    return [_json_item(entry, f"{where}, item {i}") for i, entry in enumerate(data, start=1)]


def _from_jsonl(text: str, where: str) -> list[BatchItem]:
    items = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{where}, line {n}: not valid JSON ({exc.msg}).") from exc
        items.append(_json_item(entry, f"{where}, line {n}"))
    return items


def _json_item(entry, at: str) -> BatchItem:
    if isinstance(entry, str):
        entry = {"prompt": entry}
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{at}: an item is a prompt or an object.")
    return _item(entry, at)
