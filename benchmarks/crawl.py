"""Crawl throughput: the full mamori pipeline vs a bare Scrapy spider, on the same local site.

A local HTTP server serves N posts as RSS pages of 100 entries (Japanese and English, a share of
them harassing). In the same session, two crawls run in child processes:

* bare: a Scrapy spider that fetches the feeds with the network settings of mamori's feed
  spider (robots.txt, per-host concurrency), parses them exactly as it does (feedparser with
  the response headers, so relative links resolve; ``FeedSpider.entry_to_post``) and does
  nothing with the posts;
* full: ``mamori crawl`` — feed spider, dedupe, media, all registered text detectors, index
  hand-off, evidence queue, alert outbox, re-upload check, seen marks — followed by draining
  the hand-off queue into the embedded tantivy index; wall time of the whole command,
  start-up included.

mamori's crawl process freezes its start-up objects and collects the young generation less
often (``MAMORI_GC_THRESHOLD``); the bare spider runs with Python's defaults, as a plain Scrapy
project would, and for reference once more with mamori's settings.

Each runs ``--repeat`` times, alternating; the fastest run of each counts (load from other
processes only slows a run down). Prints both throughputs and their ratio (target: full >=
0.8 x bare).

    .venv/bin/python benchmarks/crawl.py [--posts 20000] [--demo-share 0.3] [--repeat 3]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from demo.posts import POSTS  # noqa: E402

PER_PAGE = 100


def make_pages(n_posts: int, demo_share: float = 0.3) -> list[bytes]:
    rng = random.Random(7)
    fillers_ja = ["今日は寒い。", "新しいカフェができた。", "電車が遅れている。", "週末は映画を見た。"]
    fillers_en = ["Nice weather today.", "Watched a movie.", "Traffic was bad.", "New phone arrived."]
    pages = []
    for p in range(0, n_posts, PER_PAGE):
        items = []
        for i in range(p, min(n_posts, p + PER_PAGE)):
            if rng.random() < demo_share:
                _feed, author, title, text = POSTS[rng.randrange(len(POSTS))]
            elif rng.random() < 0.5:
                author, title, text = "名無し", "雑談", "".join(rng.choices(fillers_ja, k=4))
            else:
                author, title, text = "someone", "chat", " ".join(rng.choices(fillers_en, k=4))
            items.append(
                f"<item><title>{html.escape(title)} {i}</title><link>http://127.0.0.1/p/{i}</link>"
                f"<guid isPermaLink='false'>post-{i}</guid><dc:creator>{html.escape(author)}</dc:creator>"
                f"<pubDate>Sun, 22 Nov 2026 0{i % 10}:00:00 +0000</pubDate>"
                f"<description>{html.escape(text)} (#{i})</description></item>"
            )
        pages.append(
            (
                "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
                f"<channel><title>bench</title><link>http://127.0.0.1/</link>{''.join(items)}</channel></rss>"
            ).encode()
        )
    return pages


def serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/robots.txt":
                body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
            else:
                try:
                    body, ctype = pages[int(self.path.strip("/").split(".")[0])], "application/rss+xml"
                except (ValueError, IndexError):
                    self.send_error(404)
                    return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), H)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


BARE = """
import os, sys, scrapy
from scrapy.crawler import CrawlerProcess
from spiders.rss import FeedSpider

class Bare(scrapy.Spider):
    name = "bare"
    # The network settings mamori uses for a feed source: robots.txt, per-host concurrency.
    custom_settings = FeedSpider.custom_settings
    async def start(self):
        for u in sys.argv[1:]:
            yield scrapy.Request(u, callback=self.parse)
    def parse(self, response):
        # The same parsing as mamori's feed spider (FeedSpider.parse_feed), items discarded.
        import feedparser
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        parsed = feedparser.parse(
            response.body, response_headers={"content-type": content_type, "content-location": response.url}
        )
        feed_lang = (parsed.feed.get("language") or "")[:2].lower()
        for entry in parsed.entries:
            yield FeedSpider.entry_to_post(self, entry, response.url, feed_lang, parsed.feed)

Bare.platform = "rss"
class _Src: name = "bench"
Bare.source = _Src()
class _Stats:
    def inc_value(self, *a): pass
if os.environ.get("BARE_GC"):  # the garbage-collector settings of mamori's crawl process
    import gc
    from scrapy import signals
    def tune():
        gc.collect(); gc.freeze(); gc.set_threshold(*map(int, os.environ["BARE_GC"].split(",")))
p = CrawlerProcess({"LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS": 8, "ROBOTSTXT_OBEY": True,
                    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
c = p.create_crawler(Bare)
if os.environ.get("BARE_GC"):
    c.signals.connect(tune, signal=signals.spider_opened, weak=False)
p.crawl(c)
p.start()
print(c.stats.get_value("item_scraped_count"))
"""


def write_config(tmp: Path, urls: list[str]) -> None:
    (tmp / "roster.csv").write_text(
        (REPO / "examples/roster.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    url_list = ", ".join(f'"{u}"' for u in urls)
    (tmp / "mamori.toml").write_text(
        textwrap.dedent(
            f"""
            [company]
            name = "ミナト通信"
            aliases = ["ミナト通信", "みなと通信", "ﾐﾅﾄ通信", "Minato Tsushin", "ミナト"]
            [roster]
            file = "roster.csv"
            [storage]
            data_dir = "data"
            [crawler]
            download_delay = 0.0
            autothrottle = false
            concurrent_requests = 8
            log_level = "WARNING"
            [[alerts.routes]]
            name = "legal"
            urls = ["json://127.0.0.1:9/x"]
            [[sources]]
            type = "rss"
            name = "bench"
            urls = [{url_list}]
            schedule = "1h"
            """
        ),
        encoding="utf-8",
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=20000)
    ap.add_argument(
        "--demo-share",
        type=float,
        default=0.3,
        help="share of posts taken from the demo's posts (about half of them are hits)",
    )
    ap.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="crawl each way this many times, alternating, and keep the fastest of each "
        "(other load on the machine only ever slows a run down)",
    )
    args = ap.parse_args()
    pages = make_pages(args.posts, args.demo_share)
    server = serve(pages)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    urls = [f"{base}/{i}.xml" for i in range(len(pages))]
    py = sys.executable

    bare_script = Path(tempfile.mkdtemp()) / "bare_spider.py"
    bare_script.write_text(BARE, encoding="utf-8")  # Scrapy inspects the callback's source

    def run_bare(gc_threshold: str = "") -> tuple[float, int]:
        t0 = time.perf_counter()
        out = subprocess.run(
            [py, str(bare_script), *urls],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "BARE_GC": gc_threshold},
        )
        if out.stdout.strip().endswith("None"):
            raise SystemExit(f"The bare crawl yielded nothing:\n{out.stderr[-3000:]}")
        return time.perf_counter() - t0, int(out.stdout.strip().splitlines()[-1])

    def run_full() -> tuple[float, dict[str, Any]]:
        with tempfile.TemporaryDirectory() as tmp:
            write_config(Path(tmp), urls)
            t0 = time.perf_counter()
            out = subprocess.run(
                [py, "-m", "crawler.cli", "crawl", "bench", "--config", f"{tmp}/mamori.toml", "--json"],
                capture_output=True,
                text=True,
                cwd=REPO,
                check=True,
            )
            elapsed = time.perf_counter() - t0
        return elapsed, json.loads(out.stdout.strip().splitlines()[-1])

    from crawler.settings import MAMORI_GC_THRESHOLD

    tuned_gc = ",".join(str(n) for n in MAMORI_GC_THRESHOLD)
    bare_runs: list[tuple[float, int]] = []
    tuned_runs: list[tuple[float, int]] = []
    full_runs: list[tuple[float, dict[str, Any]]] = []
    for i in range(args.repeat):
        bare_runs.append(run_bare())
        full_runs.append(run_full())
        tuned_runs.append(run_bare(tuned_gc))
        print(
            f"run {i + 1}: bare {bare_runs[-1][0]:.1f} s, full {full_runs[-1][0]:.1f} s, "
            f"bare with mamori's GC settings {tuned_runs[-1][0]:.1f} s",
            flush=True,
        )
    bare_s, bare_items = min(bare_runs)
    tuned_s, _ = min(tuned_runs)
    full_s, summary = min(full_runs, key=lambda r: r[0])
    server.shutdown()
    print(
        f"posts served:        {args.posts} in {len(pages)} feed pages ({args.demo_share:.0%} from the demo)"
    )
    print(f"bare Scrapy:         {bare_items} items in {bare_s:.1f} s = {bare_items / bare_s:,.0f} posts/s")
    print(
        f"full mamori:         {summary['items']} items, {summary['hits']} hits, {summary['indexed']} indexed "
        f"in {full_s:.1f} s = {summary['items'] / full_s:,.0f} posts/s"
    )
    print(f"ratio full / bare:   {(summary['items'] / full_s) / (bare_items / bare_s):.2f}  (target >= 0.8)")
    print(
        f"for reference, bare Scrapy with mamori's garbage-collector settings ({tuned_gc}, start-up objects "
        f"frozen): {tuned_s:.1f} s; full / that = {(summary['items'] / full_s) / (bare_items / tuned_s):.2f}"
    )


if __name__ == "__main__":
    main()
