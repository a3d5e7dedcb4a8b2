"""The index contract every backend fulfils, and the hit document it stores.

Backends are registered by name in ``MAMORI_INDEX_BACKENDS`` and built with
``Backend.from_config(config)``. Only one process writes an index (the daemon's
index writer); crawl processes hand hits over through the durable queue in the state
database (see :mod:`crawler.handoff`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from crawler.items import Post, severity_rank

HARASSMENT_LABELS = ("defamation", "insult", "threat", "discrimination", "sexual", "personal_info")
SortOrder = Literal["relevance", "newest", "oldest", "severity"]


def hit_document(post: Post, *, status: str = "new", assignee: str = "") -> dict[str, Any]:
    """The document stored for a hit: the post, its findings and the derived filter fields."""
    doc = post.to_dict()
    labels = sorted({f.label for f in post.findings})
    severity = post.max_severity or "info"
    doc.update(
        {
            "labels": labels,
            "severity": severity,
            "severity_rank": severity_rank(severity),
            "employees": sorted({f.employee_id for f in post.findings if f.employee_id}),
            "has_media": bool(post.media),
            "author_handle": post.author.handle,
            "status": status,
            "assignee": assignee,
        }
    )
    return doc


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    labels: tuple[str, ...] = ()
    severity_min: str | None = None
    platforms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    employees: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    has_media: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    sort: SortOrder = "relevance"
    size: int = 20
    search_after: Sequence[Any] | None = None
    facets: bool = False
    histogram_interval: str | None = None
    """``"day"`` or ``"hour"``: add a time histogram of published_at."""


@dataclass
class SearchHit:
    id: str
    score: float
    doc: dict[str, Any]
    snippet: str = ""
    sort_key: list[Any] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    histogram: list[tuple[str, int]] = field(default_factory=list)

    @property
    def next_search_after(self) -> list[Any] | None:
        return self.hits[-1].sort_key if self.hits else None


class Index:
    """The contract. Subclasses implement every method; upserts are idempotent by ``id``."""

    name = "base"

    @classmethod
    def from_config(cls, config: Any, *, readonly: bool = False) -> Index:
        raise NotImplementedError(f"{cls.__name__} must implement from_config(config, readonly=...).")

    def upsert(self, docs: Iterable[dict[str, Any]]) -> int:
        """Insert or replace documents by ``id``; return how many. Visible after :meth:`commit`."""
        raise NotImplementedError(f"{type(self).__name__} must implement upsert(docs).")

    def commit(self) -> None:
        """Make every upsert durable and visible to searchers."""
        raise NotImplementedError(f"{type(self).__name__} must implement commit().")

    def get(self, doc_id: str) -> dict[str, Any] | None:
        raise NotImplementedError(f"{type(self).__name__} must implement get(doc_id).")

    def update(self, doc_id: str, fields: dict[str, Any]) -> bool:
        """Partially update a stored document (case fields); return False if it does not exist."""
        doc = self.get(doc_id)
        if doc is None:
            return False
        doc.update(fields)
        self.upsert([doc])
        return True

    def delete(self, ids: Iterable[str]) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement delete(ids).")

    def search(self, request: SearchRequest) -> SearchResult:
        raise NotImplementedError(f"{type(self).__name__} must implement search(request).")

    def count(self) -> int:
        return self.search(SearchRequest(size=0)).total

    def close(self) -> None:
        """Release resources; the default has none."""
