"""A saved search turned into an ``[[alerts.routes]]`` rule (TOML to paste into the configuration)."""

from __future__ import annotations

import json
import re

from index.query import parse


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def route_toml(name: str, query: str) -> str:
    """The rule for ``query``: labels, platforms, sources, employees and severity carry over.

    Free text, phrases, dates, authors and statuses cannot be expressed by a route; they are
    listed in a comment so nobody believes the rule is narrower than it is.
    """
    req = parse(query)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "saved-search"
    lines = [
        f"# From the saved search {name!r}: {query}",
        "[[alerts.routes]]",
        f"name = {json.dumps(slug)}",
        'urls = ["mailto://…"]  # where the legal team wants these alerts',
    ]
    if req.labels:
        lines.append(f"labels = {_list(req.labels)}")
    lines.append(f"min_severity = {json.dumps(req.severity_min or 'medium')}")
    for key, values in (("platforms", req.platforms), ("sources", req.sources), ("employees", req.employees)):
        if values:
            lines.append(f"{key} = {_list(values)}")
    dropped = []
    if req.text.strip() or req.phrases:
        dropped.append("the words " + " ".join([req.text, *(f'"{p}"' for p in req.phrases)]).strip())
    if req.since or req.until:
        dropped.append("the dates")
    if req.authors or req.statuses or req.assignees or req.has_media is not None:
        dropped.append("author/status/assignee/media filters")
    if dropped:
        lines.append(
            f"# Not expressible in a route (alerts match on structured fields): {', '.join(dropped)}."
        )
    return "\n".join(lines) + "\n"
