"""Workflow tables: cases, the append-only case audit log, alert metadata.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alert_extra",
        sa.Column("outbox_id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("group_key", sa.String(600)),
        sa.Column("group_id", sa.Integer, index=True),
        sa.Column("post_url", sa.Text),
        sa.Column("employees", sa.Text),
        sa.Column("acked_at", _TZ),
        sa.Column("acked_by", sa.String(200)),
        sa.Column("escalated_at", _TZ),
        sa.Column("escalation_of", sa.Integer),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hit_id", sa.String(500), nullable=False, index=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(100), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("hit_doc", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("opened_at", _TZ, nullable=False),
        sa.Column("updated_at", _TZ, nullable=False),
        sa.Column("takedown_requested_at", _TZ),
        sa.Column("offender_identified_at", _TZ),
        sa.Column("removed_at", _TZ),
        sa.Column("removal_evidence", sa.Text),
        sa.Column("last_checked_at", _TZ),
        sa.Column("linked_case_id", sa.Integer),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    # The audit log is append-only: the database itself refuses edits and deletions.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER case_events_no_{verb.lower()} BEFORE {verb} ON case_events "
                "BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION mamori_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'case_events is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
            "FOR EACH ROW EXECUTE FUNCTION mamori_append_only()"
        )


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("cases")
    op.drop_table("alert_extra")
