"""Spans that point into a post's title (``field = "title"``) are highlighted and masked in the
title, never at the same offsets of the body."""

from __future__ import annotations

from typing import Any

from portal.hits import MASK, highlight, mask_others

DOC: dict[str, Any] = {
    "title": "佐藤は無能",
    "text": "ミナト通信の田中さん、対応ありがとう。",
    "findings": [
        {
            "label": "employee_named",
            "employee_id": "E002",
            "spans": [{"start": 0, "end": 2, "text": "佐藤", "field": "title"}],
        },
        {
            "label": "insult",
            "employee_id": "E002",
            "spans": [{"start": 3, "end": 5, "text": "無能", "field": "title"}],
        },
        {
            "label": "employee_named",
            "employee_id": "E001",
            "spans": [{"start": 6, "end": 8, "text": "田中"}],
        },
    ],
}


def test_title_spans_highlight_the_title_and_body_spans_the_body() -> None:
    title = str(highlight(DOC["title"], DOC["findings"], field="title"))
    body = str(highlight(DOC["text"], DOC["findings"]))
    assert title == '<mark title="employee_named">佐藤</mark>は<mark title="insult">無能</mark>'
    assert body == 'ミナト通信の<mark title="employee_named">田中</mark>さん、対応ありがとう。'


def test_another_employees_name_in_the_title_is_masked_for_an_employee() -> None:
    # E001 sees the hit (she is named in the body); E002's name and the words aimed at him are
    # hidden in the title, and nothing in the body moves.
    assert mask_others(DOC["title"], DOC, "E001", field="title") == f"{MASK * 2}は{MASK * 2}"
    assert mask_others(DOC["text"], DOC, "E001") == DOC["text"]
    # E002 sees his own title; E001's name in the body is masked for him.
    assert mask_others(DOC["title"], DOC, "E002", field="title") == DOC["title"]
    assert mask_others(DOC["text"], DOC, "E002") == f"ミナト通信の{MASK * 2}さん、対応ありがとう。"
