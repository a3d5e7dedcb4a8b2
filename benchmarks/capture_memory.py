"""Browser memory over many consecutive evidence captures (issue 7).

Serves a Japanese and an English page (with an image and some weight) from a local HTTP
server and captures them alternately with :func:`evidence.capture.capture_hit` — raw fetch,
WARC, PDF, PNG, signed manifest, disk store — through one :class:`evidence.browser.Browser`
(a fresh context per capture, the browser restarted every ``recycle_after`` captures).
Every ``--every`` captures it sums the memory of all Chromium processes descended from this
process (RSS, and PSS which counts shared pages once) and prints it; at the end it prints
the minimum, maximum and last sample, the growth between the first and last quarter, and
the time per capture.

    .venv/bin/python benchmarks/capture_memory.py [--captures 300] [--recycle-after 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.config import load_config
from crawler.items import Finding, Post
from evidence.browser import Browser
from evidence.capture import capture_hit

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2b0c2c50000000049454e44ae426082"
)


def page(i: int, lang: str) -> bytes:
    if lang == "ja":
        para = "ミナト通信の田中美咲はマジで無能。クズ対応しかできない。" * 20
    else:
        para = "Minato Tsushin support is a scam and the agents are useless idiots. " * 20
    rows = "".join(f"<p>{i}-{n}: {para}</p>" for n in range(30))
    return (
        f"<!doctype html><html lang='{lang}'><meta charset='utf-8'><title>post {i}</title>"
        f"<body><h1>post {i}</h1><img src='/img.png' width='200' height='100'>{rows}</body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/img.png":
            body, ctype = PNG_1PX, "image/png"
        elif not self.path.startswith("/posts/"):
            self.send_error(404)
            return
        else:
            i = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            body, ctype = page(i, "ja" if i % 2 else "en"), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            out.append(child)
            todo.append(child)
    return out


def chromium_memory_mb() -> tuple[float, float, int]:
    """(RSS MB, PSS MB, process count) of the Chromium processes under this process."""
    rss = pss = 0
    count = 0
    for pid in descendants(os.getpid()):
        try:
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
            if "chrom" not in comm:
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            count += 1
        except OSError:
            continue
    return rss / 1024, pss / 1024, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=300)
    parser.add_argument("--recycle-after", type=int, default=50)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory(prefix="mamori-capture-bench-") as tmp:
        cfg_path = Path(tmp) / "mamori.toml"
        cfg_path.write_text(
            '[company]\nname = "ミナト通信"\n[storage]\ndata_dir = "data"\n'
            f'[evidence]\nkey_file = "key.pem"\npage_timeout = 15\nallow_private_addresses = true\nrecycle_after = {args.recycle_after}\n',
            encoding="utf-8",
        )
        config = load_config(cfg_path, check_sources=False)
        finding = Finding("bench", "insult", "high", 0.9, "benchmark")
        samples: list[tuple[int, float, float, int]] = []
        took: list[float] = []
        statuses: dict[str, int] = {}
        with Browser(config.evidence, user_agent=config.crawler.user_agent) as browser:
            for i in range(1, args.captures + 1):
                post = Post(
                    platform="bench",
                    source="bench",
                    id=f"bench:{i}",
                    url=f"{base}/posts/{i}.html",
                    text="",
                    findings=[finding],
                )
                t = time.perf_counter()
                manifest = capture_hit(config, post, browser=browser)
                took.append(time.perf_counter() - t)
                statuses[manifest.status] = statuses.get(manifest.status, 0) + 1
                if i % args.every == 0:
                    rss, pss, n = chromium_memory_mb()
                    samples.append((i, rss, pss, n))
                    print(
                        f"{i:4d} captures: chromium RSS {rss:7.1f} MB, PSS {pss:7.1f} MB in {n} processes",
                        flush=True,
                    )
            restarts = browser.restarts
    server.shutdown()
    pss_values = [s[2] for s in samples]
    quarter = max(1, len(samples) // 4)
    first, last = statistics.mean(pss_values[:quarter]), statistics.mean(pss_values[-quarter:])
    print()
    print(
        f"captures: {args.captures} ({statuses}), browser restarts: {restarts} (every {args.recycle_after})"
    )
    print(
        f"time per capture: median {statistics.median(took):.2f} s, p95 {sorted(took)[int(len(took) * 0.95) - 1]:.2f} s"
    )
    print(
        f"chromium PSS: min {min(pss_values):.0f} MB, max {max(pss_values):.0f} MB, last {pss_values[-1]:.0f} MB; "
        f"first-quarter mean {first:.0f} MB, last-quarter mean {last:.0f} MB"
    )
    rss_values = [s[1] for s in samples]
    print(
        f"chromium RSS: min {min(rss_values):.0f} MB, max {max(rss_values):.0f} MB, median "
        f"{statistics.median(rss_values):.0f} MB; first-quarter mean {statistics.mean(rss_values[:quarter]):.0f} MB, "
        f"last-quarter mean {statistics.mean(rss_values[-quarter:]):.0f} MB"
    )
    print(
        "(PSS splits shared pages with every process mapping them, other Chromiums on the machine included,"
    )
    print(" so it moves with the machine's load; RSS of this browser's processes is the stable figure.)")


if __name__ == "__main__":
    main()
