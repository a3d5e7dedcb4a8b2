"""The embedded default backend on tantivy.

Japanese has no spaces, so text is indexed twice: ``text`` with a 1–2 character n-gram
analyzer (two-character words such as 田中 or 詐欺 match; a CJK query run becomes an AND of
its bigrams) and ``words`` with tantivy's English stemming analyzer for latin words. The
whole hit document is stored as JSON in ``payload``; snippets are cut from the original
text with :mod:`index.snippets`. A tantivy commit is durable (fsync) before it returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import tantivy

from crawler.exceptions import IndexBackendError
from crawler.items import severity_rank
from index.base import Index, SearchHit, SearchRequest, SearchResult
from index.snippets import make_snippet, query_terms

_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ー]+")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
KEYWORD_FIELDS = ("labels", "platform", "source", "employees", "status", "severity", "author_handle", "assignee")
SCHEMA_VERSION = 1


def _build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("text", stored=False, tokenizer_name="mamori_cjk", index_option="freq")
    sb.add_text_field("words", stored=False, tokenizer_name="en_stem")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    sb.add_integer_field("severity_rank", stored=False, indexed=True, fast=True)
    sb.add_integer_field("has_media", stored=False, indexed=True, fast=True)
    sb.add_date_field("published_at", stored=False, indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True, indexed=False, fast=False)
    return sb.build()


def _fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).lower()


def _parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class TantivyIndex(Index):
    name = "tantivy"

    def __init__(self, path: Path | None, *, readonly: bool = False, heap_bytes: int = 128_000_000) -> None:
        self.path = path
        self.readonly = readonly
        self.schema = _build_schema()
        try:
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
                self._check_version(path)
                self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
            else:
                self.index = tantivy.Index(self.schema)
        except (OSError, ValueError) as exc:
            raise IndexBackendError(
                f"The tantivy index at {path} cannot be opened ({exc}). If it was made by another "
                "version of mamori, move it away and run 'mamori index rebuild'."
            ) from exc
        analyzer = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 2, False))
            .filter(tantivy.Filter.lowercase())
            .build()
        )
        self.index.register_tokenizer("mamori_cjk", analyzer)
        self._writer: Any = None
        self._heap = heap_bytes

    @classmethod
    def from_config(cls, config: Any, *, readonly: bool = False) -> TantivyIndex:
        return cls(Path(config.index_path), readonly=readonly)

    def _check_version(self, path: Path) -> None:
        marker = path / "mamori-schema.json"
        if marker.exists():
            version = json.loads(marker.read_text()).get("version")
            if version != SCHEMA_VERSION:
                raise IndexBackendError(
                    f"The index at {path} has schema version {version}, this mamori needs "
                    f"{SCHEMA_VERSION}. Run 'mamori index rebuild' to re-create it from the state database."
                )
        elif not any(path.glob("meta.json")):
            marker.write_text(json.dumps({"version": SCHEMA_VERSION}))

    # -- writing ---------------------------------------------------------------------------
    @property
    def writer(self) -> Any:
        if self.readonly:
            raise IndexBackendError("This index was opened read-only; only the index writer may write.")
        if self._writer is None:
            try:
                self._writer = self.index.writer(self._heap, 1)
            except ValueError as exc:
                raise IndexBackendError(
                    f"Cannot open a writer on the index at {self.path}: {exc}. Only one process may "
                    "write the index; stop the other 'mamori run' or wait for it."
                ) from exc
        return self._writer

    def _document(self, doc: dict[str, Any]) -> tantivy.Document:
        text = "\n".join(filter(None, (doc.get("title", ""), doc.get("text", ""))))
        published = _parse_dt(doc.get("published_at")) or _parse_dt(doc.get("fetched_at"))
        fields: dict[str, Any] = {
            "id": doc["id"],
            "text": _fold(text),
            "words": text,
            "severity_rank": int(doc.get("severity_rank", severity_rank(doc.get("severity", "info")))),
            "has_media": 1 if doc.get("has_media") else 0,
            "payload": json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8"),
        }
        if published is not None:
            fields["published_at"] = published.astimezone(timezone.utc)
        for name in KEYWORD_FIELDS:
            value = doc.get(name)
            if value in (None, "", []):
                continue
            fields[name] = list(value) if isinstance(value, list | tuple) else [str(value)]
        return tantivy.Document(**fields)

    def upsert(self, docs: Iterable[dict[str, Any]]) -> int:
        writer = self.writer
        n = 0
        for doc in docs:
            writer.delete_documents_by_term("id", doc["id"])
            writer.add_document(self._document(doc))
            n += 1
        return n

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.index.reload()

    def delete(self, ids: Iterable[str]) -> int:
        writer = self.writer
        n = 0
        for doc_id in ids:
            writer.delete_documents_by_term("id", doc_id)
            n += 1
        return n

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    # -- reading ---------------------------------------------------------------------------
    def get(self, doc_id: str) -> dict[str, Any] | None:
        self.index.reload()
        searcher = self.index.searcher()
        result = searcher.search(tantivy.Query.term_query(self.schema, "id", doc_id), 1)
        if not result.hits:
            return None
        return self._payload(searcher.doc(result.hits[0][1]))

    @staticmethod
    def _payload(document: Any) -> dict[str, Any]:
        raw = document["payload"][0]
        return json.loads(bytes(raw).decode("utf-8"))

    def _text_query(self, text: str) -> tantivy.Query | None:
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        folded = _fold(text)
        for run in _CJK_RUN.findall(folded):
            grams = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
            for gram in dict.fromkeys(grams):
                must.append((tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "text", gram)))
        for word in _WORD.findall(folded):
            must.append((tantivy.Occur.Must, self.index.parse_query(word, ["words"])))
        if not must:
            return None
        return tantivy.Query.boolean_query(must)

    def _terms(self, field: str, values: Iterable[str]) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, v)) for v in values]
        )

    def build_query(self, req: SearchRequest) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if req.text.strip():
            tq = self._text_query(req.text)
            if tq is not None:
                clauses.append((tantivy.Occur.Must, tq))
        for field, values in (
            ("labels", req.labels),
            ("platform", req.platforms),
            ("source", req.sources),
            ("employees", req.employees),
            ("status", req.statuses),
            ("author_handle", req.authors),
        ):
            if values:
                clauses.append((tantivy.Occur.Must, self._terms(field, values)))
        if req.severity_min:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        self.schema, "severity_rank", tantivy.FieldType.Integer, severity_rank(req.severity_min), 4
                    ),
                )
            )
        if req.has_media is not None:
            clauses.append(
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "has_media", 1 if req.has_media else 0))
            )
        if req.since or req.until:
            clauses.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(
                        self.schema,
                        "published_at",
                        tantivy.FieldType.Date,
                        req.since.astimezone(timezone.utc) if req.since else None,
                        req.until.astimezone(timezone.utc) if req.until else None,
                    ),
                )
            )
        if not clauses:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query(clauses)

    def search(self, req: SearchRequest) -> SearchResult:
        self.index.reload()
        searcher = self.index.searcher()
        query = self.build_query(req)
        offset = int(req.search_after[0]) if req.search_after else 0
        kwargs: dict[str, Any] = {"count": True, "offset": offset}
        if req.sort in ("newest", "oldest"):
            kwargs["order_by_field"] = "published_at"
            kwargs["order"] = tantivy.Order.Desc if req.sort == "newest" else tantivy.Order.Asc
        elif req.sort == "severity":
            kwargs["order_by_field"] = "severity_rank"
            kwargs["order"] = tantivy.Order.Desc
        try:
            result = searcher.search(query, max(req.size, 0) or 1, **kwargs)
        except ValueError as exc:
            raise IndexBackendError(f"The index could not run the search: {exc}.") from exc
        terms = query_terms(req.text)
        hits: list[SearchHit] = []
        if req.size > 0:
            for i, (key, address) in enumerate(result.hits):
                doc = self._payload(searcher.doc(address))
                hits.append(
                    SearchHit(
                        id=doc["id"],
                        score=float(key) if req.sort == "relevance" else 0.0,
                        doc=doc,
                        snippet=make_snippet(doc.get("text", ""), terms),
                        sort_key=[offset + i + 1],
                    )
                )
        out = SearchResult(total=result.count or 0, hits=hits)
        if req.facets:
            out.facets = self._facets(searcher, query)
        return out

    def _facets(self, searcher: Any, query: tantivy.Query) -> dict[str, dict[str, int]]:
        spec = {
            name: {"terms": {"field": name, "size": 50}}
            for name in ("labels", "platform", "employees", "status", "source", "severity")
        }
        raw = searcher.aggregate(query, spec)
        return {name: {b["key"]: b["doc_count"] for b in raw[name]["buckets"]} for name in spec}
