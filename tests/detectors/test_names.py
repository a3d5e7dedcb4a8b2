"""employee_named: full names, readings, romaji, aliases, and family names only with context."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, employees, run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("田中美咲さんに助けてもらった。", {"E001"}),
        ("田中 美咲さんに助けてもらった。", {"E001"}),
        ("タナカ ミサキさんに電話した。", {"E001"}),  # katakana reading
        ("ﾀﾅｶﾐｻｷさんに電話した。", {"E001"}),  # half-width kana
        ("たなかみさきって人", {"E001"}),  # hiragana reading
        ("田中みさきさん", {"E001"}),  # kanji family name + kana given name
        ("Misaki Tanaka helped me.", {"E001"}),  # romaji, given-family order
        ("TANAKA Misaki helped me.", {"E001"}),  # romaji, family-given order
        ("Kenta Satou fixed it.", {"E002"}),  # long-vowel spelling
        ("Satoh Kenta fixed it.", {"E002"}),
        ("みさきち今日もいた", {"E001"}),  # alias (nickname)
        ("髙橋由美さん", {"E003"}),  # variant kanji 髙
        ("齊藤翔が来た", {"E004"}),  # 齊 → 斎/齋
        ("渡邊直人に聞いた", {"E005"}),  # 邊 → 辺
        ("山﨑葵さん", {"E006"}),  # 﨑 → 崎
        ("田 中 美 咲 を見た", {"E001"}),  # inserted spaces
        ("T a n a k a  M i s a k i", {"E001"}),
        ("Sat0 Kenta", {"E002"}),  # leet
        ("Satō Kenta", {"E002"}),  # macron
        ("Takahasi Yumi", {"E003"}),  # Kunrei-shiki spelling
        ("ＴＡＮＡＫＡ　ＭＩＳＡＫＩ", {"E001"}),  # full-width latin
    ],
)
def test_full_names_and_forms(text: str, expected: set[str]) -> None:
    assert employees(text) == expected
    assert_spans_original(text, [f for f in run(text) if f.label == "employee_named"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信のオペの田中がひどかった", {"E001"}),  # company context
        ("オペレーターの田中さんが対応した", {"E001"}),  # role context
        ("That operator Tanaka was rude.", {"E001"}),
        ("Tanaka from support called me back.", {"E001"}),
        ("Minato Tsushin: Tanaka-san was kind.", {"E001"}),
        ("ミナト通信の窓口で、さとうさんに相談した", {"E002"}),  # kana family name needs an honorific
    ],
)
def test_family_name_with_context(text: str, expected: set[str]) -> None:
    assert employees(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "近所の田中さんがケーキをくれた。",  # no company, no role
        "Tanaka scored a goal yesterday.",
        "ミナト通信に電話した。近所の田中さんの話もした。",  # someone else's 田中
        "ミナト通信のアプリ、さとうを入れすぎたケーキみたいに甘い設定",  # さとう = sugar
        "ミナト通信の鈴木さんが来た",  # 鈴木 is shared by two employees: not identifiable
        "My friend Sato works at Minato Tsushin? No, at a bank.",
        "I to Minato Tsushin went.",  # 'I to' is not 'Ito'
        "Minatoku has good cafes.",
    ],
)
def test_no_employee(text: str) -> None:
    assert employees(text) == set()


def test_spans_are_the_original_name_characters() -> None:
    text = "ミナト通信のｵﾍﾟの髙橋 由美さん、それとTakahashiさん"
    found = [f for f in run(text) if f.label == "employee_named"]
    assert [f.employee_id for f in found] == ["E003"]
    assert [s.text for s in found[0].spans] == ["髙橋 由美", "Takahashi"]
    assert_spans_original(text, found)
    assert "E003" in found[0].explanation and found[0].severity == "low"


def test_role_registered_as_alias_names_its_holder_only_with_the_company() -> None:
    # 院長 registered as an alias of the only director: found where the company is mentioned.
    from crawler.evaluation.text import text_detector_paths
    from crawler.items import Post
    from crawler.roster import Employee, Roster
    from detectors.base import DetectorContext, DetectorSet

    roster = Roster(
        (
            Employee("C01", "森 直子", "もり なおこ", "Mori Naoko", ("院長",)),
            Employee("C02", "西田 亮", "にしだ りょう", "Nishida Ryo", ("Lead Producer",)),
        )
    )
    context = DetectorContext("あさひ歯科", ("あさひ歯科", "Asahi Dental"), roster, {})
    detectors = DetectorSet.from_paths(text_detector_paths(), context)

    def ids(text: str) -> set[str]:
        post = Post(platform="t", source="t", id="1", url="", text=text)
        detectors.run(post)
        return {f.employee_id for f in post.findings if f.label == "employee_named" and f.employee_id}

    assert ids("あさひ歯科の院長、説明が雑すぎる。") == {"C01"}
    assert ids("近所の病院の院長が引退した。") == set()
    assert ids("あさひ歯科に行った。近所の病院の院長は親切。") == set()
    assert ids("Asahi Dental's lead producer of the ad is a genius.") == {"C02"}
    assert ids("The lead producer of my favourite show quit.") == set()


def test_latin_full_name_with_a_latin_reading() -> None:
    """A roster that writes latin names in the reading column too (``jordan pike``) registers
    a run-together variant first; the spaced full name is still the employee."""
    from crawler.items import Post
    from crawler.roster import Employee, Roster
    from tests.detectors.helpers import detector_set

    roster = Roster((Employee("E05", "Jordan Pike", "jordan pike", "Jordan Pike", ("JP",)),))
    detectors = detector_set(model=True, company=("Granite Peak Resort", ("Granite Peak",)), roster=roster)
    for text in (
        "Jordan Pike is a useless waste of oxygen.",
        "I'll find jordan pike after his shift.",
        "JordanPike",
    ):
        post = Post(platform="t", source="t", id="1", url="", text=text)
        detectors.run(post)
        assert {f.employee_id for f in post.findings if f.label == "employee_named"} == {"E05"}, text


def test_every_spelling_of_a_key_keeps_its_word_shape() -> None:
    """Two keys that normalize alike (Jordanpike, Jordan Pike): the original may be written as
    either, whichever was registered first (the roster's keys come from a set)."""
    from detectors.matching import MultiMatcher

    for keys in ({"Jordanpike": "E05", "Jordan Pike": "E05"}, {"Jordan Pike": "E05", "Jordanpike": "E05"}):
        matcher = MultiMatcher(keys)
        for text in ("Jordan Pike is rude", "jordanpike is rude"):
            assert [m.payload for m in matcher.search(text)] == ["E05"], (keys, text)
        assert matcher.search("Jordan Pikes and more") == []  # not a word boundary
