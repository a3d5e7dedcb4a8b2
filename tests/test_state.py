"""The state database shared by crawl processes and the daemon."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from crawler.exceptions import StateError
from crawler.state import State, create_tables, create_tables_now


def _open(url: str, barrier: Any) -> None:
    barrier.wait()
    State(url).close()


def _all_at_once(target: Callable[[str, Any], None], url: str, processes: int) -> list[int | None]:
    """Run ``target(url, barrier)`` in ``processes`` forked processes released together; their
    exit codes."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(processes)
    procs = [ctx.Process(target=target, args=(url, barrier)) for _ in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return [p.exitcode for p in procs]


def test_processes_creating_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    for i in range(5):
        assert _all_at_once(_open, f"sqlite:///{tmp_path / f's{i}.db'}", 4) == [0] * 4


def test_source_values_round_trip(tmp_path: Path) -> None:
    state = State(f"sqlite:///{tmp_path / 'state.db'}")
    state.set_value("src", "cursor", {"after": "t3_x", "n": 3})
    state.set_value("src", "cursor", {"after": "t3_y", "n": 4})
    assert state.get_value("src", "cursor") == {"after": "t3_y", "n": 4}
    assert state.get_value("src", "missing", 7) == 7
    assert state.source_values("src") == {"cursor": {"after": "t3_y", "n": 4}}


def _open_with_package_tables(url: str, barrier: Any) -> None:
    from evidence.db import ensure
    from sustained.store import ensure_tables

    state = State(url)
    barrier.wait()
    ensure(state)
    ensure_tables(state)
    state.close()


def test_processes_adding_package_tables_at_once_all_succeed(tmp_path: Path) -> None:
    # Two crawls of one data folder starting together (the Redis frontier's case): the state
    # tables exist, the evidence and sustained-harassment tables are created on first use.
    for i in range(20):
        url = f"sqlite:///{tmp_path / f'p{i}.db'}"
        State(url).close()
        assert _all_at_once(_open_with_package_tables, url, 6) == [0] * 6


class _FlakyMeta:
    """A MetaData whose create_all fails like the loser of a creation race, then succeeds."""

    def __init__(self, error: str, failures: int) -> None:
        self.error, self.failures, self.calls = error, failures, 0

    def create_all(self, engine: Any, tables: Any = None) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("CREATE TABLE evidence_queue", {}, Exception(self.error))


def test_a_lost_creation_race_is_tried_again(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    for error in ("table evidence_queue already exists", "database is locked"):
        meta = _FlakyMeta(error, failures=2)
        create_tables_now(meta, engine)  # type: ignore[arg-type]
        assert meta.calls == 3


def test_other_database_errors_say_which_database(tmp_path: Path) -> None:
    engine = create_engine("postgresql://mamori:s3cret@127.0.0.1:1/state")
    meta = _FlakyMeta("disk I/O error", failures=1)
    with pytest.raises(StateError, match=r"cannot be opened: .*disk I/O error") as info:
        create_tables_now(meta, engine)  # type: ignore[arg-type]
    assert "s3cret" not in str(info.value) and "127.0.0.1:1/state" in str(info.value)
    assert meta.calls == 1


def test_tables_are_created_once_per_process_and_database(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'once.db'}")
    meta = _FlakyMeta("", failures=0)
    create_tables(meta, engine)  # type: ignore[arg-type]
    create_tables(meta, engine)  # type: ignore[arg-type]
    assert meta.calls == 1
