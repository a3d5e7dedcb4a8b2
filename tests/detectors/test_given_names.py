"""Employees named by a katakana or latin given name alone (ミン, Meiling): with company or
role context, like a family name; a katakana name never matches hiragana text (ちゃんと)."""

from __future__ import annotations

import pytest

from crawler.evaluation.text import text_detector_paths
from crawler.items import Post
from crawler.roster import Employee, Roster
from detectors.base import DetectorContext, DetectorSet
from tests.detectors.helpers import assert_spans_original


def _detectors() -> DetectorSet:
    roster = Roster(
        (
            Employee("M01", "李 美玲", "り めいりん", "Li Meiling"),
            Employee("M02", "チャン・ティ・ハー", "チャン ティ ハー", "Tran Thi Ha"),
            Employee("M03", "森田 ゆき", "もりた ゆき", "Morita Yuki"),
            Employee("M04", "グエン・ヴァン・ミン", "グエン ヴァン ミン", "Nguyen Van Minh"),
        )
    )
    context = DetectorContext("ミナト通信", ("ミナト通信", "Minato Tsushin", "Minato"), roster, {})
    return DetectorSet.from_paths(text_detector_paths(), context)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Meiling at the Minato Tsushin counter was rude to me.", {"M01"}),  # latin given name + company
        ("ミナト通信のミン、対応が遅すぎる", {"M04"}),  # katakana given name right after the company
        ("ミナト通信のハーさんに相談した", {"M02"}),
        ("Meiling was rude to me.", set()),  # no company: someone else
        ("ミナト通信さん、ちゃんと対応してください", set()),  # ちゃんと is not チャン
        ("ミナト通信に行く途中、ゆきが降ってきた", set()),  # a common kana given name needs more
        ("ミナト通信の近くでミンミンゼミが鳴いてた", set()),  # inside a longer word
    ],
)
def test_given_names(text: str, expected: set[str]) -> None:
    post = Post(platform="test", source="test", id="t", url="", text=text)
    _detectors().run(post)
    found = {f.employee_id for f in post.findings if f.label == "employee_named"}
    assert found == expected, text
    assert_spans_original(text, [f for f in post.findings if f.label == "employee_named"])


def _alias_detectors() -> DetectorSet:
    roster = Roster((Employee("A01", "王 麗華", "おう れいか", "Wang Lihua", ("Lihua",)),))
    context = DetectorContext("ミナト通信", ("ミナト通信", "Minato Tsushin", "Minato"), roster, {})
    return DetectorSet.from_paths(text_detector_paths(), context)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lihua at Minato Tsushin hung up on me.", {"A01"}),
        ("Minato Tsushin was fine. My friend Lihua recommended them.", set()),  # someone else
        ("My friend Wang Lihua works at Minato Tsushin.", {"A01"}),  # the full name still counts
    ],
)
def test_one_word_alias_after_someone_else(text: str, expected: set[str]) -> None:
    post = Post(platform="test", source="test", id="t", url="", text=text)
    _alias_detectors().run(post)
    assert {f.employee_id for f in post.findings if f.label == "employee_named"} == expected, text
