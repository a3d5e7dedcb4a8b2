"""JavaScript pages: a local site whose posts and pagination links are written by JavaScript,
crawled for real through scrapy-playwright and Debian's headless Chromium."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed"),
]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>JS board {n}</title></head>
<body><div id="app">loading…</div>
<script>
setTimeout(function () {{
  var app = document.getElementById("app");
  app.textContent = "";
  var posts = {posts};
  posts.forEach(function (p) {{
    var d = document.createElement("div");
    d.className = "post"; d.id = p.id;
    d.innerHTML = '<b class="who">' + p.who + '</b><time>' + p.at + '</time><p class="txt">' + p.text + '</p>'
      + '<img src="/img/' + p.id + '.png">';
    app.appendChild(d);
  }});
  {next}
}}, 150);
</script></body></html>"""


def js_page(n: int, last: int) -> str:
    posts = [
        {
            "id": f"p{n}-{i}",
            "who": f"user{i}",
            "at": f"2024-07-0{n}T0{i}:00:00+09:00",
            "text": f"ミナト通信 page {n} post {i}",
        }
        for i in (1, 2)
    ]
    nxt = (
        f'var a = document.createElement("a"); a.className = "next"; a.href = "/js/{n + 1}"; a.textContent = "next"; '
        "document.body.appendChild(a);"
        if n < last
        else ""
    )
    return PAGE.format(n=n, posts=json.dumps(posts, ensure_ascii=False), next=nxt)


def test_posts_written_by_javascript_are_crawled_through_chromium(
    make_config: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    assert shutil.which("chromium") or Path("/usr/bin/chromium").exists()
    last = 5
    for n in range(1, last + 1):
        replay.add(f"/js/{n}", Reply(js_page(n, last), content_type="text/html; charset=utf-8"))
    out = tmp_path / "items-%(batch_time)s.jsonl"
    config = make_config(
        f"""
        [crawler.settings]
        FEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}

        [[sources]]
        type = "js_page"
        name = "spa"
        url = "{replay.url("/js/1")}"
        schedule = "1h"
        post_selector = "div.post"
        text_selector = "p.txt"
        author_selector = "b.who::text"
        date_selector = "time::text"
        id_selector = "::attr(id)"
        next_selector = "a.next::attr(href)"
        pages_per_context = 2
        """
    )
    summary = crawl(config, "spa")
    items = [
        json.loads(line) for p in tmp_path.glob("items-*.jsonl") for line in p.read_text("utf-8").splitlines()
    ]
    stats = summary["stats"]
    assert stats["finish_reason"] == "finished", stats
    # The raw HTML has no posts: every one of them was written by the page's JavaScript.
    assert 'div class="post"' not in js_page(1, last)
    assert sorted(i["id"].rsplit(":", 1)[1] for i in items) == sorted(
        f"p{n}-{i}" for n in range(1, 6) for i in (1, 2)
    )
    first = next(i for i in items if i["id"].endswith(":p1-1"))
    assert first["text"] == "ミナト通信 page 1 post 1" and first["author"]["handle"] == "user1"
    assert first["published_at"] == "2024-07-01T01:00:00+09:00"
    assert first["platform"] == "js_page"
    assert stats["playwright/page_count"] >= last
    # Images are blocked by default: the browser never asked for them.
    assert replay.hits("/img/p1-1.png") == []
    assert stats.get("playwright/request_count/aborted", 0) >= 2 * last
    # A context serves at most 2 pages and is closed when retired: 5 pages -> 3 contexts, 2+ closed.
    assert stats["mamori/js/contexts_closed"] >= 2
    assert stats["playwright/context_count"] >= 3
