"""Mastodon edits and deletions behind the since_id cursor, crawled for real from 127.0.0.1.

The recorded public timeline (Mastodon.py's test_public_tl cassette) holds a status that
was edited (117020586180926938, ``edited_at`` set) and one the test suite deleted right after
(117020593378945190, its DELETE is recorded). The first crawl sees the timeline as it was
before: the edited status without its edit (the earlier text is made up, ``edited_at``
null). Later crawls are past the cursor; the re-visit window fetches the statuses again:
the recorded edit comes back as an edit, the deleted status answers Mastodon's 404."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply, Request
from tests.spiders.captures import feed_setting, load_capture, scraped_items

EDITED = "117020586180926938"
DELETED = "117020593378945190"
NOT_FOUND = json.dumps({"error": "Record not found"})


class RawQueryReplay(ReplayServer):
    """The replay server, keeping each request's raw query (``id[]`` repeats)."""

    def _lookup(self, req: Request, raw_path: str) -> Reply:
        req.raw_query = parse_qsl(urlsplit(raw_path).query)  # type: ignore[attr-defined]
        return super()._lookup(req, raw_path)


@pytest.fixture
def raw_replay() -> Any:
    server = RawQueryReplay().start()
    yield server
    server.stop()


def test_mastodon_revisit_window_sees_edits_and_deletions_behind_the_cursor(
    make_config: Any, raw_replay: RawQueryReplay, shared_data: Path, tmp_path: Path
) -> None:
    replay = raw_replay
    recs = load_capture(shared_data / "captures" / "mastodon" / "cassettes__test_public_tl.yaml")
    timeline: list[dict[str, Any]] = recs.json("/api/v1/timelines/public")
    current = {s["id"]: s for s in timeline}  # what the server holds now
    assert current[EDITED]["edited_at"] and recs.find(f"/api/v1/statuses/{DELETED}", "DELETE")
    before = copy.deepcopy(timeline)
    unedited = next(s for s in before if s["id"] == EDITED)
    unedited.update(content="<p>the best editor? vi, of course</p>", edited_at=None)
    replay.add("/api/v1/timelines/public", json.dumps(before))

    def batch(req: Request) -> Reply:
        ids = [v for k, v in req.raw_query if k == "id[]"]  # type: ignore[attr-defined]
        return Reply(json.dumps([current[i] for i in ids if i in current]))

    def one(req: Request) -> Reply:
        sid = req.path.rsplit("/", 1)[1]
        return Reply(json.dumps(current[sid])) if sid in current else Reply(NOT_FOUND, status=404)

    replay.add("/api/v1/statuses", batch)
    for sid in [*current, DELETED]:
        replay.add(f"/api/v1/statuses/{sid}", one)
    source = f"""
        [[sources]]
        type = "mastodon"
        name = "fedi"
        schedule = "15m"
        instance = "{replay.base_url}"
        public = true
        search = false
        context = false
        requests_per_minute = 6000
        revisit_hours = 8760  # the recording is from August 2026
        """
    config = make_config(feed_setting(tmp_path) + source)
    first = crawl(config, "fedi")
    p = f"mastodon:{replay.base_url.split('//')[1]}/"
    items = {i["id"]: i for i in scraped_items(tmp_path)}
    assert first["items"] == len(items) == 8 and "the best editor? vi" in items[p + EDITED]["text"]
    assert replay.hits("/api/v1/statuses") == []  # nothing known yet

    # The recorded deletion and edit happen; the timeline has nothing past the cursor.
    del current[DELETED]
    replay.requests.clear()
    second = crawl(config, "fedi")
    items = {i["id"]: i for i in scraped_items(tmp_path)}
    assert list(items) == [p + EDITED] and second["stats"]["mamori/posts/edited"] == 1
    assert items[p + EDITED]["text"].startswith("the best editor? why, of course it is the KDE")
    assert items[p + EDITED]["raw"]["edited_at"] == current[EDITED]["edited_at"]
    asked = [v for k, v in replay.hits("/api/v1/statuses")[0].raw_query if k == "id[]"]  # type: ignore[attr-defined]
    assert len(replay.hits("/api/v1/statuses")) == 1 and sorted(asked) == sorted([*current, DELETED])
    # Only the status the batch left out is asked for alone: 404, deleted, not yielded.
    assert [r.path for r in replay.requests if r.path.startswith("/api/v1/statuses/")] == [
        f"/api/v1/statuses/{DELETED}"
    ]
    stats = second["stats"]
    assert stats["mamori/mastodon/deleted"] == 1 and stats["mamori/mastodon/revisited"] == 7
    assert stats["mamori/mastodon/revisit_edited"] == 1 and "mamori/source_errors" not in stats
    from crawler.config import load_config
    from crawler.state import State

    state = State.from_config(load_config(config))
    assert state.get_value("fedi", "removed") == [p + DELETED]
    assert DELETED not in state.get_value("fedi", "known")[replay.base_url]

    # A server without GET /api/v1/statuses (before 4.3): one by one, remembered for next time.
    replay.add("/api/v1/statuses", Reply("<html>The page you are looking for isn't here.</html>", 404))
    nice = next(i for i, s in current.items() if s["content"] == "<p>nice</p>")
    current[nice] = {
        **current[nice],
        "content": "<p>nice (edit: not nice)</p>",
        "edited_at": "2026-11-20T10:00:00.000Z",
    }
    replay.requests.clear()
    third = crawl(config, "fedi")
    assert [i["id"] for i in scraped_items(tmp_path)] == [p + nice] and third["stats"][
        "mamori/posts/edited"
    ] == 1
    singles = sorted(
        r.path.rsplit("/", 1)[1] for r in replay.requests if r.path.startswith("/api/v1/statuses/")
    )
    assert singles == sorted(current) and "mamori/source_errors" not in third["stats"]
    replay.requests.clear()
    crawl(config, "fedi")
    assert replay.hits("/api/v1/statuses") == [] and len(
        [r for r in replay.requests if r.path.startswith("/api/v1/statuses/")]
    ) == len(current)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("-1", "-1"), ('"two days"', "'two days'"), ("true", "True"), ("9000", "9000")],
)
def test_mastodon_revisit_hours_is_validated_with_the_fix(make_config: Any, value: str, shown: str) -> None:
    from crawler.config import load_config
    from crawler.exceptions import ConfigError

    config = make_config(
        f"""
        [[sources]]
        type = "mastodon"
        name = "fedi"
        schedule = "15m"
        instance = "https://mastodon.social"
        public = true
        revisit_hours = {value}
        """
    )
    with pytest.raises(ConfigError) as err:
        load_config(config)
    message = str(err.value)
    assert message.startswith(f"{config}: sources[1].revisit_hours = {shown} is invalid for source 'fedi'")
    assert "from 0 (off) to 8760 (a year)" in message and "e.g. revisit_hours = 48" in message
