"""When the index is down or its writer dies, hits wait in the hand-off queue (the spool)
and are replayed: every hit ends up in the index exactly once, in its last version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from crawler.config import load_config
from crawler.exceptions import IndexUnavailable
from crawler.handoff import drain, enqueue, pending
from crawler.state import State
from index import open_index
from index.base import Index
from index.elasticsearch_index import ElasticsearchIndex
from tests.conftest import REPO
from tests.index.conftest import es_node_class
from tests.index.corpus import make_docs
from tests.index.proxy import TcpProxy


def queue_hits(state: State) -> dict[str, dict[str, Any]]:
    """Queue 60 hits, then edited versions of 10 of them; return the final version of each."""
    docs = make_docs(6)
    final = {d["id"]: d for d in docs}
    for doc in docs:
        enqueue(state, doc)
    for doc in docs[:10]:
        edited = dict(doc, text=doc["text"] + " (編集済み)")
        enqueue(state, edited)
        final[doc["id"]] = edited
    return final


def assert_exactly_once(index: Index, final: dict[str, dict[str, Any]]) -> None:
    stored = list(index.scan(batch=25))
    counts = Counter(d["id"] for d in stored)
    assert set(counts) == set(final)
    assert max(counts.values()) == 1
    assert index.count() == len(final)
    for doc in stored:
        assert doc == final[doc["id"]]


CHILD = textwrap.dedent(
    """
    import sys, time
    from crawler.config import load_config
    from crawler.handoff import drain
    from crawler.state import State
    from index import open_index

    config = load_config(sys.argv[1])
    state, index = State.from_config(config), open_index(config)
    while drain(state, index, batch=5, max_batches=1):
        print("batch", flush=True)
        time.sleep(0.2)
    print("done", flush=True)
    """
)


def test_writer_killed_mid_drain_then_restarted(make_config: Callable[..., Path]) -> None:
    config = load_config(make_config())
    state = State.from_config(config)
    final = queue_hits(state)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config.config_path)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    for _ in range(3):
        assert child.stdout.readline().strip() == "batch"
    os.kill(child.pid, signal.SIGKILL)  # mid-way: between batches or inside one
    child.wait(timeout=30)
    assert 0 < pending(state) < 70
    index = open_index(config)
    try:
        drain(state, index)
        assert pending(state) == 0
        assert_exactly_once(index, final)
    finally:
        index.close()


@pytest.mark.es
def test_cluster_down_mid_crawl_then_back(make_config: Callable[..., Path], es_url: str) -> None:
    target = urlparse(es_url)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 9200)).start()
    config = load_config(
        make_config(
            f'[index]\nbackend = "elasticsearch"\nurl = "{proxy.url}"\nindex_prefix = "mamori-spool-test"\n'
        )
    )
    state = State.from_config(config)
    index = ElasticsearchIndex.from_config(config, node_class=es_node_class())
    try:
        docs = make_docs(5)
        for doc in docs[:30]:
            enqueue(state, doc)
        assert drain(state, index, batch=10, max_batches=1) == 10
        proxy.stop()  # the cluster goes away mid-crawl; the crawl keeps queueing hits
        for doc in docs[30:]:
            enqueue(state, doc)
        with pytest.raises(IndexUnavailable, match="cannot be reached"):
            drain(state, index, batch=10)
        assert pending(state) == 40
        proxy.start()  # back on the same port
        assert drain(state, index, batch=10) == 40
        assert pending(state) == 0
        assert_exactly_once(index, {d["id"]: d for d in docs})
    finally:
        if proxy._listener is None:
            proxy.start()
        index.client.indices.delete(index="mamori-spool-test-*")
        index.close()
        proxy.stop()


def test_open_index_on_an_unreachable_cluster_keeps_hits_queued(make_config: Callable[..., Path]) -> None:
    # The daemon's index tick: open_index + drain on a dead URL raise IndexUnavailable, rows stay.
    config = load_config(make_config('[index]\nbackend = "elasticsearch"\nurl = "http://127.0.0.1:9"\n'))
    state = State.from_config(config)
    enqueue(state, make_docs(1)[0])
    index = open_index(config)
    with pytest.raises(IndexUnavailable):
        drain(state, index)
    assert pending(state) == 1
