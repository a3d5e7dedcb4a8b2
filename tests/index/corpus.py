"""A small, realistic corpus of hit documents (Japanese and English) and its ground truth.

Tests compare what a backend returns with what plain Python computes from these documents.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.items import Author, Finding, MediaRef, Post, Span
from index.base import doc_time_ms, hit_document

TEXTS = [
    ("5ch", "5ch-biz", "田中美咲は詐欺師だ。ミナト通信は最悪", "defamation", "high", "E001"),
    ("5ch", "5ch-biz", "ミナト通信の田中、仕事しろよ", "insult", "medium", "E001"),
    ("x", "x-search", "Minato Tsushin is a scam company. Scammers everywhere.", "defamation", "medium", None),
    ("x", "x-search", "高橋由美を殺すぞ、覚えておけ", "threat", "critical", "E003"),
    (
        "reddit",
        "r-japan",
        "I will find where Takahashi Yumi lives and threaten her",
        "threat",
        "high",
        "E003",
    ),
    ("5ch", "5ch-news", "佐藤健太の住所は東京都港区だって", "personal_info", "high", "E002"),
    ("reddit", "r-japan", "Sato Kenta is an idiot and a liar", "insult", "low", "E002"),
    ("x", "x-search", "ミナト通信 最悪 詐欺", "defamation", "medium", None),
    ("5ch", "5ch-biz", "最悪なミナト通信、詐欺まがいの営業", "defamation", "low", None),
    ("x", "x-search", "田中さん 中村さん こんにちは、詐欺注意", "insult", "info", "E001"),
]
BASE = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def make_docs(copies: int = 3) -> list[dict[str, Any]]:
    """``len(TEXTS) * copies`` hit documents with varied times, statuses and media."""
    docs = []
    for c in range(copies):
        for i, (platform, source, text, label, severity, employee) in enumerate(TEXTS):
            n = c * len(TEXTS) + i
            start = text.find("詐欺")
            post = Post(
                platform=platform,
                source=source,
                id=f"{platform}:{n:04d}",
                url=f"https://example.test/{platform}/{n}",
                text=text,
                author=Author(handle=f"user{n % 4}"),
                # Two posts share each timestamp, so ties on time are exercised.
                published_at=BASE + timedelta(hours=7 * (n // 2)),
                fetched_at=BASE + timedelta(days=30),
                media=[MediaRef(url=f"https://example.test/img/{n}.jpg")] if n % 3 == 0 else [],
                findings=[
                    Finding(
                        detector="test",
                        label=label,
                        severity=severity,
                        score=0.9,
                        explanation="テスト",
                        spans=(Span(start, start + 2, "詐欺"),) if start >= 0 else (),
                        employee_id=employee,
                    )
                ],
            )
            docs.append(hit_document(post, status=("new", "open", "closed")[n % 3]))
    return docs


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def order(docs: list[dict[str, Any]], sort: str) -> list[str]:
    """The ids of ``docs`` in the contract's order for ``sort``."""
    if sort == "oldest":
        return [d["id"] for d in sorted(docs, key=lambda d: (doc_time_ms(d), d["id"]))]
    if sort == "severity":
        return [d["id"] for d in sorted(docs, key=lambda d: (-d["severity_rank"], -doc_time_ms(d), d["id"]))]
    return [d["id"] for d in sorted(docs, key=lambda d: (-doc_time_ms(d), d["id"]))]
