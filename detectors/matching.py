"""Fast multi-pattern matching over compact (normalized) text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from detectors.normalize import compact_key


class MultiMatcher:
    """Find every occurrence of many keys (normalized with :func:`compact_key`) in a text.

    Keys map to a payload (an employee id, a label …). One compiled alternation, longest
    keys first, so 田中美咲 wins over 田中.
    """

    def __init__(self, keys: Mapping[str, str], *, leet: bool = True) -> None:
        self.payload: dict[str, str] = {}
        for key, value in keys.items():
            norm = compact_key(key, leet=leet)
            if norm:
                self.payload.setdefault(norm, value)
        if self.payload:
            alternation = "|".join(re.escape(k) for k in sorted(self.payload, key=len, reverse=True))
            self.pattern: re.Pattern[str] | None = re.compile(alternation)
        else:
            self.pattern = None

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Yield ``(start, end, payload)`` for non-overlapping matches in ``text``."""
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            yield match.start(), match.end(), self.payload[match.group(0)]


def is_ascii_word_boundary(original: str, start: int, end: int) -> bool:
    """For a latin-letter match ``original[start:end]``, require that it is not part of a
    longer latin word in the original text (``Minato`` in ``Minatoku`` is not a mention).
    Non-latin matches always pass: Japanese has no spaces between words."""
    matched = original[start:end]
    if not matched or not matched[0].isascii() or not matched[-1].isascii():
        return True
    before = original[start - 1] if start > 0 else ""
    after = original[end] if end < len(original) else ""
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
