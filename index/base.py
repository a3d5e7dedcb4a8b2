"""The index contract every backend fulfils, and the hit document it stores.

Backends are registered by name in ``MAMORI_INDEX_BACKENDS`` and built with
``Backend.from_config(config)``. Only one process writes an index (the daemon's
index writer); crawl processes hand hits over through the durable queue in the state
database (see :mod:`crawler.handoff`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
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


CASE_FIELDS = ("status", "assignee", "case_note", "taken_down_at")
"""Fields people change on a stored hit through :meth:`Index.update` (free-form otherwise)."""

FACET_FIELDS = {
    "labels": "label",
    "platform": "platform",
    "employees": "employee",
    "status": "status",
    "source": "source",
    "severity": "severity",
}
"""Facet name (the document field) -> the query-language field that filters on it."""

HISTOGRAM_INTERVALS = {"hour": "1h", "day": "1d", "week": "7d"}
"""Histogram intervals: both backends use ``date_histogram`` with this ``fixed_interval`` (UTC)."""


def doc_time_ms(doc: dict[str, Any]) -> int:
    """The time a hit is sorted and filtered by: published_at, else fetched_at, in epoch ms."""
    for key in ("published_at", "fetched_at"):
        value = doc.get(key)
        if value:
            dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=UTC)
            return int(dt.timestamp() * 1000)
    return 0


def histogram_interval(req: SearchRequest) -> str:
    """The ``fixed_interval`` of ``req.histogram_interval``, or a clear error."""
    from crawler.exceptions import IndexBackendError

    try:
        return HISTOGRAM_INTERVALS[req.histogram_interval or ""]
    except KeyError:
        raise IndexBackendError(
            f"The histogram interval {req.histogram_interval!r} is not known; use one of "
            f"{', '.join(HISTOGRAM_INTERVALS)}."
        ) from None


def check_update(doc_id: str, fields: dict[str, Any]) -> None:
    """Refuse partial updates that would change a document's identity or derived fields."""
    from crawler.exceptions import IndexBackendError

    bad = sorted(set(fields) & {"id", "labels", "severity", "severity_rank", "employees", "findings"})
    if bad:
        raise IndexBackendError(
            f"The update of {doc_id!r} tries to change {', '.join(bad)}, which are derived from the post "
            "and its findings; re-index the post instead (upsert the new hit document)."
        )


@dataclass(frozen=True)
class SearchRequest:
    """One search, as parsed by :func:`index.query.parse`; every backend answers it the same way.

    Sorting and ``search_after``: ``newest``/``oldest`` sort by the hit's time (published,
    else fetched) then id, with sort keys ``[time_ms, id]``; ``severity`` by severity, newest
    first, then id (``[rank, time_ms, id]``); ``relevance`` by score then id
    (``[score, id]``), and without text it is the same as ``newest``. Pass
    :attr:`SearchResult.next_search_after` back as ``search_after`` for the next page.
    ``until`` is exclusive, ``since`` inclusive.
    """

    text: str = ""
    phrases: tuple[str, ...] = ()
    """Exact sequences of words or characters (quoted in the query language)."""
    labels: tuple[str, ...] = ()
    severity_min: str | None = None
    platforms: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    employees: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    has_media: bool | None = None
    ids: tuple[str, ...] = ()
    """Only these hit ids (not in the query language: for evaluating saved searches on new hits)."""
    since: datetime | None = None
    until: datetime | None = None
    sort: SortOrder = "relevance"
    size: int = 20
    search_after: Sequence[Any] | None = None
    facets: bool = False
    histogram_interval: str | None = None
    """``"hour"``, ``"day"`` or ``"week"``: add a time histogram (fixed intervals, UTC)."""

    def keyword_filters(self) -> list[tuple[str, tuple[str, ...]]]:
        """``(index field, accepted values)`` of every keyword filter that is set (any value matches)."""
        pairs = (
            ("labels", self.labels),
            ("platform", self.platforms),
            ("source", self.sources),
            ("employees", self.employees),
            ("status", self.statuses),
            ("author_handle", self.authors),
            ("assignee", self.assignees),
            ("id", self.ids),
        )
        return [(field, values) for field, values in pairs if values]

    @property
    def effective_sort(self) -> SortOrder:
        """``relevance`` without any text means ``newest``."""
        if self.sort == "relevance" and not (self.text.strip() or self.phrases):
            return "newest"
        return self.sort


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
        """Insert or replace documents by ``id``; return how many.

        Searchers see them at the latest after :meth:`commit` (Elasticsearch may show them
        earlier, at its own refresh); a committed upsert survives a crash.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement upsert(docs).")

    def commit(self) -> None:
        """Make every upsert durable and visible to searchers."""
        raise NotImplementedError(f"{type(self).__name__} must implement commit().")

    def get(self, doc_id: str) -> dict[str, Any] | None:
        raise NotImplementedError(f"{type(self).__name__} must implement get(doc_id).")

    def update(self, doc_id: str, fields: dict[str, Any]) -> bool:
        """Partially update a stored document (case fields); return False if it does not exist."""
        check_update(doc_id, fields)
        doc = self.get(doc_id)
        if doc is None:
            return False
        doc.update(fields)
        self.upsert([doc])
        return True

    def delete(self, ids: Iterable[str]) -> int:
        """Delete documents by id; return how many ids were given. Visible after :meth:`commit`."""
        raise NotImplementedError(f"{type(self).__name__} must implement delete(ids).")

    def delete_by_query(self, request: SearchRequest) -> int:
        """Delete every document matching ``request`` (retention, erasure); return how many."""
        raise NotImplementedError(f"{type(self).__name__} must implement delete_by_query(request).")

    def scan(self, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every stored document, oldest first (for migration and rebuilds)."""
        after: Sequence[Any] | None = None
        while True:
            result = self.search(SearchRequest(sort="oldest", size=batch, search_after=after))
            yield from (h.doc for h in result.hits)
            if len(result.hits) < batch:
                return
            after = result.next_search_after

    def stats(self) -> dict[str, Any]:
        """Backend facts for ``mamori index stats`` (at least ``backend`` and ``documents``)."""
        return {"backend": self.name, "documents": self.count()}

    def search(self, request: SearchRequest) -> SearchResult:
        raise NotImplementedError(f"{type(self).__name__} must implement search(request).")

    def count(self) -> int:
        return self.search(SearchRequest(size=0)).total

    def close(self) -> None:
        """Release resources; the default has none."""
