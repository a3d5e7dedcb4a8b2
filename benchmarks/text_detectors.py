"""Throughput of all text detectors (company, names, personal info, harassment) on one core.

Two corpora built from real posts (../shared/data/toxicity: Davidson, OLID, inspection-ai,
and the dev sets in tests/data), each post processed once (no cache hits):

- ``as crawled``: the posts as they are; most do not mention the company, as on a real feed,
  so the harassment detector stops after the (cheap) target check.
- ``JA targeted``: the Japanese posts only, each with five different targeted prefixes.
- ``all targeted``: every post prefixed with a company mention and an employee's name
  (Japanese posts: ``ミナト通信の田中さん、``; English: ``Minato Tsushin's Tanaka: ``), so every
  detector runs in full, including sudachipy on Japanese text — the worst case.
- ``targeted + title``: the same posts, each with a title (the first 40 characters of another
  post), which the detectors read as well.

CPU time is measured with ``time.process_time`` (one process, one thread). Run:
``.venv/bin/python benchmarks/text_detectors.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.evaluation.text import build_detectors  # noqa: E402
from crawler.items import Post  # noqa: E402
from detectors.normalize import has_japanese  # noqa: E402


def corpus(limit: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import text_realdata as real

    texts = (
        [e.text for e in real.inspection_ai()[0]]
        + [e.text for e in real.davidson()]
        + [e.text for e in real.olid()]
    )
    for name in ("hikari", "minato"):
        for line in (ROOT / "tests" / "data" / name / "posts.jsonl").read_text(encoding="utf-8").splitlines():
            texts.append(json.loads(line)["text"])
    unique = list(dict.fromkeys(texts))
    return unique[:limit]


def run(detectors: object, texts: list[str], titles: list[str] | None = None) -> tuple[float, int]:
    hits = 0
    started = time.process_time()
    for i, text in enumerate(texts):
        title = titles[i] if titles else ""
        post = Post(platform="bench", source="bench", id=str(i), url="", text=text, title=title)
        detectors.run(post)  # type: ignore[attr-defined]
        hits += post.is_hit
    return time.process_time() - started, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=20000, help="posts per corpus (default 20000)")
    args = parser.parse_args()
    texts = corpus(args.limit)
    targeted = [
        (f"ミナト通信の田中さん、{t}" if has_japanese(t) else f"Minato Tsushin's Tanaka: {t}") for t in texts
    ]
    detectors = build_detectors(
        ("ミナト通信", ("ミナト通信", "みなと通信", "Minato Tsushin", "ミナト")),
        ROOT / "tests" / "data" / "minato" / "roster.csv",
    )
    run(detectors, [f"warm-up ミナト通信の田中さん {i}" for i in range(200)])
    ja = sum(has_japanese(t) for t in texts)
    print(f"text detectors: {', '.join(type(d).__name__ for d in detectors.detectors)}")
    print(f"{len(texts)} unique posts ({ja} Japanese, {len(texts) - ja} English)")
    ja_texts = [t for t in texts if has_japanese(t)]
    prefixes = (
        "ミナト通信の田中さん、",
        "ミナト通信の佐藤健太、",
        "ﾐﾅﾄ通信の髙橋由美さん、",
        "みなと通信、",
        "ミ ナ ト 通 信 の オペ、",
    )
    ja_targeted = [f"{p}{t}" for p in prefixes for t in ja_texts]
    titles = [texts[(i + 1) % len(texts)][:40] for i in range(len(targeted))]
    batches = (
        ("as crawled", texts, None),
        ("all targeted", targeted, None),
        ("JA targeted", ja_targeted, None),
        ("targeted + title", targeted, titles),
    )
    for name, batch, batch_titles in batches:
        seconds, hits = run(detectors, batch, batch_titles)
        print(f"{name:>16}: {len(batch) / seconds:8.0f} posts/s  ({seconds:.2f} s CPU, {hits} hits)")


if __name__ == "__main__":
    main()
