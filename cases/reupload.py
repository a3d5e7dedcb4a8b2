"""Re-uploads: a new hit that repeats the post of a watched case (a takedown requested, the
post removed, the request refused or escalated) at another URL opens a case linked to it.

* Text is compared after NFKC normalization with whitespace and punctuation removed, so a
  copy with other spacing, full-width letters or added line breaks still matches; a new post
  that contains the whole original text (at least ``MIN_CHARS`` characters) matches too.
* Images, audio and video are compared by the fingerprints of the original's media kept in
  ``case_media`` (see :mod:`cases.media_prints`): an image within
  ``[media] known_photo_distance`` bits of perceptual hash (resized, re-encoded, slightly
  cropped), a recording scoring at least ``[media] recording_min_score``.

:class:`ReuploadMatcher` loads the watched originals once and reloads them only when the
case tables changed (one small query at most every ``refresh_seconds``), so checking a hit
that is no re-upload costs microseconds and no query per hit.
"""

from __future__ import annotations

import json
import logging
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select, text

from cases.db import cases, ensure_schema
from cases.media_prints import MediaPrint, load_prints
from cases.model import WATCHED_STATUSES, Case
from cases.store import CaseStore
from crawler.state import State

logger = logging.getLogger(__name__)

WATCHED = WATCHED_STATUSES
MIN_CHARS = 15
GRAM = 8
"""Length of the text prefix the originals are indexed by (≤ ``MIN_CHARS``)."""


def fingerprint(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True)
class Original:
    """A watched case as the matcher keeps it."""

    case_id: int
    hit_id: str
    url: str


@dataclass(frozen=True)
class Match:
    original: Original
    how: str  # text, image, audio
    detail: str = ""
    """A sentence saying what matched (empty for text, which the reason already implies)."""


class ReuploadMatcher:
    """The watched originals in memory: text fingerprints and media fingerprints.

    ``refresh()`` is cheap to call for every hit: it asks the database whether the cases
    changed at most every ``refresh_seconds`` (the newest audit-log row, the number of cases
    and of media fingerprints: every case change writes an audit row) and reloads only then.
    ``invalidate()`` forces the next call to reload.
    """

    def __init__(
        self,
        state: State,
        *,
        refresh_seconds: float = 5.0,
        max_distance: int = 10,
        min_score: float = 0.85,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        ensure_schema(state.engine)
        self.state = state
        self.refresh_seconds = refresh_seconds
        self.max_distance = max_distance
        self.min_score = min_score
        self.clock = clock
        self.loads = 0
        self._next_check = float("-inf")
        self._signature: tuple[Any, ...] | None = None
        self._grams: dict[str, list[tuple[str, Original]]] = {}
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._hash_owner: list[Original] = []
        self._audio: list[tuple[np.ndarray, Original]] = []
        self.watched = 0

    @classmethod
    def from_config(cls, config: Any, state: State | None = None, **kw: Any) -> ReuploadMatcher:
        return cls(
            state or State.from_config(config),
            max_distance=config.media.known_photo_distance,
            min_score=config.media.recording_min_score,
            **kw,
        )

    # -- keeping up to date --------------------------------------------------------------------
    def invalidate(self) -> None:
        self._next_check = float("-inf")
        self._signature = None

    def refresh(self) -> None:
        at = self.clock()
        if at < self._next_check:
            return
        self._next_check = at + self.refresh_seconds
        with self.state.engine.connect() as conn:
            signature = tuple(
                conn.execute(
                    text(
                        "SELECT (SELECT max(id) FROM case_events), (SELECT count(*) FROM cases), "
                        "(SELECT max(id) FROM case_media), (SELECT count(*) FROM case_media)"
                    )
                ).one()
            )
            if signature == self._signature:
                return
            self._load(conn)
        self._signature = signature

    def _load(self, conn: Any) -> None:
        rows = conn.execute(
            select(cases.c.id, cases.c.hit_id, cases.c.url, cases.c.hit_doc)
            .where(cases.c.status.in_(WATCHED))
            .order_by(cases.c.id)
        ).all()
        grams: dict[str, list[tuple[str, Original]]] = {}
        originals: dict[int, Original] = {}
        for case_id, hit_id, url, hit_doc in rows:
            original = Original(case_id, hit_id, url or "")
            originals[case_id] = original
            old = fingerprint(str(json.loads(hit_doc).get("text") or ""))
            if len(old) >= MIN_CHARS:
                grams.setdefault(old[:GRAM], []).append((old, original))
        hashes: list[int] = []
        owners: list[Original] = []
        audio: list[tuple[np.ndarray, Original]] = []
        for case_id, prints in load_prints(conn, sorted(originals)).items():
            for p in prints:
                for h in p.phashes:
                    hashes.append(h)
                    owners.append(originals[case_id])
                if p.chromaprint:
                    audio.append((np.asarray(p.chromaprint, dtype=np.uint32), originals[case_id]))
        self._grams, self._hash_owner, self._audio = grams, owners, audio
        self._hashes = np.asarray(hashes, dtype=np.uint64)
        self.watched = len(originals)
        self.loads += 1
        logger.debug("Re-upload matcher: %d watched cases, %d image hashes.", len(originals), len(hashes))

    # -- matching --------------------------------------------------------------------------
    @property
    def wants_images(self) -> bool:
        return len(self._hash_owner) > 0

    @property
    def wants_audio(self) -> bool:
        return bool(self._audio)

    def match_text(self, hit_id: str, url: str, post_text: str) -> Match | None:
        """The watched original whose whole text this post repeats (lowest case id first)."""
        if not self._grams:
            return None
        new = fingerprint(post_text)
        if len(new) < MIN_CHARS:
            return None
        best: Original | None = None
        grams = self._grams
        for i in range(len(new) - GRAM + 1):
            found = grams.get(new[i : i + GRAM])
            if not found:
                continue
            for old, original in found:
                if (
                    new.startswith(old, i)
                    and original.hit_id != hit_id
                    and original.url != url
                    and (best is None or original.case_id < best.case_id)
                ):
                    best = original
        return Match(best, "text") if best else None

    def match_media(self, hit_id: str, url: str, prints: list[MediaPrint]) -> Match | None:
        """The watched original one of whose media ``prints`` (of the new post) copies."""
        for p in prints:
            for h in p.phashes[:1]:
                found = self._match_hash(h, hit_id, url)
                if found is not None:
                    original, dist = found
                    return Match(
                        original,
                        "image",
                        f"The image {p.url} is a near-duplicate of an image of that post "
                        f"(perceptual-hash distance {dist} of 64).",
                    )
            if p.chromaprint:
                heard = self._match_audio(np.asarray(p.chromaprint, dtype=np.uint32), hit_id, url)
                if heard is not None:
                    original, score, offset = heard
                    return Match(
                        original,
                        "audio",
                        f"The sound of {p.url} repeats the recording of that post "
                        f"(similarity {score:.2f}, from {max(offset, 0.0):.0f} s).",
                    )
        return None

    def _match_hash(self, h: int, hit_id: str, url: str) -> tuple[Original, int] | None:
        if not len(self._hashes):
            return None
        dists = np.bitwise_count(np.bitwise_xor(self._hashes, np.uint64(h)))
        near = np.flatnonzero(dists <= self.max_distance)
        for i in near[np.argsort(dists[near], kind="stable")]:
            dist = int(dists[i])
            original = self._hash_owner[int(i)]
            if original.hit_id != hit_id and original.url != url:
                return original, dist
        return None

    def _match_audio(self, query: np.ndarray, hit_id: str, url: str) -> tuple[Original, float, float] | None:
        from media.known import align

        best: tuple[Original, float, float] | None = None
        for reference, original in self._audio:
            if original.hit_id == hit_id or original.url == url:
                continue
            score, offset = align(query, reference)
            if score >= self.min_score and (best is None or score > best[1]):
                best = (original, score, offset)
        return best


def open_linked(store: CaseStore, doc: dict[str, Any], match: Match) -> Case | None:
    """Open a case for the hit ``doc`` linked to the matched original; None if it has one."""
    if store.for_hit(str(doc["id"])):
        return None
    original = store.get(match.original.case_id)
    detail = f"{match.detail} " if match.detail else ""
    reason = f"Re-upload of case {original.id} ({original.url}). {detail}{original.reason}".strip()
    case = store.open(str(doc["id"]), actor="reupload", reason=reason, doc=doc, linked_case_id=original.id)
    store.note(original.id, f"Re-uploaded at {case.url}: linked case {case.id}.", actor="reupload")
    logger.info(
        "Hit %s re-uploads case %d (%s); opened linked case %d.", doc["id"], original.id, match.how, case.id
    )
    return case


def link_reupload(
    config: Any,
    doc: dict[str, Any],
    store: CaseStore | None = None,
    *,
    matcher: ReuploadMatcher | None = None,
    prints: list[MediaPrint] | None = None,
) -> Case | None:
    """Open a case linked to the original for a re-uploaded hit; None if it is not one.

    ``prints`` are the fingerprints of the hit's own media, if it has any.
    """
    store = store or CaseStore(config)
    matcher = matcher or ReuploadMatcher.from_config(config, store.state)
    matcher.refresh()
    hit_id, url = str(doc.get("id") or ""), str(doc.get("url") or "")
    match = matcher.match_text(hit_id, url, str(doc.get("text") or ""))
    if match is None and prints:
        match = matcher.match_media(hit_id, url, prints)
    return open_linked(store, doc, match) if match else None
