"""The demo site: two feeds (a Japanese board digest and an English review blog) whose
posts appear over time, so scheduled crawls find new hits as the demo runs."""

from __future__ import annotations

import html
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from demo.posts import POSTS


class DemoSite:
    """Serve the demo on ``host:port``; ``initial`` posts per feed are visible at once and one
    more appears every ``release_every`` seconds."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 8631, *, initial: int = 6, release_every: float = 15.0
    ) -> None:
        self.host, self.port = host, port
        self.started = time.monotonic()
        self.epoch = datetime.now(UTC) - timedelta(hours=2)
        self.initial = initial
        self.release_every = release_every
        self.server: ThreadingHTTPServer | None = None

    def visible(self, feed: str) -> list[tuple[int, str, str, str]]:
        released = self.initial + int((time.monotonic() - self.started) / self.release_every)
        items = [(i, a, t, x) for i, (f, a, t, x) in enumerate(POSTS) if f == feed]
        return items[:released]

    def post_time(self, i: int) -> datetime:
        return self.epoch + timedelta(minutes=3 * i)

    def feed_xml(self, feed: str) -> str:
        base = f"http://{self.host}:{self.port}"
        entries = []
        for i, author, title, text in reversed(self.visible(feed)):
            entries.append(
                f"<item><title>{html.escape(title)}</title><link>{base}/{feed}/posts/{i}.html</link>"
                f"<guid isPermaLink='false'>demo-{feed}-{i}</guid><dc:creator>{html.escape(author)}</dc:creator>"
                f"<pubDate>{format_datetime(self.post_time(i))}</pubDate>"
                f"<description>{html.escape(text)}</description></item>"
            )
        title = "ミナト通信について語るスレまとめ" if feed == "ja" else "Telecom reviews"
        lang = "ja" if feed == "ja" else "en"
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
            f"<title>{title}</title><link>{base}/{feed}/</link><language>{lang}</language>"
            + "".join(entries)
            + "</channel></rss>"
        )

    def post_html(self, feed: str, i: int) -> str | None:
        for j, author, title, text in self.visible(feed):
            if j == i:
                return (
                    f"<!doctype html><html lang='{feed}'><meta charset='utf-8'><title>{html.escape(title)}</title>"
                    f"<body><article><h1>{html.escape(title)}</h1><p class='author'>{html.escape(author)}</p>"
                    f"<time>{self.post_time(i).isoformat()}</time><p>{html.escape(text)}</p></article></body></html>"
                )
        return None

    def start(self) -> DemoSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: str, ctype: str) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == "/robots.txt":
                    return self._send(200, "User-agent: *\nAllow: /\n", "text/plain")
                for feed in ("ja", "en"):
                    if path == f"/{feed}/feed.xml":
                        return self._send(200, site.feed_xml(feed), "application/rss+xml; charset=utf-8")
                    prefix = f"/{feed}/posts/"
                    if path.startswith(prefix) and path.endswith(".html"):
                        try:
                            page = site.post_html(feed, int(path[len(prefix) : -5]))
                        except ValueError:
                            page = None
                        if page:
                            return self._send(200, page, "text/html; charset=utf-8")
                return self._send(404, "not found", "text/plain")

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, name="demo-site", daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
