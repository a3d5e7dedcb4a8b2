"""The data model: a normalized :class:`Post` and the :class:`Finding` detectors attach to it.

Posts are plain dataclasses (Scrapy accepts them as items through itemadapter), so the
detectors, the index, the portal and the eval commands use them without importing Scrapy.
A *hit* is a post with at least one finding above ``info`` severity.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

MediaKind = Literal["image", "audio", "video", "link"]

SEVERITIES: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
"""Severities in increasing order."""


def severity_rank(severity: str) -> int:
    """Return the rank of ``severity`` (``info`` is 0, ``critical`` is 4)."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        raise ValueError(f"Unknown severity {severity!r}; use one of {', '.join(SEVERITIES)}.") from None


def utcnow() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a post: the handle, and where the platform has them a display name and id."""

    handle: str = ""
    display_name: str = ""
    account_id: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A media item attached to a post."""

    url: str
    kind: MediaKind = "image"
    mime_type: str = ""
    description: str = ""


SpanField = Literal["text", "title"]


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of one field of the post, in its original characters.

    ``field`` names the field the offsets index: ``"text"`` (the default, and the only field
    before titles were analysed) or ``"title"``; ``text`` always equals
    ``post.field_text(field)[start:end]``.
    """

    start: int
    end: int
    text: str = ""
    field: SpanField = "text"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a detector found in a post, explained so a lawyer can read it."""

    detector: str
    label: str
    severity: str
    score: float
    explanation: str
    spans: tuple[Span, ...] = ()
    employee_id: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        # Field by field: ``asdict`` deep-copies, and every hit document is made of these.
        return {
            "detector": self.detector,
            "label": self.label,
            "severity": self.severity,
            "score": self.score,
            "explanation": self.explanation,
            "spans": [{"start": s.start, "end": s.end, "text": s.text, "field": s.field} for s in self.spans],
            "employee_id": self.employee_id,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            detector=data["detector"],
            label=data["label"],
            severity=data["severity"],
            score=float(data["score"]),
            explanation=data.get("explanation", ""),
            spans=tuple(Span(**s) for s in data.get("spans", ())),
            employee_id=data.get("employee_id"),
            extra=tuple(sorted((data.get("extra") or {}).items())),
        )


@dataclass(slots=True)
class Post:
    """A normalized post from any platform.

    ``id`` is stable for a given platform post: ``"<platform>:<platform id>"``.
    """

    platform: str
    source: str
    id: str
    url: str
    text: str
    author: Author = field(default_factory=Author)
    title: str = ""
    published_at: datetime | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    lang: str = ""
    media: list[MediaRef] = field(default_factory=list)
    parent_id: str | None = None
    thread_id: str | None = None
    thread_url: str | None = None
    raw_ref: str | None = None
    raw: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def is_hit(self) -> bool:
        """At least one finding above ``info``: a bare company mention is context, not a hit."""
        return any(f.severity != "info" for f in self.findings)

    @property
    def full_text(self) -> str:
        """Title and text as one string for display and search; spans of findings index
        :attr:`text` or :attr:`title` (see :attr:`Span.field`), never this string."""
        return f"{self.title}\n{self.text}" if self.title else self.text

    def field_text(self, name: str) -> str:
        """The original text of the field a :class:`Span` points into (``text`` or ``title``)."""
        if name == "title":
            return self.title
        if name == "text":
            return self.text
        raise ValueError(f"A span points into 'text' or 'title', not {name!r}.")

    def content_hash(self) -> str:
        """A hash of what a reader sees: changes when the post is edited."""
        h = hashlib.sha256()
        for part in (self.title, self.text, *(m.url for m in self.media)):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    @property
    def max_severity(self) -> str | None:
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=severity_rank)

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "source": self.source,
            "id": self.id,
            "url": self.url,
            "text": self.text,
            "title": self.title,
            "author": asdict(self.author),
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "fetched_at": self.fetched_at.isoformat(),
            "lang": self.lang,
            "media": [asdict(m) for m in self.media],
            "parent_id": self.parent_id,
            "thread_id": self.thread_id,
            "thread_url": self.thread_url,
            "raw_ref": self.raw_ref,
            "raw": self.raw,
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Post:
        def dt(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            platform=data["platform"],
            source=data["source"],
            id=data["id"],
            url=data["url"],
            text=data.get("text", ""),
            title=data.get("title", ""),
            author=Author(**(data.get("author") or {})),
            published_at=dt(data.get("published_at")),
            fetched_at=dt(data.get("fetched_at")) or utcnow(),
            lang=data.get("lang", ""),
            media=[MediaRef(**m) for m in data.get("media") or ()],
            parent_id=data.get("parent_id"),
            thread_id=data.get("thread_id"),
            thread_url=data.get("thread_url"),
            raw_ref=data.get("raw_ref"),
            raw=data.get("raw"),
            findings=[Finding.from_dict(f) for f in data.get("findings") or ()],
        )
