"""The crawl's batched writes (crawler/batch.py) and the detector worker (crawler/detect_worker.py):
alert, capture-queue and seen rows commit together or not at all; a failed flush loses nothing;
detection in the worker finds exactly what in-process detection finds, also when the worker dies."""

from __future__ import annotations

import json
import multiprocessing
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from alerts.outbox import Outbox
from alerts.routes import matching_routes
from crawler.batch import CrawlBatch
from crawler.config import load_config
from crawler.exceptions import DetectorError
from crawler.items import Finding, Post, Span
from crawler.state import State, alert_outbox, seen_posts
from demo.site import DemoSite
from detectors.base import Detector
from evidence import db as evidence_db
from evidence.db import evidence_queue
from evidence.queue import queue_row, write_queue_rows
from tests.alerts.conftest import make_post
from tests.conftest import crawl, demo_sources, mamori

ROUTES = """
[[alerts.routes]]
name = "legal"
urls = ["json://127.0.0.1:9/nowhere"]

[[alerts.routes]]
name = "grouped"
urls = ["json://127.0.0.1:9/nowhere"]
group_window_minutes = 30

[[alerts.routes]]
name = "morning"
urls = ["json://127.0.0.1:9/nowhere"]
mode = "digest"
"""


def count(state: State, table: Any) -> int:
    with state.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def queue_post(config: Any, outbox: Outbox, batch: CrawlBatch, post: Post) -> None:
    """What the evidence and alert stages and the last stage do for one hit."""

    def write_alerts(conn: Any, rows: list[Any]) -> None:
        outbox.write_many(rows, conn)

    for route, findings in matching_routes(config.alerts.routes, post):
        batch.add(write_alerts, outbox.prepare(post, route, findings, portal_url=config.alerts.portal_url))
    batch.add(write_evidence, queue_row(post))
    batch.mark_seen(post.source, post.id, post.content_hash())


def write_evidence(conn: Any, rows: list[dict[str, Any]]) -> None:
    write_queue_rows(conn, rows)


@pytest.fixture
def config(make_config: Any) -> Any:
    return load_config(make_config(ROUTES), check_sources=False)


def test_a_failed_flush_commits_nothing_keeps_its_rows_and_the_next_one_writes_them_once(config: Any) -> None:
    state = State.from_config(config)
    evidence_db.ensure(state)
    outbox = Outbox(state)
    batch = CrawlBatch(state, size=1000, seconds=3600)
    posts = [make_post(n, thread="t1") for n in range(1, 4)]
    for post in posts:
        queue_post(config, outbox, batch, post)
    assert count(state, alert_outbox) == count(state, seen_posts) == 0, "nothing before the flush"

    # The capture queue is written after the outbox in the same transaction: make it fail.
    with state.begin() as conn:
        conn.execute(text("ALTER TABLE evidence_queue RENAME TO evidence_queue_away"))
    with pytest.raises(Exception, match="evidence_queue"):
        batch.flush()
    assert count(state, alert_outbox) == 0, "the outbox rows were rolled back with the failed capture rows"
    assert count(state, seen_posts) == 0, "no post is marked seen without its alerts and capture"

    with state.begin() as conn:
        conn.execute(text("ALTER TABLE evidence_queue_away RENAME TO evidence_queue"))
    batch.flush()
    assert count(state, seen_posts) == 3
    assert count(state, evidence_queue) == 3
    rows = {(r.hit_id, r.route): r for r in outbox.list()}
    assert len(rows) == 9, "three posts x three routes, each once"
    assert {rows[(p.id, "legal")].status for p in posts} == {"pending"}
    assert {rows[(p.id, "morning")].status for p in posts} == {"digest"}
    grouped = [rows[(p.id, "grouped")] for p in posts]
    assert grouped[0].status == "pending" and grouped[0].group_id is None
    assert [g.status for g in grouped[1:]] == ["grouped", "grouped"], "one alert for a thread, not three"
    assert {g.group_id for g in grouped[1:]} == {grouped[0].id}

    # The same posts again (a re-crawl after a crash): no second alert, no second capture.
    for post in posts:
        queue_post(config, outbox, batch, post)
    batch.flush()
    assert len(outbox.list()) == 9
    assert count(state, evidence_queue) == 3


def test_batch_write_matches_one_by_one_enqueueing(config: Any, tmp_path: Path) -> None:
    posts = [
        make_post(1, thread="a"),
        make_post(2, thread="a"),
        make_post(3, thread="b", severity="critical"),
    ]
    state = State.from_config(config)
    outbox = Outbox(state)
    batch = CrawlBatch(state, size=1000, seconds=3600)
    for post in posts:
        queue_post(config, outbox, batch, post)
    batch.flush()

    one_by_one = State(f"sqlite:///{tmp_path / 'one_by_one.db'}")
    reference = Outbox(one_by_one)
    for post in posts:
        for route, findings in matching_routes(config.alerts.routes, post):
            reference.enqueue(post, route, findings, portal_url=config.alerts.portal_url)

    def shape(box: Outbox) -> list[tuple[Any, ...]]:
        ids = {r.id: (r.hit_id, r.route) for r in box.list()}
        return sorted(
            (r.hit_id, r.route, r.status, r.severity, r.title, ids.get(r.group_id) if r.group_id else None)
            for r in box.list()
        )

    assert shape(outbox) == shape(reference)


def test_a_batch_is_committed_after_at_most_batch_seconds(config: Any) -> None:
    state = State.from_config(config)
    batch = CrawlBatch(state, size=1000, seconds=0)
    batch.mark_seen("news", "rss:1", "abc")
    assert count(state, seen_posts) == 1, "a slow crawl does not hold its hits back until 1,000 posts"


def test_finding_to_dict_is_the_dataclass_as_a_dict() -> None:
    finding = Finding(
        "names", "employee_named", "low", 0.9, "why", (Span(1, 3, "田中", "title"),), "E001", (("k", 1),)
    )
    expected = asdict(finding)
    expected["spans"] = [asdict(s) for s in finding.spans]
    expected["extra"] = {"k": 1}
    assert finding.to_dict() == expected


# -- the detector worker, through real crawls of the demo site ------------------------------


class ExitInWorker(Detector):
    """Kills the process it runs in when that is a worker forked by multiprocessing."""

    name = "exit_in_worker"
    labels = ()

    def detect(self, post: Post) -> list[Finding]:
        if multiprocessing.parent_process() is not None:
            os._exit(3)
        return []


class FailsOnEveryPost(Detector):
    """A detector that fails on every post (its errors are counted, the others still run)."""

    name = "fails_on_every_post"
    labels = ()

    def detect(self, post: Post) -> list[Finding]:
        raise DetectorError(f"Cannot read post {post.id}.")


DETECTORS = {
    "detectors.company.CompanyMentionDetector": 100,
    "detectors.names.EmployeeNameDetector": 110,
    "detectors.personal_info.PersonalInfoDetector": 400,
    "detectors.harassment.HarassmentDetector": 500,
}


def crawl_with(make_config: Any, tmp_path: Path, site: DemoSite, name: str, settings: str) -> tuple[Any, str]:
    target = make_config(f"[crawler.settings]\n{settings}\n" + demo_sources(site), folder=tmp_path / name)
    logs = ""
    for source in ("board", "reviews"):
        proc = mamori("crawl", source, "--config", str(target), "--json")
        logs += proc.stderr
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        assert summary["items"] > 0
        logs += f"\nworker posts: {summary['stats'].get('mamori/detectors/worker_posts', 0)}\n"
        logs += f"detector errors: {summary['stats'].get('mamori/detectors/errors', 0)}\n"
    found = json.loads(mamori("search", "--config", str(target), "--json", "--limit", "200").stdout)
    docs = {
        h["id"]: sorted(
            (f["label"], f.get("employee_id") or "", json.dumps(f["spans"])) for f in h["findings"]
        )
        for h in found["hits"]
    }
    return docs, logs


def test_detection_in_the_worker_finds_exactly_what_in_process_detection_finds(
    make_config: Any, tmp_path: Path, site: DemoSite
) -> None:
    inline, _ = crawl_with(make_config, tmp_path, site, "inline", "MAMORI_DETECT_WORKERS = 0")
    worker, logs = crawl_with(
        make_config, tmp_path, site, "worker", "MAMORI_DETECT_WORKER_AFTER = 0\nMAMORI_DETECT_BATCH = 4"
    )
    assert len(inline) >= 8
    assert worker == inline
    assert "worker posts: 0" not in logs, "both crawls detected in the worker"
    assert "detector worker process failed" not in logs


def test_a_dead_worker_loses_no_finding(make_config: Any, tmp_path: Path, site: DemoSite) -> None:
    inline, _ = crawl_with(make_config, tmp_path, site, "inline", "MAMORI_DETECT_WORKERS = 0")
    detectors = ", ".join(f'"{k}" = {v}' for k, v in DETECTORS.items())
    worker, logs = crawl_with(
        make_config,
        tmp_path,
        site,
        "dying",
        "MAMORI_DETECT_WORKER_AFTER = 2\nMAMORI_DETECT_BATCH = 4\n"
        f'MAMORI_DETECTORS = {{ {detectors}, "tests.test_crawl_batch.ExitInWorker" = 600 }}',
    )
    assert worker == inline
    assert "The detector worker process failed" in logs
    assert "detecting the rest of this crawl in the crawl process" in logs


def test_crawl_log_has_no_line_per_item(make_config: Any, site: DemoSite) -> None:
    config = make_config(
        f"""
        [[sources]]
        type = "rss"
        name = "board"
        url = "http://127.0.0.1:{site.port}/ja/feed.xml"
        schedule = "1m"
        """
    )
    first = mamori("crawl", "board", "--config", str(config), "--json")
    again = mamori("crawl", "board", "--config", str(config), "--json")
    assert json.loads(first.stdout.strip().splitlines()[-1])["items"] > 0
    # Scrapy logs every item at DEBUG and every dropped (already seen) one at WARNING.
    assert "Scraped from" not in first.stderr
    assert "Dropped:" not in again.stderr
    assert crawl(config, "board")["items"] == 0


def test_component_settings_merge_into_mamoris_and_false_switches_one_off(
    make_config: Any, tmp_path: Path, site: DemoSite
) -> None:
    docs, logs = crawl_with(
        make_config,
        tmp_path,
        site,
        "merged",
        'MAMORI_DETECTORS = { "detectors.harassment.HarassmentDetector" = false, '
        '"detectors.text_model.TextModelDetector" = false }\n'
        'ITEM_PIPELINES = { "cases.pipeline.ReuploadCasePipeline" = false }',
    )
    labels = {label for findings in docs.values() for label, _employee, _spans in findings}
    assert "employee_named" in labels, "the other detectors and every other stage still run"
    assert "personal_info" in labels, "the personal-information detector still runs"
    assert not labels & {"insult", "defamation", "threat"}, "the rules and the model for them are off"
    assert "crawler.pipelines.dedupe.DedupePipeline" in logs, "Scrapy lists the enabled pipelines"
    assert "ReuploadCasePipeline" not in logs


def test_detector_errors_in_the_worker_are_counted_once_per_post(
    make_config: Any, tmp_path: Path, site: DemoSite
) -> None:
    failing = 'MAMORI_DETECTORS = { "tests.test_crawl_batch.FailsOnEveryPost" = 600 }'
    inline, inline_logs = crawl_with(
        make_config, tmp_path, site, "inline", f"MAMORI_DETECT_WORKERS = 0\n{failing}"
    )
    worker, worker_logs = crawl_with(
        make_config,
        tmp_path,
        site,
        "worker",
        f"MAMORI_DETECT_WORKER_AFTER = 3\nMAMORI_DETECT_BATCH = 4\n{failing}",
    )
    assert worker == inline, "a failing detector does not stop the others"

    def errors(logs: str) -> list[str]:
        return [line for line in logs.splitlines() if line.startswith("detector errors:")]

    assert errors(worker_logs) == errors(inline_logs)
    assert all(line != "detector errors: 0" for line in errors(inline_logs))
