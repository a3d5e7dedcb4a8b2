"""Benchmark the embedded tantivy index: ingest rate, size, legal-team and self-check latency.

    .venv/bin/python benchmarks/index.py                 # 1,000,000 documents
    .venv/bin/python benchmarks/index.py --docs 200000   # quicker

Builds N realistic hit documents (Japanese and English posts with findings, labels,
employees, media, case status, spread over a year) through the product's
``TantivyIndex.upsert`` + ``commit`` (bulk path, a commit every ``--commit-every``
documents), then measures the daemon's path (a commit every 500 hits, as
``crawler.handoff.drain`` does) on a smaller sample, and runs 200 mixed legal-team queries
(text + filters + facets, varied sorts) and an employee self-check query (every hit naming
one employee, with facets and a histogram). Prints one JSON object with the figures.
Targets: ingest >= 10,000 docs/s, p95 <= 50 ms (legal), <= 300 ms (self-check).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.items import SEVERITIES, Author, Finding, MediaRef, Post
from index.base import HARASSMENT_LABELS, SearchRequest, hit_document
from index.query import parse
from index.tantivy_index import TantivyIndex

PLATFORMS = {
    "5ch": ["5ch-biz", "5ch-news"],
    "x": ["x-search"],
    "reddit": ["r-japan", "r-tech"],
    "youtube": ["yt-comments"],
    "hatena": ["hatena-b"],
    "futaba": ["futaba-img"],
    "hn": ["hn-algolia"],
}
SURNAMES = ["田中", "佐藤", "高橋", "鈴木", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
GIVEN = ["美咲", "健太", "由美", "翔", "陽菜", "大輔", "さくら", "蓮", "結衣", "拓海"]
JA_BAD = [
    "詐欺",
    "最悪",
    "死ね",
    "無能",
    "殺す",
    "ブラック企業",
    "嘘つき",
    "住所",
    "晒す",
    "訴える",
    "ゴミ",
    "炎上",
]
JA_FILLER = [
    "の対応が",
    "って本当に",
    "はいつも",
    "のせいで",
    "について",
    "らしいけど",
    "を見かけた",
    "が言ってた",
    "の窓口で",
    "にまた電話した",
    "の件、",
    "は今日も",
]
JA_END = ["。", "！", "w", "…", "だろ", "じゃん", "ですね", "って話"]
EN_WORDS = [
    "scam",
    "fraud",
    "liar",
    "idiot",
    "threaten",
    "kill",
    "address",
    "leak",
    "terrible",
    "support",
    "company",
    "manager",
    "operator",
    "phone",
    "refund",
    "worst",
    "harass",
    "stalk",
    "doxx",
    "angry",
]
STATUSES = ["new", "new", "new", "open", "open", "escalated", "closed", "taken_down"]
BASE = datetime(2025, 11, 1, tzinfo=UTC)


def make_doc(n: int, rng: random.Random, employees: int) -> dict[str, Any]:
    platform = rng.choice(list(PLATFORMS))
    emp = rng.randrange(employees)
    name = SURNAMES[emp % len(SURNAMES)] + GIVEN[emp % len(GIVEN)]
    if rng.random() < 0.7:
        parts = [rng.choice(["ミナト通信", "みなと通信", name, SURNAMES[emp % len(SURNAMES)] + "さん"])]
        for _ in range(rng.randint(2, 6)):
            parts += [rng.choice(JA_FILLER), rng.choice(JA_BAD + SURNAMES)]
        text = "".join(parts) + rng.choice(JA_END)
        lang = "ja"
    else:
        text = " ".join(["Minato Tsushin", *rng.choices(EN_WORDS, k=rng.randint(6, 25))]) + "."
        lang = "en"
    label = rng.choice(HARASSMENT_LABELS)
    severity = rng.choice(SEVERITIES[1:])
    findings = [
        Finding(
            detector="text",
            label=label,
            severity=severity,
            score=round(rng.random(), 3),
            explanation=f"{label} について",
            employee_id=f"E{emp:03d}" if rng.random() < 0.8 else None,
        )
    ]
    if rng.random() < 0.2:
        findings.append(
            Finding(
                detector="names",
                label=rng.choice(HARASSMENT_LABELS),
                severity="low",
                score=0.5,
                explanation="name",
                employee_id=f"E{rng.randrange(employees):03d}",
            )
        )
    post = Post(
        platform=platform,
        source=rng.choice(PLATFORMS[platform]),
        id=f"{platform}:{n}",
        url=f"https://example.test/{platform}/{n}",
        text=text,
        lang=lang,
        author=Author(handle=f"user{rng.randrange(50_000)}"),
        published_at=BASE + timedelta(seconds=rng.randrange(365 * 86400)),
        fetched_at=BASE + timedelta(days=366),
        media=[MediaRef(url=f"https://example.test/m/{n}.jpg")] if rng.random() < 0.2 else [],
        findings=findings,
    )
    return hit_document(post, status=rng.choice(STATUSES))


def legal_queries(rng: random.Random, employees: int, k: int) -> list[SearchRequest]:
    out = []
    for _ in range(k):
        parts = [
            rng.choice(JA_BAD + SURNAMES + EN_WORDS + ["ミナト通信", '"ブラック企業"', '"scam company"'])
        ]
        filters = [
            f"label:{rng.choice(HARASSMENT_LABELS)}",
            f"platform:{rng.choice(list(PLATFORMS))}",
            f"employee:E{rng.randrange(employees):03d}",
            f"status:{rng.choice(STATUSES)}",
            f"severity:{rng.choice(['medium', 'high'])}",
            f"since:{(BASE + timedelta(days=rng.randrange(300))).date()}",
            "has:media",
        ]
        parts += rng.sample(filters, rng.randint(1, 3))
        sort = rng.choice(["relevance", "newest", "severity"])
        out.append(parse(" ".join(parts), SearchRequest(size=20, facets=True, sort=sort)))  # type: ignore[arg-type]
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    q = statistics.quantiles(values, n=100)
    return {
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


def run(n_docs: int, path: Path, commit_every: int, employees: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    index = TantivyIndex(path)
    gen_s = ingest_s = ingest_cpu = 0.0
    done = 0
    while done < n_docs:
        t0 = time.perf_counter()
        batch = [make_doc(done + i, rng, employees) for i in range(min(commit_every, n_docs - done))]
        t1, c1 = time.perf_counter(), time.process_time()
        index.upsert(batch)
        index.commit()
        ingest_s += time.perf_counter() - t1
        ingest_cpu += time.process_time() - c1
        gen_s += t1 - t0
        done += len(batch)
        print(f"  {done} docs, {done / ingest_s:,.0f} docs/s", file=sys.stderr)
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    load_after_ingest = [round(x, 1) for x in os.getloadavg()]

    # The daemon's path: hand-off batches of 500, each committed.
    small = TantivyIndex(path.with_name(path.name + "-drain"))
    sample = [make_doc(10_000_000 + i, rng, employees) for i in range(20_000)]
    t0 = time.perf_counter()
    for i in range(0, len(sample), 500):
        small.upsert(sample[i : i + 500])
        small.commit()
    drain_rate = len(sample) / (time.perf_counter() - t0)

    reader = TantivyIndex(path, readonly=True)
    queries = legal_queries(rng, employees, 200)
    reader.search(queries[0])  # warm the searcher
    legal, legal_cpu, totals = [], [], []
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        result = reader.search(q)
        legal.append(time.perf_counter() - t0)
        legal_cpu.append(time.process_time() - c0)
        totals.append(result.total)
    selfcheck, selfcheck_cpu = [], []
    for _ in range(50):
        req = SearchRequest(
            employees=(f"E{rng.randrange(employees):03d}",),
            size=50,
            facets=True,
            histogram_interval="week",
            sort="newest",
        )
        t0, c0 = time.perf_counter(), time.process_time()
        result = reader.search(req)
        selfcheck.append(time.perf_counter() - t0)
        selfcheck_cpu.append(time.process_time() - c0)
    return {
        "docs": n_docs,
        "ingest_docs_per_s": round(n_docs / ingest_s),
        "ingest_seconds": round(ingest_s, 1),
        "ingest_cpu_seconds": round(ingest_cpu, 1),
        "ingest_docs_per_cpu_s": round(n_docs / ingest_cpu),
        "load_average_after_ingest": load_after_ingest,
        "generation_seconds": round(gen_s, 1),
        "commit_every": commit_every,
        "drain_path_docs_per_s": round(drain_rate),
        "index_bytes": size,
        "index_mb": round(size / 1e6, 1),
        "legal_queries": {**percentiles(legal), "n": len(legal), "median_total": statistics.median(totals)},
        "legal_queries_cpu": percentiles(legal_cpu),
        "self_check": {**percentiles(selfcheck), "n": len(selfcheck), "hits_last": result.total},
        "self_check_cpu": percentiles(selfcheck_cpu),
        "load_average_end": [round(x, 1) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--commit-every", type=int, default=50_000)
    parser.add_argument("--employees", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--path", type=Path, default=None, help="Keep the index here (default: a temporary folder)."
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mamori-bench-"))
    path = args.path or tmp / "index"
    try:
        print(json.dumps(run(args.docs, path, args.commit_every, args.employees, args.seed), indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(path.with_name(path.name + "-drain"), ignore_errors=True)


if __name__ == "__main__":
    main()
