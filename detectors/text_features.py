"""Features of a post for the learned text classifier (:mod:`detectors.text_model`).

The same function feeds the training script (``training/train_text_model.py``) and the
detector, so what the model learned is what it reads. A feature is a string with the span of
the original text that produced it, so a finding can show the words that weighed most.

- Japanese text is cut into morphemes (sudachipy, :func:`detectors.morph.morphemes`), each
  read as its dictionary form; other text into words. Case, width, kana and variant kanji are
  folded.
- The company's and employees' mentions are replaced by ``<co>`` and ``<emp>``: the model
  learns what is said about a target, never a particular name.
- Unigrams and bigrams of those tokens, plus character bigrams and trigrams of Japanese runs
  (slang the dictionary does not know: ﾀﾋね, 氏ね, 〜ンゴ).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

from detectors.attribution import Target
from detectors.morph import morphemes
from detectors.normalize import _is_sep, fold, has_japanese

FEATURE_VERSION = "ngrams-1"
"""Stored in a trained model: a model trained on other features is refused, not misread."""

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[?？!！]")
_KEEP_PUNCT = frozenset("?？!！")
_HIRA = str.maketrans({chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F7)})
_JA_RUN = re.compile(r"[\u3041-\u309f\u30a0-\u30ff\u4e00-\u9fffー]{2,}")


Token = tuple[str, int, int]
"""``(key, start, end)``: the token's folded key and its span in the original text."""


def _key(word: str) -> str:
    if word in _KEEP_PUNCT:
        return "?" if word in "?？" else "!"
    return word.lower().translate(_HIRA)


def tokens(text: str, targets: Sequence[Target] = ()) -> list[Token]:
    """The tokens of ``text`` with ORIGINAL offsets; target mentions become placeholders.

    The name model and the text model read the same post with the same targets one after the
    other: the last few results are kept."""
    return list(_tokens(text, tuple(targets)))


@lru_cache(maxsize=32)
def _tokens(text: str, targets: tuple[Target, ...]) -> tuple[Token, ...]:
    raw: list[Token]
    if has_japanese(text):
        raw = [
            (_key(m.lemma if m.lemma and m.lemma != "*" else m.surface), m.start, m.end)
            for m in morphemes(text)
            if not all(map(_is_sep, m.surface)) or _KEEP_PUNCT.intersection(m.surface)
        ]
    else:  # folded already: lower case, one width
        folded = fold(text)
        if isinstance(folded.starts, range):  # one character in, one out: the same offsets
            raw = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded.text)]
        else:
            raw = [(m.group(), *folded.span_back(m.start(), m.end())) for m in _WORD.finditer(folded.text)]
    if not targets:
        return tuple(raw)
    spans = sorted((t.start, t.end, "<co>" if t.employee_id is None else "<emp>") for t in targets)
    out: list[Token] = []
    k, n = 0, len(spans)
    for tok in raw:
        start, end = tok[1], tok[2]
        while k < n and spans[k][1] <= start:
            k += 1
        if k < n and spans[k][0] < end:  # the token overlaps a mention
            ph = spans[k][2]
            if out and out[-1][0] == ph and start - out[-1][2] <= 1:
                out[-1] = (ph, out[-1][1], end)  # one placeholder per mention
            else:
                out.append((ph, start, end))
        else:
            out.append(tok)
    return tuple(out)


def _kinds(targets: Sequence[Target]) -> list[str]:
    return sorted({"t:<co>" if t.employee_id is None else "t:<emp>" for t in targets})


def _japanese_runs(text: str, targets: Sequence[Target]) -> tuple[Any, list[tuple[str, int]]]:
    """The folded text and its runs of kana and kanji, with the targets' characters blanked
    (a name's characters are not words of the post)."""
    folded = fold(text)
    ftext = folded.text
    for t in targets:
        s = bisect_left(folded.starts, t.start)  # the first folded character at or after it
        e = bisect_left(folded.starts, t.end)
        ftext = ftext[:s] + "\x00" * (e - s) + ftext[e:]
    return folded, [(m.group(), m.start()) for m in _JA_RUN.finditer(ftext)]


def feature_names(text: str, targets: Sequence[Target] = ()) -> list[str]:
    """The names of :func:`features`, without spans (the fast path for scoring)."""
    keys = [k for k, _, _ in tokens(text, targets)]
    names = ["u:" + k for k in keys]
    names += ["b:" + a + " " + b for a, b in pairwise(keys)]
    if targets:
        names += _kinds(targets)
    if has_japanese(text):
        for run, _ in _japanese_runs(text, targets)[1]:
            names += ["c:" + run[i : i + 2] for i in range(len(run) - 1)]
            names += ["c:" + run[i : i + 3] for i in range(len(run) - 2)]
    return names


def features(text: str, targets: Sequence[Target] = ()) -> list[tuple[str, int, int]]:
    """``(feature, start, end)`` for the classifier, spans in the original text (in the order
    of :func:`feature_names`)."""
    toks = tokens(text, targets)
    feats = [("u:" + k, s, e) for k, s, e in toks]
    feats += [("b:" + a[0] + " " + b[0], a[1], b[2]) for a, b in pairwise(toks)]
    if targets:
        feats += [(k, 0, 0) for k in _kinds(targets)]
    if has_japanese(text):
        folded, runs = _japanese_runs(text, targets)
        for run, base in runs:
            for n in (2, 3):
                for i in range(len(run) - n + 1):
                    s, e = folded.span_back(base + i, base + i + n)
                    feats.append(("c:" + run[i : i + n], s, e))
    return feats
