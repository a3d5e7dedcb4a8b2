"""The Elasticsearch index template, the derived search fields and the query translation.

Names are rollover-friendly: the template matches ``<prefix>-*``, the first index is
``<prefix>-000001`` and the alias ``<prefix>`` is both the write alias
(``is_write_index``) and the read alias, so ``POST <prefix>/_rollover`` starts
``<prefix>-000002`` with the same mapping.

Text is indexed as ``content`` (kuromoji, for relevance), ``cjk`` (character bigrams of each
CJK run, computed by mamori and analyzed on whitespace: the CJK fallback that makes
two-character words match exactly as in the tantivy backend), ``uni`` (single CJK
characters) and ``content.en`` (English, Snowball stemmer). Filters are keyword fields;
findings are ``nested``. No scripts are used anywhere.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from crawler.items import severity_rank
from index.analysis import bigrams, cjk_runs, doc_text, latin_words
from index.base import FACET_FIELDS, SearchRequest, doc_time_ms, histogram_interval

SCHEMA_VERSION = 1
DERIVED_FIELDS = ("content", "cjk", "uni", "time")
_KW = {"type": "keyword"}

ANALYSIS: dict[str, Any] = {
    "filter": {"mamori_en_stem": {"type": "snowball", "language": "English"}},
    "analyzer": {
        "mamori_ja": {
            "type": "custom",
            "tokenizer": "kuromoji_tokenizer",
            "filter": ["kuromoji_baseform", "cjk_width", "lowercase"],
        },
        "mamori_en": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "mamori_en_stem"]},
        "mamori_ws": {"type": "custom", "tokenizer": "whitespace"},
    },
}

MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "_meta": {"mamori_schema": SCHEMA_VERSION},
    "properties": {
        "id": _KW,
        "platform": _KW,
        "source": _KW,
        "url": _KW,
        "labels": _KW,
        "severity": _KW,
        "severity_rank": {"type": "integer"},
        "employees": _KW,
        "status": _KW,
        "assignee": _KW,
        "author_handle": _KW,
        "has_media": {"type": "boolean"},
        "lang": _KW,
        "time": {"type": "date", "format": "epoch_millis"},
        "title": {"type": "text", "analyzer": "mamori_ja"},
        "content": {
            "type": "text",
            "analyzer": "mamori_ja",
            "fields": {"en": {"type": "text", "analyzer": "mamori_en"}},
        },
        "cjk": {"type": "text", "analyzer": "mamori_ws"},
        "uni": {"type": "text", "analyzer": "mamori_ws", "index_options": "freqs"},
        "findings": {
            "type": "nested",
            "properties": {
                "detector": _KW,
                "label": _KW,
                "severity": _KW,
                "score": {"type": "float"},
                "employee_id": _KW,
                "explanation": {"type": "text", "analyzer": "mamori_ja"},
            },
        },
    },
}

REQUIRED_TYPES = {
    "id": "keyword",
    "labels": "keyword",
    "employees": "keyword",
    "status": "keyword",
    "time": "date",
    "severity_rank": "integer",
    "cjk": "text",
    "findings": "nested",
}


def template_body(prefix: str) -> dict[str, Any]:
    return {
        "index_patterns": [f"{prefix}-*"],
        "priority": 200,
        "template": {"settings": {"analysis": ANALYSIS}, "mappings": MAPPINGS},
        "_meta": {"mamori_schema": SCHEMA_VERSION},
    }


def es_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The stored body: the hit document plus the derived search fields."""
    text = doc_text(doc)
    runs = cjk_runs(text)
    body = dict(doc)
    body.setdefault("severity_rank", severity_rank(doc.get("severity") or "info"))
    body["content"] = text
    body["cjk"] = " | ".join(" ".join(bigrams(run)) for run in runs)
    body["uni"] = " ".join(sorted({c for run in runs for c in run}))
    body["time"] = doc_time_ms(doc)
    return body


def strip_derived(source: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in source.items() if k not in DERIVED_FIELDS}


def _text_clauses(req: SearchRequest) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    must: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    for part in [req.text, *req.phrases]:
        if not part.strip():
            continue
        phrase = part in req.phrases
        for run in dict.fromkeys(cjk_runs(part)):
            if len(run) == 1:
                must.append({"term": {"uni": run}})
            elif len(run) == 2:
                must.append({"term": {"cjk": run}})
            else:
                must.append({"match_phrase": {"cjk": " ".join(bigrams(run))}})
        words = latin_words(part)
        if phrase and len(words) > 1:
            must.append({"match_phrase": {"content.en": " ".join(words)}})
        else:
            must += [{"match": {"content.en": w}} for w in dict.fromkeys(words)]
        should.append({"match": {"content": part}})
    # Kuromoji only adds to the score; what matches is decided by the clauses in ``must``.
    return must, (should if must else [])


def build_query(req: SearchRequest) -> dict[str, Any]:
    must, should = _text_clauses(req)
    filters: list[dict[str, Any]] = []
    for field, values in req.keyword_filters():
        filters.append({"terms": {field: list(values)}})
    if req.severity_min:
        filters.append({"range": {"severity_rank": {"gte": severity_rank(req.severity_min)}}})
    if req.has_media is not None:
        filters.append({"term": {"has_media": req.has_media}})
    if req.since or req.until:
        rng: dict[str, Any] = {}
        if req.since:
            rng["gte"] = _ms(req.since)
        if req.until:
            rng["lt"] = _ms(req.until)
        filters.append({"range": {"time": rng}})
    if not (must or filters):
        return {"match_all": {}}
    return {"bool": {"must": must, "should": should, "filter": filters}}


def _ms(dt: Any) -> int:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def sort_clause(req: SearchRequest) -> list[Any]:
    sort = req.effective_sort
    if sort == "relevance":
        return [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    if sort == "severity":
        return [{"severity_rank": {"order": "desc"}}, {"time": {"order": "desc"}}, {"id": {"order": "asc"}}]
    return [{"time": {"order": "asc" if sort == "oldest" else "desc"}}, {"id": {"order": "asc"}}]


def aggregations(req: SearchRequest) -> dict[str, Any]:
    aggs: dict[str, Any] = {}
    if req.facets:
        aggs = {name: {"terms": {"field": name, "size": 100}} for name in FACET_FIELDS}
    if req.histogram_interval:
        aggs["histogram"] = {
            "date_histogram": {"field": "time", "fixed_interval": histogram_interval(req), "min_doc_count": 1}
        }
    return aggs
