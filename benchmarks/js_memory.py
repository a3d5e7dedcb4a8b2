"""Memory of JavaScript crawling: crawl N JavaScript-rendered local pages through headless
Chromium (the real ``mamori crawl`` of a ``js_page`` source) and print the peak resident memory
(RSS) of the crawler and all its browser processes after 200 pages and after all N.

    .venv/bin/python benchmarks/js_memory.py                       # 2,000 pages, contexts recycled
    .venv/bin/python benchmarks/js_memory.py --pages-per-context 100000   # no recycling, to compare

The site is served from 127.0.0.1 by this script: list pages (each linking 100 post pages)
and post pages whose posts are written by JavaScript. RSS is read from /proc every 0.25 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PER_LIST = 100

POST = """<!doctype html><html><head><meta charset="utf-8"><title>post {n}</title></head><body>
<div id="app"></div><img src="/img/{n}.png">
<script>
var posts = [];
for (var i = 0; i < 5; i++) posts.push('<div class="post" id="p{n}-' + i + '"><p>post {n}/' + i + ' '
  + 'x'.repeat(400) + '</p></div>');
setTimeout(function () {{ document.getElementById("app").innerHTML = posts.join(""); }}, 20);
</script></body></html>"""


class Site:
    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.served = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body, kind = site.page(self.path)
                data = body.encode("utf-8")
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, path: str) -> tuple[str, str]:
        if path == "/robots.txt":
            return "User-agent: *\nAllow: /\n", "text/plain"
        if path.startswith("/list/"):
            n = int(path.rsplit("/", 1)[1])
            first = n * PER_LIST
            links = "".join(
                f'<a class="t" href="/post/{k}">{k}</a> '
                for k in range(first, min(first + PER_LIST, self.pages))
            )
            nxt = f'<a class="next" href="/list/{n + 1}">next</a>' if first + PER_LIST < self.pages else ""
            return f"<html><body>{links}{nxt}</body></html>", "text/html; charset=utf-8"
        if path.startswith("/post/"):
            with self.lock:
                self.served += 1
            return POST.format(n=int(path.rsplit("/", 1)[1])), "text/html; charset=utf-8"
        return "", "text/plain"


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of ``pid`` and all its descendants; PSS shares pages fairly."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return rss, pss


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--pages-per-context", type=int, default=50)
    parser.add_argument("--checkpoint", type=int, default=200)
    args = parser.parse_args()

    site = Site(args.pages)
    folder = Path(tempfile.mkdtemp(prefix="mamori-js-bench-"))
    config = folder / "mamori.toml"
    config.write_text(
        f"""
[company]
name = "ミナト通信"

[storage]
data_dir = "data"

[crawler]
download_delay = 0.0
autothrottle = false
concurrent_requests = 8
log_level = "WARNING"

[crawler.settings]
CONCURRENT_REQUESTS_PER_DOMAIN = 8

[[sources]]
type = "js_page"
name = "bench"
url = "{site.url}/list/0"
schedule = "1h"
post_selector = "div.post"
wait_for = "div.post"
id_selector = "::attr(id)"
thread_link_selector = "a.t::attr(href)"
next_selector = "a.next::attr(href)"
max_pages = 10000
pages_per_context = {args.pages_per_context}
""",
        encoding="utf-8",
    )
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", "bench", "--config", str(config), "--json", "--no-index"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    peak_at_checkpoint = peak = (0, 0)
    mib = 1024 * 1024
    next_report = args.checkpoint
    while proc.poll() is None:
        rss, pss = tree_memory(proc.pid)
        peak = (max(peak[0], rss), max(peak[1], pss))
        if site.served <= args.checkpoint:
            peak_at_checkpoint = peak
        if site.served >= next_report:  # progress, so that an interrupted run still tells something
            print(
                f"  {site.served} pages, {time.monotonic() - started:.0f} s: peak so far RSS {peak[0] / mib:.0f} MiB, "
                f"PSS {peak[1] / mib:.0f} MiB; now RSS {rss / mib:.0f} MiB, PSS {pss / mib:.0f} MiB",
                flush=True,
            )
            next_report += args.checkpoint
        time.sleep(0.25)
    out, err = proc.communicate()
    shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"The crawl failed ({proc.returncode}):\n{err[-3000:]}")
    stats = json.loads(out.strip().splitlines()[-1])["stats"]
    print(
        f"pages rendered: {site.served} of {args.pages} in {elapsed:.0f} s ({site.served / elapsed:.1f} pages/s)"
    )
    print(
        f"posts: {stats.get('item_scraped_count', 0)}; contexts: {stats.get('playwright/context_count')}, "
        f"closed by the recycler: {stats.get('mamori/js/contexts_closed')}; pages per context: {args.pages_per_context}"
    )
    for label, (rss, pss) in ((f"{args.checkpoint}", peak_at_checkpoint), (f"{site.served}", peak)):
        print(
            f"peak after {label} pages (crawler + Chromium): RSS {rss / mib:.0f} MiB, PSS {pss / mib:.0f} MiB"
        )


if __name__ == "__main__":
    main()
