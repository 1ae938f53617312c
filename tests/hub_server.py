"""A local HTTP server that speaks the Hugging Face hub's file API, enough for the hub
client's ``hf_hub_download``: HEAD and GET on ``/{owner}/{repo}/resolve/{revision}/{file}``
with the commit, ETag (the file's SHA-256, as the hub gives LFS files) and size headers,
and byte ranges for resumed downloads. Tests give it files, and may tell it to drop the
connection part-way once, or to serve other bytes than it announces."""

from __future__ import annotations

import hashlib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COMMIT = "0123456789abcdef0123456789abcdef01234567"
_PATH = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


class HubServer:
    def __init__(self, files: dict[tuple[str, str], bytes]) -> None:
        self.files = dict(files)
        self.served: dict[tuple[str, str], bytes] = {}  # bytes sent instead (a bad mirror)
        self.drop_after: int | None = None  # one GET stops after this many bytes
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Range header)
        self.slow = 0.0  # seconds between 1 MiB chunks
        self.fail_next: list[int] = []  # statuses the next GETs answer with (503…)
        self.etag: str | None = None  # an ETag other than the file's SHA-256 (a mirror's)
        self.ignore_range = False  # answer a range request with the whole file
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):  # noqa: N802
                server._answer(self, body=False)

            def do_GET(self):  # noqa: N802
                server._answer(self, body=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> HubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _answer(self, handler, body: bool) -> None:
        import time

        self.requests.append((handler.command, handler.path, handler.headers.get("Range", "")))
        match = _PATH.match(handler.path.split("?")[0])
        key = (match["repo"], match["file"]) if match else None
        if key not in self.files:
            handler.send_response(404)
            handler.send_header("X-Error-Code", "EntryNotFound")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        data = self.files[key]
        sent = self.served.get(key, data)
        if body and self.fail_next:
            handler.send_response(self.fail_next.pop(0))
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        start = 0
        wanted = re.match(r"bytes=(\d+)-", handler.headers.get("Range", ""))
        if wanted and body and not self.ignore_range:
            start = int(wanted[1])
        if start >= len(sent) and start:
            handler.send_response(416)
            handler.send_header("Content-Range", f"bytes */{len(sent)}")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(206 if start else 200)
        handler.send_header("X-Repo-Commit", COMMIT)
        handler.send_header("ETag", self.etag or f'"{hashlib.sha256(data).hexdigest()}"')
        handler.send_header("X-Linked-Size", str(len(data)))
        handler.send_header("Accept-Ranges", "bytes")
        handler.send_header("Content-Length", str(len(sent) - start))
        if start:
            handler.send_header("Content-Range", f"bytes {start}-{len(sent) - 1}/{len(sent)}")
        handler.end_headers()
        if not body:
            return
        limit, self.drop_after = self.drop_after, None
        position = start
        while position < len(sent):
            chunk = sent[position : position + (1 << 20)]
            if limit is not None and position + len(chunk) - start > limit:
                handler.wfile.write(chunk[: max(0, limit - (position - start))])
                handler.wfile.flush()
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            handler.wfile.write(chunk)
            position += len(chunk)
            if self.slow:
                time.sleep(self.slow)
