"""The product's node class asks Elasticsearch for REST compatibility with 8 (accepted by
Elasticsearch 8 and 9), on plain and bulk requests; checked against a local HTTP server
that records what the real client sends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from elasticsearch import Elasticsearch, helpers

from index.elasticsearch_index import CompatNode

SEEN: list[dict[str, str]] = []


class _Recorder(BaseHTTPRequestHandler):
    def log_message(self, *_args: Any) -> None:
        pass

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        SEEN.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path.startswith("/_bulk"):
            body: dict[str, Any] = {
                "took": 1,
                "errors": False,
                "items": [{"index": {"_id": "a", "status": 201}}],
            }
        else:
            body = {"version": {"number": "8.19.0"}, "tagline": "You Know, for Search"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/vnd.elasticsearch+json;compatible-with=8")
        self.send_header("x-elastic-product", "Elasticsearch")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer


def test_compat_node_asks_for_version_8() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Elasticsearch(f"http://127.0.0.1:{server.server_address[1]}", node_class=CompatNode)
        assert client.info()["version"]["number"] == "8.19.0"
        helpers.bulk(client, [{"_index": "x", "_id": "a", "_source": {"id": "a"}}])
        client.close()
    finally:
        server.shutdown()
        server.server_close()
    info, bulk = SEEN[0], SEEN[-1]
    assert info["accept"] == "application/vnd.elasticsearch+json; compatible-with=8"
    assert bulk["path"].startswith("/_bulk")
    assert bulk["content-type"] == "application/vnd.elasticsearch+x-ndjson; compatible-with=8"


def test_errors_never_show_the_password_of_a_url(make_config: Any) -> None:
    import pytest

    from crawler.config import load_config
    from crawler.exceptions import IndexUnavailable
    from index.elasticsearch_index import ElasticsearchIndex
    from tests.index.corpus import make_docs

    config = load_config(
        make_config('[index]\nbackend = "elasticsearch"\nurl = "http://elastic:s3cret@127.0.0.1:9"\n')
    )
    index = ElasticsearchIndex.from_config(config)
    with pytest.raises(IndexUnavailable) as info:
        index.upsert(make_docs(1))
    assert "http://***@127.0.0.1:9 cannot be reached" in str(info.value)
    assert "s3cret" not in str(info.value)
