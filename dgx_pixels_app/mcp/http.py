"""Streamable HTTP on 127.0.0.1 only, behind a bearer token.

The token is made once (``secrets.token_urlsafe``), stored in the user's settings
so agent configurations keep working across restarts, printed at start, and
required on every request: ``Authorization: Bearer <token>``. Without it the
answer is 401 and the MCP server never sees the request.
"""

from __future__ import annotations

import hmac
import secrets

HOST = "127.0.0.1"  # never another interface: the token is not a reason to expose the GPU
DEFAULT_PORT = 8765


def get_token(new: bool = False) -> str:
    from dgx_pixels_app.settings import load_settings, save_settings

    settings = load_settings()
    if new or not settings.mcp_token:
        settings.mcp_token = secrets.token_urlsafe(32)
        save_settings(settings)
    return settings.mcp_token


class BearerAuth:
    """ASGI middleware: only requests with the right bearer token get through."""

    def __init__(self, app, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = b'{"error": "unauthorized: send Authorization: Bearer <token>"}'
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b"Bearer")]})  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def http_app(server, token: str):
    return BearerAuth(server.streamable_http_app(host=HOST), token)


async def serve_http(server, token: str, port: int = DEFAULT_PORT, started=None) -> None:
    """Serve until cancelled. ``started(port)`` is called once the socket listens."""
    import uvicorn

    config = uvicorn.Config(http_app(server, token), host=HOST, port=port, log_level="warning",
                            lifespan="on")  # fmt: skip
    uv = uvicorn.Server(config)
    if started is not None:
        original = uv.startup

        async def startup(sockets=None):
            await original(sockets)
            started(uv.servers[0].sockets[0].getsockname()[1] if uv.servers else port)

        uv.startup = startup
    await uv.serve()
