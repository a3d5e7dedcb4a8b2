"""The query language people type, parsed once into an :class:`index.base.SearchRequest`.

Grammar (whitespace separates terms; every filter is ANDed with the text)::

    query    := term*
    term     := phrase | filter | word
    phrase   := '"' chars '"'                     exact sequence, e.g. "ミナト通信 最悪"
    filter   := field ':' value (',' value)*       values of one field are ORed
    value    := word | phrase

Fields: ``label``, ``platform``, ``source``, ``employee``, ``status``, ``author``,
``assignee`` (keyword filters), ``severity`` (at least this severity), ``since`` and
``until`` (``YYYY-MM-DD``, an ISO timestamp, or a relative ``30d``/``12h``/``2w`` meaning
that long ago; ``until`` is exclusive), ``has:media`` / ``media:yes|no`` and
``sort:relevance|newest|oldest|severity``. Example::

    詐欺 label:defamation employee:E003 platform:5ch since:2026-10-01 status:open

Errors raise :class:`crawler.exceptions.QuerySyntaxError` with the position of the
offending character, so the message draws a caret under it.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.exceptions import QuerySyntaxError
from crawler.items import SEVERITIES
from index.base import SearchRequest

_LIST_FIELDS = {
    "label": "labels",
    "labels": "labels",
    "platform": "platforms",
    "source": "sources",
    "employee": "employees",
    "status": "statuses",
    "author": "authors",
    "assignee": "assignees",
}
_SORTS = ("relevance", "newest", "oldest", "severity")
_YES = {"yes", "true", "1", "y"}
_NO = {"no", "false", "0", "n"}
_RELATIVE = re.compile(r"^(\d+)([hdw])$")
_FIELD = re.compile(r"([A-Za-z_]+):")
KNOWN_FIELDS = (*sorted(_LIST_FIELDS), "severity", "since", "until", "has", "media", "sort")


def _error(message: str, query: str, position: int) -> QuerySyntaxError:
    return QuerySyntaxError(message, query=query, position=position)


def parse_date(value: str, *, now: datetime | None = None) -> datetime:
    """``YYYY-MM-DD``, an ISO timestamp or ``<n>h|d|w`` ago, as an aware datetime (UTC if naive)."""
    m = _RELATIVE.match(value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        delta = {"h": timedelta(hours=n), "d": timedelta(days=n), "w": timedelta(weeks=n)}[unit]
        return (now or datetime.now(UTC)) - delta
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class _Scanner:
    def __init__(self, query: str) -> None:
        self.q = query
        self.i = 0

    def skip_space(self) -> None:
        while self.i < len(self.q) and self.q[self.i].isspace():
            self.i += 1

    def quoted(self) -> str:
        start = self.i
        end = self.q.find('"', start + 1)
        if end < 0:
            raise _error(
                f'The quote at position {start} is never closed; add a closing " after the phrase.',
                self.q,
                start,
            )
        self.i = end + 1
        return self.q[start + 1 : end]

    def bare(self, stop: str = "") -> str:
        start = self.i
        while self.i < len(self.q) and not self.q[self.i].isspace() and self.q[self.i] not in stop:
            self.i += 1
        return self.q[start : self.i]


def parse(query: str, base: SearchRequest | None = None, *, now: datetime | None = None) -> SearchRequest:
    """Parse ``query`` into a :class:`SearchRequest`; filters are added to those of ``base``."""
    req = base or SearchRequest()
    words: list[str] = [req.text] if req.text.strip() else []
    phrases: list[str] = list(req.phrases)
    lists: dict[str, list[str]] = {attr: list(getattr(req, attr)) for attr in set(_LIST_FIELDS.values())}
    updates: dict[str, Any] = {}
    s = _Scanner(query)
    while True:
        s.skip_space()
        if s.i >= len(query):
            break
        if query[s.i] == '"':
            phrase = s.quoted().strip()
            if phrase:
                phrases.append(phrase)
            continue
        m = _FIELD.match(query, s.i)
        if not m:
            start = s.i
            word = s.bare()
            if '"' in word:
                raise _error(
                    f"A quote inside the word {word!r} at position {start}; put spaces around "
                    "quoted phrases.",
                    query,
                    start + word.index('"'),
                )
            words.append(word)
            continue
        name, field_pos = m.group(1).lower(), s.i
        s.i = m.end()
        values: list[tuple[str, int]] = []
        while True:
            vpos = s.i
            value = s.quoted() if s.i < len(query) and query[s.i] == '"' else s.bare(stop=',"')
            if not value.strip():
                raise _error(
                    f"The filter {name}: at position {field_pos} has an empty value; write it as "
                    f"{name}:VALUE (for example label:defamation).",
                    query,
                    vpos,
                )
            values.append((value, vpos))
            if s.i < len(query) and query[s.i] == ",":
                s.i += 1
                continue
            break
        _apply(name, field_pos, values, query, lists, updates, now)
    changes: dict[str, Any] = {attr: tuple(dict.fromkeys(v)) for attr, v in lists.items()}
    changes.update(updates, text=" ".join(words), phrases=tuple(phrases))
    return dataclasses.replace(req, **changes)


def _apply(
    name: str,
    field_pos: int,
    values: list[tuple[str, int]],
    query: str,
    lists: dict[str, list[str]],
    updates: dict[str, Any],
    now: datetime | None,
) -> None:
    if name in _LIST_FIELDS:
        lists[_LIST_FIELDS[name]].extend(v for v, _ in values)
        return
    if len(values) > 1 and name not in _LIST_FIELDS:
        raise _error(
            f"The filter {name}: takes one value, not a list; remove the commas.", query, values[1][1] - 1
        )
    value, vpos = values[0]
    low = value.lower()
    if name == "severity":
        if low not in SEVERITIES:
            raise _error(
                f"Unknown severity {value!r} at position {vpos}; use one of {', '.join(SEVERITIES)}.",
                query,
                vpos,
            )
        updates["severity_min"] = low
    elif name in ("since", "until"):
        try:
            updates[name] = parse_date(value, now=now)
        except ValueError:
            raise _error(
                f"{value!r} at position {vpos} is not a date; use YYYY-MM-DD, an ISO timestamp or "
                "a relative age such as 30d, 12h or 2w.",
                query,
                vpos,
            ) from None
    elif name == "has":
        if low != "media":
            raise _error(f"has:{value} is not known; the only form is has:media.", query, vpos)
        updates["has_media"] = True
    elif name == "media":
        if low not in _YES | _NO:
            raise _error(f"media:{value} is not yes or no; write media:yes or media:no.", query, vpos)
        updates["has_media"] = low in _YES
    elif name == "sort":
        if low not in _SORTS:
            raise _error(f"Unknown sort {value!r}; use one of {', '.join(_SORTS)}.", query, vpos)
        updates["sort"] = low
    else:
        raise _error(
            f"Unknown field {name!r} at position {field_pos}; the fields are {', '.join(KNOWN_FIELDS)}. "
            f'To search for the text itself, put it in quotes: "{name}:{value}".',
            query,
            field_pos,
        )


def to_query_string(req: SearchRequest) -> str:
    """The query-language form of ``req`` (for display and saved searches)."""
    parts: list[str] = [req.text] if req.text else []
    parts += [f'"{p}"' for p in req.phrases]
    for name, attr in (
        ("label", "labels"),
        ("platform", "platforms"),
        ("source", "sources"),
        ("employee", "employees"),
        ("status", "statuses"),
        ("author", "authors"),
        ("assignee", "assignees"),
    ):
        values = getattr(req, attr)
        if values:
            parts.append(f"{name}:" + ",".join(f'"{v}"' if " " in v else v for v in values))
    if req.severity_min:
        parts.append(f"severity:{req.severity_min}")
    if req.since:
        parts.append(f"since:{req.since.isoformat()}")
    if req.until:
        parts.append(f"until:{req.until.isoformat()}")
    if req.has_media is not None:
        parts.append("media:" + ("yes" if req.has_media else "no"))
    return " ".join(parts)
