"""General context rules, each with a positive and a hard negative (sentences written for
these tests, not taken from the labelled sets)."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, labels, run


def harassment(text: str) -> set[str]:
    found = labels(text) - {"employee_named", "personal_info"}
    assert_spans_original(text, run(text))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The writer's own workplace is someone else ...
        ("うちの部長がバカすぎてミナト通信への申し込みが遅れた。", set()),
        ("俺の職場の先輩、ミナト通信の話になるとマジでクズ発言しかしない。", set()),
        ("My manager is a moron for signing with Minato Tsushin without a trial.", set()),
        # ... unless the writer works for the company.
        ("ミナト通信で働いてるけど、うちの部長はほんとクズ。", {"insult"}),
        ("Minato Tsushin managers are morons.", {"insult"}),
    ],
)
def test_own_workplace_is_another_party(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信は前に勤めてたブラック企業とは大違い。", set()),
        ("どっかのゴミ会社と違ってミナト通信は説明が丁寧。", set()),
        ("Unlike those scammers at my old carrier, Minato Tsushin refunded me.", set()),
        ("ミナト通信はブラック企業だ。", {"defamation"}),
    ],
)
def test_comparison_standard_is_not_the_target(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信の新回線、アホみたいに安い。", set()),
        ("ミナト通信の返金、バカほど早かった。", set()),
        ("ミナト通信のオペ、アホすぎる。", {"insult"}),
        ("ミナト通信のオペはアホみたいな言い訳しかしない。", {"insult"}),
    ],
)
def test_intensifiers_are_not_abuse(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信の解約金は高いが、犯罪というほどではない。", set()),
        ("ミナト通信の対応は遅いけど無能とまでは言わない。", set()),
        ("ミナト通信の解約金は犯罪だ。", {"defamation"}),
    ],
)
def test_degree_denied(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信は詐欺とか言ってる連中は契約書を読んでない。", set()),
        ("Folks calling Minato Tsushin fraudsters have never read their bill.", set()),
        ("ミナト通信をパワハラ企業呼ばわりするのは言いがかりだ。", set()),
        ("People say Minato Tsushin is a scam, and they're right.", {"defamation"}),
        ("ミナト通信はパワハラ企業。", {"defamation"}),
    ],
)
def test_claims_of_others_refuted(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信って詐欺？いや、普通に良心的だよ。", set()),
        ("Are Minato Tsushin crooks? Nope, they refunded me in two days.", set()),
        ("Are Minato Tsushin crooks? Absolutely, they kept my deposit.", {"defamation"}),
    ],
)
def test_question_answered_no(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("後ろの列の男、ミナト通信の店員に怒鳴っててクズすぎ。", set()),
        ("ミナト通信の店員、客に怒鳴っててクズすぎ。", {"insult"}),
    ],
)
def test_bystanders(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected
