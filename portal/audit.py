"""The audit log: every read of a hit or case, and every change, with who and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from portal.db import audit, aware, ensure, utcnow


class Audit:
    def __init__(self, engine: Any) -> None:
        ensure(engine)
        self.engine = engine

    def record(
        self,
        *,
        username: str,
        role: str,
        action: str,
        object_type: str,
        object_id: str,
        client: str = "",
        detail: str = "",
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(audit).values(
                    at=utcnow(),
                    username=username,
                    role=role,
                    action=action,
                    object_type=object_type,
                    object_id=object_id[:500],
                    client=client[:100],
                    detail=detail,
                )
            )

    def list(self, *, object_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        query = select(audit).order_by(audit.c.id.desc()).limit(limit)
        if object_id is not None:
            query = query.where(audit.c.object_id == object_id)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        for row in rows:
            row["at"] = aware(row["at"])
        return rows
