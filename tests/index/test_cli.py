"""``mamori search`` and ``mamori index stats|rebuild|migrate`` through the real CLI."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from index.elasticsearch_index import ElasticsearchIndex
from index.maintenance import migrate, rebuild_elasticsearch
from index.tantivy_index import TantivyIndex
from tests.conftest import mamori
from tests.index.conftest import es_node_class
from tests.index.corpus import make_docs


@pytest.fixture
def filled(make_config: Callable[..., Path]) -> tuple[Path, list[dict[str, Any]]]:
    path = make_config()
    config = load_config(path)
    docs = make_docs()
    ix = TantivyIndex.from_config(config)
    ix.upsert(docs)
    ix.commit()
    ix.close()
    return path, docs


def test_search_uses_the_query_language(filled: tuple[Path, list[dict[str, Any]]]) -> None:
    path, docs = filled
    out = mamori(
        "search",
        "詐欺",
        "platform:5ch",
        "--label",
        "defamation",
        "--json",
        "--histogram",
        "day",
        "--config",
        str(path),
    ).stdout
    data = json.loads(out)
    expected = {
        d["id"]
        for d in docs
        if "詐欺" in d["text"] and d["platform"] == "5ch" and "defamation" in d["labels"]
    }
    assert {h["id"] for h in data["hits"]} == expected and data["total"] == len(expected)
    assert all("<mark>詐欺</mark>" in h["snippet"] for h in data["hits"])
    assert data["facets"]["platform"] == {"5ch": len(expected)}
    assert sum(n for _day, n in data["histogram"]) == len(expected)
    # Paging with --after continues where the first page stopped.
    first = json.loads(
        mamori("search", "--sort", "newest", "--limit", "5", "--json", "--config", str(path)).stdout
    )
    after = json.dumps(first["next_search_after"])
    second = json.loads(
        mamori(
            "search", "--sort", "newest", "--limit", "5", "--after", after, "--json", "--config", str(path)
        ).stdout
    )
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    text = mamori("search", "殺", "--config", str(path)).stdout
    assert text.startswith(f"{sum('殺' in d['text'] for d in docs)} hit(s)")


def test_search_syntax_error_points_at_the_position(filled: tuple[Path, list[dict[str, Any]]]) -> None:
    path, _docs = filled
    proc = mamori("search", "詐欺", "labl:threat", "--config", str(path), check=False)
    assert proc.returncode == 2
    assert "Unknown field 'labl' at position 3" in proc.stderr
    assert proc.stderr.rstrip().endswith("     ^")


def test_index_stats_and_rebuild(filled: tuple[Path, list[dict[str, Any]]]) -> None:
    path, docs = filled
    stats = json.loads(mamori("index", "stats", "--json", "--config", str(path)).stdout)
    assert stats["backend"] == "tantivy" and stats["documents"] == len(docs) and stats["queued"] == 0
    assert stats["bytes"] > 0
    out = mamori("index", "rebuild", "--yes", "--config", str(path)).stdout
    assert f"{len(docs)} document(s) kept" in out
    ix = TantivyIndex.from_config(load_config(path), readonly=True)
    assert ix.count() == len(docs)
    assert ix.get(docs[7]["id"]) == docs[7]


def test_migrate_to_an_unreachable_cluster_says_so(filled: tuple[Path, list[dict[str, Any]]]) -> None:
    path, _docs = filled
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = mamori("index", "migrate", "--url", f"http://127.0.0.1:{port}", "--config", str(path), check=False)
    assert proc.returncode == 2
    assert f"Elasticsearch at http://127.0.0.1:{port} cannot be reached" in proc.stderr


@pytest.mark.es
def test_migrate_copies_everything_once_and_rebuild_moves_the_alias(
    filled: tuple[Path, list[dict[str, Any]]], es_url: str
) -> None:
    path, docs = filled
    config = load_config(path)
    prefix = "mamori-migrate-test"
    for _ in range(2):  # a second run adds nothing and duplicates nothing
        result = migrate(config, url=es_url, prefix=prefix, node_class=es_node_class(), batch=7)
        assert result == {"source": len(docs), "copied": len(docs), "target": len(docs)}
    es_config = config.model_copy(
        update={"index": config.index.model_copy(update={"url": es_url, "index_prefix": prefix})}
    )
    es = ElasticsearchIndex.from_config(es_config, node_class=es_node_class())
    try:
        assert es.get(docs[3]["id"]) == docs[3]
        assert rebuild_elasticsearch(es) == len(docs)
        assert sorted(es.client.indices.get_alias(name=prefix).body) == [f"{prefix}-000002"]
        assert es.count() == len(docs) and es.get(docs[3]["id"]) == docs[3]
    finally:
        es.client.indices.delete(index=f"{prefix}-*")
        es.close()
