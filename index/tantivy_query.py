"""Translation of a :class:`index.base.SearchRequest` into a tantivy query for the tantivy
backend.

Text: a CJK run of one character is a term of ``uni``, of two a term of ``cjk``, a longer
one the phrase of its bigrams in ``cjk``; latin words are parsed against ``words`` (a quoted
phrase of several words stays a phrase). Filters (keywords, severity, media, time) are
scored 0 so that only the text decides relevance.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import tantivy

from crawler.items import severity_rank
from index.analysis import bigrams, cjk_runs, latin_words
from index.base import SearchRequest

_Occ = tantivy.Occur


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def text_query(index: tantivy.Index, schema: tantivy.Schema, req: SearchRequest) -> tantivy.Query | None:
    must: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for part in [req.text, *req.phrases]:
        phrase = part in req.phrases
        for run in dict.fromkeys(cjk_runs(part)):
            if len(run) == 1:
                must.append((_Occ.Must, tantivy.Query.term_query(schema, "uni", run)))
            elif len(run) == 2:
                must.append((_Occ.Must, tantivy.Query.term_query(schema, "cjk", run)))
            else:
                must.append((_Occ.Must, tantivy.Query.phrase_query(schema, "cjk", list[Any](bigrams(run)))))
        words = latin_words(part)
        if phrase and len(words) > 1:
            must.append((_Occ.Must, index.parse_query('"' + " ".join(words) + '"', ["words"])))
        else:
            must += [(_Occ.Must, index.parse_query(w, ["words"])) for w in dict.fromkeys(words)]
    return tantivy.Query.boolean_query(must) if must else None


def terms_query(schema: tantivy.Schema, field: str, values: Iterable[str]) -> tantivy.Query:
    """Any of ``values`` in the keyword ``field``."""
    return tantivy.Query.boolean_query(
        [(_Occ.Should, tantivy.Query.term_query(schema, field, v)) for v in values]
    )


def int_range(
    schema: tantivy.Schema, field: str, lower: int | None, upper: int | None, *, incl_upper: bool = True
) -> tantivy.Query:
    """``lower <= field <= upper`` on an integer field (``< upper`` unless ``incl_upper``)."""
    return tantivy.Query.range_query(
        schema,
        field,
        tantivy.FieldType.Integer,
        lower,
        upper,
        include_upper=incl_upper or upper is None,
    )


def build_query(index: tantivy.Index, schema: tantivy.Schema, req: SearchRequest) -> tantivy.Query:
    text = text_query(index, schema, req) if (req.text.strip() or req.phrases) else None
    filters: list[tantivy.Query] = []
    for field, values in req.keyword_filters():
        filters.append(terms_query(schema, field, values))
    if req.severity_min:
        filters.append(int_range(schema, "severity_rank", severity_rank(req.severity_min), None))
    if req.has_media is not None:
        filters.append(tantivy.Query.term_query(schema, "has_media", 1 if req.has_media else 0))
    if req.since or req.until:
        lo = int(_utc(req.since).timestamp() * 1000) if req.since else None
        hi = int(_utc(req.until).timestamp() * 1000) if req.until else None
        filters.append(int_range(schema, "k_time", lo, hi, incl_upper=False))
    clauses = [(_Occ.Must, text)] if text is not None else []
    # Filters must not change relevance: a constant score of 0 keeps only the text score.
    clauses += [(_Occ.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
    if not clauses:
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query(clauses)
