"""A tool call with arguments the tool does not take is answered with a tool error
that names them (the SDK would otherwise drop them silently)."""

from __future__ import annotations

from typing import Any

from mcp_types import CallToolResult, TextContent


async def reject_unknown_arguments(ctx: Any, call_next) -> Any:
    if getattr(ctx, "method", None) == "tools/call" and isinstance(ctx.params, dict):
        name = ctx.params.get("name")
        arguments = ctx.params.get("arguments") or {}
        known = KNOWN.get(name)
        if known is not None and isinstance(arguments, dict):
            unknown = sorted(set(arguments) - known)
            if unknown:
                text = (
                    f"{name} does not take {', '.join(map(repr, unknown))}; its arguments are "
                    f"{', '.join(sorted(known))}."
                )
                return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
    return await call_next(ctx)


KNOWN: dict[str, set[str]] = {}  # tool name -> argument names, filled by build_server
