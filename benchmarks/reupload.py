"""Per-hit cost of the re-upload check in the crawl: the old scan against ReuploadMatcher.

A state database (SQLite, in a temporary folder) gets 0, 100 and 1,000 watched cases
(takedown requested; realistic Japanese post texts, and 7 image hashes each, as
:mod:`cases.media_prints` stores them). Then 2,000 hits that are no re-upload are checked:

* ``old``: what ``ReuploadCasePipeline`` did before: ``hit_document(post)`` and a scan of
  ``store.list()`` (all cases, parsed) with a text fingerprint per case;
* ``matcher``: ``refresh()`` (the change check runs at most every 5 s) and ``match_text``;
* ``image``: ``match_media`` of one hit image's hash (the download and decoding of the hit's
  image are not counted: they happen only while image cases are watched, for hits with images);
* ``baseline``: ``fingerprint(post.text)`` alone, measured in the same process, so the
  figures can be compared across machines as ratios.

Usage: .venv/bin/python benchmarks/reupload.py [--hits 2000] [--sizes 0,100,1000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from cases.db import case_events, case_media, cases
from cases.media_prints import MediaPrint
from cases.reupload import MIN_CHARS, WATCHED, ReuploadMatcher, fingerprint
from cases.store import CaseStore
from crawler.config import load_config
from crawler.items import Author, Finding, Post
from crawler.state import now
from index.base import hit_document

WORDS = (
    "ミナト通信",
    "オペレーター",
    "田中",
    "佐藤",
    "対応",
    "最悪",
    "電話",
    "待たされた",
    "無能",
    "クズ",
    "本社",
    "サポート",
    "料金",
    "解約",
    "詐欺",
    "ブラック企業",
    "社員",
    "態度",
    "説明",
    "二度と使わない",
)


def sentence(rng: random.Random, n: int) -> str:
    return (
        "、".join(rng.choice(WORDS) + rng.choice(("だ", "です", "かよ", "らしい", "")) for _ in range(n))
        + "。"
    )


def post(i: int, text: str) -> Post:
    return Post(
        platform="rss",
        source="bench",
        id=f"rss:h{i}",
        url=f"https://mirror.example/p/{i}",
        text=text,
        author=Author(handle=f"u{i}"),
        findings=[Finding(detector="bench", label="insult", severity="medium", score=0.9, explanation="x")],
    )


def old_find_original(store: CaseStore, doc: dict[str, Any]) -> Any:
    """The per-hit check before ReuploadMatcher (cases/reupload.py until this change)."""
    new = fingerprint(str(doc.get("text") or ""))
    if len(new) < MIN_CHARS:
        return None
    for case in store.list():
        if case.status not in WATCHED or case.hit_id == doc.get("id") or case.url == doc.get("url"):
            continue
        old = fingerprint(case.text)
        if len(old) >= MIN_CHARS and (old == new or old in new):
            return case
    return None


def seed(store: CaseStore, n: int, rng: random.Random) -> None:
    ts = now()
    case_rows, event_rows, media_rows = [], [], []
    for i in range(1, n + 1):
        text = sentence(rng, rng.randint(4, 12)) + f" #{i}"
        doc = hit_document(replace(post(100_000 + i, text), url=f"https://board.example/t/{i}"))
        case_rows.append(
            {
                "id": i,
                "hit_id": doc["id"],
                "status": "takedown_requested",
                "assignee": "",
                "platform": "rss",
                "url": doc["url"],
                "hit_doc": json.dumps(doc, ensure_ascii=False, default=str),
                "reason": "insult",
                "opened_at": ts,
                "updated_at": ts,
            }
        )
        event_rows.append({"case_id": i, "at": ts, "actor": "bench", "action": "opened", "detail": ""})
        hashes = ",".join(f"{rng.getrandbits(64):016x}" for _ in range(7))
        media_rows.append(
            {
                "case_id": i,
                "kind": "image",
                "sha256": f"{i:064x}",
                "source": "evidence",
                "media_url": f"https://board.example/i/{i}.jpg",
                "phashes": hashes,
                "created_at": ts,
            }
        )
    with store.state.begin() as conn:
        if case_rows:
            conn.execute(insert(cases), case_rows)
            conn.execute(insert(case_events), event_rows)
            conn.execute(insert(case_media), media_rows)


def per_hit_us(fn: Callable[[Post], Any], hits: list[Post], repeat: int = 3) -> float:
    """Median over ``repeat`` runs of the mean time per hit, in microseconds."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        for p in hits:
            fn(p)
        runs.append((time.perf_counter() - started) / len(hits) * 1e6)
    return statistics.median(runs)


def measure(size: int, hits: list[Post], image: list[MediaPrint], rng: random.Random) -> tuple[float, ...]:
    """``(baseline, old, matcher, image)`` microseconds per hit with ``size`` watched cases."""
    with tempfile.TemporaryDirectory(prefix="cases_bench_") as tmp:
        cfg = Path(tmp) / "mamori.toml"
        cfg.write_text('[company]\nname = "ミナト通信"\n\n[storage]\ndata_dir = "data"\n', encoding="utf-8")
        config = load_config(cfg, check_sources=False)
        store = CaseStore(config)
        seed(store, size, rng)
        matcher = ReuploadMatcher.from_config(config, store.state)
        matcher.refresh()
        assert matcher.watched == size

        def new(p: Post) -> Any:
            matcher.refresh()
            return matcher.match_text(p.id, p.url, p.text)

        def old(p: Post) -> Any:
            return old_find_original(store, hit_document(p))

        def media(p: Post) -> Any:
            matcher.refresh()
            return matcher.match_media(p.id, p.url, image)

        base = per_hit_us(lambda p: fingerprint(p.text), hits)
        old_us = per_hit_us(old, hits[: max(50, len(hits) // (1 + size // 50))], repeat=1)
        new_us = per_hit_us(new, hits)
        media_us = per_hit_us(media, hits)
        assert all(new(p) is None for p in hits) and all(old(p) is None for p in hits[:20])
        store.state.engine.dispose()
    return base, old_us, new_us, media_us


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=2000)
    parser.add_argument("--sizes", default="0,100,1000")
    args = parser.parse_args()
    rng = random.Random(6)
    hits = [post(i, "【拡散】" + sentence(rng, rng.randint(5, 20))) for i in range(args.hits)]
    image = [MediaPrint("image", "0" * 64, "https://mirror.example/i.jpg", phashes=(rng.getrandbits(64),))]
    print(f"{'watched':>8} {'baseline':>9} {'old':>10} {'matcher':>9} {'image':>8} {'old/matcher':>12}")
    for size in (int(s) for s in args.sizes.split(",")):
        base, old_us, new_us, media_us = measure(size, hits, image, rng)
        print(
            f"{size:>8} {base:>7.1f}µs {old_us:>8.1f}µs {new_us:>7.1f}µs {media_us:>6.1f}µs "
            f"{old_us / new_us:>11.0f}×"
        )
        print(
            f"{'':>8} as multiples of the baseline: old {old_us / base:.1f}, matcher {new_us / base:.2f}, "
            f"image {media_us / base:.2f}"
        )


if __name__ == "__main__":
    main()
