"""``mamori search QUERY``: search the hit index."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import click

from crawler.commands._options import config_option, load


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or an ISO timestamp.") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _plain(snippet: str) -> str:
    return re.sub(r"</?mark>", lambda m: "\x1b[1;33m" if m.group(0) == "<mark>" else "\x1b[0m", snippet)


@click.command(name="search")
@config_option
@click.argument("query", nargs=-1)
@click.option("--label", "labels", multiple=True, help="Only hits with this label (repeatable).")
@click.option("--since", help="Only posts published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only posts published before this date (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "severity"]), default=None)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable results.")
def command(config_path: str, query: tuple[str, ...], labels: tuple[str, ...], since: str | None,
            until: str | None, sort: str | None, limit: int, as_json: bool) -> None:
    """Search indexed hits: free text in Japanese or English, with filters."""
    from index import open_index
    from index.base import SearchRequest

    config = load(config_path)
    text = " ".join(query)
    request = SearchRequest(
        text=text,
        labels=labels,
        since=_date(since),
        until=_date(until),
        sort=sort or ("relevance" if text.strip() else "newest"),  # type: ignore[arg-type]
        size=limit,
        facets=as_json,
    )
    index = open_index(config, readonly=True)
    result = index.search(request)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "total": result.total,
                    "hits": [
                        {
                            "id": h.id,
                            "score": h.score,
                            "url": h.doc.get("url"),
                            "platform": h.doc.get("platform"),
                            "source": h.doc.get("source"),
                            "published_at": h.doc.get("published_at"),
                            "labels": h.doc.get("labels", []),
                            "severity": h.doc.get("severity"),
                            "employees": h.doc.get("employees", []),
                            "snippet": h.snippet,
                            "findings": h.doc.get("findings", []),
                        }
                        for h in result.hits
                    ],
                    "facets": result.facets,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"{result.total} hit(s)")
    for h in result.hits:
        d = h.doc
        click.echo(
            f"\n[{d.get('severity', '?').upper()}] {', '.join(d.get('labels', []))}  "
            f"{d.get('platform')}/{d.get('source')}  {d.get('published_at') or ''}"
        )
        click.echo(f"  {d.get('url')}")
        click.echo(f"  {_plain(h.snippet)}")
