"""Alembic environment of the workflow tables: runs on the connection mamori passes in."""

from __future__ import annotations

from alembic import context

from cases.db import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - mamori always passes a connection
    raise RuntimeError("Run these migrations through cases.db.ensure_schema(engine).")
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
