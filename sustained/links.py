"""Cross-platform link suggestions of the sustained-harassment engine: two authors on
different platforms who posted the same text or the same media are suggested as one person
(stored as ``suggested``; a person confirms or rejects them)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crawler.state import State
from sustained.records import HitRecord
from sustained.store import author_hits, author_links


class LinkSuggestions:
    """Mixin of :class:`sustained.engine.SustainedEngine`: suggested cross-platform links."""

    state: State
    clock: Callable[[], datetime]

    def _links(self, rec: HitRecord) -> int:
        made = 0
        with self.state.engine.connect() as conn:
            candidates = []
            if rec.text_hash:
                candidates += [
                    ("same_text", r)
                    for r in conn.execute(
                        select(author_hits).where(author_hits.c.text_hash == rec.text_hash)
                    ).mappings()
                ]
            if rec.media_hashes:
                for r in conn.execute(
                    select(author_hits).where(
                        author_hits.c.platform != rec.platform, author_hits.c.media_hashes != "[]"
                    )
                ).mappings():
                    if set(json.loads(r["media_hashes"])) & set(rec.media_hashes):
                        candidates.append(("same_media", r))
        for reason, other in candidates:
            if other["platform"] == rec.platform or not other["author_key"]:
                continue
            a, b = sorted([(rec.platform, rec.author_key), (other["platform"], other["author_key"])])
            try:
                with self.state.begin() as conn:
                    conn.execute(
                        author_links.insert().values(
                            a_platform=a[0],
                            a_key=a[1],
                            b_platform=b[0],
                            b_key=b[1],
                            reason=reason,
                            hit_ids=json.dumps(sorted({rec.hit_id, other["hit_id"]})),
                            status="suggested",
                            created_at=self.clock(),
                        )
                    )
                made += 1
            except IntegrityError:
                continue
        return made
