"""Text analysis shared by the backends: NFKC folding, CJK runs and latin words.

Japanese has no spaces. Both backends therefore treat a run of CJK characters as an exact
sequence (a phrase of its character bigrams, so two-character words such as 田中 or 詐欺
match) and latin words as stemmed English words.
"""

from __future__ import annotations

import re
import unicodedata

CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ー]+")
LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")


def fold(text: str) -> str:
    """NFKC and lowercase: ＡＣＭＥ → acme, ﾀﾅｶ → タナカ."""
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(run: str) -> list[str]:
    """The character bigrams of one CJK run (the run itself when it is one character)."""
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(fold(text))


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(fold(text))


def doc_text(doc: dict) -> str:
    """The searchable text of a hit document: title and text."""
    return "\n".join(filter(None, (doc.get("title") or "", doc.get("text") or "")))
