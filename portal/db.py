"""The portal's own tables in the state database.

``portal_users`` (local accounts, argon2 hashes), ``portal_sessions`` (server-side sessions:
only the SHA-256 of the cookie value is stored, with the CSRF token), ``portal_login_failures``
(throttling), ``portal_audit`` (every read of a hit or case, and every change, by whom),
``portal_names`` (names and nicknames employees register), ``portal_requests`` (an employee
asking the legal team for help on a hit) and ``portal_saved_searches``.
They live in their own :class:`~sqlalchemy.MetaData` and are created on first use.
"""

from __future__ import annotations

from datetime import UTC, datetime
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
)

from crawler.state import create_tables

metadata = MetaData()

ROLES = ("admin", "legal", "employee")

users = Table(
    "portal_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("employee_id", String(64)),
    Column("display_name", String(200), nullable=False, default=""),
    Column("active", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sessions = Table(
    "portal_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("portal_users.id")),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("data", Text, nullable=False, default="{}"),
)

login_failures = Table(
    "portal_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False, index=True),
    Column("client", String(100), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

audit = Table(
    "portal_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("username", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(40), nullable=False),
    Column("object_type", String(20), nullable=False),
    Column("object_id", String(500), nullable=False, index=True),
    Column("client", String(100), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

names = Table(
    "portal_names",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("employee_id", String(64), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("employee_id", "name", name="uq_portal_name"),
)

requests = Table(
    "portal_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("employee_id", String(64), nullable=False, index=True),
    Column("username", String(200), nullable=False),
    Column("hit_id", String(500), nullable=False),
    Column("message", Text, nullable=False, default=""),
    Column("case_id", Integer),
    Column("status", String(20), nullable=False, default="open"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

saved_searches = Table(
    "portal_saved_searches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("portal_users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("query", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def ensure(engine: Any) -> None:
    """Create the portal tables once per process and database."""
    create_tables(metadata, engine)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; they are UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
