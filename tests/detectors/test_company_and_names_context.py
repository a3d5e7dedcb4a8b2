"""Short and masked company names, foreign names, names placed at the company, names used as
things (sentences written for these tests, not taken from the labelled sets)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from crawler.evaluation.text import text_detector_paths
from crawler.items import Post
from crawler.roster import Employee, Roster
from detectors.base import DetectorContext, DetectorSet

COMPANY = ("株式会社カモメ電器サービス", ("カモメ電器サービス", "かもめ電器", "Kamome Denki Service"))
ROSTER = Roster(
    (
        Employee("K1", "大西 悠真", "おおにし ゆうま", "Onishi Yuma"),
        Employee("K2", "アナ ロドリゲス", "アナ ロドリゲス", "Ana Rodriguez"),
        Employee("K3", "チャン ヴァン ミン", "チャン ヴァン ミン", "Tran Van Minh"),
        Employee("K4", "Peter Grant", "ピーター グラント", "Peter Grant", ("Pete G",)),
        Employee("K5", "桑原 芽衣", "くわばら めい", "Kuwabara Mei"),
    )
)


@lru_cache(maxsize=1)
def detectors() -> DetectorSet:
    return DetectorSet.from_paths(text_detector_paths(), DetectorContext(COMPANY[0], COMPANY[1], ROSTER))


def run(text: str) -> Post:
    post = Post(platform="t", source="t", id="t", url="", text=text)
    detectors().run(post)
    for f in post.findings:
        for s in f.spans:
            assert post.field_text(s.field)[s.start : s.end] == s.text
    return post


def company(text: str) -> bool:
    return any(f.label == "company_mentioned" for f in run(text).findings)


def employees(text: str) -> set[str]:
    return {f.employee_id or "" for f in run(text).findings if f.label == "employee_named"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カモメの修理担当、態度が悪い。", True),  # short name with staff after it
        ("kamomeのやつら全員おかしい", True),
        ("Kamome repair staff never show up on time.", True),
        ("K a m o m e is a joke of a company", True),  # spelled out to evade filters
        ("カ○メ電器サービスの対応", True),  # masked
        ("Kamome Den*i Service charged me twice", True),
        ("海辺でカモメが鳴いていた。", False),  # the bird
        ("A kamome flew over the harbour.", False),
        ("Kamome ward office staff were slow today.", False),  # a place, not the company
        ("かもめの売店の店員、無愛想だった。", False),  # too far from the staff word
        ("かもめの店員、無愛想だった。", True),
    ],
)
def test_short_and_masked_company_names(text: str, expected: bool) -> None:
    assert company(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@KamomeDenkiServiceJP your repair guy never showed up", True),  # an alias, then more handle
        ("#KamomeDenkiServiceSucks", True),
        ("@kamomedenkiservice_support please answer", True),
        ("@kamomedenkiservice2 is that you?", True),
        ("#kamomedenkiserviceman is my favourite anime", False),  # one lower-case word, not the alias
        ("@KamomeDenki hi", False),  # not an alias
    ],
)
def test_handles_and_hashtags_that_start_with_an_alias(text: str, expected: bool) -> None:
    post = run(text)
    assert any(f.label == "company_mentioned" for f in post.findings) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カモメ電器サービスのロドリゲス、対応が雑。", {"K2"}),  # katakana family name, company context
        ("ミンさん、カモメ電器サービスの修理員だった", {"K3"}),  # last part of a three-part name
        ("Minh from Kamome Denki Service came twice.", {"K3"}),  # placed at the company
        ("Ana (Kamome Denki Service support) hung up on me.", {"K2"}),
        ("ロドリゲスのゴール、すごかった。", set()),  # no company: someone else
        ("カモメ電器サービスの大西先生", {"K1"}),  # 先生 is a staff title when the company is named
        ("ミンとかいうカモメ電器サービスの修理員", {"K3"}),  # "someone called Minh"
        ("ミンと遊んだ。", set()),
        ("大西先生の数学の授業", set()),
    ],
)
def test_foreign_and_placed_names(text: str, expected: set[str]) -> None:
    assert employees(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Peter Grant called me about the repair.", {"K4"}),
        ("My Peter Grant poster finally arrived.", set()),
        ("Pete G's burger joint has the best fries.", set()),
        ("Peter Grant was the greatest Batman ever.", set()),
        ("Peter Grant scored a hat-trick on Sunday.", set()),
        ("Peter Grant wins gold in the marathon!", set()),
        ("Peter Grant from Kamome Denki Service scored me a discount.", {"K4"}),
        ("くわばらめい(推しのアイドル)の新曲", set()),
        ("桑原芽衣の新曲が配信された", set()),
        ("Peter Grant's new novel is out.", set()),
        ("カモメの大西さん、修理が早かった。", {"K1"}),  # short company name + name-san
    ],
)
def test_names_used_as_things_or_public_figures(text: str, expected: set[str]) -> None:
    assert employees(text) == expected


def company_spans(name: str, aliases: tuple[str, ...], text: str) -> list[str]:
    """The company mentions found in ``text`` for a company called ``name`` (no roster)."""
    detectors = DetectorSet.from_paths(text_detector_paths(), DetectorContext(name, aliases, Roster(())))
    post = Post(platform="t", source="t", id="t", url="", text=text)
    detectors.run(post)
    return [s.text for f in post.findings if f.label == "company_mentioned" for s in f.spans]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Someone should firebomb Harbor & Vine. Parasites.", "Harbor & Vine"),
        ("Harbor & Vine Legal billed me twice", "Harbor & Vine Legal"),
        ("harbor &vine is a scam", "harbor &vine"),
        ("ハーバー＆ヴァインの受付、態度最悪", "ハーバー＆ヴァイン"),
        ("Harbor and Vine never called back", "Harbor and Vine"),
    ],
)
def test_a_name_with_an_ampersand_is_found(text: str, found: str) -> None:
    """The & between words has no letters: "Marks & Spencer" lines up with its key's words
    (it was never found when spaced, so every post about such a company was unread)."""
    aliases = ("Harbor & Vine", "Harbor and Vine", "ハーバー＆ヴァイン")
    assert company_spans("Harbor & Vine Legal", aliases, text) == [found]


def test_a_spaced_ampersand_may_be_written_and() -> None:
    """An alias "Ben & Jerry's" is also found as "Ben and Jerry's"; "AT&T" is not looked for as
    "AT and T" (one-letter words)."""
    for alias, text, found in (
        ("Ben & Jerry's", "Ben and Jerry's staff are idiots", ["Ben and Jerry's"]),
        ("AT&T", "AT and T staff are idiots", []),
    ):
        assert company_spans(alias, (alias,), text) == found


@pytest.mark.parametrize(
    ("alias", "text", "found"),
    [
        ("Minato-Tsushin", "Minato Tsushin staff are idiots", ["Minato Tsushin"]),
        ("Minato Tsushin", "Minato-Tsushin staff are idiots", ["Minato-Tsushin"]),
        ("BlueWave", "a blue wave of complaints", []),  # inner capitals are not word breaks
    ],
)
def test_a_hyphenated_alias_is_found_spaced(alias: str, text: str, found: list[str]) -> None:
    assert company_spans(alias, (alias,), text) == found


@pytest.mark.parametrize(
    ("alias", "text", "found"),
    [
        ("ミナト通信(株)", "ミナト通信(株)の店員、態度最悪", ["ミナト通信(株)"]),
        ("ミナト通信（株）", "ミナト通信（株）の窓口", ["ミナト通信（株）"]),
        ("ミナト通信", "(ミナト通信) の窓口", ["ミナト通信"]),  # a bracket the match did not open
    ],
)
def test_a_span_closes_the_bracket_it_opened(alias: str, text: str, found: list[str]) -> None:
    """Evidence spans show the whole name: the compact key has no brackets, so the match used to
    stop at 株 and leave the ")" out."""
    assert company_spans(alias, (alias,), text) == found
