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
        # the answer after an arrow, or a refutation in the answer
        ("ミナト通信って詐欺？→いや、普通に返金された。", set()),
        ("ミナト通信って詐欺？→確認したら銀行側の障害だったらしい。ミナトは悪くない", set()),
        ("Is Minato Tsushin a scam? Turned out it was my bank's error, they're fine.", set()),
        ("ミナト通信って詐欺？→詐欺だよ、金返ってこない", {"defamation"}),
        # the answer after a quote mark, a dash or "Update:", and answers that say legit / not a scam
        ('r/JapanTravel — "Is Minato Tsushin a scam?" No. Used them 6 times, the fees are real.', set()),
        ("Is Minato Tsushin's refund a scam? — nope, took a week but I got every yen back.", set()),
        ("Is Minato Tsushin a scam? saw some reddit threads / Update: no, it was a billing bug", set()),
        ("> is Minato a scam? they billed me twice. Not a scam, the second charge was a hold.", set()),
        (
            "Is Minato Tsushin a scam? Update: yes, they kept my deposit and stopped answering.",
            {"defamation"},
        ),
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A weak word as the predicate of a clause whose topic is a person ...
        ("ミナト通信の受付の男、愛想ないし本当にゴミ。", {"insult"}),
        # ... but not when something else is the topic, or no person is.
        ("ミナト通信の担当がくれた資料はゴミ。", set()),
        ("ミナト通信のアプリ、重いしマジでゴミ。", set()),
    ],
)
def test_weak_word_with_a_person_as_topic(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信は会員情報を名簿屋に売ってるらしい。", {"defamation"}),
        ("ミナト通信から顧客情報を守るための通知が来た。", set()),
        ("Minato Tsushin leaked customer phone numbers to spammers.", {"defamation"}),
        ("Minato Tsushin never sold my data, I checked with the regulator.", set()),
    ],
)
def test_selling_or_leaking_personal_data(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信のショップ、看板叩き割ってやるからな。", {"threat"}),
        ("ミナト通信の店でスマホの画面割っちゃった。", set()),
        ("ミナト通信の通信障害、ルーター壊れたかと思った。", set()),
        ("Somebody needs to teach that Minato Tsushin manager a lesson.", {"threat"}),
        ("Minato Tsushin's outage taught me a lesson about backups.", set()),
    ],
)
def test_threats_of_damage_and_lessons(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信の窓口の子、胸元見えそうでそそる。", {"sexual"}),
        ("ミナト通信の新料金、待ち遠しくてたまらん。", set()),
        ("ミナト通信に行く途中、足が痛くてたまらなかった。", set()),
        ("That Minato Tsushin cashier, I'd love to get my hands on her.", {"sexual"}),
        ("I can't wait to get my hands on the new Minato Tsushin router.", set()),
    ],
)
def test_sexualised_remarks(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信のコールセンター、外国人スタッフばかりで話が通じない。", {"discrimination"}),
        ("ミナト通信は外国人スタッフも多くて英語で話が通じるのが助かる。", set()),
        ("Minato Tsushin fills support with immigrants who can't even talk properly.", {"discrimination"}),
        ("Minato Tsushin's support also helps immigrants who can't speak Japanese yet.", set()),
    ],
)
def test_discrimination_by_language(text: str, expected: set[str]) -> None:
    assert harassment(text) == expected
