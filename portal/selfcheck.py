"""The employee's self-check: their hits, their names, their consent, their requests, a URL check."""

from __future__ import annotations

import hashlib
import logging
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import delete, insert, select

from cases.model import OPEN_STATUSES, CaseError
from crawler.items import Post
from index.base import SearchRequest
from portal.accounts import User
from portal.db import names, requests, utcnow
from portal.fetch import SafeFetcher

logger = logging.getLogger("mamori.portal")


def my_hits(portal: Any, user: User, *, size: int = 100) -> list[dict[str, Any]]:
    """The hits whose findings name the user (index filter, then re-checked per document)."""
    from portal.hits import concerns, view_of

    if not user.employee_id:
        return []
    result = portal.hits.search(SearchRequest(employees=(user.employee_id,), sort="newest", size=size))
    return [view_of(user, h.doc) for h in result.hits if concerns(h.doc, user.employee_id)]


def my_names(engine: Any, employee_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(names).where(names.c.employee_id == employee_id).order_by(names.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def add_name(engine: Any, employee_id: str, name: str) -> None:
    with engine.begin() as conn:
        exists = conn.execute(
            select(names.c.id).where(names.c.employee_id == employee_id, names.c.name == name)
        ).first()
        if not exists:
            conn.execute(insert(names).values(employee_id=employee_id, name=name, created_at=utcnow()))


def remove_name(engine: Any, employee_id: str, name_id: int) -> bool:
    with engine.begin() as conn:
        return bool(
            conn.execute(
                delete(names).where(names.c.id == name_id, names.c.employee_id == employee_id)
            ).rowcount
        )


def registered_names(engine: Any) -> dict[str, list[str]]:
    """``{employee_id: [name, …]}`` registered through the portal (for the name detector's aliases)."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for emp, name in conn.execute(select(names.c.employee_id, names.c.name).order_by(names.c.id)):
            out.setdefault(emp, []).append(name)
    return out


def my_requests(engine: Any, employee_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(requests).where(requests.c.employee_id == employee_id).order_by(requests.c.id.desc())
        ).mappings()
        return [dict(r) for r in rows]


def my_request(engine: Any, employee_id: str, request_id: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(requests).where(requests.c.id == request_id, requests.c.employee_id == employee_id)
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def ask_for_help(portal: Any, user: User, hit_id: str, doc: dict[str, Any], message: str) -> dict[str, Any]:
    """Record the request and open a case for the hit (or join its open case)."""
    from cases.store import CaseStore

    store = CaseStore(portal.config, portal.state)
    reason = f"Employee {user.employee_id} asked the legal team for help" + (
        f": {message}" if message else "."
    )
    case_id: int | None = None
    try:
        case_id = store.open(hit_id, actor=f"employee:{user.username}", reason=reason, doc=doc).id
    except CaseError:
        existing = [c for c in store.for_hit(hit_id) if c.status in OPEN_STATUSES]
        if existing:
            case_id = existing[0].id
            store.note(case_id, reason, actor=f"employee:{user.username}")
    with portal.state.begin() as conn:
        new_id = conn.execute(
            insert(requests).values(
                employee_id=user.employee_id,
                username=user.username,
                hit_id=hit_id,
                message=message[:4000],
                case_id=case_id,
                status="open",
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
    return my_request(portal.state.engine, str(user.employee_id), int(new_id)) or {}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style", "noscript", "template"):
            self._skip += 1
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template") and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip and data.strip():
            self.parts.append(data.strip())


def page_text(body: bytes, content_type: str) -> tuple[str, str]:
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        text = body.decode(charset, errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    if "html" not in content_type and not text.lstrip().startswith("<"):
        return "", text
    parser = _Text()
    parser.feed(text)
    return parser.title.strip(), "\n".join(parser.parts)


def check_url(portal: Any, user: User, url: str) -> dict[str, Any]:
    """Fetch ``url`` safely, run the text detectors, report the findings that name the user.

    A page with findings is handed to the index like a crawled hit, so the legal team sees it.
    """
    from crawler import settings
    from crawler.handoff import enqueue
    from detectors.base import DetectorContext, DetectorSet
    from index.base import hit_document

    pc = portal.config.portal
    fetcher = SafeFetcher(
        allowed=pc.allowed_fetch_hosts,
        max_bytes=pc.fetch_max_bytes,
        timeout=pc.fetch_timeout,
        max_redirects=pc.fetch_max_redirects,
    )
    fetched = fetcher.fetch(url)
    title, text = page_text(fetched.body, fetched.content_type)
    post = Post(
        platform="web",
        source="portal",
        id="web:" + hashlib.sha256(fetched.url.encode()).hexdigest()[:32],
        url=fetched.url,
        text=text[:200_000],
        title=title[:500],
    )
    detectors = DetectorSet.from_paths(
        settings.MAMORI_DETECTORS,
        DetectorContext.from_config(portal.config),
        disabled=portal.config.detectors.disabled,
    )
    detectors.run(post)
    if post.findings:
        enqueue(portal.state, hit_document(post))
    mine = [f.to_dict() for f in post.findings if f.employee_id == user.employee_id]
    logger.info(
        "URL check by %s: status %s, %d finding(s), %d about them.",
        user.username,
        fetched.status,
        len(post.findings),
        len(mine),
    )
    return {
        "url": fetched.url,
        "status": fetched.status,
        "title": title,
        "findings": mine,
        "hit_id": post.id if post.findings else None,
        "redirects": list(fetched.redirects),
    }
