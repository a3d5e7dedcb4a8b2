"""Sustained harassment, replayed over simulated days through the real path: detectors ->
hit documents -> the hand-off queue -> the index writer (tantivy) -> the engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from alerts.outbox import Outbox
from cases.store import CaseStore
from crawler.config import load_config
from crawler.handoff import drain, enqueue
from crawler.items import Author, Post
from crawler.settings import MAMORI_DETECTORS
from crawler.state import State
from detectors.base import DetectorContext, DetectorSet
from index.base import hit_document
from index.tantivy_index import TantivyIndex
from sustained.engine import SustainedEngine
from sustained.queries import author_page, incident_timeline, list_authors, list_incidents
from sustained.store import escalations, incidents
from tests.conftest import mamori

START = datetime(2026, 10, 1, 13, 0, tzinfo=UTC)  # 22:00 JST


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class World:
    """The daemon's writer path with a controllable clock."""

    def __init__(self, config_path: Path) -> None:
        self.config = load_config(config_path)
        self.state = State.from_config(self.config)
        self.index = TantivyIndex(self.config.index_path)
        self.detectors = DetectorSet.from_paths(MAMORI_DETECTORS, DetectorContext.from_config(self.config))
        self.clock = Clock(START)
        self.engine = SustainedEngine(self.config, self.state, clock=self.clock)
        self.n = 0

    def post(self, author: str, text: str, at: datetime, platform: str = "rss", account: str = "") -> Post:
        self.n += 1
        post = Post(
            platform=platform,
            source="board",
            id=f"{platform}:{self.n}",
            url=f"http://127.0.0.1/{platform}/{self.n}",
            text=text,
            author=Author(handle=author, account_id=account),
            published_at=at,
        )
        self.detectors.run(post)
        if post.is_hit:
            enqueue(self.state, hit_document(post))
        return post

    def write(self) -> int:
        return drain(self.state, self.index, on_indexed=self.engine.process)

    def restart(self) -> None:
        self.index.close()
        self.index = TantivyIndex(self.config.index_path)
        self.engine = SustainedEngine(self.config, self.state, clock=self.clock)

    def escalation_alerts(self) -> list[Any]:
        return [r for r in Outbox(self.state).list() if r.kind == "escalation"]


@pytest.fixture
def world(make_config: Any) -> World:
    return World(
        make_config(
            """
            [[alerts.routes]]
            name = "legal"
            urls = ["json://127.0.0.1:9/hook"]
            min_severity = "high"

            [sustained.bursts]
            window_minutes = 60
            min_hits = 20
            min_authors = 10
            quiet_minutes = 120
            """
        )
    )


INSULT = "ミナト通信のオペの田中美咲は今日も無能でクズだった"


def test_a_persistent_author_gives_one_escalation_and_one_grouped_case(world: World) -> None:
    posts = []
    for night in range(7):
        at = START + timedelta(days=night, minutes=night)
        posts.append(world.post("stalker99", f"{INSULT}（{night + 1}日目）", at))
        world.clock.at = at
        world.write()
    assert all({"insult", "employee_named"} <= {f.label for f in p.findings} for p in posts)

    with world.state.engine.connect() as conn:
        (esc,) = conn.execute(select(escalations)).mappings().all()
    # The fixated-on-employee rule (3 days) fires before repeat-offender (5 findings).
    assert esc["rule"] == "fixated-on-employee"
    assert esc["author_key"] == "stalker99"
    assert len(json.loads(esc["hit_ids"])) == 7, "later hits join the escalation"

    alerts = world.escalation_alerts()
    assert len(alerts) == 1, "one escalation alert, not one per post"
    assert "persistent harassment by stalker99" in alerts[0].title
    assert alerts[0].severity == "critical"

    store = CaseStore(world.config, world.state)
    cases = store.list()
    assert [c.id for c in cases] == [esc["case_id"]], "one grouped case"
    events = store.events(esc["case_id"])
    assert "severity raised to critical" in json.dumps([e.to_dict() for e in events], ensure_ascii=False)
    assert sum(1 for e in events if e.action == "note") == 4, "the 4 hits after the escalation are linked"

    (author,) = list_authors(world.state)
    assert author["hits"] == 7 and author["escalated"] and author["employees"] == {"E001": 7}
    page = author_page(world.state, "rss", "stalker99")
    assert len(page["labels_over_time"]) == 7
    assert page["employees_targeted"] == ["E001"]


def test_a_burst_from_many_authors_gives_one_incident_and_one_alert(world: World) -> None:
    for i in range(50):
        at = START + timedelta(minutes=i)
        world.post(f"user{i % 30}", f"ミナト通信は詐欺企業だ、みんな解約しろ #{i}", at)
    world.clock.at = START + timedelta(minutes=50)
    world.write()

    (incident,) = list_incidents(world.state)
    assert incident["target"] == "company" and incident["status"] == "open"
    assert incident["hits"] == 50
    alerts = [a for a in world.escalation_alerts() if a.hit_id.startswith("incident:")]
    assert len(alerts) == 1
    assert "burst of 20 hits about company from" in alerts[0].title
    timeline = incident_timeline(world.state, incident["id"])
    assert sum(timeline["per_hour"].values()) == 50
    assert timeline["top_phrases"][0][0] == "詐欺"
    assert len(timeline["top_authors"]) == 10
    assert not any(a["escalated"] for a in list_authors(world.state)), "nobody persisted"

    # The rate falls back: the incident closes by itself.
    world.clock.at = START + timedelta(hours=4)
    assert world.engine.close_quiet_incidents() == [incident["id"]]
    assert list_incidents(world.state)[0]["status"] == "closed"


def test_a_single_post_gives_neither(world: World) -> None:
    world.post("once", INSULT, START)
    world.write()
    assert world.escalation_alerts() == []
    assert list_incidents(world.state) == []
    with world.state.engine.connect() as conn:
        assert conn.execute(select(escalations)).all() == []


def test_groupings_survive_a_restart_and_replays_change_nothing(world: World, make_config: Any) -> None:
    for night in range(4):
        world.post("stalker99", f"{INSULT} {night}", START + timedelta(days=night))
    for i in range(25):
        world.post(f"mob{i}", f"ミナト通信は詐欺企業だ {i}", START + timedelta(days=10, minutes=i))
    world.write()
    before = (len(world.escalation_alerts()), list_incidents(world.state))

    world.restart()
    # The writer replays a batch (as after a crash between index commit and queue delete).
    docs = [world.index.get(f"rss:{n}") for n in range(1, world.n + 1)]
    world.engine.process([d for d in docs if d])
    assert (len(world.escalation_alerts()), list_incidents(world.state)) == before

    # A new hit by the escalated author joins the same case; still one escalation.
    world.post("stalker99", f"{INSULT} again", START + timedelta(days=10, minutes=30))
    world.write()
    with world.state.engine.connect() as conn:
        assert len(conn.execute(select(escalations)).all()) == 1
        assert len(conn.execute(select(incidents)).all()) == 1
    assert len([a for a in world.escalation_alerts() if a.hit_id.startswith("author:")]) == 1


def test_cross_platform_accounts_are_suggested_never_merged(world: World) -> None:
    text = "ミナト通信の田中美咲はクズ。毎朝8時に新橋駅の改札を通るから皆で見に行こう、顔も覚えとけよ"
    world.post("angry_jp", text, START, platform="mastodon", account="109")
    world.post("angry_en", text, START + timedelta(hours=1), platform="bluesky", account="did:plc:x")
    world.write()
    page = author_page(world.state, "mastodon", "109")
    (link,) = page["possible_same_person"]
    assert (
        link["other"] == "bluesky:did:plc:x"
        and link["reason"] == "same_text"
        and link["status"] == "suggested"
    )
    assert len(list_authors(world.state)) == 2, "the accounts stay separate until a human confirms"


def test_authors_cli_lists_json(world: World) -> None:
    for night in range(3):
        world.post("stalker99", f"{INSULT} {night}", START + timedelta(days=night))
    world.write()
    out = json.loads(mamori("authors", "--config", str(world.config.config_path), "--json").stdout)
    assert out[0]["author"] == "stalker99" and out[0]["hits"] == 3
    shown = mamori("authors", "--config", str(world.config.config_path), "show", "rss:stalker99").stdout
    assert "E001" in shown
    listed = mamori("incidents", "--config", str(world.config.config_path), "--json").stdout
    assert json.loads(listed) == []
