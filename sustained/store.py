"""Tables of sustained-harassment tracking, in the state database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, UniqueConstraint

from crawler.state import create_tables, metadata

author_hits = Table(
    "author_hits",
    metadata,
    Column("hit_id", String(500), primary_key=True),
    Column("platform", String(50), nullable=False),
    Column("author_key", String(300), nullable=False, index=True),
    Column("handle", String(300), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("labels", Text, nullable=False),
    Column("employees", Text, nullable=False),
    Column("severity", String(20), nullable=False),
    Column("text_hash", String(64), nullable=False, index=True),
    Column("media_hashes", Text, nullable=False, default="[]"),
    Column("phrases", Text, nullable=False, default="[]"),
    Column("url", Text, nullable=False, default=""),
)

escalations = Table(
    "author_escalations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(50), nullable=False),
    Column("author_key", String(300), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("fired_at", DateTime(timezone=True), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("case_id", Integer),
    Column("hit_ids", Text, nullable=False),
    UniqueConstraint("platform", "author_key", name="uq_escalation_author"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(200), nullable=False, index=True),
    Column("status", String(20), nullable=False),  # open, closed
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("last_hit_at", DateTime(timezone=True), nullable=False),
)

incident_hits = Table(
    "incident_hits",
    metadata,
    Column("incident_id", Integer, primary_key=True),
    Column("hit_id", String(500), primary_key=True),
)

author_links = Table(
    "author_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("a_platform", String(50), nullable=False),
    Column("a_key", String(300), nullable=False),
    Column("b_platform", String(50), nullable=False),
    Column("b_key", String(300), nullable=False),
    Column("reason", String(50), nullable=False),  # same_text, same_media
    Column("hit_ids", Text, nullable=False),
    Column("status", String(20), nullable=False, default="suggested"),  # suggested, confirmed, rejected
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("a_platform", "a_key", "b_platform", "b_key", "reason", name="uq_author_link"),
)


def ensure_tables(state: Any) -> None:
    """Create this package's tables in the state database (once per process and database)."""
    create_tables(metadata, state.engine, [author_hits, escalations, incidents, incident_hits, author_links])
