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


def serve_workers(
    config: Any, workers: int, *, host: str | None = None, port: int | None = None, ready: Any = None
) -> None:
    """Serve with ``workers`` pre-forked processes sharing one listening socket (until SIGTERM/SIGINT).

    One Python process is bound by the GIL at a few dozen requests per second; sessions,
    throttling and the audit log live in the state database, so processes share nothing else.
    Each child builds its own app (its own database engine and index handle) after the fork.
    """
    import multiprocessing
    import signal
    import socket

    pc = config.portal
    sock = socket.create_server((host or pc.host, pc.port if port is None else port), backlog=128)
    sock.set_inheritable(True)
    address = sock.getsockname()
    logger.info("The portal is served at http://%s:%s by %d processes", address[0], address[1], workers)
    if ready is not None:
        ready(address)
    ctx = multiprocessing.get_context("fork")
    children = [
        ctx.Process(target=_child, args=(config, sock.fileno(), address), daemon=True) for _ in range(workers)
    ]
    for child in children:
        child.start()
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set() and all(c.is_alive() for c in children):
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for child in children:
            child.terminate()
        for child in children:
            child.join(10)
        sock.close()


def _child(config: Any, fd: int, address: tuple[str, int]) -> None:
    import signal

    from portal.app import create_app

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    app = create_app(config)
    server = make_server(address[0], address[1], app, threaded=True, fd=fd, request_handler=_QuietHandler)
    server.serve_forever()
