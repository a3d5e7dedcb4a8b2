"""The feed spider, crawled for real (Scrapy in a child process) against real recorded feeds
served from 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply

FEEDS = {
    "rowan": "real_6769a7aac9914f98016cb5d26eef1939.xml",  # Atom, 19 entries, enclosure image
    "hugo": "real_d5bdc200d39677aff2029e2459e49f49.xml",  # Atom, GitHub releases
    "bbc": "real_f43bed9864944644236fc65967b2e178.xml",  # RSS 2.0, 67 items
    "mastodon": "real_21102cb3a4214b392bcff783815cb127.xml",  # RSS with media:content images
}


def _items(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _config(make_config: Any, replay: ReplayServer, tmp_path: Path, urls: list[str]) -> Path:
    out = tmp_path / "items-%(batch_time)s.jsonl"
    url_list = ", ".join(f'"{u}"' for u in urls)
    return make_config(
        f"""
        [crawler.settings]
        FEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}

        [[sources]]
        type = "rss"
        name = "feeds"
        urls = [{url_list}]
        schedule = "10m"
        """
    )


def _all_items(tmp_path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(tmp_path.glob("items-*.jsonl")):
        items.extend(_items(path))
        path.unlink()
    return items


@pytest.fixture
def feeds(replay: ReplayServer, shared_data: Path) -> dict[str, str]:
    urls = {}
    for name, file in FEEDS.items():
        body = (shared_data / "captures" / "rss" / file).read_bytes()
        replay.add(
            f"/{name}.xml",
            Reply(body, content_type="application/xml; charset=utf-8", headers={"ETag": f'"{name}-v1"'}),
        )
        urls[name] = replay.url(f"/{name}.xml")
    return urls


def test_real_feeds_are_crawled_into_posts(
    make_config: Any, replay: ReplayServer, feeds: dict[str, str], tmp_path: Path
) -> None:
    config = _config(make_config, replay, tmp_path, list(feeds.values()))
    summary = crawl(config, "feeds")
    items = _all_items(tmp_path)
    assert summary["items"] == len(items) == 19 + 10 + 67 + 20
    assert summary["stats"]["finish_reason"] == "finished"
    assert summary["stats"]["mamori/posts/new"] == len(items)
    assert len({i["id"] for i in items}) == len(items), "post ids must be unique"

    by_url = {i["url"]: i for i in items}
    rowan = by_url["https://rowanmanning.com/posts/operational-excellence-one-year-on/"]
    assert rowan["title"] == "Operational excellence: one year on"
    assert rowan["author"]["handle"] == "Rowan Manning"
    assert rowan["published_at"].startswith("2022-11-04T11:22:00")
    assert rowan["platform"] == "rss" and rowan["source"] == "feeds"
    assert "<" not in rowan["text"] and len(rowan["text"]) > 1000, "HTML must be turned into text"
    assert any(m["url"].endswith("reliability-kit-error.jpg") for m in rowan["media"])

    (rhino,) = [i for u, i in by_url.items() if u.startswith("https://www.bbc.co.uk/news/world-60993659")]
    assert rhino["title"] == "Rare Sumatran rhino gives birth after eight miscarriages"
    assert rhino["published_at"].startswith("2022-04-05T10:04:42")

    bot = by_url["https://botsin.space/@PersevereImgBot/109950155517510286"]
    assert bot["media"][0]["kind"] == "image"
    assert bot["media"][0]["url"].endswith("634cb0379e87908b.jpeg")


def test_recrawl_yields_nothing_new_and_a_new_entry_yields_one(
    make_config: Any, replay: ReplayServer, feeds: dict[str, str], shared_data: Path, tmp_path: Path
) -> None:
    config = _config(make_config, replay, tmp_path, [feeds["bbc"]])
    assert crawl(config, "feeds")["items"] == 67
    _all_items(tmp_path)

    # Same feed again (the server ignores validators here): every entry is already seen.
    replay.add(
        "/bbc.xml",
        Reply((shared_data / "captures/rss" / FEEDS["bbc"]).read_bytes(), content_type="application/xml"),
    )
    second = crawl(config, "feeds")
    assert second["items"] == 0
    assert second["stats"]["mamori/posts/seen"] == 67
    # The second request carried the validator of the first response.
    assert replay.hits("/bbc.xml")[-1].headers.get("if-none-match") == '"bbc-v1"'

    # One new entry appears at the top of the feed.
    body = (shared_data / "captures/rss" / FEEDS["bbc"]).read_text(encoding="utf-8")
    new_item = (
        "<item><title>ミナト通信 is in the news</title><link>https://example.org/new-story</link>"
        "<guid>new-story-1</guid><pubDate>Wed, 06 Apr 2022 08:00:00 GMT</pubDate>"
        "<description>A brand new story.</description></item>"
    )
    replay.add(
        "/bbc.xml", Reply(body.replace("<item>", new_item + "<item>", 1), content_type="application/xml")
    )
    third = crawl(config, "feeds")
    items = _all_items(tmp_path)
    assert third["items"] == 1
    assert [i["url"] for i in items] == ["https://example.org/new-story"]
    assert items[0]["lang"] == "en"


def test_not_modified_feed_yields_nothing(make_config: Any, replay: ReplayServer, tmp_path: Path) -> None:
    feed = "<rss version='2.0'><channel><title>t</title><item><guid>a</guid><title>x</title><description>y</description></item></channel></rss>"

    def handler(req: Any) -> Reply:
        if req.headers.get("if-none-match") == '"v1"':
            return Reply(b"", status=304)
        return Reply(feed, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    replay.add("/f.xml", handler)
    config = _config(make_config, replay, tmp_path, [replay.url("/f.xml")])
    assert crawl(config, "feeds")["items"] == 1
    again = crawl(config, "feeds")
    assert again["items"] == 0
    assert again["stats"]["mamori/feed/not_modified"] == 1


def test_malformed_and_missing_feeds_give_a_clear_error_and_the_crawl_goes_on(
    make_config: Any, replay: ReplayServer, feeds: dict[str, str], tmp_path: Path
) -> None:
    replay.add("/broken.xml", Reply("<html><body>Service unavailable, try later", content_type="text/html"))
    urls = [replay.url("/broken.xml"), replay.url("/missing.xml"), feeds["hugo"]]
    config = _config(make_config, replay, tmp_path, urls)
    summary = crawl(config, "feeds")
    assert summary["items"] == 10, "the good feed's posts are kept"
    stats = summary["stats"]
    assert stats["mamori/source_errors"] >= 1
    assert (
        "broken.xml is not a readable RSS/Atom feed" in stats["mamori/last_source_error"]
        or "missing.xml" in stats["mamori/last_source_error"]
    )
    # The source's health shows the error in plain words.
    from crawler.config import load_config
    from crawler.state import State

    state = State.from_config(load_config(config))
    assert "last_error" in state.source_values("feeds")


def test_wrong_declared_charset_is_decoded_from_the_document(
    make_config: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    xml = (
        "<?xml version='1.0' encoding='Shift_JIS'?><rss version='2.0'><channel><title>板</title>"
        "<item><guid>sj-1</guid><title>ミナト通信のスレ</title><description>オペの田中がひどい</description></item>"
        "</channel></rss>"
    ).encode("shift_jis")
    replay.add("/sjis.xml", Reply(xml, content_type="application/xml"))
    config = _config(make_config, replay, tmp_path, [replay.url("/sjis.xml")])
    assert crawl(config, "feeds")["items"] == 1
    (item,) = _all_items(tmp_path)
    assert item["title"] == "ミナト通信のスレ"
    assert item["text"] == "オペの田中がひどい"
    assert item["lang"] == "ja"
