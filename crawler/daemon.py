"""The daemon behind ``mamori run``.

* APScheduler with a persistent SQLAlchemy job store (SQLite in the data directory):
  one job per source, coalescing missed runs, never two runs of one source at once.
* Every crawl runs as a child process (Scrapy's reactor cannot restart in one process);
  each run is recorded (start, end, items, hits, errors) and a crash is recorded, not fatal.
* The single index writer drains the hand-off queue into the index.
* The alert dispatcher delivers due alerts from the outbox through Apprise.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from crawler.config import MamoriConfig, load_config
from crawler.exceptions import IndexBackendError, MamoriError
from crawler.state import State, now, runs

logger = logging.getLogger("mamori.daemon")

_children: dict[int, subprocess.Popen[bytes]] = {}
_children_lock = threading.Lock()
_stopped_by_daemon: set[int] = set()
"""Pids of crawl children the daemon terminated because it was shutting down."""


@contextmanager
def track_child(proc: subprocess.Popen[Any]) -> Iterator[None]:
    """Remember a child process so the daemon terminates it on shutdown."""
    with _children_lock:
        _children[proc.pid] = proc
    try:
        yield
    finally:
        with _children_lock:
            _children.pop(proc.pid, None)


def crawl_command(config_path: str, source: str, run_id: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        source,
        "--config",
        config_path,
        "--run-id",
        str(run_id),
        "--no-index",
    ]


def run_source_job(config_path: str, source: str) -> None:
    """Run one crawl of ``source`` as a child process and record it (an APScheduler job)."""
    config = load_config(config_path)
    state = State.from_config(config)
    started = now()
    with state.begin() as conn:
        run_id = int(
            conn.execute(
                runs.insert().values(source=source, started_at=started, status="running")
            ).inserted_primary_key[0]  # type: ignore[index]
        )
    log_dir = config.data_dir / "logs" / source
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"run-{run_id}.log"
    status, error = "ok", None
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            crawl_command(str(config.config_path), source, run_id),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        with track_child(proc):
            try:
                code = proc.wait(timeout=config.daemon.crawl_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                code = None
    with _children_lock:
        stopped = proc.pid in _stopped_by_daemon
        _stopped_by_daemon.discard(proc.pid)
    if stopped:
        # Not the source's fault: no last_error. Posts not yet saved are simply crawled again.
        status = "stopped"
    elif code is None:
        status, error = (
            "timeout",
            f"The crawl took longer than {config.daemon.crawl_timeout:.0f} s and was stopped.",
        )
    elif code != 0:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
        status = "failed"
        error = (
            f"The crawl process exited with code {code}: "
            + (" | ".join(tail) or "no output")
            + f" (log: {log_path})"
        )
    with state.begin() as conn:
        conn.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values(status=status, ended_at=now(), error=error, pid=proc.pid)
        )
        row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().one()
    if stopped:
        logger.info(
            "Crawl of %s (run %d) was stopped with the daemon; posts it had not saved are crawled again "
            "next time.",
            source,
            run_id,
        )
    elif error:
        state.set_value(source, "last_error", {"at": now().isoformat(), "message": error})
        logger.error("Crawl of %s (run %d) %s: %s", source, run_id, status, error)
    else:
        took = (now() - started).total_seconds()
        logger.info(
            "Crawl of %s (run %d) finished in %.1f s: %s new or edited post(s), %s hit(s), %s error(s).",
            source,
            run_id,
            took,
            row["items"],
            row["hits"],
            row["errors"],
        )


def run_task(path: str, config: MamoriConfig) -> None:
    """Run one periodic task (``func(config)``); a failure is logged and retried next time."""
    from detectors.base import load_object

    try:
        result = load_object(path)(config)
    except MamoriError as exc:
        logger.error("Task %s failed: %s", path, exc)
    except Exception:
        logger.exception("Task %s crashed; it runs again at its next interval.", path)
    else:
        if result:
            logger.info("Task %s: %s", path, result)


class Daemon:
    """Schedules crawls and runs the index writer and the alert dispatcher until stopped."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        on_tick: Callable[[Daemon], None] | None = None,
        serve_portal: bool | None = None,
    ) -> None:
        self.config_path = str(Path(config_path).resolve())
        self.config: MamoriConfig = load_config(self.config_path)
        self.state = State.from_config(self.config)
        self.stop_event = threading.Event()
        self.on_tick = on_tick
        self.scheduler: Any = None
        self.index: Any = None
        self.indexed = 0
        self.alerts_sent = 0
        self.sustained: Any = None
        self.serve_portal = self.config.portal.enabled if serve_portal is None else serve_portal
        self.portal: Any = None
        self.hook_errors = 0

    def _make_scheduler(self) -> Any:
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        url = f"sqlite:///{self.config.data_dir / 'scheduler.db'}"
        from apscheduler.jobstores.memory import MemoryJobStore

        return BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=url), "memory": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max(4, len(self.config.sources) + 1))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )

    def reconcile_jobs(self) -> None:
        """Make the persistent jobs match the configured sources (added, changed, removed)."""
        wanted = {f"source:{s.name}": s for s in self.config.sources if s.enabled}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("source:") and job.id not in wanted:
                self.scheduler.remove_job(job.id)
                logger.info("Removed the schedule of %s (no longer configured).", job.id[7:])
        for job_id, source in wanted.items():
            existing = self.scheduler.get_job(job_id)
            trigger = source.schedule.trigger("UTC")
            if (
                existing is None
                or str(existing.trigger) != str(trigger)
                or existing.args[0] != self.config_path
            ):
                self.scheduler.add_job(
                    "crawler.daemon:run_source_job",
                    trigger=trigger,
                    args=[self.config_path, source.name],
                    id=job_id,
                    name=f"crawl {source.name}",
                    replace_existing=True,
                    next_run_time=datetime.now(UTC),
                )
                logger.info("Scheduled %s (%s): %s.", source.name, source.type, source.schedule)

    def schedule_tasks(self) -> None:
        """Periodic maintenance tasks from ``MAMORI_DAEMON_TASKS`` (dotted path -> seconds)."""
        from crawler.runner import with_defaults

        tasks = with_defaults(
            {"MAMORI_DAEMON_TASKS": self.config.crawler.settings.get("MAMORI_DAEMON_TASKS", {})}
        )
        for path, seconds in tasks["MAMORI_DAEMON_TASKS"].items():
            if not seconds:
                continue
            self.scheduler.add_job(
                run_task,
                trigger="interval",
                seconds=seconds,
                args=[path, self.config],
                id=f"task:{path}",
                name=path,
                jobstore="memory",
                replace_existing=True,
                next_run_time=datetime.now(UTC),
            )

    def after_indexing(self, docs: list[dict[str, Any]]) -> None:
        """Hooks run by the single writer on every committed batch (in order, idempotent)."""
        from alerts.saved_searches import alert_saved_searches

        try:  # an index error propagates: the batch is replayed and the rules run again
            alert_saved_searches(self.config, self.state, self.index, docs)
        except IndexBackendError:
            raise
        except Exception:
            self.hook_errors += 1
            logger.exception("Saved-search alert rules failed on a batch of %d hit(s).", len(docs))
        try:
            if self.sustained is None:
                from sustained.engine import SustainedEngine

                self.sustained = SustainedEngine(self.config, self.state)
            report = self.sustained.process(docs)
        except Exception:
            # Indexing matters more than the follow-up analysis: log, count, go on.
            self.hook_errors += 1
            logger.exception(
                "Sustained-harassment analysis failed on a batch of %d hit(s); the hits are indexed.",
                len(docs),
            )
            return
        if report.escalations or report.incidents_opened:
            logger.warning(
                "Sustained harassment: %d author escalation(s), %d burst incident(s) opened.",
                len(report.escalations),
                len(report.incidents_opened),
            )

    def index_tick(self) -> None:
        from crawler.handoff import drain
        from index import open_index

        try:
            if self.index is None:
                self.index = open_index(self.config)
            n = drain(self.state, self.index, on_indexed=self.after_indexing)
        except IndexBackendError as exc:
            logger.warning(
                "The index is not available (%s); hits stay queued and will be indexed later.", exc
            )
            self.index = None
            return
        if n:
            self.indexed += n
            logger.info("Indexed %d hit(s).", n)

    def alert_tick(self) -> None:
        from alerts.dispatch import Dispatcher
        from alerts.outbox import Outbox

        sent, _failed = Dispatcher(self.config, Outbox(self.state)).dispatch_due()
        self.alerts_sent += sent

    def run(self, *, duration: float | None = None) -> None:
        from crawler.handoff import writer_lock

        with writer_lock(self.config.data_dir) as mine:
            if not mine:
                raise MamoriError(
                    f"Another mamori daemon is running on {self.config.data_dir} (it holds the index "
                    "writer lock). Stop it first, or use a different data_dir."
                )
            self.start_portal()
            self.scheduler = self._make_scheduler()
            self.scheduler.start(paused=True)
            self.reconcile_jobs()
            self.schedule_tasks()
            self.scheduler.resume()
            deadline = time.monotonic() + duration if duration else None
            next_index = next_alert = 0.0
            try:
                while not self.stop_event.is_set():
                    t = time.monotonic()
                    if deadline and t >= deadline:
                        break
                    if t >= next_index:
                        try:
                            self.index_tick()
                        except Exception:
                            logger.exception("The index writer failed; hits stay queued and are retried.")
                            self.index = None
                        next_index = t + self.config.daemon.index_interval
                    if t >= next_alert:
                        try:
                            self.alert_tick()
                        except MamoriError as exc:
                            logger.error("Alert dispatch failed: %s", exc)
                        next_alert = t + self.config.daemon.alert_interval
                    if self.on_tick:
                        self.on_tick(self)
                    self.stop_event.wait(0.5)
            finally:
                self.shutdown()

    def start_portal(self) -> None:
        """Serve the portal in a thread of the daemon (``[portal] enabled``)."""
        if not self.serve_portal:
            return
        from portal import serve_in_thread

        try:
            self.portal = serve_in_thread(self.config)
        except OSError as exc:
            logger.error(
                "The portal could not listen on %s:%s (%s); the daemon runs without it. Change [portal] port "
                "or stop what uses it.",
                self.config.portal.host,
                self.config.portal.port,
                exc,
            )
            return

    def shutdown(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.portal is not None:
            self.portal.stop()
            self.portal = None
        with _children_lock:
            for proc in list(_children.values()):
                _stopped_by_daemon.add(proc.pid)
                proc.terminate()
        if self.index is not None:
            try:
                self.index_tick()
            finally:
                self.index.close()
                self.index = None

    def stop(self) -> None:
        self.stop_event.set()
