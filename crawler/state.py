"""The state database (SQLite by default, any SQLAlchemy URL such as PostgreSQL for scale).

Tables: ``seen_posts`` (incremental crawling), ``source_state`` (cursors and each source's
last success and error), ``runs`` (every crawl), ``index_queue`` (hits handed from crawl
processes to the single index writer) and ``alert_outbox`` (alerts waiting for delivery).
SQLite runs in WAL mode with a busy timeout so crawl processes and the daemon share it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from crawler.exceptions import StateError

metadata = MetaData()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


seen_posts = Table(
    "seen_posts",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("post_id", String(500), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

source_state = Table(
    "source_state",
    metadata,
    Column("source", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(200), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),  # running, ok, failed, timeout, stopped
    Column("pid", Integer),
    Column("items", Integer, default=0),
    Column("new_posts", Integer, default=0),
    Column("hits", Integer, default=0),
    Column("errors", Integer, default=0),
    Column("error", Text),
    Column("stats", Text),
)

index_queue = Table(
    "index_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("post_id", String(500), nullable=False, index=True),
    Column("doc", Text, nullable=False),
    Column("enqueued_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)

alert_outbox = Table(
    "alert_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hit_id", String(500), nullable=False),
    Column("route", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # pending, sent, failed
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("severity", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    UniqueConstraint("hit_id", "route", name="uq_alert_hit_route"),
)


def now() -> datetime:
    return datetime.now(UTC)


def dialect_insert(dialect: str, table: Table) -> Any:
    """The ``INSERT`` of SQLite or PostgreSQL (by dialect name), which has ``ON CONFLICT``."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def insert_ignoring_conflicts(conn: Connection, table: Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` for the connection's dialect (SQLite or PostgreSQL).

    Unlike catching ``IntegrityError``, this leaves the surrounding transaction usable, so a
    batch of rows can hold duplicates without failing as a whole."""
    return dialect_insert(conn.dialect.name, table).on_conflict_do_nothing()


_created: set[tuple[str, int, tuple[str, ...]]] = set()
_created_lock = threading.Lock()


def create_tables(meta: MetaData, engine: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create ``tables`` (default: all of ``meta``) once per process and database."""
    key = (str(engine.url), id(meta), tuple(sorted(t.name for t in tables)) if tables else ())
    with _created_lock:
        if key not in _created:
            create_tables_now(meta, engine, tables)
            _created.add(key)


def create_tables_now(meta: MetaData, engine: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create ``tables`` (default: all of ``meta``) that do not exist yet.

    Two processes opening a new database at once can both see a table missing (the loser gets
    "already exists") or meet while SQLite switches to WAL ("database is locked"): both simply
    try again, and the second finds the tables there.
    """
    for attempt in range(5):
        try:
            meta.create_all(engine, tables=tables)
            return
        except OperationalError as exc:
            retryable = "already exists" in str(exc) or "database is locked" in str(exc)
            if not retryable or attempt == 4:
                where = engine.url.render_as_string(hide_password=True)
                raise StateError(f"The database at {where!r} cannot be opened: {exc}.") from exc
            time.sleep(0.1 * (attempt + 1))


class State:
    """Access to the state database. Cheap to create; use one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        connect_args: dict[str, Any] = {}
        if url.startswith("sqlite"):
            connect_args = {"timeout": 30}
        try:
            self.engine: Engine = create_engine(url, connect_args=connect_args, future=True)
        except Exception as exc:
            raise StateError(f"The state database URL {url!r} is not usable: {exc}.") from exc
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create_tables(url)

    def _create_tables(self, url: str) -> None:
        create_tables_now(metadata, self.engine)

    @classmethod
    def from_config(cls, config: Any) -> State:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(config.state_url)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- source cursors and health -------------------------------------------------------
    def get_value(self, source: str, key: str, default: Any = None) -> Any:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(source_state.c.value).where(source_state.c.source == source, source_state.c.key == key)
            ).first()
        return json.loads(row[0]) if row else default

    def set_value(self, source: str, key: str, value: Any, conn: Connection | None = None) -> None:
        data = json.dumps(value, ensure_ascii=False, default=str)

        def _do(c: Connection) -> None:
            updated = c.execute(
                source_state.update()
                .where(source_state.c.source == source, source_state.c.key == key)
                .values(value=data)
            ).rowcount
            if not updated:
                c.execute(source_state.insert().values(source=source, key=key, value=data))

        if conn is not None:
            _do(conn)
        else:
            with self.begin() as c:
                _do(c)

    def source_values(self, source: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(source_state.c.key, source_state.c.value).where(source_state.c.source == source)
            ).all()
        return {k: json.loads(v) for k, v in rows}

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # The busy timeout first, so that switching to WAL waits for a concurrent opener.
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


__all__ = [
    "State",
    "_utc",
    "alert_outbox",
    "index_queue",
    "metadata",
    "now",
    "runs",
    "seen_posts",
    "source_state",
]
