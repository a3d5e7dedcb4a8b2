"""The configurable forum spider, crawled for real against a small forum and a blog generated
here and served from 127.0.0.1: list pages, thread links, pagination, CSS and XPath
selectors, date formats, incremental re-crawls and a post whose date cannot be read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import crawl, mamori
from tests.replay import ReplayServer, Reply

HTML = "text/html; charset=utf-8"


def _items(tmp_path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(tmp_path.glob("items-*.jsonl")):
        items.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        )
        path.unlink()
    return items


def _page(body: str, title: str = "掲示板") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def _post(pid: str, author: str, date: str, text: str, img: str = "") -> str:
    image = f'<img src="{img}">' if img else ""
    return (
        f'<div class="post" id="{pid}"><span class="author">{author}</span> <span class="date">{date}</span>'
        f'<div class="body">{text}{image}</div><a class="perma" href="/t/{pid}">#</a></div>'
    )


def serve_forum(replay: ReplayServer, threads: dict[str, list[list[str]]]) -> None:
    """A list in two pages linking to threads; each thread is a list of pages of posts."""
    keys = list(threads)
    for n, chunk in enumerate((keys[:2], keys[2:]), start=1):
        links = "".join(f'<li><a class="thread" href="/thread/{k}/1">{k}</a></li>' for k in chunk)
        nxt = '<a class="next" href="/board/2">次へ</a>' if n == 1 else ""
        replay.add(f"/board/{n}", Reply(_page(f"<ul>{links}</ul>{nxt}"), content_type=HTML))
    for key, pages in threads.items():
        for n, posts in enumerate(pages, start=1):
            nxt = f'<a class="next" href="/thread/{key}/{n + 1}">次</a>' if n < len(pages) else ""
            replay.add(f"/thread/{key}/{n}", Reply(_page("".join(posts) + nxt), content_type=HTML))


def test_forum_by_css_selectors_with_threads_pagination_and_recrawl(
    make_config: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    threads = {
        "a": [
            [_post("a1", "山田", "2024年05月01日 12:30", "ミナト通信の田中さんが<br>ひどい", "/img/a1.jpg"),
             _post("a2", "鈴木", "2024年05月01日 13:00", "同意")],
            [_post("a3", "佐藤", "昨日", "日付が読めない投稿")],
        ],
        "b": [[_post("b1", "匿名", "2024年05月02日 09:15", "別スレ")]],
        "c": [[_post("c1", "匿名", "2024年05月03日 22:00", "三つ目", "/media/clip.mp4")]],
    }  # fmt: skip
    serve_forum(replay, threads)
    out = tmp_path / "items-%(batch_time)s.jsonl"
    config = make_config(
        f"""
        [crawler.settings]
        FEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}

        [[sources]]
        type = "forum"
        name = "bbs"
        url = "{replay.url("/board/1")}"
        schedule = "30m"
        post_selector = "div.post"
        text_selector = ".body"
        author_selector = ".author::text"
        date_selector = ".date::text"
        id_selector = "::attr(id)"
        link_selector = "a.perma::attr(href)"
        thread_link_selector = "a.thread::attr(href)"
        next_selector = "a.next::attr(href)"
        date_formats = ["%Y年%m月%d日 %H:%M"]
        timezone = "Asia/Tokyo"
        """
    )
    summary = crawl(config, "bbs")
    items = {i["id"].rsplit(":", 1)[1]: i for i in _items(tmp_path)}
    assert sorted(items) == ["a1", "a2", "a3", "b1", "c1"]
    a1 = items["a1"]
    assert a1["id"] == "forum:" + replay.url("").split("//")[1] + ":a1"
    assert a1["text"] == "ミナト通信の田中さんが\nひどい"
    assert a1["author"]["handle"] == "山田"
    assert a1["published_at"] == "2024-05-01T12:30:00+09:00"
    assert a1["url"] == replay.url("/t/a1")
    assert a1["thread_url"] == replay.url("/thread/a/1")
    assert a1["media"] == [
        {"url": replay.url("/img/a1.jpg"), "kind": "image", "mime_type": "", "description": ""}
    ]
    assert items["c1"]["media"][0]["kind"] == "video"
    assert items["a3"]["published_at"] is None, "a post with an unreadable date is kept"
    assert "'昨日' matches none of the date_formats" in summary["stats"]["mamori/last_source_error"]
    assert len(replay.hits("/thread/a/2")) == 1 and len(replay.hits("/board/2")) == 1

    # Re-crawl after one new reply and one edit: only those two come out.
    threads["b"][0].append(_post("b2", "匿名", "2024年05月04日 08:00", "新しい返信"))
    threads["a"][0][1] = _post("a2", "鈴木", "2024年05月01日 13:00", "同意（編集済み）")
    serve_forum(replay, threads)
    crawl(config, "bbs")
    again = {i["id"].rsplit(":", 1)[1]: i for i in _items(tmp_path)}
    assert sorted(again) == ["a2", "b2"]
    assert again["a2"]["text"] == "同意（編集済み）"


def test_blog_by_xpath_newest_first_stops_at_seen_pages_and_bad_selectors_are_refused(
    make_config: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    def article(n: int) -> str:
        return (
            f'<article data-id="p{n}"><h2>Post {n}</h2><p class="by">writer{n % 2}</p>'
            f'<time datetime="2024-06-{n:02d}T10:00:00Z">June {n}</time><div class="c"><p>body {n}</p></div></article>'
        )

    for page in (1, 2, 3):
        nums = range(12 - 3 * page, 9 - 3 * page, -1)  # 9,8,7 / 6,5,4 / 3,2,1: newest first
        nxt = f'<a rel="next" href="/blog/{page + 1}">older</a>' if page < 3 else ""
        replay.add(f"/blog/{page}", Reply(_page("".join(article(n) for n in nums) + nxt), content_type=HTML))
    out = tmp_path / "items-%(batch_time)s.jsonl"
    source = f"""
        [crawler.settings]
        FEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}

        [[sources]]
        type = "forum"
        name = "blog"
        url = "{replay.url("/blog/1")}"
        schedule = "1h"
        post_selector = "//article"
        title_selector = "./h2/text()"
        text_selector = "./div[@class='c']"
        author_selector = "./p[@class='by']/text()"
        date_selector = "./time/@datetime"
        id_selector = "./@data-id"
        next_selector = "//a[@rel='next']/@href"
        newest_first = true
        """
    config = make_config(source)
    crawl(config, "blog")
    items = _items(tmp_path)
    assert [i["title"] for i in items] == [f"Post {n}" for n in range(9, 0, -1)]
    assert items[0]["text"] == "body 9" and items[0]["author"]["handle"] == "writer1"
    assert items[0]["published_at"] == "2024-06-09T10:00:00+00:00"
    assert items[0]["id"] == "forum:" + replay.url("").split("//")[1] + ":p9"

    # Nothing new on page 1: the crawl stops there instead of walking the whole archive.
    summary = crawl(config, "blog")
    assert _items(tmp_path) == []
    assert len(replay.hits("/blog/2")) == 1
    assert summary["stats"]["mamori/forum/stopped_at_seen"] == 1

    # A broken selector is refused when the configuration is loaded, with the bad value named.
    bad = make_config(source.replace('post_selector = "//article"', 'post_selector = "div[[["'))
    proc = mamori("crawl", "blog", "--config", str(bad), check=False)
    assert proc.returncode != 0
    assert "'div[[[' is not a valid CSS selector" in proc.stdout + proc.stderr
