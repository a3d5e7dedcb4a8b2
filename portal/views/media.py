"""Thumbnails of a hit's media, served from mamori's own evidence captures (never hotlinked).

Who may see them is decided exactly as for the hit page: legal and admin users every hit, an
employee only hits that concern them — and never a media item a finding about another
employee points at (their face or voice).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from werkzeug.wrappers import Response

from portal.app import portal
from portal.guard import audit, current_user, require
from portal.hits import STAFF_ROLES, may_see
from portal.thumbs import MediaItem, ThumbnailError, media_items, thumbnail

bp = Blueprint("media", __name__)


def items_for(doc: dict[str, Any]) -> list[MediaItem]:
    """The media of ``doc`` (the stored document) as the current user may see them on the hit page."""
    user = current_user()
    ctx = portal()
    return media_items(
        ctx.config, ctx.state, doc, staff=user.role in STAFF_ROLES, employee_id=user.employee_id
    )


@bp.get("/hits/<path:hit_id>/media/<int:n>/thumb")
@require()
def thumb(hit_id: str, n: int) -> Any:
    doc = portal().hits.get(hit_id)
    if doc is None or not may_see(current_user(), doc):
        abort(404, "There is no such hit, or it does not concern you.")
    items = items_for(doc)
    if n >= len(items) or items[n].state == "withheld":
        abort(404, f"The hit has no media item {n}, or it does not concern you.")
    try:
        data, source, etag = thumbnail(portal().config, portal().state, items[n], hit_id)
    except ThumbnailError as exc:
        abort(exc.status, str(exc))
    audit("read", "media", f"{hit_id}#{n}", source)
    resp = Response(data, status=200, content_type="image/jpeg")
    resp.set_etag(etag)
    h = resp.headers
    h["Cache-Control"] = "private, max-age=86400"
    h["Content-Security-Policy"] = "default-src 'none'; sandbox"
    h["X-Content-Type-Options"] = "nosniff"
    h["Cross-Origin-Resource-Policy"] = "same-origin"
    h["Content-Disposition"] = f'inline; filename="hit-media-{n}-thumb.jpg"'
    h["X-Mamori-Thumbnail-Source"] = source
    return resp.make_conditional(request)
