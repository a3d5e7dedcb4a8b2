"""The query language: parsing into SearchRequest and errors that point at the position."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.exceptions import QuerySyntaxError
from index.base import SearchRequest
from index.query import parse, to_query_string

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_the_legal_team_example() -> None:
    req = parse("詐欺 label:defamation employee:E003 platform:5ch since:2026-10-01 status:open")
    assert req.text == "詐欺"
    assert req.labels == ("defamation",)
    assert req.employees == ("E003",)
    assert req.platforms == ("5ch",)
    assert req.statuses == ("open",)
    assert req.since == datetime(2026, 10, 1, tzinfo=UTC)


def test_phrases_lists_quoted_values_and_the_rest() -> None:
    req = parse(
        '"ミナト通信 最悪" scam label:threat,insult source:"my board" severity:HIGH has:media '
        "until:2026-10-31T09:00:00+09:00 sort:severity author:@troll assignee:kato",
        now=NOW,
    )
    assert req.phrases == ("ミナト通信 最悪",)
    assert req.text == "scam"
    assert req.labels == ("threat", "insult")
    assert req.sources == ("my board",)
    assert req.severity_min == "high"
    assert req.has_media is True
    assert req.until == datetime(2026, 10, 31, tzinfo=UTC)
    assert req.sort == "severity"
    assert req.authors == ("@troll",)
    assert req.assignees == ("kato",)


def test_relative_dates_media_no_and_merging_with_options() -> None:
    base = SearchRequest(labels=("threat",), size=5)
    req = parse("since:30d media:no label:insult Label:threat", base, now=NOW)
    assert req.since == datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
    assert req.has_media is False
    assert req.labels == ("threat", "insult")
    assert req.size == 5


def test_round_trip_through_the_query_string() -> None:
    req = parse('詐欺 "scam company" label:defamation employee:E003 severity:medium media:yes')
    assert parse(to_query_string(req)) == req


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ('詐欺 "never closed', 3, "never closed"),
        ("詐欺 labl:threat", 3, "Unknown field 'labl'"),
        ("label: 詐欺", 6, "empty value"),
        ("since:yesterday", 6, "'yesterday' at position 6 is not a date"),
        ("severity:huge", 9, "Unknown severity 'huge'"),
        ("has:photos", 4, "has:media"),
        ("media:maybe", 6, "media:yes or media:no"),
        ("sort:random", 5, "Unknown sort 'random'"),
        ("since:2026-10-01,2026-11-01", 16, "takes one value"),
        ('scam"word', 4, "quote inside the word"),
        ("https://example.com", 0, "put it in quotes"),
    ],
)
def test_errors_point_at_the_position(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse(query)
    assert info.value.position == position
    assert message in str(info.value)
    # The rendered message draws a caret under the offending character.
    lines = str(info.value).splitlines()
    assert lines[-2] == f"  {query}" and lines[-1] == "  " + " " * position + "^"
