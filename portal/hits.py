"""Reading hits for the portal, and the one rule of who may see what.

Legal and admin users see every hit. An employee sees a hit only if one of its findings
names their employee id (a name, face or voice match for them), and then only those
findings: the findings about other people are removed before anything is rendered or
returned, so another employee's data never leaves the server through any route.
"""

from __future__ import annotations

import html
import json
import re
import threading
from typing import Any

from markupsafe import Markup
from sqlalchemy import select

from crawler.exceptions import IndexBackendError
from crawler.state import index_queue
from index.base import Index, SearchRequest, SearchResult
from portal.accounts import User

STAFF_ROLES = ("legal", "admin")


class HitReader:
    """A read-only index handle shared by the requests of one app (opened lazily)."""

    def __init__(self, config: Any, engine: Any) -> None:
        self.config = config
        self.engine = engine
        self._index: Index | None = None
        self._lock = threading.Lock()

    def _open(self) -> Index | None:
        with self._lock:
            if self._index is None:
                cfg = self.config
                if cfg.index.backend == "tantivy" and not (cfg.index_path / "mamori-schema.json").exists():
                    return None  # no index yet: never create one from the portal
                from index import open_index

                self._index = open_index(cfg, readonly=True)
            return self._index

    def search(self, request: SearchRequest) -> SearchResult:
        index = self._open()
        if index is None:
            return SearchResult(total=0, hits=[])
        return index.search(request)

    def get(self, hit_id: str) -> dict[str, Any] | None:
        """The hit document from the index, else the newest copy waiting in the hand-off queue."""
        index = self._open()
        if index is not None:
            try:
                doc = index.get(hit_id)
            except IndexBackendError:
                doc = None
            if doc is not None:
                return doc
        with self.engine.connect() as conn:
            row = conn.execute(
                select(index_queue.c.doc)
                .where(index_queue.c.post_id == hit_id)
                .order_by(index_queue.c.id.desc())
            ).first()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


def concerns(doc: dict[str, Any], employee_id: str | None) -> bool:
    """True if a finding of ``doc`` names ``employee_id``."""
    if not employee_id:
        return False
    return any((f or {}).get("employee_id") == employee_id for f in doc.get("findings") or ())


def may_see(user: User, doc: dict[str, Any]) -> bool:
    if user.role in STAFF_ROLES:
        return True
    return user.role == "employee" and concerns(doc, user.employee_id)


def view_of(user: User, doc: dict[str, Any]) -> dict[str, Any]:
    """What ``user`` may see of ``doc``: for an employee, only the findings naming them."""
    if user.role in STAFF_ROLES:
        return doc
    mine = [f for f in doc.get("findings") or () if (f or {}).get("employee_id") == user.employee_id]
    keep = (
        "id",
        "url",
        "platform",
        "source",
        "title",
        "text",
        "published_at",
        "fetched_at",
        "lang",
        "media",
        "status",
        "author",
    )
    out = {k: doc.get(k) for k in keep if k in doc}
    out["text"] = mask_others(str(doc.get("text") or ""), doc, user.employee_id)
    title = mask_others(str(doc.get("title") or ""), doc, user.employee_id, field="title")
    out["title"] = mask_words(title, doc, user.employee_id)
    from portal.thumbs import withheld

    # A media item that a finding about another employee points at (their face, their voice).
    out["media"] = [
        m for m in doc.get("media") or () if not withheld(doc, user.employee_id, (m or {}).get("url"))
    ]
    out["findings"] = mine
    out["labels"] = sorted({f.get("label") for f in mine if f.get("label")})
    out["employees"] = [user.employee_id]
    sev = [f.get("severity") for f in mine]
    from crawler.items import SEVERITIES

    out["severity"] = max(sev, key=lambda s: SEVERITIES.index(s) if s in SEVERITIES else 0) if sev else "info"
    return out


MASK = "●"


def span_field(span: dict[str, Any]) -> str:
    """The field of the post a span's offsets index (``text`` unless it says ``title``)."""
    return str(span.get("field") or "text")


def mask_others(text: str, doc: dict[str, Any], employee_id: str | None, field: str = "text") -> str:
    """``text`` (the post's ``field``) with the words of findings about *other* employees
    masked (same length, so the spans of the employee's own findings stay valid)."""
    chars = list(text)
    for f in doc.get("findings") or ():
        other = (f or {}).get("employee_id")
        if not other or other == employee_id:
            continue
        for s in f.get("spans") or ():
            if span_field(s) != field:
                continue
            start, end = max(0, int(s.get("start", 0))), min(len(chars), int(s.get("end", 0)))
            for i in range(start, end):
                chars[i] = MASK
    return "".join(chars)


def mask_words(text: str, doc: dict[str, Any], employee_id: str | None) -> str:
    """Mask, anywhere in ``text``, the words that findings about other employees matched
    (for the title: a name found in the body and repeated in the title is masked there too)."""
    for f in doc.get("findings") or ():
        other = (f or {}).get("employee_id")
        if not other or other == employee_id:
            continue
        for s in f.get("spans") or ():
            word = str(s.get("text") or "")
            if word.strip():
                text = text.replace(word, MASK * len(word))
    return text


_MARK = re.compile(r"(</?mark>)")


def safe_snippet(snippet: str) -> Markup:
    """Render an index snippet: only ``<mark>`` survives, everything else is text."""
    out: list[str] = []
    for part in _MARK.split(snippet or ""):
        if part in ("<mark>", "</mark>"):
            out.append(part)
        else:
            out.append(html.escape(html.unescape(part)))
    text = "".join(out)
    # Unbalanced marks (a cut snippet) are closed so they cannot swallow the page.
    text += "</mark>" * max(0, text.count("<mark>") - text.count("</mark>"))
    return Markup(text)


def highlight(text: str, findings: list[dict[str, Any]], field: str = "text") -> Markup:
    """``text`` (the post's ``field``) escaped, with the spans of ``findings`` that index that
    field wrapped in ``<mark>`` (with the label)."""
    spans: list[tuple[int, int, str]] = []
    for f in findings:
        for s in f.get("spans") or ():
            if span_field(s) != field:
                continue
            start, end = int(s.get("start", 0)), int(s.get("end", 0))
            if 0 <= start < end <= len(text):
                spans.append((start, end, str(f.get("label") or "")))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, label in spans:
        if start < pos:
            start = pos
        if start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark title="{html.escape(label)}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return Markup("".join(out))
