"""Health report and Prometheus text exposition (format 0.0.4), read from the state and the index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, inspect, select, text

from crawler.state import alert_outbox, index_queue, runs
from index.base import SearchRequest


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class _Out:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def metric(
        self, name: str, kind: str, help_text: str, samples: list[tuple[dict[str, str], float]]
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            label = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(labels.items()))
            self.lines.append(f"{name}{{{label}}} {value:g}" if label else f"{name} {value:g}")


def prometheus_text(portal: Any) -> str:
    out = _Out()
    engine = portal.state.engine
    with engine.connect() as conn:
        crawl_rows = conn.execute(
            select(
                runs.c.source,
                runs.c.status,
                func.count(),
                func.coalesce(func.sum(runs.c["items"]), 0),
                func.coalesce(func.sum(runs.c.hits), 0),
            ).group_by(runs.c.source, runs.c.status)
        ).all()
        alert_rows = conn.execute(
            select(alert_outbox.c.status, func.count()).group_by(alert_outbox.c.status)
        ).all()
        index_depth = conn.execute(select(func.count()).select_from(index_queue)).scalar_one()
        tables = set(inspect(conn).get_table_names())
        evidence_depth = 0
        if "evidence_queue" in tables:
            evidence_depth = conn.execute(
                text("SELECT count(*) FROM evidence_queue WHERE status = 'pending'")
            ).scalar_one()
        open_requests = conn.execute(
            text("SELECT count(*) FROM portal_requests WHERE status = 'open'")
        ).scalar_one()
        open_cases = None
        if "cases" in tables:
            open_cases = conn.execute(
                text("SELECT count(*) FROM cases WHERE status != 'closed'")
            ).scalar_one()
    out.metric(
        "mamori_crawls_total",
        "counter",
        "Crawl runs by source and outcome.",
        [({"source": s, "status": st}, n) for s, st, n, _i, _h in crawl_rows],
    )
    out.metric(
        "mamori_items_total", "counter", "Items (posts) crawled, by source.", _sum_by_source(crawl_rows, 3)
    )
    out.metric(
        "mamori_crawl_hits_total",
        "counter",
        "Hits found by crawls, by source.",
        _sum_by_source(crawl_rows, 4),
    )
    by_status = {st: n for st, n in alert_rows}
    out.metric(
        "mamori_alerts_total",
        "counter",
        "Alerts in the outbox by delivery status (sent, failed, pending).",
        [
            ({"status": st}, float(by_status.get(st, 0)))
            for st in sorted({"sent", "failed", "pending", *by_status})
        ],
    )
    labels: dict[str, int] = {}
    total = 0
    try:
        result = portal.hits.search(SearchRequest(size=0, facets=True))
        total = result.total
        labels = result.facets.get("labels", {})
    except Exception:
        total = -1
    out.metric("mamori_hits", "gauge", "Indexed hits (-1: the index cannot be read).", [({}, float(total))])
    out.metric(
        "mamori_hits_by_label",
        "gauge",
        "Indexed hits by finding label.",
        [({"label": k}, float(v)) for k, v in sorted(labels.items())],
    )
    out.metric(
        "mamori_queue_depth",
        "gauge",
        "Rows waiting in the durable queues.",
        [
            ({"queue": "index"}, float(index_depth)),
            ({"queue": "alerts"}, float(by_status.get("pending", 0))),
            ({"queue": "evidence"}, float(evidence_depth)),
            ({"queue": "help_requests"}, float(open_requests)),
        ],
    )
    if open_cases is not None:
        out.metric("mamori_cases_open", "gauge", "Cases not closed.", [({}, float(open_cases))])
    return "\n".join(out.lines) + "\n"


def _sum_by_source(rows: list[Any], column: int) -> list[tuple[dict[str, str], float]]:
    sums: dict[str, float] = {}
    for row in rows:
        sums[row[0]] = sums.get(row[0], 0) + float(row[column] or 0)
    return [({"source": s}, v) for s, v in sorted(sums.items())]


def health(portal: Any) -> dict[str, Any]:
    checks: dict[str, str] = {}
    try:
        with portal.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["state"] = "ok"
    except Exception as exc:
        checks["state"] = f"failed: {type(exc).__name__}"
    try:
        portal.hits.search(SearchRequest(size=0))
        checks["index"] = "ok"
    except Exception as exc:
        checks["index"] = f"failed: {type(exc).__name__}"
    return {"status": "ok" if all(v == "ok" for v in checks.values()) else "degraded", "checks": checks}
