"""Fast multi-pattern matching over compact (normalized) text, mapped back to the original.

:class:`MultiMatcher` compiles many keys (names, aliases, lexicon terms) into one regular
expression over :func:`detectors.normalize.compact` text, longest first, so 田中美咲 wins over
田中. Because compact text has no spaces, a latin match is checked against the original
characters: it must not be part of a longer word (``Minato`` in ``Minatoku``) and its words
must line up with the key's words (``ito`` does not match ``I to``), unless every letter is
spaced out to evade filters (``i d i o t``, ``s.c.a.m``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from detectors.normalize import Folded, compact, compact_key, is_separator

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """One match: compact positions, original positions, the key and its payload."""

    start: int
    end: int
    o_start: int
    o_end: int
    key: str
    payload: T


_PART_BREAK = re.compile(r"[-_./]+")


def _shapes(key: str, leet: bool) -> frozenset[tuple[int, ...]]:
    """Letters per word of ``key`` as written, and with its words also broken at hyphens and dots
    (Minato-Tsushin is written Minato Tsushin too; not at inner capitals: BlueWave is not "a blue
    wave of complaints"). A word of symbols only (the & of "Marks & Spencer") has no letters to
    line up."""
    out = set()
    for words in (key.split(), [p for w in key.split() for p in _PART_BREAK.split(w)]):
        out.add(tuple(n for n in (len(compact_key(w, leet=leet)) for w in words) if n))
    return frozenset(out)


class MultiMatcher(Generic[T]):
    """Find every occurrence of many keys (normalized with :func:`compact_key`) in a text.

    Keys map to a payload (an employee id, a lexicon entry …); the first key wins when two
    keys normalize to the same string.
    """

    def __init__(self, keys: Mapping[str, T], *, leet: bool = True) -> None:
        self.leet = leet
        self.payload: dict[str, T] = {}
        # Letters per word of every key that normalizes to the same string (Jordan Pike and a
        # run-together variant JordanPike): the original may be spelled as any of them.
        self.shape: dict[str, frozenset[tuple[int, ...]]] = {}
        for key, value in keys.items():
            norm = compact_key(key, leet=leet)
            if not norm:
                continue
            self.shape[norm] = self.shape.get(norm, frozenset()) | _shapes(key, leet)
            if norm not in self.payload:  # the first key's payload wins
                self.payload[norm] = value
        if self.payload:
            self.pattern: re.Pattern[str] | None = re.compile(trie_regex(self.payload))
        else:
            self.pattern = None

    def find(self, text: str) -> Iterator[tuple[int, int, T]]:
        """Yield ``(start, end, payload)`` for non-overlapping matches in compact ``text``."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.end(), self.payload[match.group(0)]

    def search(self, original: str, folded: Folded | None = None) -> list[Match[T]]:
        """Matches in ``original`` (compacted here unless given), checked against the original."""
        if self.pattern is None:
            return []
        folded = folded or compact(original, leet=self.leet)
        out: list[Match[T]] = []
        text = folded.text
        last_end = 0
        for m in self.pattern.finditer(text):
            if m.start() < last_end:
                continue
            found = self._accept(original, folded, m.start(), m.group(0))
            if found is None:
                # Not a word here (ass in "was struck"): a word may start inside it (struck off).
                found = self._rescue(original, folded, m.start() + 1, m.end())
            if found is not None:
                out.append(found)
                last_end = found.end
        return out

    def _accept(self, original: str, folded: Folded, start: int, key: str) -> Match[T] | None:
        """The match of ``key`` at compact ``start``, or of the longest shorter key that is a
        whole word in the original (the longest key may run into the next word)."""
        o_start, o_end = folded.span_back(start, start + len(key))
        latin = key[0].isascii() or key[-1].isascii()
        if latin and not latin_span_ok(original, o_start, o_end, self.shape[key]):
            for length in range(len(key) - 1, 0, -1):
                shorter = key[:length]
                if shorter in self.payload:
                    o_start, o_end = folded.span_back(start, start + length)
                    if latin_span_ok(original, o_start, o_end, self.shape[shorter]):
                        key = shorter
                        break
            else:
                return None
        return Match(
            start, start + len(key), o_start, _closed(original, o_start, o_end), key, self.payload[key]
        )

    def _rescue(self, original: str, folded: Folded, start: int, end: int) -> Match[T] | None:
        assert self.pattern is not None
        for pos in range(start, end):
            o = folded.starts[pos]
            if o > 0 and _latin_alnum(original[o - 1]) and original[o].isascii():
                continue  # inside a latin word: no word starts here
            m = self.pattern.match(folded.text, pos)
            if m is not None:
                found = self._accept(original, folded, pos, m.group(0))
                if found is not None:
                    return found
        return None


_OPENING_OF = {")": "(", "）": "（", "]": "[", "」": "「", "】": "【"}


def _closed(original: str, start: int, end: int) -> int:
    """``end``, moved past a closing bracket the match opened (ミナト通信(株) ends after the ")";
    the compact key has no brackets, so the match stopped at 株). Every match passes here: only
    a closing bracket right after it costs more than one look-up."""
    closing = original[end : end + 1]
    opening = _OPENING_OF.get(closing)
    if opening is not None and original.count(opening, start, end) > original.count(closing, start, end):
        return end + 1
    return end


def trie_regex(keys: Iterable[str]) -> str:
    """One regular expression for many keys, shaped as a prefix tree: ``ab(?:c)?`` for
    ``ab``/``abc``. It matches the longest key at each position and is much faster than a
    flat alternation of hundreds of keys in Python's regex engine."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        if len(alts) == 1 and not end:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if end else "")

    return build(trie)


def is_ascii_word_boundary(original: str, start: int, end: int) -> bool:
    """For a latin-letter match ``original[start:end]``, require that it is not part of a
    longer latin word in the original text (``Minato`` in ``Minatoku`` is not a mention).
    Non-latin matches always pass: Japanese has no spaces between words."""
    matched = original[start:end]
    if not matched:
        return True
    before = original[start - 1] if start > 0 else ""
    after = original[end] if end < len(original) else ""
    if _latin(matched[0]) and _latin_alnum(before):
        return False
    return not (_latin(matched[-1]) and _latin_alnum(after))


def _latin(ch: str) -> bool:
    """An ASCII character, also after NFKC (ｍ, 𝓶 are latin letters in disguise)."""
    return bool(ch) and (ch.isascii() or unicodedata.normalize("NFKC", ch)[:1].isascii())


def _latin_alnum(ch: str) -> bool:
    if not ch:
        return False
    n = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)[:1]
    return n.isascii() and n.isalnum()


def latin_span_ok(original: str, start: int, end: int, shapes: frozenset[tuple[int, ...]]) -> bool:
    """Word boundaries hold and the whitespace-separated chunks of the span line up with the
    words of one of the key's spellings (``shapes``: letters per word), or every chunk is a
    single letter."""
    if not is_ascii_word_boundary(original, start, end):
        return False
    parts = original[start:end].split()
    if len(parts) <= 1:
        return True  # one word: nothing to line up
    chunks = [sum(1 for c in chunk if not is_separator(c) or c in "!@$|") for chunk in parts]
    chunks = [c for c in chunks if c]
    if tuple(chunks) in shapes or len(chunks) == 1:
        return True
    return all(c == 1 for c in chunks)
