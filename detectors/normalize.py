"""Text normalization that keeps a map back to the original characters.

``fold(text)`` gives a string in which full-/half-width forms (NFKC, including half-width
kana with separate voicing marks such as ``ﾀﾞ``), case, katakana/hiragana and variant kanji
(髙→高, 﨑→崎, 邊→辺 …) are folded, with ``starts``/``ends`` lists such that folded character
``i`` comes from ``original[starts[i]:ends[i]]``. ``compact(text)`` additionally drops
whitespace and symbols inserted to evade filters (``ミ ナ ト 通 信``, ``M.i.n.a.t.o``) and
maps common leet digits (``M1nato``). Spans found in the folded text are mapped back with
:meth:`Folded.span_back`. ``fold(text, kana=False, lower=False)`` keeps katakana and case
(the input for the morphological analyser). Results are cached: the detectors of one post
share one folding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Variant and old-form kanji that NFKC does not fold (see PLATFORM-NOTES).
VARIANT_KANJI = str.maketrans(
    {
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "碕": "崎",
        "濵": "浜",
        "濱": "浜",
        "邊": "辺",
        "邉": "辺",
        "齋": "斎",
        "齊": "斎",
        "斉": "斎",
        "澤": "沢",
        "櫻": "桜",
        "廣": "広",
        "國": "国",
        "藏": "蔵",
        "壽": "寿",
        "眞": "真",
        "實": "実",
        "惠": "恵",
        "榮": "栄",
        "瀨": "瀬",
        "德": "徳",
        "黑": "黒",
        "淺": "浅",
        "條": "条",
        "冨": "富",
        "峯": "峰",
        "嶋": "島",
        "嶌": "島",
        "舘": "館",
        "龍": "竜",
        "驒": "騨",
        "槇": "槙",
        "𠮷": "吉",
        "曾": "曽",
        "亞": "亜",
        "惡": "悪",
        "會": "会",
        "邨": "村",
        "遙": "遥",
        "祐": "祐",
        "禮": "礼",
        "彌": "弥",
        "絲": "糸",
        "嶽": "岳",
        "莊": "荘",
        "假": "仮",
        "擧": "挙",
    }
)
_LEET_SYMBOL_RE = re.compile(r"(?<=[a-z0-9])[!@$|](?=[a-z0-9])|(?<![a-z0-9])[$](?=[a-z]{2})")
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)
_KATA_START, _KATA_END = 0x30A1, 0x30F6
_JA_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")
_VOICING = {"\uff9e", "\uff9f", "\u3099", "\u309a", "\u309b", "\u309c"}
_VOICING_COMBINING = {"\uff9e": "\u3099", "\uff9f": "\u309a", "\u309b": "\u3099", "\u309c": "\u309a"}


def _kata_to_hira(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if _KATA_START <= ord(c) <= _KATA_END else c for c in text)


@lru_cache(maxsize=8192)
def _fold_unit(unit: str, kana: bool, lower: bool) -> str:
    out = unicodedata.normalize("NFKC", unit)
    if "\u00c0" <= out[:1] <= "\u024f":  # latin with diacritics: Satō, Satô → Sato
        out = "".join(c for c in unicodedata.normalize("NFKD", out) if not unicodedata.combining(c))
    if lower:
        out = out.lower()
    out = out.translate(VARIANT_KANJI)
    if kana:
        out = _kata_to_hira(out)
    return out


def is_separator(ch: str) -> bool:
    """Whitespace, punctuation and symbols (but not the long-vowel mark ー, which is Lm)."""
    if ch.isspace():
        return True
    cat = unicodedata.category(ch)
    return cat[0] in ("P", "S") or cat in ("Zs", "Cf", "Mn")


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    original_length: int

    @property
    def offsets(self) -> Sequence[int]:
        """Original index of each folded character (compatibility alias of ``starts``)."""
        return self.starts

    def span_back(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` of the folded text to ``[start, end)`` of the original."""
        if start >= len(self.starts):
            return self.original_length, self.original_length
        o_start = self.starts[start]
        o_end = self.ends[end - 1] if end > start else o_start
        return o_start, o_end


def _units(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into ``(start, end)`` units: a character plus any voicing mark after it."""
    units: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and text[j] in _VOICING:
            j += 1
        units.append((i, j))
        i = j
    return units


def fold(text: str, *, kana: bool = True, lower: bool = True) -> Folded:
    """Fold width, case, kana and variant kanji; keep every character's origin."""
    return _fold(text, kana, lower)


class LazyTable(dict[K, V]):
    """A dict that computes a missing entry with ``make(key)`` and keeps it: a per-character
    ``str.translate`` table or per-character fact, so that a whole text is then handled in C
    (``text.translate(table)``, ``map(table.__getitem__, text)``)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[K], V]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: K) -> V:
        value = self[key] = self.make(key)
        return value


# Per-character folding (keyed by code point, as ``str.translate`` asks), one table per mode.
def _folding(kana: bool, lower: bool) -> LazyTable[int, str]:
    return LazyTable(lambda code: _fold_unit(chr(code), kana, lower))


_TABLES = {(kana, lower): _folding(kana, lower) for kana in (True, False) for lower in (True, False)}


@lru_cache(maxsize=1024)
def _fold(text: str, kana: bool, lower: bool) -> Folded:
    if not _VOICING.intersection(text):
        table = _TABLES[kana, lower]
        joined = (text.lower() if lower else text) if text.isascii() else text.translate(table)
        if len(joined) == len(text):  # the common case: one character in, one out
            return Folded(joined, range(len(text)), range(1, len(text) + 1), len(text))
        units = [(i, i + 1) for i in range(len(text))]
    else:
        units = _units(text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, j in units:
        unit = text[i:j]
        if j - i > 1:
            unit = unit[0] + "".join(_VOICING_COMBINING.get(c, c) for c in unit[1:])
            unit = unicodedata.normalize("NFC", unicodedata.normalize("NFKC", unit))
        for c in _fold_unit(unit, kana, lower):
            chars.append(c)
            starts.append(i)
            ends.append(j)
    return Folded("".join(chars), tuple(starts), tuple(ends), len(text))


# Whether each character is kept by ``compact`` (not a separator).
_KEEP: LazyTable[str, bool] = LazyTable(lambda c: not is_separator(c))


def _is_sep(ch: str) -> bool:
    return not _KEEP[ch]


def compact(text: str, *, leet: bool = True) -> Folded:
    """Fold, then drop separators and (optionally) map leet digits to letters."""
    return _compact(text, leet)


@lru_cache(maxsize=1024)
def _compact(text: str, leet: bool) -> Folded:
    folded = _fold(text, True, True)
    ftext = folded.text
    if leet and _LEET_SYMBOL_RE.search(ftext):
        # A symbol standing for a letter inside a latin word (M!nato, sc@m, $cam) is kept.
        ftext = _LEET_SYMBOL_RE.sub(lambda m: m.group(0).translate(LEET), ftext)
    keep = list(compress(range(len(ftext)), map(_KEEP.__getitem__, ftext)))
    out = "".join(compress(ftext, map(_KEEP.__getitem__, ftext)))
    if leet:
        out = out.translate(LEET)
    fs, fe = folded.starts, folded.ends
    if isinstance(fs, range):  # one character in, one out: positions are the kept indices
        return Folded(out, keep, list(map((1).__add__, keep)), len(text))
    return Folded(out, [fs[i] for i in keep], [fe[i] for i in keep], len(text))


def compact_key(text: str, *, leet: bool = True) -> str:
    """The compact form of a short string such as a name or alias."""
    return compact(text, leet=leet).text


def has_japanese(text: str) -> bool:
    """True when ``text`` contains kana or CJK ideographs."""
    return _JA_RE.search(text) is not None
