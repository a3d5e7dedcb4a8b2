"""Highlighted snippets cut from the original text, shared by backends that need them."""

from __future__ import annotations

import html
import re
import unicodedata

_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ー]+|[0-9A-Za-z\u00c0-\u024f]+"
)


def query_terms(text: str) -> list[str]:
    """The terms of a free-text query, NFKC-folded and lowercased."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def make_snippet(text: str, terms: list[str], *, width: int = 160) -> str:
    """A window of ``text`` around the first match with every match wrapped in ``<mark>``.

    The text is HTML-escaped; only ``<mark>`` tags are added. Without matches the start of
    the text is returned.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = "".join(unicodedata.normalize("NFKC", c).lower()[:1] or c for c in text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term:
            continue
        for m in re.finditer(re.escape(term), folded):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    if merged:
        first = merged[0][0]
        start = max(0, first - width // 3)
    else:
        start = 0
    end = min(len(text), start + width)
    out: list[str] = ["…" if start > 0 else ""]
    pos = start
    for s, e in merged:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
