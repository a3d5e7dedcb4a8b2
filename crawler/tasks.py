"""Periodic tasks the daemon runs (registered in ``MAMORI_DAEMON_TASKS``).

Each is ``func(config)`` and returns something truthy to log when it did work.
"""

from __future__ import annotations

import logging
import subprocess
from typing import Any

logger = logging.getLogger("mamori.daemon")


def capture_evidence(config: Any, *, limit: int = 20) -> str | None:
    """Capture queued hits (PDF, PNG, WARC, signed manifest) in a child process.

    A child keeps Chromium's memory and crashes out of the daemon, and its timeout bounds a
    page that hangs while printing. APScheduler never runs two of these at once.
    """
    from crawler.daemon import track_child
    from evidence.queue import capture_command, due

    waiting = due(config)
    if not waiting:
        return None
    timeout = limit * (3 * float(config.evidence.page_timeout) + 10)
    proc = subprocess.Popen(
        capture_command(str(config.config_path), limit=limit),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    with track_child(proc):
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            logger.error(
                "Evidence capture took longer than %.0f s and was stopped; it resumes next time.", timeout
            )
            return None
    if proc.returncode != 0:
        tail = " | ".join((err or "").strip().splitlines()[-3:])
        logger.error("Evidence capture exited with code %s: %s", proc.returncode, tail)
        return None
    return f"captured evidence for up to {min(waiting, limit)} hit(s)"


def evidence_retention(config: Any) -> str | None:
    """Delete expired evidence: hits without a case after the retention period, closed cases
    after the hold."""
    from cases.model import OPEN_STATUSES
    from cases.store import CaseStore
    from evidence.retention import apply_retention

    cases = CaseStore(config).list()
    open_ids = {c.hit_id for c in cases if c.status in OPEN_STATUSES}
    closed = {c.hit_id: c.updated_at for c in cases if c.status == "closed" and c.hit_id not in open_ids}
    result = apply_retention(config, open_ids, closed)
    if not (result.deleted_captures or result.deleted_objects or result.deleted_failed):
        return None
    return (
        f"retention deleted {len(result.deleted_captures)} capture(s), {result.deleted_objects} object(s), "
        f"{result.deleted_failed} failed capture record(s)"
    )
