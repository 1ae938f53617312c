"""What produced an image: the request that crosses every boundary.

``GenerationRequest`` is plain data. The GUI builds it on the UI thread, the CLI
from arguments, the MCP server from JSON; the engine consumes it; the document
keeps it on the cel as provenance and the ``.aseprite`` writer stores it in the
cel's user data. Unknown keys read from a file are kept in ``extra`` so a newer
version's metadata survives a round trip through an older one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dgx_pixels_app.core.errors import FileFormatError

SCHEMA = "dgx-pixels/generation@1"


@dataclass
class LoraRef:
    path: str
    weight: float = 1.0
    enabled: bool = True


@dataclass
class GenerationRequest:
    prompt: str
    negative_prompt: str = ""
    seed: int | None = None
    model: str = ""
    loras: list[LoraRef] = field(default_factory=list)
    steps: int = 20
    cfg: float = 5.0
    width: int = 1024
    height: int = 1024
    scheduler: str = ""
    mode: str = "txt2img"
    strength: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        extra = data.pop("extra")
        return {"schema": SCHEMA, **data, **extra}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationRequest:
        if not isinstance(data, dict) or not isinstance(data.get("prompt"), str):
            raise FileFormatError("Generation metadata has no prompt.")
        known = {f.name for f in fields(cls)} - {"extra", "loras"}
        kwargs = {k: v for k, v in data.items() if k in known}
        loras = [
            LoraRef(
                str(item.get("path", "")),
                float(item.get("weight", 1.0)),
                bool(item.get("enabled", True)),
            )
            for item in data.get("loras") or []
            if isinstance(item, dict)
        ]
        extra = {k: v for k, v in data.items() if k not in known | {"loras", "schema"}}
        return cls(**kwargs, loras=loras, extra=extra)

    @classmethod
    def from_json(cls, text: str) -> GenerationRequest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"Generation metadata is not valid JSON: {exc}.") from exc
        return cls.from_dict(data)
