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
    for m in tokenizer().tokenize(folded.text):
        b, e = m.begin(), m.end()
        if e <= b:
            continue
        o_start, o_end = folded.span_back(b, e)
        out.append(Morpheme(m.surface(), m.dictionary_form(), tuple(m.part_of_speech()), o_start, o_end))
    return tuple(out)
