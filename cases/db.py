"""The workflow tables in the state database (cases, their audit log, alert metadata, the
fingerprints of cases' media).

They are created and upgraded by Alembic (``cases/migrations``, version table
``mamori_workflow_version``) the first time a process opens them, so SQLite and PostgreSQL
state databases evolve the same way. The skeleton's own tables are still made by
:class:`crawler.state.State`.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.exc import DBAPIError

from crawler.exceptions import StateError

VERSION_TABLE = "mamori_workflow_version"
HEAD_REVISION = "0002"
"""The newest migration in ``cases/migrations/versions`` (a test keeps them equal)."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

metadata = MetaData()

alert_extra = Table(
    "alert_extra",
    metadata,
    Column("outbox_id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # alert, digest, escalation, clock
    Column("group_key", String(600)),
    Column("group_id", Integer, index=True),
    Column("post_url", Text),
    Column("employees", Text),
    Column("acked_at", DateTime(timezone=True)),
    Column("acked_by", String(200)),
    Column("escalated_at", DateTime(timezone=True)),
    Column("escalation_of", Integer),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hit_id", String(500), nullable=False, index=True),
    Column("status", String(40), nullable=False),
    Column("assignee", String(200), nullable=False, default=""),
    Column("platform", String(100), nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("hit_doc", Text, nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("takedown_requested_at", DateTime(timezone=True)),
    Column("offender_identified_at", DateTime(timezone=True)),
    Column("removed_at", DateTime(timezone=True)),
    Column("removal_evidence", Text),
    Column("last_checked_at", DateTime(timezone=True)),
    Column("linked_case_id", Integer),
)

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("from_status", String(40)),
    Column("to_status", String(40)),
    Column("detail", Text, nullable=False, default=""),
)

case_media = Table(
    "case_media",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # image, audio
    Column("sha256", String(64), nullable=False),  # of the media file, not kept itself
    Column("source", String(20), nullable=False),  # evidence, fetched
    Column("media_url", Text, nullable=False, default=""),
    Column("phashes", Text),  # 64-bit perceptual hashes (hex, comma-separated) of the image and crops
    Column("chromaprint", Text),  # JSON list of 32-bit sub-fingerprints (audio, first minutes)
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "sha256", "kind", name="uq_case_media"),
)
"""Fingerprints of the media of posts under a case (see :mod:`cases.media_prints`): only
hashes, never the media themselves, and only for the legal team's own cases."""

_done: set[str] = set()
_lock = threading.Lock()


def _current(engine: Any) -> str | None:
    try:
        with engine.connect() as conn:
            row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
    except DBAPIError:
        return None
    return str(row[0]) if row else None


def ensure_schema(engine: Any) -> None:
    """Bring the workflow tables to the newest migration (once per process and database)."""
    key = str(engine.url)
    with _lock:
        if key in _done:
            return
        if _current(engine) == HEAD_REVISION:  # up to date: skip loading Alembic (crawl start-up)
            _done.add(key)
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("version_table", VERSION_TABLE)
        last: Exception | None = None
        for _attempt in range(5):
            try:
                with engine.begin() as conn:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                last = None
                break
            except DBAPIError as exc:  # another process migrated at the same moment
                last = exc
                time.sleep(0.2)
                if set(inspect(engine).get_table_names()) >= {
                    "cases",
                    "case_events",
                    "alert_extra",
                    "case_media",
                }:
                    last = None
                    break
        if last is not None:
            raise StateError(f"The workflow tables in {engine.url!r} could not be migrated: {last}.")
        _done.add(key)
