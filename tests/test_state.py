"""The state database shared by crawl processes and the daemon."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

from crawler.state import State


def _open(url: str, barrier: Any) -> None:
    barrier.wait()
    State(url).close()


def test_processes_creating_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    for i in range(5):
        url = f"sqlite:///{tmp_path / f's{i}.db'}"
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open, args=(url, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0]


def test_source_values_round_trip(tmp_path: Path) -> None:
    state = State(f"sqlite:///{tmp_path / 'state.db'}")
    state.set_value("src", "cursor", {"after": "t3_x", "n": 3})
    state.set_value("src", "cursor", {"after": "t3_y", "n": 4})
    assert state.get_value("src", "cursor") == {"after": "t3_y", "n": 4}
    assert state.get_value("src", "missing", 7) == 7
    assert state.source_values("src") == {"cursor": {"after": "t3_y", "n": 4}}
