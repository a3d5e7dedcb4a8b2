"""A real HTTP server on 127.0.0.1 that replays recorded platform responses.

Routes map a path (and optionally a query string) to a response; handlers may be callables
for dynamic behaviour (paging, 429s, edits between crawls). Every request is recorded in
``server.requests`` so tests can assert on what the spider asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


Handler = Callable[[Request], Reply]


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, Reply | Handler] = {}
        self.requests: list[Request] = []
        self.robots = "User-agent: *\nAllow: /\n"
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(self, path: str, reply: Reply | Handler | str | bytes, **kwargs: Any) -> None:
        """Serve ``reply`` at ``path`` (``/p`` matches any query; ``/p?a=1`` only that query)."""
        if isinstance(reply, (str, bytes)):
            reply = Reply(reply, **kwargs)
        self.routes[path] = reply

    def _lookup(self, req: Request, raw_path: str) -> Reply:
        for key in (raw_path, req.path):
            if key in self.routes:
                handler = self.routes[key]
                return handler(req) if callable(handler) else handler
        if req.path == "/robots.txt":
            return Reply(self.robots, content_type="text/plain")
        return Reply("not found", status=404, content_type="text/plain")

    def start(self) -> ReplayServer:
        server = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                req = Request(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server.requests.append(req)
                reply = server._lookup(req, self.path)
                data = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]
