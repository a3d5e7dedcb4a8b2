"""Japanese morphological analysis with sudachipy (sudachidict-core), mapped to the original.

:func:`morphemes` tokenizes the NFKC/variant-kanji folded text (katakana and case kept, so
the dictionary recognises words) and returns tokens whose ``start``/``end`` index the ORIGINAL
text. One tokenizer per process, created on first use (about 0.1 s).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from crawler.exceptions import DetectorUnavailable
from detectors.normalize import fold

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Morpheme:
    surface: str
    lemma: str
    pos: tuple[str, ...]
    start: int
    end: int


_TOKENIZER: Any = None


def tokenizer() -> Any:
    """The process-wide sudachipy tokenizer (mode C); raises DetectorUnavailable if missing."""
    global _TOKENIZER
    if _TOKENIZER is None:
        try:
            from sudachipy import Dictionary, SplitMode
        except ImportError as exc:  # pragma: no cover - sudachipy is a pinned dependency
            raise DetectorUnavailable(
                f"sudachipy is not installed ({exc}); install requirements/runtime.txt to analyse Japanese."
            ) from exc
        _TOKENIZER = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    return _TOKENIZER


@lru_cache(maxsize=256)
def morphemes(text: str) -> tuple[Morpheme, ...]:
    """Tokens of ``text`` with lemma, part of speech and ORIGINAL character offsets."""
    folded = fold(text, kana=False, lower=False)
    if not folded.text:
        return ()
    out: list[Morpheme] = []
    tok = tokenizer()
    for base, chunk in _chunks(folded.text):
        for m in tok.tokenize(chunk):
            b, e = base + m.begin(), base + m.end()
            if e <= b:
                continue
            o_start, o_end = folded.span_back(b, e)
            out.append(Morpheme(m.surface(), m.dictionary_form(), tuple(m.part_of_speech()), o_start, o_end))
    return tuple(out)


_MAX_CHARS = 4000  # sudachipy refuses inputs over 49,149 bytes; 4,000 characters stay far below


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split long text into ``(offset, chunk)`` pieces, at a sentence end where possible."""
    if len(text) <= _MAX_CHARS:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _MAX_CHARS)
        if end < len(text):
            cut = max(text.rfind(c, start, end) for c in "。！？!?\n")
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def is_short_kana(text: str, longest: int = 3) -> bool:
    """Kana only, ``longest`` or fewer: short enough to occur inside other words (ばか in そばから)."""
    return 0 < len(text) <= longest and all("\u3041" <= c <= "\u30ff" for c in text)


def on_token_boundaries(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` begins and ends on morpheme boundaries (sudachipy)."""
    toks = morphemes(text)
    return any(t.start == start for t in toks) and any(t.end == end for t in toks)


def starts_a_verb(text: str, start: int) -> bool:
    """True when a verb or an adjective (sudachipy) begins at ``text[start]``: the 見 of 髙橋見てる."""
    return any(t.start == start and t.pos[0] in ("動詞", "形容詞") for t in morphemes(text))
