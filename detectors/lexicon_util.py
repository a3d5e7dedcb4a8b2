"""Helpers for the lexicon data modules."""

from __future__ import annotations

import re


def terms(block: str) -> tuple[str, ...]:
    """Split a comma-separated block of words and phrases (line breaks inside a phrase are
    spaces, so long lists can wrap anywhere)."""
    return tuple(" ".join(t.split()) for t in re.split(r"[,、]", block) if t.strip())
