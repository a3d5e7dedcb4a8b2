"""Authors, author pages and burst incidents on the legal desk, over a history replayed through
the real detectors, index writer and sustained engine (see ``sustained_replay``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.portal.conftest import PORTAL_TOML, Env, build_env, close_env
from tests.portal.sustained_replay import SMALL_BURSTS, Replayed, replay_history


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Env, Replayed]]:
    env = build_env(tmp_path_factory.mktemp("authors"), PORTAL_TOML + SMALL_BURSTS)
    replayed = replay_history(env)
    yield env, replayed
    close_env(env)


@pytest.fixture(scope="module")
def legal(world: tuple[Env, Replayed]) -> Any:
    return world[0].client("legal")


def test_the_replay_went_through_the_index(world: tuple[Env, Replayed]) -> None:
    env, replayed = world
    # 15 posts, and the grouped case re-queues its hit with the case status.
    assert replayed.indexed == 16
    hits = env.app.extensions["mamori"].hits
    assert all(hits.get(h) is not None for h in replayed.stalker_hits)


def test_authors_list_shows_the_persistent_author_first_with_the_escalation(legal: Any) -> None:
    body = legal.get("/api/v1/authors").get_json()
    assert body["sort"] == "hits" and body["total"] == 9 and body["next_page"] is None
    top = body["authors"][0]
    assert (top["platform"], top["author"], top["hits"]) == ("x", "stalker99", 7)
    assert top["escalation"]["rule"] == "fixated-on-employee"
    assert top["case"]["open"] and top["case"]["id"] == top["escalation"]["case_id"]
    assert top["first_seen"] < top["last_seen"]
    html = legal.get("/authors").get_data(as_text=True)
    assert 'href="/authors/x/stalker99"' in html
    assert "fixated-on-employee" in html and f'href="/cases/{top["case"]["id"]}"' in html
    assert "1 suggested link(s)" in html


def test_authors_sort_by_last_seen_and_pages(legal: Any) -> None:
    latest = legal.get("/api/v1/authors?sort=last_seen").get_json()["authors"]
    assert latest[0]["author"] == "ID:mob3", "the newest hit comes first"
    assert [a["last_seen"] for a in latest] == sorted((a["last_seen"] for a in latest), reverse=True)
    first = legal.get("/api/v1/authors?size=4").get_json()
    second = legal.get("/api/v1/authors?size=4&page=2").get_json()
    third = legal.get("/api/v1/authors?size=4&page=3").get_json()
    assert (first["next_page"], second["next_page"], third["next_page"]) == (2, 3, None)
    names = [a["author"] for page in (first, second, third) for a in page["authors"]]
    assert len(names) == len(set(names)) == 9
    html = legal.get("/authors?sort=last_seen&size=4").get_data(as_text=True)
    assert "<strong>last seen</strong>" in html and "next page" in html
    resp = legal.get("/authors?sort=nope")
    assert resp.status_code == 400 and "sorted by hits or last_seen" in resp.get_data(as_text=True)


def test_author_page_shows_history_chart_hits_incident_suggestion_and_case(
    world: tuple[Env, Replayed], legal: Any
) -> None:
    env, replayed = world
    resp = legal.get("/authors/x/stalker99")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Hits per day"' in html
    assert "all hits (7)" in html and "insult (7)" in html  # the legend counts every hit
    assert "employee_named (" not in html, "only harassment labels are drawn"
    for hit_id in replayed.stalker_hits:
        assert f'href="/hits/{hit_id}"' in html
    assert "rule <strong>fixated-on-employee</strong>" in html
    # The suggested link is marked as a suggestion and points at the other account's page.
    links = html.split('<table class="links">')[1]
    assert 'href="/authors/mastodon/109"' in links and "<strong>suggestion</strong> (not confirmed)" in links
    assert "Suggestions only" in html
    # Burst incidents: the open one from the last hour holds the author's burst post.
    incidents = re.findall(r'<a href="/incidents/(\d+)">', html.split('<table class="author-incidents">')[1])
    assert incidents
    api = legal.get("/api/v1/authors/x/stalker99").get_json()
    assert api["escalation"]["rule"] == "fixated-on-employee" and api["case"]["status"] == "new"
    assert {i["status"] for i in api["incidents"]} == {"open"}
    assert all(i["author_hits"] == 1 for i in api["incidents"])
    (link,) = api["possible_same_person"]
    assert (link["other"], link["reason"], link["status"]) == ("mastodon:109", "same_text", "suggested")
    assert replayed.linked_hit in link["hits"]
    assert api["employees_targeted"] == ["E003"]
    # The other account stays its own author (never merged) and links back.
    other = legal.get("/api/v1/authors/mastodon/109").get_json()
    assert [h["id"] for h in other["hits"]] == ["mastodon:m1"]
    assert other["possible_same_person"][0]["other"] == "x:stalker99"
    # Reads are audited like hit reads.
    rows = env.app.extensions["mamori"].audit.list(object_id="x:stalker99")
    assert [(r["username"], r["action"], r["object_type"]) for r in rows][:2] == [
        ("legal", "read", "author"),
        ("legal", "read", "author"),
    ]


def test_a_handle_redirects_to_the_account_and_unknown_authors_are_404(legal: Any) -> None:
    resp = legal.get("/authors/mastodon/angry_jp")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/authors/mastodon/109")
    resp = legal.get("/api/v1/authors/mastodon/angry_jp")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/api/v1/authors/mastodon/109")
    resp = legal.get("/api/v1/authors/x/nobody")
    assert resp.status_code == 404
    assert resp.get_json()["error"].startswith("No harassment hits are recorded for author 'nobody'")


def test_incidents_list_and_page(world: tuple[Env, Replayed], legal: Any) -> None:
    _env, replayed = world
    listing = legal.get("/api/v1/incidents").get_json()
    statuses = sorted((i["target"], i["status"]) for i in listing["incidents"])
    assert statuses == [
        ("company", "closed"),
        ("company", "open"),
        ("employee:E003", "closed"),
        ("employee:E003", "open"),
    ]
    html = legal.get("/incidents").get_data(as_text=True)
    assert html.count('<td class="status">open</td>') == 2
    (open_e3,) = [i for i in listing["incidents"] if i["target"] == "employee:E003" and i["status"] == "open"]
    assert open_e3["hits"] == 5 and open_e3["closed_at"] is None
    body = legal.get(f"/api/v1/incidents/{open_e3['id']}").get_json()
    assert body["status"] == "open" and sum(body["per_hour"].values()) == 5
    assert [h["id"] for h in body["hit_list"]][-1] == "5ch:mob-3"
    assert replayed.burst_hit in [h["id"] for h in body["hit_list"]]
    assert [h["at"] for h in body["hit_list"]] == sorted(h["at"] for h in body["hit_list"])
    page = legal.get(f"/incidents/{open_e3['id']}").get_data(as_text=True)
    assert '<span class="status">open</span>' in page and 'aria-label="Hits per 10 minutes (UTC)"' in page
    assert f'href="/hits/{replayed.burst_hit}"' in page and 'href="/authors/x/stalker99"' in page
    (closed,) = [
        i for i in listing["incidents"] if i["target"] == "employee:E003" and i["status"] == "closed"
    ]
    closed_page = legal.get(f"/incidents/{closed['id']}").get_data(as_text=True)
    assert '<span class="status">closed</span>' in closed_page and "closed " in closed_page


def test_employees_get_the_same_refusal_as_on_other_legal_pages(world: tuple[Env, Replayed]) -> None:
    env, _replayed = world
    employee = env.client("emp_a")
    for path in ("/authors", "/authors/x/stalker99", "/incidents", "/incidents/1"):
        resp = employee.get(path)
        assert resp.status_code == 403 and "stalker99" not in resp.get_data(as_text=True)
        assert resp.get_data(as_text=True) == employee.get("/cases").get_data(as_text=True)
    assert env.client().get("/api/v1/authors").status_code == 401


def test_the_navigation_links_the_new_pages(legal: Any) -> None:
    html = legal.get("/dashboard").get_data(as_text=True)
    nav = html.split("<nav>")[1].split("</nav>")[0]
    assert 'href="/authors"' in nav and 'href="/incidents"' in nav
