"""Cases: opening from a hit, transitions, the append-only audit log, index updates."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cases.model import TRANSITIONS, CaseError
from cases.store import CaseStore
from crawler.handoff import drain
from crawler.state import State


def test_lifecycle_with_audit_log(config: Any, indexed: Any, clock: Any) -> None:
    store = CaseStore(config, clock=clock)
    case = store.open(indexed.id, actor="suzuki", reason="侮辱 (insult) of an employee")
    assert (case.status, case.url, case.platform) == ("new", indexed.url, "rss")
    assert case.text == indexed.text
    clock.advance(minutes=5)
    store.assign(case.id, "tanaka-lawyer", actor="suzuki")
    store.set_status(case.id, "triaged", actor="tanaka-lawyer")
    store.note(case.id, "Sent the 送信防止措置依頼書 by web form.", actor="tanaka-lawyer")
    clock.advance(hours=1)
    case = store.set_status(case.id, "takedown_requested", actor="tanaka-lawyer")
    assert case.takedown_requested_at == clock()
    events = store.events(case.id)
    assert [e.action for e in events] == ["opened", "assigned", "status", "note", "status"]
    assert [(e.from_status, e.to_status) for e in events if e.action == "status"] == [
        ("new", "triaged"),
        ("triaged", "takedown_requested"),
    ]
    assert events[1].detail == "- -> tanaka-lawyer" and events[3].actor == "tanaka-lawyer"
    assert events[0].at < events[-1].at


def test_forbidden_transition_is_refused_with_the_allowed_ones(config: Any, indexed: Any) -> None:
    store = CaseStore(config)
    case = store.open(indexed.id, actor="a")
    with pytest.raises(CaseError, match=r"cannot go from new to refused.*triaged, takedown_requested"):
        store.set_status(case.id, "refused", actor="a")
    with pytest.raises(CaseError, match="'deleted' is not a case status"):
        store.set_status(case.id, "deleted", actor="a")
    assert store.get(case.id).status == "new" and len(store.events(case.id)) == 1
    for source, targets in TRANSITIONS.items():
        assert source not in targets


def test_audit_log_is_append_only_in_the_database(config: Any, indexed: Any) -> None:
    store = CaseStore(config)
    case = store.open(indexed.id, actor="a")
    with pytest.raises(DBAPIError, match="append-only"), store.state.begin() as conn:
        conn.execute(text("UPDATE case_events SET actor = 'mallory'"))
    with pytest.raises(DBAPIError, match="append-only"), store.state.begin() as conn:
        conn.execute(text("DELETE FROM case_events"))
    assert store.events(case.id)[0].actor == "a"


def test_unknown_hit_and_duplicate_case(config: Any, indexed: Any) -> None:
    store = CaseStore(config)
    with pytest.raises(CaseError, match="no hit 'rss:nope'"):
        store.open("rss:nope", actor="a")
    case = store.open(indexed.id, actor="a")
    with pytest.raises(CaseError, match=f"already has the open case {case.id}"):
        store.open(indexed.id, actor="a")


def test_status_and_assignee_reach_the_index_through_the_writer_queue(config: Any, indexed: Any) -> None:
    from index import open_index

    store = CaseStore(config)
    case = store.open(indexed.id, actor="a")
    store.assign(case.id, "tanaka", actor="a")
    store.set_status(case.id, "triaged", actor="a")
    store.set_status(case.id, "takedown_requested", actor="a")
    index = open_index(config)  # the daemon's writer
    try:
        assert index.get(indexed.id)["status"] == "new"
        assert drain(State.from_config(config), index) == 1
        doc = index.get(indexed.id)
        assert (doc["status"], doc["assignee"]) == ("takedown_requested", "tanaka")
        assert doc["text"] == indexed.text and doc["labels"] == ["insult"]
    finally:
        index.close()


def test_head_revision_constant_matches_the_migrations(config: Any) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from cases.db import HEAD_REVISION, MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    with CaseStore(config).state.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT version_num FROM mamori_workflow_version")).scalar_one()
            == HEAD_REVISION
        )


def test_case_fields_for_the_index_hand_off(config: Any, indexed: Any) -> None:
    from cases.store import case_fields

    store = CaseStore(config)
    assert case_fields(store.state, indexed.id) is None
    case = store.open(indexed.id, actor="a", assignee="tanaka")
    store.set_status(case.id, "triaged", actor="a")
    assert case_fields(store.state, indexed.id) == {"status": "triaged", "assignee": "tanaka"}
