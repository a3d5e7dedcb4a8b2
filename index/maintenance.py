"""Moving and re-creating indexes: ``mamori index migrate`` and ``mamori index rebuild``.

* :func:`copy_all` streams every document of one index into another (idempotent upserts,
  so an interrupted copy is simply run again).
* :func:`migrate` copies the embedded tantivy index into Elasticsearch.
* :func:`rebuild_tantivy` writes a fresh index with the current schema from the stored
  documents of the old one (any schema version of mamori) and swaps the folders.
* :func:`rebuild_elasticsearch` copies the documents into ``<prefix>-<next number>`` made
  from the current template, moves the alias there and deletes the old indices.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from crawler.exceptions import IndexBackendError
from index.base import Index

Progress = Callable[[int], None]


def copy_all(
    docs: Iterable[dict[str, Any]], target: Index, *, batch: int = 1000, progress: Progress | None = None
) -> int:
    """Upsert ``docs`` into ``target`` in batches, committing each; return how many."""
    n = 0
    chunk: list[dict[str, Any]] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) >= batch:
            n += target.upsert(chunk)
            target.commit()
            chunk = []
            if progress:
                progress(n)
    if chunk:
        n += target.upsert(chunk)
    target.commit()
    if progress:
        progress(n)
    return n


def migrate(
    config: Any,
    *,
    url: str | None = None,
    prefix: str | None = None,
    node_class: Any = None,
    batch: int = 1000,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy everything from the tantivy index at ``config.index_path`` to Elasticsearch."""
    from index.elasticsearch_index import ElasticsearchIndex
    from index.tantivy_index import TantivyIndex

    path = Path(config.index_path)
    if not (path / "meta.json").exists():
        raise IndexBackendError(
            f"There is no tantivy index at {path} to migrate. Set [index] path to the folder of the "
            "embedded index (default <data_dir>/index)."
        )
    update = {k: v for k, v in (("url", url), ("index_prefix", prefix)) if v}
    target_config = config.model_copy(update={"index": config.index.model_copy(update=update)})
    source = TantivyIndex(path, readonly=True)
    target = ElasticsearchIndex.from_config(target_config, node_class=node_class)
    try:
        expected = source.count()
        copied = copy_all(source.scan(batch=batch), target, batch=batch, progress=progress)
        found = target.count()
    finally:
        target.close()
    if found < expected:
        raise IndexBackendError(
            f"After copying {copied} document(s), Elasticsearch holds {found} of the {expected} in "
            f"{path}. Run 'mamori index migrate' again; it only adds what is missing."
        )
    return {"source": expected, "copied": copied, "target": found}


def _raw_tantivy_docs(path: Path) -> Iterator[dict[str, Any]]:
    """The stored ``payload`` of every document of any mamori tantivy index, schema unknown."""
    import tantivy

    try:
        raw = tantivy.Index.open(str(path))
    except ValueError as exc:
        raise IndexBackendError(
            f"The tantivy index at {path} cannot be read ({exc}); it cannot be rebuilt."
        ) from exc
    searcher = raw.searcher()
    total = searcher.num_docs
    if not total:
        return
    for _score, address in searcher.search(tantivy.Query.all_query(), total, count=False).hits:
        stored = searcher.doc(address)
        yield json.loads(bytes(stored["payload"][0]).decode("utf-8"))


def rebuild_tantivy(path: Path, *, progress: Progress | None = None) -> int:
    """Re-create the index at ``path`` with the current schema; return the documents kept."""
    from index.tantivy_index import TantivyIndex

    fresh = path.with_name(path.name + ".rebuild")
    shutil.rmtree(fresh, ignore_errors=True)
    target = TantivyIndex(fresh)
    docs: Iterable[dict[str, Any]] = _raw_tantivy_docs(path) if (path / "meta.json").exists() else ()
    try:
        n = copy_all(docs, target, batch=5000, progress=progress)
    finally:
        target.close()
    old = path.with_name(f"{path.name}.old-{int(time.time())}")
    if path.exists():
        path.rename(old)
    fresh.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return n


def rebuild_elasticsearch(index: Any, *, progress: Progress | None = None) -> int:
    """Copy every document behind the alias into a new index from the current template."""
    from elasticsearch import helpers

    from index import es_mapping as m

    client, alias = index.client, index.alias
    with index._errors("rebuild the index"):
        old = (
            sorted(client.indices.get_alias(name=alias).body)
            if client.indices.exists_alias(name=alias)
            else []
        )
        numbers = [int(name.rsplit("-", 1)[1]) for name in old if name.rsplit("-", 1)[-1].isdigit()]
        new = f"{alias}-{max(numbers, default=0) + 1:06d}"
        client.indices.put_index_template(name=f"{alias}-template", **m.template_body(alias))
        client.indices.create(index=new)
        docs = (
            m.strip_derived(hit["_source"])
            for name in old
            for hit in helpers.scan(client, index=name, query={"query": {"match_all": {}}})
        )
        n = 0
        chunk: list[dict[str, Any]] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) == 1000:
                n += _bulk_into(index, new, chunk, progress, n)
                chunk = []
        n += _bulk_into(index, new, chunk, progress, n)
        client.indices.refresh(index=new)
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
        client.indices.update_aliases(actions=actions)
        for name in old:
            client.indices.delete(index=name)
    index._ready = False
    return n


def _bulk_into(
    index: Any, target: str, chunk: list[dict[str, Any]], progress: Progress | None, done: int
) -> int:
    from index import es_mapping as m

    if not chunk:
        return 0
    index._bulk(
        [{"_op_type": "index", "_index": target, "_id": d["id"], "_source": m.es_document(d)} for d in chunk],
        "rebuild",
    )
    if progress:
        progress(done + len(chunk))
    return len(chunk)
