"""The Elasticsearch backend (Elasticsearch 8 and 9, through elasticsearch-py 9).

Configured by ``[index]``: ``backend = "elasticsearch"``, ``url`` (comma-separated for
several nodes), ``index_prefix``, ``username``/``password`` or ``api_key``,
``verify_certs``. On first write it installs the index template and creates
``<prefix>-000001`` behind the write alias ``<prefix>`` (see :mod:`index.es_mapping`).

Upserts are idempotent by id even after a rollover: a document already stored in an older
index is rewritten in place. Bulk requests go through ``helpers.streaming_bulk`` with
retries and exponential backoff on 429. An unreachable cluster raises
:class:`IndexUnavailable` (the hand-off queue keeps the hits until it is back); a mapping
made by something else raises :class:`IndexBackendError` naming the field.

elasticsearch-py 9 asks for REST API compatibility with version 9, which Elasticsearch 8
refuses; :class:`CompatNode` asks for version 8 instead, which both 8 and 9 accept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import elastic_transport
from elastic_transport import Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch, UnsupportedProductError, helpers

from crawler.exceptions import IndexBackendError, IndexUnavailable
from index import es_mapping as m
from index.base import FACET_FIELDS, Index, SearchHit, SearchRequest, SearchResult, check_update
from index.snippets import make_snippet, query_terms

_COMPAT = re.compile(r"compatible-with=\d+")
_USERINFO = re.compile(r"//[^/@]+@")


class CompatNode(Urllib3HttpNode):
    """Ask for REST compatibility with Elasticsearch 8 (accepted by 8 and 9)."""

    def perform_request(  # type: ignore[override]
        self, method: str, target: str, body: bytes | None = None, headers: Any = None, **kwargs: Any
    ) -> Any:
        if headers is not None:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if headers.get(name):
                    headers[name] = _COMPAT.sub("compatible-with=8", headers[name])
        return super().perform_request(method, target, body, headers=headers, **kwargs)


class ElasticsearchIndex(Index):
    name = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch,
        *,
        prefix: str = "mamori-hits",
        readonly: bool = False,
        url: str = "",
        max_retries: int = 5,
        initial_backoff: float = 0.5,
    ) -> None:
        self.client = client
        self.alias = prefix
        self.readonly = readonly
        self.url = url
        self.max_retries = max_retries
        self.initial_backoff = initial_backoff
        self._ready = False

    @classmethod
    def from_config(
        cls, config: Any, *, readonly: bool = False, node_class: Any = None
    ) -> ElasticsearchIndex:
        ic = config.index
        urls = [u.strip() for u in ic.url.split(",") if u.strip()]
        if not urls:
            raise IndexBackendError(
                f"{config.config_path}: [index] backend = 'elasticsearch' needs url, for example "
                'url = "http://127.0.0.1:9200". Set it, or use backend = "tantivy".'
            )
        kwargs: dict[str, Any] = {
            "node_class": node_class or CompatNode,
            "verify_certs": ic.verify_certs,
            "request_timeout": 30,
            "max_retries": 2,
            "retry_on_timeout": True,
        }
        if ic.api_key:
            kwargs["api_key"] = ic.api_key
        elif ic.username:
            kwargs["basic_auth"] = (ic.username, ic.password)
        shown = ", ".join(_USERINFO.sub("//***@", u) for u in urls)  # never show a password in a URL
        return cls(Elasticsearch(urls, **kwargs), prefix=ic.index_prefix, readonly=readonly, url=shown)

    # -- errors and set-up -----------------------------------------------------------------
    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout) as exc:
            raise IndexUnavailable(
                f"Elasticsearch at {self.url or 'the configured url'} cannot be reached to {action} ({exc}). "
                "Check that it runs and that [index] url is right; hits stay queued until it is back."
            ) from exc
        except UnsupportedProductError as exc:
            raise IndexBackendError(
                f"The server at {self.url} does not answer as Elasticsearch ({exc}). Point [index] url "
                "at an Elasticsearch 8 or 9 cluster."
            ) from exc
        except ApiError as exc:
            status = getattr(exc, "status_code", None) or getattr(exc.meta, "status", 0)
            if status in (429, 502, 503, 504):
                raise IndexUnavailable(
                    f"Elasticsearch at {self.url} is overloaded or starting (HTTP {status}) and could not "
                    f"{action}; it will be retried."
                ) from exc
            if status in (401, 403):
                raise IndexBackendError(
                    f"Elasticsearch at {self.url} refused the credentials (HTTP {status}) to {action}. "
                    "Check [index] username/password or api_key and the role's privileges."
                ) from exc
            raise IndexBackendError(
                f"Elasticsearch could not {action}: HTTP {status} {exc.message}."
            ) from exc

    def ensure(self) -> bool:
        """Install the template and first index if missing, and check the mapping; False if absent."""
        if self._ready:
            return True
        with self._errors("check the index"):
            exists = bool(self.client.indices.exists_alias(name=self.alias))
            if not exists and self.client.indices.exists(index=self.alias):
                raise IndexBackendError(
                    f"Elasticsearch has an index named {self.alias!r} where mamori expects a write alias. "
                    "Set [index] index_prefix to another name, or reindex that index and delete it."
                )
            if not exists:
                if self.readonly:
                    return False
                self.client.indices.put_index_template(
                    name=f"{self.alias}-template", **m.template_body(self.alias)
                )
                self.client.indices.create(
                    index=f"{self.alias}-000001", aliases={self.alias: {"is_write_index": True}}
                )
            self._check_mapping(self.client.indices.get_mapping(index=self.alias).body)
        self._ready = True
        return True

    def _check_mapping(self, mappings: dict[str, Any]) -> None:
        for index_name, body in mappings.items():
            mapping = body.get("mappings", {})
            version = (mapping.get("_meta") or {}).get("mamori_schema")
            if version != m.SCHEMA_VERSION:
                raise IndexBackendError(
                    f"The Elasticsearch index {index_name} behind {self.alias!r} has mamori schema {version}, "
                    f"this mamori needs {m.SCHEMA_VERSION}. Set [index] index_prefix to a new name and run "
                    "'mamori index rebuild' (or 'mamori index migrate') to fill it."
                )
            props = mapping.get("properties", {})
            for field, wanted in m.REQUIRED_TYPES.items():
                got = props.get(field, {}).get(
                    "type", "object" if "properties" in props.get(field, {}) else None
                )
                if got != wanted:
                    how = f"maps {field!r} as {got}" if got else f"does not map {field!r}"
                    raise IndexBackendError(
                        f"The Elasticsearch index {index_name} {how}, mamori needs {wanted}: "
                        "the mapping is incompatible. Use a new [index] index_prefix and run 'mamori index rebuild'."
                    )

    def _locate(self, ids: list[str]) -> dict[str, str]:
        """The concrete index of each stored id (documents may live in rolled-over indices)."""
        if not ids:
            return {}
        res = self.client.search(
            index=self.alias, query={"ids": {"values": ids}}, source=False, size=len(ids)
        )
        return {h["_id"]: h["_index"] for h in res["hits"]["hits"]}

    def _bulk(self, actions: list[dict[str, Any]], action: str) -> None:
        failures: list[str] = []
        busy = 0
        with self._errors(action):
            for ok, item in helpers.streaming_bulk(
                self.client,
                actions,
                chunk_size=500,
                max_retries=self.max_retries,
                initial_backoff=self.initial_backoff,
                max_backoff=30,
                raise_on_error=False,
                yield_ok=False,
                ignore_status=(404,) if action == "delete" else (),
            ):
                if not ok:
                    op = next(iter(item.values()))
                    busy += op.get("status") == 429
                    failures.append(f"{op.get('_id')}: {op.get('status')} {op.get('error')}")
        if failures and busy == len(failures):
            raise IndexUnavailable(
                f"Elasticsearch at {self.url} stayed overloaded (HTTP 429) for {busy} document(s) after "
                f"{self.max_retries} retries; they stay queued and will be retried."
            )
        if failures:
            raise IndexBackendError(
                f"Elasticsearch refused {len(failures)} document(s) to {action}; first: {failures[0]}. "
                "They stay queued; fix the cause (often the mapping) and they will be retried."
            )

    # -- writing ---------------------------------------------------------------------------
    def upsert(self, docs: Iterable[dict[str, Any]]) -> int:
        self.ensure()
        batch = list(docs)
        for doc in batch:
            if not doc.get("id"):
                raise IndexBackendError(
                    f"A hit document has no 'id' (keys: {sorted(doc)[:8]}); it cannot be indexed."
                )
        n = 0
        for start in range(0, len(batch), 500):
            chunk = batch[start : start + 500]
            with self._errors("find existing documents"):
                where = self._locate([d["id"] for d in chunk])
            actions = [
                {
                    "_op_type": "index",
                    "_index": where.get(d["id"], self.alias),
                    "_id": d["id"],
                    "_source": m.es_document(d),
                }
                for d in chunk
            ]
            self._bulk(actions, "index")
            n += len(chunk)
        return n

    def commit(self) -> None:
        if self.ensure():
            with self._errors("refresh the index"):
                self.client.indices.refresh(index=self.alias)

    def update(self, doc_id: str, fields: dict[str, Any]) -> bool:
        check_update(doc_id, fields)
        if not self.ensure():
            return False
        with self._errors("update a document"):
            where = self._locate([doc_id])
            if doc_id not in where:
                return False
            self.client.update(index=where[doc_id], id=doc_id, doc=fields, retry_on_conflict=3)
        return True

    def delete(self, ids: Iterable[str]) -> int:
        wanted = list(ids)
        if not wanted or not self.ensure():
            return len(wanted)
        with self._errors("find documents to delete"):
            where = self._locate(wanted)
        self._bulk([{"_op_type": "delete", "_index": i, "_id": d} for d, i in where.items()], "delete")
        return len(wanted)

    def delete_by_query(self, request: SearchRequest) -> int:
        if not self.ensure():
            return 0
        with self._errors("delete by query"):
            res = self.client.delete_by_query(
                index=self.alias, query=m.build_query(request), conflicts="proceed"
            )
        return int(res.get("deleted", 0))

    def close(self) -> None:
        self.client.close()

    # -- reading ---------------------------------------------------------------------------
    def get(self, doc_id: str) -> dict[str, Any] | None:
        if not self.ensure():
            return None
        with self._errors("get a document"):
            res = self.client.search(index=self.alias, query={"ids": {"values": [doc_id]}}, size=1)
        hits = res["hits"]["hits"]
        return m.strip_derived(hits[0]["_source"]) if hits else None

    def search(self, req: SearchRequest) -> SearchResult:
        if not self.ensure():
            return SearchResult(total=0, hits=[])
        body: dict[str, Any] = {
            "query": m.build_query(req),
            "size": max(req.size, 0),
            "sort": m.sort_clause(req),
            "track_total_hits": True,
        }
        if req.search_after:
            body["search_after"] = list(req.search_after)
        aggs = m.aggregations(req)
        if aggs:
            body["aggs"] = aggs
        with self._errors("search"):
            res = self.client.search(index=self.alias, **body)
        terms = query_terms(" ".join([req.text, *req.phrases]))
        hits = []
        for h in res["hits"]["hits"]:
            doc = m.strip_derived(h["_source"])
            key = list(h.get("sort", []))
            score = float(key[0]) if req.effective_sort == "relevance" and key else 0.0
            hits.append(
                SearchHit(
                    id=h["_id"],
                    score=score,
                    doc=doc,
                    snippet=make_snippet(m.doc_text(doc), terms),
                    sort_key=key,
                )
            )
        out = SearchResult(total=int(res["hits"]["total"]["value"]), hits=hits)
        raw = res.get("aggregations", {})
        if req.facets:
            out.facets = {
                name: {str(b["key"]): int(b["doc_count"]) for b in raw.get(name, {}).get("buckets", [])}
                for name in FACET_FIELDS
            }
        if req.histogram_interval:
            from datetime import UTC, datetime

            out.histogram = [
                (datetime.fromtimestamp(b["key"] / 1000, UTC).isoformat(), int(b["doc_count"]))
                for b in raw.get("histogram", {}).get("buckets", [])
                if b["doc_count"]
            ]
        return out

    def stats(self) -> dict[str, Any]:
        if not self.ensure():
            return {"backend": self.name, "documents": 0, "alias": self.alias, "indices": {}}
        with self._errors("read statistics"):
            aliases = self.client.indices.get_alias(name=self.alias).body
            counts = {name: int(self.client.count(index=name)["count"]) for name in sorted(aliases)}
        return {
            "backend": self.name,
            "documents": sum(counts.values()),
            "alias": self.alias,
            "url": self.url,
            "indices": counts,
        }
