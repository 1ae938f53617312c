"""Streamable HTTP on 127.0.0.1 only, behind a bearer token.

The token is made once (``secrets.token_urlsafe``), stored in the user's settings
so agent configurations keep working across restarts, printed at start, and
required on every request: ``Authorization: Bearer <token>``. Without it the
answer is 401 and the MCP server never sees the request.
"""

from __future__ import annotations

import errno
import hmac
import re
import secrets
import socket

from dgx_pixels_app.core.errors import InvalidInputError

HOST = "127.0.0.1"  # never another interface: the token is not a reason to expose the GPU
DEFAULT_PORT = 8765


def get_token(new: bool = False) -> str:
    """The bearer token kept in the settings (made on first use, or anew with ``new``)."""
    from dgx_pixels_app.settings import load_settings, update_settings

    token = load_settings().mcp_token
    if not new and strong(token):
        return token

    def change(settings) -> None:
        if new or not strong(settings.mcp_token):  # another process may have just made one
            settings.mcp_token = secrets.token_urlsafe(32)

    return update_settings(change).mcp_token


def strong(token: str) -> bool:
    """A token worth the name: 32+ URL-safe characters (a shorter or odd one, from a hand
    edit, is replaced by a new one, printed at start as always)."""
    return (
        isinstance(token, str) and len(token) >= 32 and bool(re.fullmatch(r"[A-Za-z0-9_-]+", token))
    )


def bearer_matches(header: bytes, token: str) -> bool:
    """``Authorization: Bearer <token>``; the scheme is case-insensitive (RFC 7235)."""
    scheme, _, given = header.strip().partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), token.encode())


class BearerAuth:
    """ASGI middleware: only requests with the right bearer token get through."""

    def __init__(self, app, token: str) -> None:
        if not strong(token):  # fail closed: never a server any token (or none) opens
            raise ValueError("The MCP bearer token is empty or weak.")
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not bearer_matches(given, self.token):
                body = b'{"error": "unauthorized: send Authorization: Bearer <token>"}'
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b"Bearer")]})  # fmt: skip
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def http_app(server, token: str):
    return BearerAuth(server.streamable_http_app(host=HOST), token)


class PortInUse(InvalidInputError):
    """The port is taken; each front end says how to choose another."""

    def __init__(self, port: int, hint: str = "") -> None:
        self.port = port
        super().__init__(
            f"Port {port} on {HOST} is in use: another DGX-Pixels (the app's Agent Access, or "
            f"dgx-pixels mcp --http) may be serving there.{' ' + hint if hint else ''}"
        )


def bind(port: int = DEFAULT_PORT) -> socket.socket:
    """The listening socket on 127.0.0.1, made before anything starts, so a port in use
    is one clear error (and no other process can take it in between)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(port) from exc
        raise InvalidInputError(f"Cannot listen on {HOST}:{port}: {exc.strerror or exc}.") from exc
    sock.set_inheritable(False)
    return sock


async def serve_http(server, token: str, sock: socket.socket, started=None) -> None:
    """Serve on ``sock`` (see :func:`bind`) until cancelled, then close it. ``started(port)``
    is called once it listens. uvicorn's own log configuration is off (its records go
    to the app's logging); a client killed mid-call leaves no traceback (tried)."""
    import uvicorn

    port = sock.getsockname()[1]
    config = uvicorn.Config(http_app(server, token), host=HOST, port=port, log_level="warning",
                            lifespan="on", log_config=None)  # fmt: skip
    uv = uvicorn.Server(config)
    if started is not None:
        original = uv.startup

        async def startup(sockets=None):
            await original(sockets)
            started(port)

        uv.startup = startup
    try:
        await uv.serve(sockets=[sock])
    finally:
        sock.close()
