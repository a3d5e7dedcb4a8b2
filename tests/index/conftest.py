"""Fixtures for the index contract: both backends behind one ``make_index`` fixture.

Elasticsearch runs against ``osmem-server`` (started once per test session on a free
127.0.0.1 port, reached through :class:`tests.index.esnode.PlainJsonNode`) or, when
``MAMORI_ES_URL`` is set, against that real cluster with the product's own node class.
Every test gets its own index prefix, so tests never see each other's documents.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from index.base import Index
from index.elasticsearch_index import ElasticsearchIndex
from index.tantivy_index import TantivyIndex

BACKENDS = ["tantivy", pytest.param("elasticsearch", marks=pytest.mark.es)]


@pytest.fixture(scope="session")
def es_url() -> Iterator[str]:
    real = os.environ.get("MAMORI_ES_URL")
    if real:
        yield real
        return
    from osmem_server import OsmemServer

    server = OsmemServer.start(japanese=True)
    try:
        yield server.url
    finally:
        server.close()


def es_node_class() -> Any:
    if os.environ.get("MAMORI_ES_URL"):
        return None
    from tests.index.esnode import PlainJsonNode

    return PlainJsonNode


@pytest.fixture
def index_config(request: pytest.FixtureRequest, make_config: Callable[..., Path], tmp_path: Path) -> Any:
    backend = request.param if hasattr(request, "param") else "tantivy"
    if backend == "elasticsearch":
        url = request.getfixturevalue("es_url")
        prefix = f"mamori-test-{uuid.uuid4().hex[:10]}"
        return load_config(
            make_config(f'[index]\nbackend = "elasticsearch"\nurl = "{url}"\nindex_prefix = "{prefix}"\n')
        )
    return load_config(make_config(f'[index]\npath = "{tmp_path / "ix"}"\n'))


@pytest.fixture
def make_index(index_config: Any) -> Iterator[Callable[..., Index]]:
    """Open the test's index (``readonly=`` as in production); all are closed at the end."""
    opened: list[Index] = []

    def _open(*, readonly: bool = False) -> Index:
        if index_config.index.backend == "elasticsearch":
            ix: Index = ElasticsearchIndex.from_config(
                index_config, readonly=readonly, node_class=es_node_class()
            )
        else:
            ix = TantivyIndex.from_config(index_config, readonly=readonly)
        opened.append(ix)
        return ix

    yield _open
    for ix in opened:
        if isinstance(ix, ElasticsearchIndex) and not ix.readonly:
            try:
                ix.client.indices.delete(index=f"{ix.alias}-*")
                ix.client.indices.delete_index_template(name=f"{ix.alias}-template")
            except Exception:
                pass
        ix.close()


@pytest.fixture
def index(make_index: Callable[..., Index]) -> Index:
    return make_index()
