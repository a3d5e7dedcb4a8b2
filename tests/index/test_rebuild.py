"""Upgrading an index made by an older mamori: refused with a clear message, then rebuilt
from the documents it stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import tantivy

from crawler.exceptions import IndexBackendError
from index.base import SearchRequest
from index.maintenance import rebuild_tantivy
from index.tantivy_index import TantivyIndex
from tests.index.corpus import make_docs


def _old_index(path: Path, docs: list[dict[str, Any]]) -> None:
    """The walking skeleton's layout (schema version 1): id, n-gram text, payload."""
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    sb.add_text_field("text", stored=False)
    sb.add_bytes_field("payload", stored=True, indexed=False, fast=False)
    path.mkdir(parents=True)
    (path / "mamori-schema.json").write_text(json.dumps({"version": 1}))
    old = tantivy.Index(sb.build(), path=str(path))
    writer = old.writer(50_000_000, 1)
    for doc in docs:
        writer.add_document(
            tantivy.Document(
                id=doc["id"], text=doc["text"], payload=json.dumps(doc, ensure_ascii=False).encode()
            )
        )
    writer.commit()
    writer.wait_merging_threads()


def test_old_schema_is_refused_then_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index"
    docs = make_docs(2)
    _old_index(path, docs)
    with pytest.raises(
        IndexBackendError, match=r"schema version 1, this mamori needs 2\. Run 'mamori index rebuild'"
    ):
        TantivyIndex(path)
    assert rebuild_tantivy(path) == len(docs)
    index = TantivyIndex(path, readonly=True)
    assert index.count() == len(docs)
    assert index.get(docs[5]["id"]) == docs[5]
    assert index.search(SearchRequest(text="詐欺")).total == sum("詐欺" in d["text"] for d in docs)
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # the old folder is gone


def test_a_reader_before_the_first_write_leaves_a_usable_index(tmp_path: Path) -> None:
    path = tmp_path / "index"
    assert TantivyIndex(path, readonly=True).search(SearchRequest(text="詐欺")).total == 0
    writer = TantivyIndex(path)
    writer.upsert(make_docs(1))
    writer.commit()
    assert TantivyIndex(path, readonly=True).count() == 10
    writer.close()
