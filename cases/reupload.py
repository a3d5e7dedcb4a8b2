"""Re-uploads: a new hit whose text repeats the post of a case under takedown (or already
removed) at another URL opens a case linked to the original one.

Text is compared after NFKC normalization with whitespace and punctuation removed, so a
copy with other spacing, full-width letters or added line breaks still matches; a new post
that contains the whole original text (at least ``MIN_CHARS`` characters) matches too.
Media re-uploads are not compared here (the media detectors' known-photo matching covers them).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from cases.model import Case
from cases.store import CaseStore

logger = logging.getLogger(__name__)

WATCHED = ("takedown_requested", "removed", "refused", "escalated_to_counsel")
MIN_CHARS = 15


def fingerprint(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def find_original(store: CaseStore, doc: dict[str, Any]) -> Case | None:
    """The case whose post this hit document re-uploads, if any."""
    new = fingerprint(str(doc.get("text") or ""))
    if len(new) < MIN_CHARS:
        return None
    for case in store.list():
        if case.status not in WATCHED or case.hit_id == doc.get("id") or case.url == doc.get("url"):
            continue
        old = fingerprint(case.text)
        if len(old) >= MIN_CHARS and (old == new or old in new):
            return case
    return None


def link_reupload(config: Any, doc: dict[str, Any], store: CaseStore | None = None) -> Case | None:
    """Open a case linked to the original for a re-uploaded hit; None if it is not one."""
    store = store or CaseStore(config)
    original = find_original(store, doc)
    if original is None or store.for_hit(str(doc["id"])):
        return None
    reason = f"Re-upload of case {original.id} ({original.url}). {original.reason}".strip()
    case = store.open(str(doc["id"]), actor="reupload", reason=reason, doc=doc, linked_case_id=original.id)
    store.note(original.id, f"Re-uploaded at {case.url}: linked case {case.id}.", actor="reupload")
    logger.info("Hit %s re-uploads case %d; opened linked case %d.", doc["id"], original.id, case.id)
    return case
