"""Serving the portal: ``serve_in_thread(config)`` returns a handle whose ``.stop()`` ends it."""

from __future__ import annotations

import logging
import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

logger = logging.getLogger("mamori.portal")


class _QuietHandler(WSGIRequestHandler):
    """Access log lines without query strings: they can hold sign-in codes or people's names."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        self.log("info", '"%s %s" %s %s', self.command, path, code, size)


class PortalServer:
    """A running portal: ``url``, ``port`` and ``stop()``."""

    def __init__(self, server: BaseWSGIServer, thread: threading.Thread, app: Any) -> None:
        self.server = server
        self.thread = thread
        self.app = app

    @property
    def port(self) -> int:
        return int(self.server.server_port)

    @property
    def url(self) -> str:
        host = self.server.host
        return f"http://{'[' + host + ']' if ':' in host else host}:{self.port}"

    def stop(self, timeout: float = 10) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout)
        self.app.extensions["mamori"].hits.close()
        self.app.extensions["mamori"].state.close()


def serve_in_thread(config: Any, *, host: str | None = None, port: int | None = None) -> PortalServer:
    """Start the portal on ``[portal] host:port`` (port 0: any free port) in a daemon thread."""
    from portal.app import create_app

    app = create_app(config)
    pc = config.portal
    server = make_server(
        host or pc.host, pc.port if port is None else port, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="mamori-portal", daemon=True)
    thread.start()
    handle = PortalServer(server, thread, app)
    logger.info("The portal is served at %s", handle.url)
    return handle
