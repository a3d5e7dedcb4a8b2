"""What the sustained-harassment engine records of a hit: :class:`HitRecord`, built from an
indexed hit document by :func:`to_record` (the author's key, a hash of the folded text, the
media hashes and the harassing phrases), and the shapes of the engine's two hooks."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.state import _utc, now
from sustained.config import HARASSMENT, PersistenceRule

ANONYMOUS = {
    "",
    "名無し",
    "名無しさん",
    "名無しさん@お腹いっぱい。",
    "風吹けば名無し",
    "匿名",
    "anonymous",
    "[deleted]",
    "deleted",
}
_URL = re.compile(r"https?://\S+")


@dataclass
class HitRecord:
    hit_id: str
    platform: str
    author_key: str
    handle: str
    at: datetime
    labels: list[str]
    employees: list[str]
    severity: str
    text_hash: str
    media_hashes: list[str]
    phrases: list[str]
    url: str
    doc: dict[str, Any]

    @property
    def harassing(self) -> bool:
        return bool(set(self.labels) & set(HARASSMENT))


Escalate = Callable[[PersistenceRule, HitRecord, list[str]], int | None]
"""Groups an author's hits into a case when a rule fires; returns the case id."""
Announce = Callable[[str, str, str, str, tuple[str, ...]], None]
"""Sends one alert ``(key, title, body, severity, routes)`` through the outbox."""


def author_key(doc: dict[str, Any]) -> tuple[str, str]:
    """``(key, handle)``: the platform's stable account id where it has one, else the handle.
    Anonymous board names without an ID give an empty key (they are not one person)."""
    author = doc.get("author") or {}
    handle = str(author.get("handle") or author.get("display_name") or "")
    account = str(author.get("account_id") or "")
    if account:
        return account, handle
    if handle.strip().lower() in ANONYMOUS:
        return "", handle
    return handle, handle


def text_hash(text: str, min_chars: int) -> str:
    folded = re.sub(r"\s+", " ", _URL.sub("", unicodedata.normalize("NFKC", text).lower())).strip()
    if len(folded) < min_chars:
        return ""
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def to_record(doc: dict[str, Any], min_chars: int) -> HitRecord | None:
    key, handle = author_key(doc)
    labels = list(doc.get("labels") or [])
    if not set(labels) & set(HARASSMENT):
        return None
    at = doc.get("published_at") or doc.get("fetched_at")
    when = _utc(datetime.fromisoformat(at)) if isinstance(at, str) else _utc(at) or now()
    findings = doc.get("findings") or []
    phrases = sorted(
        {
            s.get("text", "")
            for f in findings
            if f.get("label") in HARASSMENT
            for s in f.get("spans") or []
            if s.get("text")
        }
    )
    media = sorted(
        {
            hashlib.sha256(str(m.get("url", "")).encode()).hexdigest()[:32]
            for m in doc.get("media") or []
            if m.get("url")
        }
        | {str((f.get("extra") or {}).get("phash")) for f in findings if (f.get("extra") or {}).get("phash")}
    )
    return HitRecord(
        hit_id=doc["id"],
        platform=str(doc.get("platform") or ""),
        author_key=key,
        handle=handle,
        at=when,  # type: ignore[arg-type]
        labels=labels,
        employees=list(doc.get("employees") or []),
        severity=str(doc.get("severity") or "info"),
        text_hash=text_hash(str(doc.get("text") or ""), min_chars),
        media_hashes=media,
        phrases=phrases,
        url=str(doc.get("url") or ""),
        doc=doc,
    )


def phrase_counts(rows: Iterable[Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in rows:
        counts.update(json.loads(r["phrases"]))
    return counts
