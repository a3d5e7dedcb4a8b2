"""Facet counts are reused across pages and sort orders, and never outlive a change."""

from __future__ import annotations

from pathlib import Path

from index.base import SearchRequest
from index.tantivy_index import TantivyIndex


def doc(i: int, label: str, status: str = "new") -> dict[str, object]:
    return {
        "id": f"rss:{i}",
        "text": f"ミナト通信は詐欺 {i}",
        "labels": [label],
        "severity": "high",
        "status": status,
        "published_at": f"2026-11-{1 + i % 20:02d}T00:00:00+00:00",
    }


def test_facets_are_cached_per_query_and_follow_every_change(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index")
    index.upsert([doc(i, "defamation" if i % 2 else "insult") for i in range(10)])
    index.commit()
    first = index.search(SearchRequest(text="詐欺", facets=True, sort="newest", size=3))
    again = index.search(SearchRequest(text="詐欺", facets=True, sort="severity", size=5))
    assert first.facets == again.facets
    assert first.facets["labels"] == {"defamation": 5, "insult": 5}
    assert index.agg_cache_hits == 1, "another sort order of the same query reuses the counts"

    other = index.search(SearchRequest(text="詐欺", labels=("insult",), facets=True))
    assert other.facets["labels"] == {"insult": 5}, "another query is counted anew"

    # A case status changes (a partial update): the counts follow at once.
    index.update("rss:1", {"status": "takedown_requested"})
    index.commit()
    after = index.search(SearchRequest(text="詐欺", facets=True))
    assert after.facets["status"] == {"new": 9, "takedown_requested": 1}
    index.close()
