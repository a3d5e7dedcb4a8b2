"""The tantivy backend's schema and documents: the fields, the schema version kept beside
the index (``mamori-schema.json``), and the translation of a hit document into a tantivy
document and back (the whole hit is stored as JSON in ``payload``).

Japanese has no spaces, so the text is indexed three ways: ``cjk`` holds the character
bigrams of every CJK run with positions, ``uni`` the single CJK characters, and ``words``
the latin words through tantivy's English stemmer. Sorting uses integer fast fields
(``k_time``: epoch ms; ``k_sev``: severity rank times :data:`SEV_SHIFT` plus the time).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy

from crawler.exceptions import IndexBackendError
from crawler.items import severity_rank
from index.analysis import bigrams, cjk_runs, doc_text
from index.base import doc_time_ms

KEYWORD_FIELDS = (
    "labels",
    "platform",
    "source",
    "employees",
    "status",
    "severity",
    "author_handle",
    "assignee",
)
SCHEMA_VERSION = 2
SEV_SHIFT = 1 << 44
"""``k_sev = severity_rank * SEV_SHIFT + k_time``: severity first, then time."""


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("cjk", stored=False, tokenizer_name="mamori_ws", index_option="position")
    sb.add_text_field("uni", stored=False, tokenizer_name="mamori_ws", index_option="freq")
    sb.add_text_field("words", stored=False, tokenizer_name="en_stem", index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, stored=False, tokenizer_name="raw", fast=True)
    sb.add_integer_field("severity_rank", stored=False, indexed=True, fast=True)
    sb.add_integer_field("has_media", stored=False, indexed=True, fast=True)
    sb.add_integer_field("k_time", stored=False, indexed=True, fast=True)
    sb.add_integer_field("k_sev", stored=False, indexed=True, fast=True)
    sb.add_date_field("published_at", stored=False, indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True, indexed=False, fast=False)
    return sb.build()


def check_version(path: Path) -> None:
    """Refuse an index of another schema version or not made by mamori; mark a new one."""
    marker = path / "mamori-schema.json"
    if marker.exists():
        version = json.loads(marker.read_text()).get("version")
        if version != SCHEMA_VERSION:
            raise IndexBackendError(
                f"The index at {path} has schema version {version}, this mamori needs "
                f"{SCHEMA_VERSION}. Run 'mamori index rebuild' to re-create it from the state database."
            )
    elif (path / "meta.json").exists():
        raise IndexBackendError(
            f"The folder {path} holds a tantivy index that mamori did not make (no mamori-schema.json). "
            "Point [index] path at an empty folder or move that one away."
        )
    else:  # a new index, also when a reader comes first: the writer will accept it
        marker.write_text(json.dumps({"version": SCHEMA_VERSION}))


def to_document(doc: dict[str, Any]) -> tantivy.Document:
    """The tantivy document of a hit document (which must have an ``id``)."""
    if not doc.get("id"):
        raise IndexBackendError(
            f"A hit document has no 'id' (keys: {sorted(doc)[:8]}); it cannot be indexed."
        )
    text = doc_text(doc)
    runs = cjk_runs(text)
    t_ms = doc_time_ms(doc)
    rank = int(doc.get("severity_rank", severity_rank(doc.get("severity") or "info")))
    fields: dict[str, Any] = {
        "id": doc["id"],
        # "|" between runs keeps a phrase from matching across a space or punctuation.
        "cjk": " | ".join(" ".join(bigrams(run)) for run in runs),
        "uni": " ".join({c for run in runs for c in run}),
        "words": text,
        "severity_rank": rank,
        "has_media": 1 if doc.get("has_media") else 0,
        "k_time": t_ms,
        "k_sev": rank * SEV_SHIFT + t_ms,
        "payload": json.dumps(doc, ensure_ascii=False, default=str).encode("utf-8"),
    }
    if t_ms:
        fields["published_at"] = datetime.fromtimestamp(t_ms / 1000, UTC)
    for name in KEYWORD_FIELDS:
        value = doc.get(name)
        if value in (None, "", []):
            continue
        fields[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return tantivy.Document(**fields)


def read_payload(document: Any) -> dict[str, Any]:
    """The hit document stored in a tantivy document's ``payload``."""
    raw = document["payload"][0]
    return json.loads(bytes(raw).decode("utf-8"))
