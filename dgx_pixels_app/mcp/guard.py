"""What the SDK would let through silently, answered as a tool error that names it: a
tool name that is not text, arguments the tool does not take (the SDK drops them), and
JSON types it would coerce (``true`` for a number, ``"yes"`` for a yes/no)."""

from __future__ import annotations

from typing import Any

from mcp_types import CallToolResult, TextContent

from dgx_pixels_app.core.limits import is_number
from dgx_pixels_app.mcp.limits import BOOLEANS, NUMBERS, WHOLE


def _error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


def _wrong_type(name: str, value) -> str | None:
    if value is None:
        return None
    if name in BOOLEANS and not isinstance(value, bool):
        return f"{name} must be true or false, not {value!r}."
    number = is_number(value)
    if name in WHOLE and not (number and float(value).is_integer()):
        return f"{name} must be a whole number, not {value!r}."
    if name in NUMBERS and not number:
        return f"{name} must be a number, not {value!r}."
    return None


async def reject_unknown_arguments(ctx: Any, call_next) -> Any:
    if getattr(ctx, "method", None) == "tools/call" and isinstance(ctx.params, dict):
        name = ctx.params.get("name")
        if not isinstance(name, str):
            return _error(f"The tool name must be text, not {name!r:.60}.")
        arguments = ctx.params.get("arguments") or {}
        known = KNOWN.get(name)
        if known is not None and isinstance(arguments, dict):
            unknown = sorted(set(arguments) - known)
            if unknown:
                return _error(f"{name} does not take {', '.join(map(repr, unknown))}; its "
                              f"arguments are {', '.join(sorted(known))}.")  # fmt: skip
            for argument, value in arguments.items():
                if problem := _wrong_type(argument, value):
                    return _error(problem)
    return await call_next(ctx)


KNOWN: dict[str, set[str]] = {}  # tool name -> argument names, filled by build_server
