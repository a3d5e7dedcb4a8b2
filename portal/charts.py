"""Server-side SVG charts for the dashboard (no JavaScript): lines over days, horizontal bars."""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup

from index.base import SearchRequest

PALETTE = ("#c0392b", "#2471a3", "#229954", "#b9770e", "#7d3c98", "#17a589", "#566573", "#a04000")


def _e(value: Any) -> str:
    return html.escape(str(value))


def line_chart(
    title: str, days: list[str], series: dict[str, list[int]], *, width: int = 640, height: int = 220
) -> Markup:
    left, right, top, bottom = 36, 130, 10, 30
    w, h = width - left - right, height - top - bottom
    step = max(1, math.ceil(max([1, *(v for values in series.values() for v in values)]) / 4))
    peak = step * 4
    n = max(len(days) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="chart">',
        f"<title>{_e(title)}</title>",
    ]
    for i in range(5):
        y = top + h - h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{step * i}</text>'
        )
    for i, day in enumerate(days):
        if i % max(1, len(days) // 6) == 0:
            x = left + w * i / n
            parts.append(
                f'<text x="{x:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{_e(day[5:10])}</text>'
            )
    for k, (name, values) in enumerate(sorted(series.items())):
        color = PALETTE[k % len(PALETTE)]
        points = " ".join(
            f"{left + w * i / n:.1f},{top + h - h * v / peak:.1f}" for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}">'
            f"<title>{_e(name)}: {sum(values)}</title></polyline>"
        )
        parts.append(f'<rect x="{left + w + 10}" y="{top + 14 * k}" width="10" height="10" fill="{color}"/>')
        parts.append(
            f'<text x="{left + w + 24}" y="{top + 9 + 14 * k}" font-size="11">{_e(name)} ({sum(values)})</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 640) -> Markup:
    bar_h, gap, left = 18, 6, 160
    height = max(1, len(items)) * (bar_h + gap) + 10
    peak = max([1, *(v for _k, v in items)])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="chart">',
        f"<title>{_e(title)}</title>",
    ]
    if not items:
        parts.append('<text x="10" y="20" font-size="12">no data yet</text>')
    for i, (name, value) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        bw = (width - left - 60) * value / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" font-size="11" text-anchor="end">{_e(name[:28])}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{bw:.1f}" height="{bar_h}" fill="{PALETTE[1]}">'
            f"<title>{_e(name)}: {value}</title></rect>"
        )
        parts.append(f'<text x="{left + bw + 4:.1f}" y="{y + 13}" font-size="11">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def dashboard_charts(portal: Any, case_store: Any, *, days: int = 30) -> list[tuple[str, Markup]]:
    now = datetime.now(UTC)
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    day_keys = [(since + timedelta(days=i)).date().isoformat() for i in range(days)]
    # An open-ended range trips the tantivy backend (include_upper on an unbounded side): bound it.
    until = now + timedelta(days=1)
    overall = portal.hits.search(SearchRequest(since=since, until=until, size=0, facets=True))
    series: dict[str, list[int]] = {}
    for label in sorted(overall.facets.get("labels", {})):
        res = portal.hits.search(
            SearchRequest(since=since, until=until, labels=(label,), size=0, histogram_interval="day")
        )
        counts = {k[:10]: v for k, v in res.histogram}
        series[label] = [counts.get(d, 0) for d in day_keys]
    platforms = sorted(overall.facets.get("platform", {}).items(), key=lambda kv: -kv[1])
    sources = sorted(overall.facets.get("source", {}).items(), key=lambda kv: -kv[1])[:10]
    buckets = {"< 1 day": 0, "1-7 days": 0, "7-30 days": 0, "> 30 days": 0}
    for case in case_store.list(open_only=True):
        age = (now - case.opened_at).days
        key = "< 1 day" if age < 1 else "1-7 days" if age < 7 else "7-30 days" if age < 30 else "> 30 days"
        buckets[key] += 1
    return [
        (f"Hits per day by label (last {days} days)", line_chart("Hits per day by label", day_keys, series)),
        ("Hits by platform", bar_chart("Hits by platform", platforms)),
        ("Top sources", bar_chart("Top sources", sources)),
        ("Open cases by age", bar_chart("Open cases by age", list(buckets.items()))),
    ]
