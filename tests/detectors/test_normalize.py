"""Normalization keeps a map back to the original characters."""

from __future__ import annotations

import pytest

from detectors.normalize import compact, compact_key, fold


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("ＭＩＮＡＴＯ", "minato"),  # full-width latin (NFKC) and case
        ("ﾐﾅﾄ", "みなと"),  # half-width katakana, folded to hiragana
        ("ﾀﾞｲｽｹ", "だいすけ"),  # half-width kana with a separate voicing mark
        ("ミナト", "みなと"),  # katakana/hiragana folding
        ("髙橋", "高橋"),
        ("齋藤", "斎藤"),
        ("斉藤", "斎藤"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("山﨑", "山崎"),
    ],
)
def test_fold(original: str, expected: str) -> None:
    assert fold(original).text == expected


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("ミ ナ ト 通 信", "みなと通信"),
        ("ミ・ナ・ト通信", "みなと通信"),
        ("M.i.n.a.t.o", "minato"),
        ("M1nato", "minato"),
        ("1d10t", "idiot"),
        ("ｻﾄｳ　ｹﾝﾀ", "さとうけんた"),
        ("ミ🔥ナ🔥ト", "みなと"),  # emoji separators
        ("ミナト\u200b通信", "みなと通信"),  # zero-width space
        ("M!nato", "minato"),  # symbols standing for letters
        ("sc@m", "scam"),
    ],
)
def test_compact(original: str, expected: str) -> None:
    assert compact_key(original) == expected


def test_span_back_points_at_original_characters() -> None:
    text = "今日 ﾐ ﾅ ﾄ 通 信 の ﾀﾞｲｽｹ が"
    folded = compact(text)
    start = folded.text.index("みなと通信")
    o_start, o_end = folded.span_back(start, start + len("みなと通信"))
    assert text[o_start:o_end] == "ﾐ ﾅ ﾄ 通 信"
    start = folded.text.index("だいすけ")
    o_start, o_end = folded.span_back(start, start + 4)
    assert text[o_start:o_end] == "ﾀﾞｲｽｹ"  # the voicing mark is inside the span
