"""The embedded default backend on tantivy: the :class:`TantivyIndex` class (opening,
writing, paging through results, facets and histograms).

The schema and the translation of hit documents are in :mod:`index.tantivy_schema`
(re-exported here), the translation of search requests into tantivy queries in
:mod:`index.tantivy_query`. Snippets are cut from the original text with
:mod:`index.snippets`.

Sorting uses integer fast fields (``k_time``: epoch ms; ``k_sev``: severity rank above the
time) and ``search_after`` is real: the next page is a range query below the last key, and
ties on a key are ordered by id. A tantivy commit is durable (fsync) before it returns, and
readers open the index without the writer lock, so searching works while the writer writes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy

from crawler.exceptions import IndexBackendError
from index import tantivy_query as q
from index.analysis import doc_text
from index.base import FACET_FIELDS, Index, SearchHit, SearchRequest, SearchResult, histogram_interval
from index.snippets import make_snippet, query_terms
from index.tantivy_schema import (
    KEYWORD_FIELDS,
    SCHEMA_VERSION,
    SEV_SHIFT,
    build_schema,
    check_version,
    read_payload,
    to_document,
)

__all__ = ["AGG_CACHE_SECONDS", "AGG_CACHE_SIZE", "KEYWORD_FIELDS", "SCHEMA_VERSION", "TantivyIndex"]

AGG_CACHE_SECONDS = 30.0
AGG_CACHE_SIZE = 256
_Occ = tantivy.Occur


class TantivyIndex(Index):
    name = "tantivy"

    def __init__(
        self, path: Path | None, *, readonly: bool = False, heap_bytes: int = 128_000_000, threads: int = 1
    ) -> None:
        self.path = path
        self.readonly = readonly
        self.schema = build_schema()
        try:
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
                check_version(path)
                self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
            else:
                self.index = tantivy.Index(self.schema)
        except (OSError, ValueError) as exc:
            raise IndexBackendError(
                f"The tantivy index at {path} cannot be opened ({exc}). If it was made by another "
                "version of mamori, move it away and run 'mamori index rebuild'."
            ) from exc
        self.index.register_tokenizer(
            "mamori_ws", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self._writer: Any = None
        # Facets and histograms of recent queries: they do not change with sort order or page,
        # so paging through results or re-sorting them does not aggregate again.
        self._agg_cache: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self.agg_cache_hits = 0
        self._heap = heap_bytes
        self._threads = threads

    @classmethod
    def from_config(cls, config: Any, *, readonly: bool = False) -> TantivyIndex:
        return cls(Path(config.index_path), readonly=readonly)

    # -- writing ---------------------------------------------------------------------------
    @property
    def writer(self) -> Any:
        if self.readonly:
            raise IndexBackendError("This index was opened read-only; only the index writer may write.")
        if self._writer is None:
            try:
                self._writer = self.index.writer(self._heap, self._threads)
            except ValueError as exc:
                raise IndexBackendError(
                    f"Cannot open a writer on the index at {self.path}: {exc}. Only one process may "
                    "write the index; stop the other 'mamori run' or wait for it."
                ) from exc
        return self._writer

    def upsert(self, docs: Iterable[dict[str, Any]]) -> int:
        writer = self.writer
        n = 0
        for doc in docs:
            document = to_document(doc)
            writer.delete_documents_by_term("id", doc["id"])
            writer.add_document(document)
            n += 1
        return n

    def commit(self) -> None:
        """Durable (fsync) before it returns. The writer stays open for the next batch."""
        if self._writer is not None:
            self._writer.commit()
        self.index.reload()

    def delete(self, ids: Iterable[str]) -> int:
        writer = self.writer
        n = 0
        for doc_id in ids:
            writer.delete_documents_by_term("id", doc_id)
            n += 1
        return n

    def delete_by_query(self, request: SearchRequest) -> int:
        self.index.reload()
        query = self.build_query(request)
        found: Any = self.index.searcher().search(query, 1, count=True)
        n = found.count or 0
        if n:
            self.writer.delete_documents_by_query(query)
        return n

    def close(self) -> None:
        """Drop what was not committed, let merges finish and release the writer lock."""
        if self._writer is not None:
            self._writer.rollback()
            self._writer.wait_merging_threads()
            self._writer = None

    # -- reading ---------------------------------------------------------------------------
    def get(self, doc_id: str) -> dict[str, Any] | None:
        self.index.reload()
        searcher = self.index.searcher()
        result = searcher.search(tantivy.Query.term_query(self.schema, "id", doc_id), 1)
        if not result.hits:
            return None
        return read_payload(searcher.doc(result.hits[0][1]))

    def build_query(self, req: SearchRequest) -> tantivy.Query:
        return q.build_query(self.index, self.schema, req)

    def _range(
        self, field: str, lower: int | None, upper: int | None, *, incl_upper: bool = True
    ) -> tantivy.Query:
        return q.int_range(self.schema, field, lower, upper, incl_upper=incl_upper)

    def search(self, req: SearchRequest) -> SearchResult:
        self.index.reload()
        searcher = self.index.searcher()
        query = self.build_query(req)
        try:
            if req.effective_sort == "relevance":
                total, page = self._page_relevance(searcher, query, req)
            else:
                total, page = self._page_sorted(searcher, query, req)
        except ValueError as exc:
            raise IndexBackendError(f"The index could not run the search: {exc}.") from exc
        terms = query_terms(" ".join([req.text, *req.phrases]))
        hits = []
        for doc, score, key in page:
            hits.append(
                SearchHit(
                    id=doc["id"],
                    score=score,
                    doc=doc,
                    snippet=make_snippet(doc_text(doc), terms),
                    sort_key=key,
                )
            )
        out = SearchResult(total=total, hits=hits)
        if req.facets or req.histogram_interval:
            out.facets, out.histogram = self._aggregate(searcher, query, req)
        return out

    def _page_relevance(
        self, searcher: Any, query: tantivy.Query, req: SearchRequest
    ) -> tuple[int, list[Any]]:
        """Top hits by (score desc, id asc) after the cursor; widens the window until exact."""
        after = (float(req.search_after[0]), str(req.search_after[1])) if req.search_after else None
        limit = max(req.size * 2, 32)
        while True:
            result = searcher.search(query, limit, count=True)
            total = result.count or 0
            rows = []
            for score, address in result.hits:
                doc = read_payload(searcher.doc(address))
                rows.append((float(score), doc["id"], doc))
            rows.sort(key=lambda r: (-r[0], r[1]))
            if after is not None:
                rows = [r for r in rows if (-r[0], r[1]) > (-after[0], after[1])]
            exhausted = len(result.hits) < limit
            lowest = result.hits[-1][0] if result.hits else 0.0
            if req.size <= 0 or exhausted or (len(rows) >= req.size and rows[req.size - 1][0] > lowest):
                page = rows[: max(req.size, 0)]
                return total, [(doc, score, [score, doc_id]) for score, doc_id, doc in page]
            limit *= 4

    def _page_sorted(self, searcher: Any, query: tantivy.Query, req: SearchRequest) -> tuple[int, list[Any]]:
        """Hits ordered by an integer fast field, then id; the cursor becomes a range query."""
        sort = req.effective_sort
        field = "k_sev" if sort == "severity" else "k_time"
        desc = sort != "oldest"
        total = 0
        if req.size <= 0 or req.search_after:  # otherwise the first page's search counts
            total = searcher.search(query, 1, count=True).count or 0
        if req.size <= 0:
            return total, []
        rows: list[tuple[int, str, dict[str, Any]]] = []
        main = query
        if req.search_after:
            key = self._key_from_cursor(sort, req.search_after)
            last_id = str(req.search_after[-1])
            rows += [r for r in self._tie_group(searcher, query, field, key) if r[1] > last_id]
            rng = self._range(field, None, key - 1) if desc else self._range(field, key + 1, None)
            main = tantivy.Query.boolean_query([(_Occ.Must, query), (_Occ.Must, rng)])
        if len(rows) < req.size:
            order = tantivy.Order.Desc if desc else tantivy.Order.Asc
            first_page = not req.search_after
            result = searcher.search(main, req.size, count=first_page, order_by_field=field, order=order)
            if first_page:
                total = result.count or 0
            got = [(int(k), read_payload(searcher.doc(a))) for k, a in result.hits]
            if got:
                boundary = got[-1][0]
                inner = [(k, d["id"], d) for k, d in got if k != boundary]
                inner.sort(key=lambda r: (-r[0] if desc else r[0], r[1]))  # ties by id
                rows += inner
                rows += self._tie_group(searcher, main, field, boundary)
        page = rows[: req.size]
        return total, [(doc, 0.0, self._sort_key(sort, key, doc_id)) for key, doc_id, doc in page]

    def _tie_group(self, searcher: Any, query: tantivy.Query, field: str, key: int) -> list[Any]:
        tie = tantivy.Query.boolean_query([(_Occ.Must, query), (_Occ.Must, self._range(field, key, key))])
        result = searcher.search(tie, 64, count=True)
        if (result.count or 0) > 64:
            result = searcher.search(tie, result.count, count=False)
        rows = [(key, d["id"], d) for d in (read_payload(searcher.doc(a)) for _s, a in result.hits)]
        return sorted(rows, key=lambda r: r[1])

    @staticmethod
    def _key_from_cursor(sort: str, cursor: Any) -> int:
        try:
            if sort == "severity":
                return int(cursor[0]) * SEV_SHIFT + int(cursor[1])
            return int(cursor[0])
        except (TypeError, ValueError, IndexError):
            raise IndexBackendError(
                f"search_after={list(cursor)!r} is not a sort key of a '{sort}' search; pass "
                "next_search_after of the previous page of the same search."
            ) from None

    @staticmethod
    def _sort_key(sort: str, key: int, doc_id: str) -> list[Any]:
        if sort == "severity":
            return [key // SEV_SHIFT, key % SEV_SHIFT, doc_id]
        return [key, doc_id]

    def _aggregate(self, searcher: Any, query: tantivy.Query, req: SearchRequest) -> tuple[Any, Any]:
        interval = histogram_interval(req) if req.histogram_interval else None
        # The same query on the same index contents (document and segment counts) within a
        # short time gives the same counts.
        key = (repr(query), req.facets, interval, searcher.num_docs, searcher.num_segments)
        cached = self._agg_cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < AGG_CACHE_SECONDS:
            self._agg_cache.move_to_end(key)
            self.agg_cache_hits += 1
            return cached[1]  # type: ignore[no-any-return]
        result = self._aggregate_now(searcher, query, req)
        self._agg_cache[key] = (time.monotonic(), result)
        if len(self._agg_cache) > AGG_CACHE_SIZE:
            self._agg_cache.popitem(last=False)
        return result

    def _aggregate_now(self, searcher: Any, query: tantivy.Query, req: SearchRequest) -> tuple[Any, Any]:
        spec: dict[str, Any] = {}
        if req.facets:
            spec = {name: {"terms": {"field": name, "size": 100}} for name in FACET_FIELDS}
        if req.histogram_interval:
            interval = histogram_interval(req)
            spec["histogram"] = {"date_histogram": {"field": "published_at", "fixed_interval": interval}}
        raw = searcher.aggregate(query, spec)
        facets = {
            name: {b["key"]: int(b["doc_count"]) for b in raw[name]["buckets"]}
            for name in FACET_FIELDS
            if name in raw
        }
        histogram = [
            (datetime.fromtimestamp(b["key"] / 1000, UTC).isoformat(), int(b["doc_count"]))
            for b in raw.get("histogram", {}).get("buckets", [])
            if b["doc_count"]
        ]
        return facets, histogram

    def stats(self) -> dict[str, Any]:
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file()) if self.path else 0
        return {"backend": self.name, "documents": self.count(), "path": str(self.path), "bytes": size}
