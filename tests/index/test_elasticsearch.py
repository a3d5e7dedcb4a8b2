"""Elasticsearch-only behaviour: incompatible mappings, rollover, and backoff on 429."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.exceptions import IndexBackendError
from index.elasticsearch_index import ElasticsearchIndex
from index.es_mapping import ANALYSIS, MAPPINGS
from tests.index.conftest import es_node_class
from tests.index.corpus import make_docs

pytestmark = pytest.mark.es


@pytest.fixture
def open_es(make_config: Callable[..., Path], es_url: str) -> Iterator[Callable[..., ElasticsearchIndex]]:
    opened: list[ElasticsearchIndex] = []

    def _open(url: str = es_url, prefix: str | None = None) -> ElasticsearchIndex:
        prefix = prefix or f"mamori-es-{uuid.uuid4().hex[:8]}"
        config = load_config(
            make_config(f'[index]\nbackend = "elasticsearch"\nurl = "{url}"\nindex_prefix = "{prefix}"\n')
        )
        ix = ElasticsearchIndex.from_config(config, node_class=es_node_class())
        opened.append(ix)
        return ix

    yield _open
    for ix in opened:
        try:
            ix.client.options(ignore_status=404).indices.delete(index=f"{ix.alias}*")
        except Exception:
            pass
        ix.close()


def test_incompatible_mapping_is_refused_with_the_field_named(
    open_es: Callable[..., ElasticsearchIndex],
) -> None:
    ix = open_es()
    ix.client.indices.create(
        index=f"{ix.alias}-000001",
        aliases={ix.alias: {"is_write_index": True}},
        settings={"analysis": ANALYSIS},
        mappings={
            "_meta": {"mamori_schema": 1},
            "properties": {**MAPPINGS["properties"], "time": {"type": "keyword"}},
        },
    )
    with pytest.raises(IndexBackendError, match="maps 'time' as keyword, mamori needs date"):
        ix.upsert(make_docs(1)[:1])
    other = open_es()
    other.client.indices.create(
        index=f"{other.alias}-000001", aliases={other.alias: {}}, mappings={"properties": {}}
    )
    with pytest.raises(IndexBackendError, match="has mamori schema None, this mamori needs 1"):
        other.count()


def test_an_index_where_the_alias_should_be_is_refused(open_es: Callable[..., ElasticsearchIndex]) -> None:
    ix = open_es()
    ix.client.indices.create(index=ix.alias)
    with pytest.raises(IndexBackendError, match="expects a write alias"):
        ix.upsert(make_docs(1)[:1])


def test_upserts_stay_idempotent_after_a_rollover(open_es: Callable[..., ElasticsearchIndex]) -> None:
    ix = open_es()
    docs = make_docs(2)
    ix.upsert(docs[:10])
    ix.commit()
    # What POST <alias>/_rollover does: a new write index from the template behind the alias.
    ix.client.indices.create(index=f"{ix.alias}-000002")
    ix.client.indices.update_aliases(
        actions=[
            {"add": {"index": f"{ix.alias}-000001", "alias": ix.alias, "is_write_index": False}},
            {"add": {"index": f"{ix.alias}-000002", "alias": ix.alias, "is_write_index": True}},
        ]
    )
    edited = dict(docs[0], text="編集 edited")
    ix.upsert([edited, *docs[10:]])
    ix.commit()
    assert ix.count() == len(docs)
    assert ix.get(docs[0]["id"]) == edited
    assert ix.update(docs[1]["id"], {"status": "closed"}) and ix.delete([docs[2]["id"]]) == 1
    ix.commit()
    assert ix.get(docs[1]["id"])["status"] == "closed" and ix.get(docs[2]["id"]) is None
    assert ix.stats()["indices"] == {f"{ix.alias}-000001": 9, f"{ix.alias}-000002": 10}


class _Busy(ThreadingHTTPServer):
    """Answers the first ``busy`` bulk requests with 429 and forwards everything to ``target``."""

    def __init__(self, target: str, busy: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.target, self.busy, self.bulk_calls = target, busy, 0


class _Handler(BaseHTTPRequestHandler):
    server: _Busy

    def log_message(self, *_args: Any) -> None:
        pass

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0)) or None
        if self.path.split("?")[0].endswith("/_bulk"):
            self.server.bulk_calls += 1
            if self.server.bulk_calls <= self.server.busy:
                self._send(
                    429,
                    b'{"error":{"type":"es_rejected_execution_exception","reason":"busy"},"status":429}',
                    {},
                )
                return
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        req = urllib.request.Request(
            self.server.target + self.path, data=body, method=self.command, headers=headers
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                self._send(resp.status, resp.read(), dict(resp.headers))
        except urllib.error.HTTPError as exc:
            self._send(exc.code, exc.read(), dict(exc.headers))

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        for name in ("x-elastic-product",):
            if name in {k.lower() for k in headers}:
                self.send_header(name, "Elasticsearch")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def test_bulk_backs_off_and_retries_on_429(open_es: Callable[..., ElasticsearchIndex], es_url: str) -> None:
    server = _Busy(es_url, busy=2)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ix = open_es(url=f"http://127.0.0.1:{server.server_address[1]}")
        ix.initial_backoff = 0.05
        docs = make_docs(1)
        assert ix.upsert(docs) == len(docs)
        ix.commit()
        assert server.bulk_calls == 3  # two refusals, then accepted
        assert ix.count() == len(docs)
    finally:
        server.shutdown()
        server.server_close()
