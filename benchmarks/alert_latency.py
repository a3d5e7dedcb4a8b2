"""Alert latency: from a post appearing on a local site to its alert arriving at a local SMTP
server, through the real daemon (scheduled crawls in child processes, detection, outbox,
Apprise), with a 10-second poll interval. Prints p50/p95/max over N posts.

    .venv/bin/python benchmarks/alert_latency.py [--posts 50] [--poll 10] [--spacing 4]

Target (issue 6): p95 <= poll interval + 2 s.
"""

from __future__ import annotations

import argparse
import email.message
import html
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.daemon import Daemon
from demo.mailbox import Mailbox

TEXT = "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。(投稿 {n})"
ROSTER = "employee_id,name,reading,romaji,aliases\nE001,田中 美咲,たなか みさき,Tanaka Misaki,\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Site:
    """An RSS feed on 127.0.0.1 where post ``n`` becomes visible at ``appear[n]`` (monotonic)."""

    def __init__(self, appear: list[float]) -> None:
        self.appear = appear
        self.seen_at: dict[int, float] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    body = b"User-agent: *\nAllow: /\n"
                else:
                    body = site.feed().encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def feed(self) -> str:
        now = time.monotonic()
        items = []
        for n, t in enumerate(self.appear):
            if t <= now:
                items.append(
                    f"<item><title>post {n}</title><link>{self.url}/p/{n}.html</link>"
                    f"<guid isPermaLink='false'>bench-{n}</guid>"
                    f"<pubDate>{format_datetime(datetime.now(UTC))}</pubDate>"
                    f"<description>{html.escape(TEXT.format(n=n))}</description></item>"
                )
        return (
            "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>bench</title>"
            f"<link>{self.url}/</link><language>ja</language>{''.join(reversed(items))}</channel></rss>"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--poll", type=float, default=10.0)
    parser.add_argument("--spacing", type=float, default=4.3, help="seconds between posts appearing")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mamori-bench-"))
    start = time.monotonic() + 15  # let the daemon start and make its first crawl first
    appear = [start + i * args.spacing for i in range(args.posts)]
    site = Site(appear)
    arrived: dict[int, float] = {}
    done = threading.Event()

    def on_message(msg: email.message.EmailMessage) -> None:
        body = msg.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else str(msg)
        for m in re.finditer(r"/p/(\d+)\.html", text):
            arrived.setdefault(int(m.group(1)), time.monotonic())
        if len(arrived) >= args.posts:
            done.set()

    box = Mailbox(tmp / "mail", port=free_port(), on_message=on_message).start()
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    config = tmp / "mamori.toml"
    config.write_text(
        f"""
[company]
name = "ミナト通信"
[roster]
file = "roster.csv"
[storage]
data_dir = "data"
[crawler]
download_delay = 0.0
autothrottle = false
[daemon]
alert_interval = 1.0
index_interval = 2.0
[[sources]]
type = "rss"
name = "bench"
url = "{site.url}/feed.xml"
schedule = "{args.poll:g}s"
conditional_get = false
[[alerts.routes]]
name = "legal"
urls = ["mailto://127.0.0.1:{box.port}?mode=insecure&format=text&from=mamori@example.com&to=legal@example.com"]
min_severity = "low"
""",
        encoding="utf-8",
    )
    daemon = Daemon(config)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    deadline = appear[-1] + 4 * args.poll + 30
    while not done.is_set() and time.monotonic() < deadline:
        done.wait(1.0)
    daemon.stop()
    thread.join(timeout=60)
    box.stop()
    site.server.shutdown()

    latencies = sorted(arrived[n] - appear[n] for n in arrived if n < len(appear))
    missing = args.posts - len(latencies)
    if not latencies:
        print(f"No alert arrived (data in {tmp}).")
        sys.exit(1)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    print(f"posts={args.posts} poll={args.poll:g}s delivered={len(latencies)} missing={missing}")
    print(
        f"latency s: min={latencies[0]:.2f} p50={statistics.median(latencies):.2f} "
        f"p95={p95:.2f} max={latencies[-1]:.2f} (target p95 <= {args.poll + 2:.0f})"
    )


if __name__ == "__main__":
    main()
