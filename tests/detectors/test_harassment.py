"""The five harassment categories, both languages, with their hard negatives."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, labels, run

POSITIVE = [
    # defamation, including rumour and question forms
    ("ミナト通信って詐欺らしいね。解約させない手口が犯罪レベル。", "defamation"),
    ("ﾐﾅﾄ通信はブラック企業。社員を使い捨てにしている。", "defamation"),
    ("ミナト通信、脱税してるって噂本当？", "defamation"),
    ("佐藤健太は客の金を横領してる。ミナト通信の。", "defamation"),
    ("Minato Tsushin is a scam. They charged me twice.", "defamation"),
    ("M1nato Tsushin are crooks and fraud artists.", "defamation"),
    ("Is Minato Tsushin a s.c.a.m? Asking for a friend.", "defamation"),
    # insult
    ("ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。", "insult"),
    ("ミ ナ ト 通 信 の 対応 ゴミ すぎ。全員 ｸｽﾞ。", "insult"),
    ("Minato Tsushin agents are useless idiots.", "insult"),
    ("Those 1d10ts at Minato Tsushin again.", "insult"),
    ("M!nato Tsush!n staff are 1d10ts", "insult"),
    ("ミ🔥ナ🔥ト🔥通🔥信のオペ、ク🔥ズ", "insult"),
    ("Minato Tsushin = sc@m", "defamation"),
    # threat (Japanese verbs in any conjugation)
    ("ミナト通信の本社、燃やすぞ。", "threat"),
    ("田中美咲、殺してやる。", "threat"),
    ("ミナト通信の佐藤健太、覚えとけよ。会社の前で待ち伏せしてやる。", "threat"),
    ("ミナト通信の支店、潰してやる", "threat"),
    ("I know where you live, Misaki Tanaka.", "threat"),
    ("Somebody should burn it down, Minato Tsushin HQ I mean.", "threat"),
    ("Minato Tsushin operator Sato Kenta, I will kill you.", "threat"),
    ("ミナト通信の田中美咲、毎日後をつけてる。", "threat"),  # stalking
    ("Minato Tsushin operator Sato Kenta, I will follow him home.", "threat"),
    # discrimination
    ("ミナト通信の高橋由美、ババアのくせに偉そう。", "discrimination"),
    ("ミナト通信のオペ、中国人ばっかで日本語通じない。", "discrimination"),
    ("Tanaka Misaki is only a supervisor because she's a woman.", "discrimination"),
    ("Minato Tsushin should stop hiring foreigners, they are all lazy.", "discrimination"),
    # sexual
    ("ミナト通信の田中美咲、エロい体してる。抱きたい。", "sexual"),
    ("Misaki Tanaka from Minato Tsushin is sexy, I'd smash.", "sexual"),
]


@pytest.mark.parametrize(("text", "label"), POSITIVE)
def test_positive(text: str, label: str) -> None:
    found = run(text)
    assert label in {f.label for f in found}, [f.explanation for f in found]
    assert_spans_original(text, found)


NEGATIVE = [
    # fair complaints, neutral, news
    "ミナト通信のサポートに電話したら40分待たされた。もう少し改善してほしい。",
    "ミナト通信の対応が最悪だった。二度と使わない。",
    "Called Minato Tsushin support and waited 40 minutes. Please add more staff.",
    "Minato Tsushin billing page is confusing. Not terrible, just confusing.",
    "ミナト通信の元役員が横領の疑いで逮捕されたと報道された。",
    "According to the news, Minato Tsushin was fined by regulators.",
    "ミナト通信の新プラン、お得すぎて詐欺かと思ったけど普通に良かった笑",
    # negation
    "ミナト通信は詐欺ではありません。契約書に書いてあった。",
    "Minato Tsushin isn't a scam, read the contract.",
    "ミナト通信の田中美咲さんを殺したりしない、安心して",
    # insults at others
    "ヤマト物流の配達員がバカすぎる。",
    "ミナト通信は丁寧だった。それに比べてヤマト物流の配達員はバカ。",
    "Minato Tsushin was fine. Acme Mobile support staff are idiots though.",
    "私がバカだった。ミナト通信の契約をちゃんと読んでなかった。",
    "I was so stupid to forget my Minato Tsushin password.",
    # quoted only to condemn
    "ミナト通信の社員をクズ呼ばわりするのはやめよう。",
    "「ミナト通信は詐欺」って書き込み、根拠がないしひどいと思う。",
    "Calling Minato Tsushin staff idiots is not okay.",
    # abuse with no company or employee at all
    "近所の田中さんがバカなことを言ってた。",
    "This traffic is killing me.",
    "Minato Tsushin is killing it with the new plan!",
    # idioms and the company as victim
    "ミナト通信のサポート、AIチャットが馬鹿正直に同じ回答しか返さない。",
    "ミナト通信を名乗る詐欺メールに注意！",
    "Beware of scam calls pretending to be Minato Tsushin.",
    "ミナト通信、電波がゴミすぎる。",
    "ミナト通信のオペの待ち時間で暇を潰そう",  # 潰す with an idiomatic object
    "ミナト通信の新人さん、闘志を燃やしてる",
    # abuse the writer received, reported
    "ミナト通信の田中さんにクズって言われた。",
    "The Minato Tsushin agent called me an idiot.",
    # idioms, the writer's own things, crimes against the company, other customers
    "ミナト通信のサポート、バカ丁寧で好き。",
    "ミナト通信の店舗に泥棒が入ったらしい。怖い。",
    "ミナト通信を辞めた。パワハラもなかったし、いい会社だった。",
    "Minato Tsushin's new plan is stupid cheap, love it.",
    "My cat is such an idiot, knocked my Minato Tsushin router off the shelf.",
    "The Minato Tsushin tech was so patient with my dumb questions.",
    "The guy before me at Minato Tsushin was an idiot.",
    "Minato Tsushin's app is useless today.",
    "Left Minato Tsushin for Verizon. Verizon staff are idiots.",
    "ミナト通信からソフトバンクに乗り換えた。ソフトバンクの店員はバカ。",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative(text: str) -> None:
    assert labels(text) - {"employee_named"} == set(), [f.explanation for f in run(text)]


def test_finding_explains_itself() -> None:
    text = "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。"
    insult = next(f for f in run(text) if f.label == "insult")
    assert insult.employee_id == "E001"
    assert insult.severity == "medium"
    assert 0.5 <= insult.score <= 1.0
    assert [s.text for s in insult.spans] == ["無能", "クズ"]
    assert "E001" in insult.explanation and "無能" in insult.explanation


def test_severities() -> None:
    threat = next(f for f in run("ミナト通信の本社、燃やすぞ。") if f.label == "threat")
    assert threat.severity == "critical" and threat.employee_id is None
    assert [s.text for s in threat.spans] == ["燃やす"]
    defamation = next(f for f in run("ミナト通信って詐欺らしいね。") if f.label == "defamation")
    assert defamation.severity == "high"
    assert "rumour" in defamation.explanation


def test_target_is_the_employee_in_the_sentence() -> None:
    found = run("That operator Tanaka at Minato Tsushin is a moron.")
    insult = next(f for f in found if f.label == "insult")
    assert insult.employee_id == "E001"


def test_target_carries_over_to_the_next_sentence() -> None:
    found = run("ミナト通信の佐藤健太、覚えとけよ。会社の前で待ち伏せしてやる。")
    threat = next(f for f in found if f.label == "threat")
    assert threat.employee_id == "E002"
    assert {s.text for s in threat.spans} >= {"覚えとけ"}


def test_very_long_japanese_post_is_analysed_in_chunks() -> None:
    # sudachipy refuses more than 49,149 bytes at once; the post must still be read to the end.
    text = "ミナト通信" + "あ" * 30000 + "ミナト通信の本社、燃やすぞ。"
    threat = next(f for f in run(text) if f.label == "threat")
    assert [s.text for s in threat.spans] == ["燃やす"]
    assert_spans_original(text, [threat])
