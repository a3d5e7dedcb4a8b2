"""Handing hits from crawl processes to the single index writer.

Crawl processes never open the index for writing. Their pipeline appends each hit document
to ``index_queue`` in the state database (a durable, transactional queue: a committed row
survives a crash of either side). The daemon's writer (:func:`drain`) takes a batch, upserts
it into the index, commits the index, and only then deletes the rows. If the writer dies
between the index commit and the delete, the rows are replayed; upserts are idempotent by
post id, so nothing is lost and nothing is duplicated. While the index is down the rows
simply wait (they are the spool).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from crawler.exceptions import IndexBackendError
from crawler.state import State, index_queue, now
from index.base import Index

logger = logging.getLogger(__name__)


def enqueue(state: State, doc: dict[str, Any]) -> None:
    with state.begin() as conn:
        conn.execute(
            index_queue.insert().values(
                post_id=doc["id"],
                doc=json.dumps(doc, ensure_ascii=False, default=str),
                enqueued_at=now(),
                attempts=0,
            )
        )


def pending(state: State) -> int:
    with state.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(index_queue)).scalar_one())


def drain(
    state: State,
    index: Index,
    *,
    batch: int = 500,
    max_batches: int | None = None,
    on_indexed: Callable[[list[dict[str, Any]]], Any] | None = None,
) -> int:
    """Move queued hits into the index; return how many were indexed.

    On an index error the batch stays queued (attempts and last_error are recorded) and the
    error is raised so the caller can back off. ``on_indexed`` is called with each committed
    batch before its rows leave the queue: if it fails, the batch is replayed later, so it
    must be idempotent (the sustained-harassment engine is).
    """
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with state.engine.connect() as conn:
            rows = conn.execute(
                select(index_queue.c.id, index_queue.c.doc).order_by(index_queue.c.id).limit(batch)
            ).all()
        if not rows:
            break
        # Last write wins when a post was queued twice in one batch (edited between crawls).
        docs: dict[str, dict[str, Any]] = {}
        for _row_id, raw in rows:
            doc = json.loads(raw)
            docs[doc["id"]] = doc
        ids = [r[0] for r in rows]
        try:
            index.upsert(docs.values())
            index.commit()
        except IndexBackendError as exc:
            with state.begin() as conn:
                conn.execute(
                    update(index_queue)
                    .where(index_queue.c.id.in_(ids))
                    .values(attempts=index_queue.c.attempts + 1, last_error=str(exc))
                )
            raise
        if on_indexed is not None:
            on_indexed(list(docs.values()))
        with state.begin() as conn:
            conn.execute(delete(index_queue).where(index_queue.c.id.in_(ids)))
        total += len(docs)
        batches += 1
    return total


@contextmanager
def writer_lock(data_dir: Path, *, blocking: bool = False) -> Iterator[bool]:
    """Hold the single-writer lock of the index; yields False if another process holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "index-writer.lock"
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
