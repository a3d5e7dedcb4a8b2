"""Benchmark the portal: search page and self-check API latency under concurrent users.

    .venv/bin/python benchmarks/portal.py                    # 1,000,000 hits, 20 users
    .venv/bin/python benchmarks/portal.py --docs 100000      # quicker
    .venv/bin/python benchmarks/portal.py --keep /tmp/pb     # keep (and reuse) the data folder

Builds the hit index with the index benchmark's document generator (benchmarks/index.py)
through the product's ``TantivyIndex.upsert`` + ``commit``, creates a legal account and
employee accounts through :class:`portal.accounts.Accounts`, serves the real portal with
``portal.serve_in_thread`` (threaded Werkzeug server) and runs ``--users`` concurrent HTTP
clients on 127.0.0.1, each signed in with its own session: legal users load the search page
(``GET /search?q=...`` with facets and snippets, varied queries and sorts), employees call
the self-check API (``GET /api/v1/me/hits``). Every request is audited as in production.
Prints one JSON object with p50/p95/p99 per kind. Target: p95 <= 300 ms for both.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import importlib.util
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = [
    "詐欺",
    "ミナト通信",
    "ブラック",
    "scam",
    "label:threat",
    "label:defamation severity:high",
    '"ブラック企業"',
    "詐欺 platform:5ch",
    "employee:E007",
    "since:2026-06-01 label:insult",
    "最悪",
    "support terrible",
    "status:open",
]
SORTS = ["relevance", "newest", "severity"]
PASSWORD = "benchmark password 1"


def _index_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_index", REPO / "benchmarks" / "index.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(folder: Path, docs: int, employees: int) -> Path:
    from index.tantivy_index import TantivyIndex

    config_path = folder / "mamori.toml"
    if (folder / "data" / "index" / "mamori-schema.json").exists() and config_path.exists():
        print(f"reusing the index in {folder}", file=sys.stderr)
        return config_path
    folder.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        '[company]\nname = "ミナト通信"\n[storage]\ndata_dir = "data"\n[portal]\ncookie_secure = false\n'
        "login_max_failures = 1000\n",
        encoding="utf-8",
    )
    bench = _index_module()
    rng = random.Random(4)
    index = TantivyIndex(folder / "data" / "index", threads=2)
    done, t0 = 0, time.perf_counter()
    while done < docs:
        batch = [bench.make_doc(done + i, rng, employees) for i in range(min(50_000, docs - done))]
        index.upsert(batch)
        index.commit()
        done += len(batch)
        print(f"  {done} docs indexed ({done / (time.perf_counter() - t0):,.0f}/s)", file=sys.stderr)
    index.close()
    return config_path


def make_accounts(config: Any, employees: int) -> None:
    from crawler.state import State
    from portal.accounts import Accounts

    accounts = Accounts(State.from_config(config).engine)
    existing = {u.username for u in accounts.list()}
    if "legal" not in existing:
        accounts.add("legal", PASSWORD, "legal")
    for i in range(min(employees, 20)):
        name = f"emp{i}"
        if name not in existing:
            accounts.add(name, PASSWORD, "employee", employee_id=f"E{i:03d}")


class Client:
    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        html = self.opener.open(base + "/login", timeout=60).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrf_token": token}
        ).encode()
        self.opener.open(base + "/login", data=data, timeout=60).read()

    def get(self, path: str) -> float:
        t0 = time.perf_counter()
        with self.opener.open(self.base + path, timeout=60) as resp:
            resp.read()
            assert resp.status == 200, resp.status
        return time.perf_counter() - t0


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "n": len(values),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.mean(values) * 1000, 1),
    }


class _Spawned:
    """``mamori portal --workers N`` in a child process (pre-forked workers)."""

    def __init__(self, config_path: Path, workers: int) -> None:
        import socket
        import subprocess

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler.cli",
                "portal",
                "--config",
                str(config_path),
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the portal did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def run(
    config_path: Path, users: int, requests_per_user: int, employees: int, workers: int = 1
) -> dict[str, Any]:
    import logging

    from crawler.config import load_config
    from portal import serve_in_thread

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log lines in the figures
    config = load_config(config_path)
    make_accounts(config, employees)
    server: Any = serve_in_thread(config, port=0) if workers == 1 else _Spawned(config_path, workers)
    results: dict[str, list[float]] = {"search_page": [], "selfcheck_api": []}
    lock = threading.Lock()
    errors: list[str] = []
    try:
        Client(server.url, "legal").get("/search?q=" + urllib.parse.quote("詐欺"))  # warm the searcher

        def user(i: int) -> None:
            rng = random.Random(i)
            legal = i % 2 == 0
            try:
                client = Client(server.url, "legal" if legal else f"emp{i % 20}")
                for _ in range(requests_per_user):
                    if legal:
                        q = urllib.parse.quote(rng.choice(QUERIES))
                        took = client.get(f"/search?q={q}&sort={rng.choice(SORTS)}")
                        kind = "search_page"
                    else:
                        took = client.get("/api/v1/me/hits")
                        kind = "selfcheck_api"
                    with lock:
                        results[kind].append(took)
            except Exception as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.stop()
    total = sum(len(v) for v in results.values())
    return {
        "users": users,
        "workers": workers,
        "requests": total,
        "throughput_rps": round(total / wall, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "errors": errors[:5],
        **{k: percentiles(v) for k, v in results.items() if v},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="Requests per user.")
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="Serve with 'mamori portal --workers N'.")
    parser.add_argument("--keep", type=Path, default=None, help="Data folder to keep and reuse.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mamori-portal-bench-"))
    try:
        config_path = build(folder, args.docs, args.employees)
        report = run(config_path, args.users, args.requests, args.employees, args.workers)
        report["docs"] = args.docs
        print(json.dumps(report, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
