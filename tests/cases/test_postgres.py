"""The workflow tables on PostgreSQL: migrations, a case's life and the append-only audit
log, on a throw-away cluster started on 127.0.0.1 (skipped without PostgreSQL binaries)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cases.conftest import index_posts, make_post

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / name).exists():
            return str(root / name)
    return None


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed.")
    prefix: list[str] = []
    # pytest's tmp_path is private to its user; the cluster may run as another one.
    top = Path(tempfile.mkdtemp(prefix="mamori-pg-"))
    top.chmod(0o755)
    data = top / "pg"
    data.mkdir()
    if os.geteuid() == 0:  # initdb refuses root: run the cluster as the postgres user
        if not shutil.which("runuser"):
            pytest.skip("Running as root without runuser: cannot start PostgreSQL.")
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(data, "postgres")
    port = _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "mamori", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {data}"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", opts, "-w", "-l", str(data / "log"), "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://mamori@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(top, ignore_errors=True)


def test_cases_on_postgresql(make_config: Any, postgres_url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from cases.store import CaseStore
    from crawler.config import load_config
    from tests.conftest import BASE_CONFIG

    base = BASE_CONFIG.replace('data_dir = "data"', f'data_dir = "data"\nstate_url = "{postgres_url}"')
    config = load_config(make_config("", base=base), check_sources=False)
    post = make_post(5)
    index_posts(config, post)
    store = CaseStore(config)
    case = store.open(post.id, actor="a")
    store.set_status(case.id, "takedown_requested", actor="b", note="sent")
    assert store.get(case.id).takedown_requested_at is not None
    assert [e.action for e in store.events(case.id)] == ["opened", "status"]
    with pytest.raises(DBAPIError, match="append-only"), store.state.begin() as conn:
        conn.execute(text("DELETE FROM case_events"))
    assert len(store.events(case.id)) == 2
    # The alert outbox with its metadata works there too (grouping, ack).
    from alerts.outbox import Outbox

    outbox = Outbox(store.state)
    assert outbox.insert(hit_id=post.id, route="legal", title="t", body="b", severity="high") is not None
    assert outbox.insert(hit_id=post.id, route="legal", title="t", body="b", severity="high") is None
    row = outbox.due()[0]
    outbox.mark_sent(row.id)
    assert outbox.ack(row.id, by="suzuki").acked_by == "suzuki"
