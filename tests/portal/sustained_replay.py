"""A sustained-harassment history replayed through the real path into a portal test env:
detectors -> hit documents -> the hand-off queue -> the index writer -> the sustained engine.

One author (``x:stalker99``) insults employee E003 on five nights (the fixated-on-employee
rule fires and opens a grouped case), posts a long text that a Mastodon account
(``mastodon:109``, handle ``angry_jp``) posts too (a suggested cross-platform link), and joins
a burst of a small mob in the last hour (an open incident); an older burst ten days ago has
closed by itself. The texts name only E003 and carry no 詐欺, so the seeded hits of
``tests/portal/conftest.py`` keep their search results and self-checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.handoff import drain, enqueue
from crawler.items import Author, Post
from crawler.settings import MAMORI_DETECTORS
from detectors.base import DetectorContext, DetectorSet
from index import open_index
from index.base import hit_document
from sustained.engine import SustainedEngine

SMALL_BURSTS = """
[sustained.bursts]
window_minutes = 60
min_hits = 3
min_authors = 3
quiet_minutes = 120
"""
"""Three hits from three authors within an hour make a burst (the default needs 20 and 10)."""

NIGHTLY = "ミナト通信のオペの高橋由美は今日も無能でクズだった（{n}日目）"
SHARED_TEXT = "ミナト通信の高橋由美はクズ。毎朝8時に新橋駅の改札を通るから皆で見に行こう、顔も覚えとけよ"
MOB = "ミナト通信の高橋由美は無能でクズ、みんなで苦情を入れろ #{n}"


@dataclass
class Replayed:
    now: datetime
    stalker_hits: list[str] = field(default_factory=list)
    burst_hit: str = ""
    linked_hit: str = ""
    indexed: int = 0


def replay_history(env: Any, now: datetime | None = None) -> Replayed:
    """Replay the history into ``env`` (before its portal first opens the index)."""
    now = now or datetime.now(UTC)
    config = env.config
    state = env.app.extensions["mamori"].state
    detectors = DetectorSet.from_paths(MAMORI_DETECTORS, DetectorContext.from_config(config))
    engine = SustainedEngine(config, state, clock=lambda: now)
    out = Replayed(now=now)

    def post(platform: str, pid: str, handle: str, text: str, at: datetime, account: str = "") -> str:
        item = Post(
            platform=platform,
            source="board",
            id=f"{platform}:{pid}",
            url=f"http://127.0.0.1:9/{platform}/{pid}",
            text=text,
            author=Author(handle=handle, account_id=account),
            published_at=at,
            lang="ja",
        )
        detectors.run(item)
        assert item.is_hit, text
        enqueue(state, hit_document(item))
        return item.id

    index = open_index(config)
    try:
        # Batch 1: five nights of one author (22:00 JST), then the same long text on Mastodon.
        for night in range(5):
            at = (now - timedelta(days=6 - night)).replace(hour=13, minute=night, second=0, microsecond=0)
            out.stalker_hits.append(
                post("x", f"stalk-{night + 1}", "stalker99", NIGHTLY.format(n=night + 1), at)
            )
        at = now - timedelta(days=1, hours=2)
        out.linked_hit = post("x", "stalk-link", "stalker99", SHARED_TEXT, at)
        out.stalker_hits.append(out.linked_hit)
        post("mastodon", "m1", "angry_jp", SHARED_TEXT, at + timedelta(hours=1), account="109")
        out.indexed += drain(state, index, on_indexed=engine.process)
        # Batch 2: a burst ten days ago; it closes at the end of the batch (quiet since).
        old = now - timedelta(days=10)
        for i in range(3):
            post("5ch", f"old-{i}", f"ID:old{i}", MOB.format(n=100 + i), old + timedelta(minutes=i * 5))
        out.indexed += drain(state, index, on_indexed=engine.process)
        # Batch 3: a burst in the last hour that the author joins; it is still open.
        for i in range(4):
            post("5ch", f"mob-{i}", f"ID:mob{i}", MOB.format(n=i), now - timedelta(minutes=50 - i * 10))
        out.burst_hit = post("x", "stalk-burst", "stalker99", MOB.format(n=99), now - timedelta(minutes=25))
        out.stalker_hits.append(out.burst_hit)
        out.indexed += drain(state, index, on_indexed=engine.process)
    finally:
        index.close()
    return out
