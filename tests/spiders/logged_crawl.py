"""A real crawl in a child process whose log records come back into this process's logging.

Scrapy's reactor cannot be restarted, so a crawl runs in a fresh (spawned) process, as
``mamori crawl`` does. The child sends every log record (level DEBUG and up, messages
already formatted) through a queue; here they are handed to the logger of the same name, so
pytest's ``caplog`` sees exactly what the crawl logged.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import queue as queue_module
from pathlib import Path
from typing import Any


class _Relay(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger(record.name).handle(record)


class _Sender(logging.handlers.QueueHandler):
    """Sends a plain copy of each record: Scrapy's records carry the spider (not picklable)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        keep = ("name", "levelno", "levelname", "pathname", "filename", "module", "lineno", "funcName")
        plain = logging.makeLogRecord({k: getattr(record, k) for k in keep})
        plain.msg, plain.created, plain.msecs = message, record.created, record.msecs
        return plain


def _child(config: str, source: str, records: Any, result: Any) -> None:
    root = logging.getLogger()
    root.handlers = [_Sender(records)]
    root.setLevel(logging.DEBUG)
    try:
        from crawler.runner import run_crawl

        result.put(run_crawl(config, source))
    except BaseException as exc:  # the parent reports it
        result.put({"error": f"{type(exc).__name__}: {exc}"})
        raise


def crawl_logged(config: Path, source: str, *, timeout: float = 120) -> dict[str, Any]:
    """Crawl ``source`` (the real runner, a fresh process); return Scrapy's stats."""
    ctx = multiprocessing.get_context("spawn")
    records = ctx.Queue()
    result = ctx.Queue()
    listener = logging.handlers.QueueListener(records, _Relay())
    listener.start()
    proc = ctx.Process(target=_child, args=(str(config), source, records, result))
    proc.start()
    try:
        stats: dict[str, Any] = result.get(timeout=timeout)
    except queue_module.Empty:
        proc.kill()
        raise AssertionError(f"The crawl of {source!r} did not finish within {timeout} s.") from None
    finally:
        proc.join(timeout=30)
        listener.stop()
    if "error" in stats and len(stats) == 1:
        raise AssertionError(f"The crawl of {source!r} failed: {stats['error']}")
    return stats
