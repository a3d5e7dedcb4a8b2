"""``mamori search QUERY``: search the hit index with the query language of :mod:`index.query`.

Example: ``mamori search 詐欺 label:defamation employee:E003 since:30d --sort newest``.
The options ``--label --since --until`` add to the filters written in the query.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime

import click

from crawler.commands._options import config_option, load


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD or an ISO timestamp.") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _plain(snippet: str) -> str:
    return re.sub(r"</?mark>", lambda m: "\x1b[1;33m" if m.group(0) == "<mark>" else "\x1b[0m", snippet)


@click.command(name="search")
@config_option
@click.argument("query", nargs=-1)
@click.option("--label", "labels", multiple=True, help="Only hits with this label (repeatable).")
@click.option("--since", help="Only posts published on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Only posts published before this date (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "severity"]), default=None)
@click.option("--limit", type=click.IntRange(0, 10_000), default=20, show_default=True)
@click.option("--after", "after", default=None, help="Next page: the 'next_search_after' printed by --json.")
@click.option(
    "--histogram",
    type=click.Choice(["hour", "day", "week"]),
    default=None,
    help="Add a time histogram (with --json).",
)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable results (with facets).")
def command(
    config_path: str,
    query: tuple[str, ...],
    labels: tuple[str, ...],
    since: str | None,
    until: str | None,
    sort: str | None,
    limit: int,
    after: str | None,
    histogram: str | None,
    as_json: bool,
) -> None:
    """Search indexed hits: free text in Japanese or English, with field filters.

    \b
    Fields: label platform source employee status author assignee (comma = or),
    severity (at least), since/until (YYYY-MM-DD or 30d), has:media, sort.
    Quote phrases: "ミナト通信 最悪".
    """
    from index import open_index
    from index.base import SearchRequest
    from index.query import parse

    config = load(config_path)
    search_after = None
    if after:
        try:
            search_after = json.loads(after)
        except ValueError:
            search_after = None
        if not isinstance(search_after, list):
            raise click.BadParameter(
                f"{after!r} is not a sort key; pass the JSON list printed as next_search_after.",
                param_hint="--after",
            ) from None
    base = SearchRequest(
        labels=labels,
        since=_date(since),
        until=_date(until),
        size=limit,
        facets=as_json,
        histogram_interval=histogram,
        search_after=search_after,
    )
    request = parse(" ".join(query), base)
    if sort:
        request = dataclasses.replace(request, sort=sort)  # type: ignore[arg-type]
    elif request.sort == "relevance" and not (request.text.strip() or request.phrases):
        request = dataclasses.replace(request, sort="newest")
    index = open_index(config, readonly=True)
    try:
        result = index.search(request)
    finally:
        index.close()
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
                    "histogram": result.histogram,
                    "next_search_after": result.next_search_after,
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
