"""Text normalization that keeps a map back to the original characters.

``fold(text)`` gives a string in which full-/half-width forms, case, katakana/hiragana and
variant kanji are folded, and an ``offsets`` list such that ``offsets[i]`` is the index in the
original text of folded character ``i``. ``compact(text)`` additionally drops whitespace and
symbols inserted to evade filters (``ミ ナ ト 通 信``, ``M.i.n.a.t.o``) and maps common leet
digits (``M1nato``). Spans found in the folded text are mapped back with :func:`span_back`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Variant and old-form kanji that NFKC does not fold (see PLATFORM-NOTES).
VARIANT_KANJI = str.maketrans(
    {
        "髙": "高", "﨑": "崎", "嵜": "崎", "濵": "浜", "濱": "浜", "邊": "辺", "邉": "辺",
        "齋": "斎", "齊": "斎", "斉": "斎", "澤": "沢", "櫻": "桜", "廣": "広", "國": "国",
        "藏": "蔵", "壽": "寿", "眞": "真", "實": "実", "惠": "恵", "榮": "栄", "瀨": "瀬",
        "瀬": "瀬", "德": "徳", "黑": "黒", "淺": "浅", "條": "条", "冨": "富", "峯": "峰",
        "嶋": "島", "嶌": "島", "舘": "館", "籠": "篭", "龍": "竜", "驒": "騨", "槇": "槙",
        "吉": "吉", "𠮷": "吉", "曾": "曽", "髪": "髪", "亞": "亜", "惡": "悪", "會": "会",
    }
)
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_KATA_START, _KATA_END = 0x30A1, 0x30F6


def _kata_to_hira(ch: str) -> str:
    code = ord(ch)
    if _KATA_START <= code <= _KATA_END:
        return chr(code - 0x60)
    return ch


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch).lower().translate(VARIANT_KANJI)
    return "".join(_kata_to_hira(c) for c in out)


def _is_separator(ch: str) -> bool:
    if ch.isspace():
        return True
    cat = unicodedata.category(ch)
    # Punctuation and symbols (but keep the long-vowel mark ー, which is Lm).
    return cat[0] in ("P", "S") or cat in ("Zs", "Cf", "Mn")


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    offsets: tuple[int, ...]
    original_length: int

    def span_back(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` of the folded text to the original text."""
        if start >= len(self.offsets):
            return self.original_length, self.original_length
        o_start = self.offsets[start]
        o_end = self.offsets[end - 1] + 1 if end > start else o_start
        return o_start, o_end


def fold(text: str) -> Folded:
    """Fold width, case, kana and variant kanji; keep every character's origin."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            chars.append(c)
            offsets.append(i)
    return Folded("".join(chars), tuple(offsets), len(text))


def compact(text: str, *, leet: bool = True) -> Folded:
    """Fold, then drop separators and (optionally) map leet digits to letters."""
    folded = fold(text)
    chars: list[str] = []
    offsets: list[int] = []
    for c, o in zip(folded.text, folded.offsets, strict=True):
        if _is_separator(c):
            continue
        if leet and c.isascii():
            c = c.translate(LEET)
        chars.append(c)
        offsets.append(o)
    return Folded("".join(chars), tuple(offsets), len(text))


def compact_key(text: str, *, leet: bool = True) -> str:
    """The compact form of a short string such as a name or alias."""
    return compact(text, leet=leet).text
