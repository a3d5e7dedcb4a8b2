"""A re-upload of a post under takedown, found by a real crawl, opens a linked case."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from cases.reupload import fingerprint
from cases.store import CaseStore
from crawler.config import load_config
from tests.cases.conftest import index_posts, make_post
from tests.conftest import crawl
from tests.replay import ReplayServer, Reply

ORIGINAL = "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。"


def feed(base: str, items: list[tuple[int, str]]) -> str:
    body = "".join(
        f"<item><title>post {n}</title><link>{base}/p/{n}.html</link><guid isPermaLink='false'>g{n}</guid>"
        f"<description>{html.escape(text)}</description></item>"
        for n, text in items
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>t</title>"
        f"<link>{base}/</link><language>ja</language>{body}</channel></rss>"
    )


def test_fingerprint_ignores_spacing_width_and_punctuation() -> None:
    assert fingerprint("ミナト通信の 田中、マジで 無能！") == fingerprint("ﾐﾅﾄ通信の田中 マジで無能")


def test_crawl_of_a_reupload_opens_a_linked_case(make_config: Any, replay: ReplayServer) -> None:
    path = make_config(f'''
        [[sources]]
        type = "rss"
        name = "mirror"
        url = "{replay.url("/feed.xml")}"
        schedule = "1h"
    ''')
    config = load_config(path)
    original = replace(make_post(1, platform="rss"), text=ORIGINAL, url="https://board.example/t/1")
    index_posts(config, original)
    store = CaseStore(config)
    case = store.open(original.id, actor="a", reason="侮辱")
    store.set_status(case.id, "takedown_requested", actor="a")

    copy = "【転載】 ミナト通信のオペの田中美咲、 マジで無能。\nクズ対応しかできない。"
    replay.add(
        "/feed.xml",
        Reply(
            feed(replay.base_url, [(7, copy), (8, "今日は雨なので電車が遅れている。")]),
            content_type="application/rss+xml",
        ),
    )
    summary = crawl(path, "mirror")
    assert summary["hits"] >= 1
    cases = CaseStore(config).list()
    assert len(cases) == 2
    linked = cases[1]
    assert linked.linked_case_id == case.id and linked.url.endswith("/p/7.html")
    assert linked.reason.startswith(f"Re-upload of case {case.id}")
    assert store.events(case.id)[-1].detail == f"Re-uploaded at {linked.url}: linked case {linked.id}."
    # A second crawl of the same feed does not open another case.
    crawl(path, "mirror")
    assert len(CaseStore(config).list()) == 2
