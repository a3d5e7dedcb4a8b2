"""The Japanese board spider, crawled for real (Scrapy in a child process) against the real
recorded 5ch ``.dat`` (Shift_JIS), Futaba pages (CP932) and まとめ page served from 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl
from tests.replay import ReplayServer, Reply

KEY = "1643274178"
SJIS = "text/plain; charset=Shift_JIS"


def _items(tmp_path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(tmp_path.glob("items-*.jsonl")):
        items.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        )
        path.unlink()
    return items


def _config(make_config: Any, tmp_path: Path, source: str) -> Path:
    out = tmp_path / "items-%(batch_time)s.jsonl"
    return make_config(f'[crawler.settings]\nFEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}\n\n' + source)


@pytest.fixture
def dat_lines(shared_data: Path) -> list[bytes]:
    data = (shared_data / "captures/jp_boards/5ch_news4vip_1643274178.sjis.dat").read_bytes()
    return [line + b"\n" for line in data.split(b"\n") if line]


def test_5ch_board_threads_are_crawled_incrementally(
    make_config: Any, replay: ReplayServer, tmp_path: Path, dat_lines: list[bytes]
) -> None:
    assert len(dat_lines) == 136
    title = "モンスターエナジーを2年間毎日欠かさず飲み続けてるんだがwww"

    def subject(count: int) -> bytes:
        return (
            f"{KEY}.dat<>{title} ({count})\n"
            "1700000000.dat<>文字コードが違うスレ (3)\n"
            "this line is not a subject line\n"
        ).encode("cp932")

    # A thread in the wrong charset (UTF-8 where the board is CP932): a clear error, the rest goes on.
    wrong = "名無し<><>2024/01/01(月) 00:00:00.00 ID:abc<> ミナト通信の話 <>スレ\n" * 3
    replay.add("/news4vip/dat/1700000000.dat", Reply(wrong.encode("utf-8") * 20, content_type=SJIS))
    replay.add("/news4vip/subject.txt", Reply(subject(100), content_type=SJIS))
    replay.add(f"/news4vip/dat/{KEY}.dat", Reply(b"".join(dat_lines[:100]), content_type=SJIS))
    config = _config(
        make_config,
        tmp_path,
        f'[[sources]]\ntype = "jp_board"\nname = "vip"\nurl = "{replay.url("/news4vip/")}"\nschedule = "10m"\n',
    )

    summary = crawl(config, "vip")
    items = _items(tmp_path)
    assert summary["stats"]["finish_reason"] == "finished"
    assert len(items) == 100
    host = "127.0.0.1"
    first, third = items[0], items[2]
    assert first["id"] == f"jp_board:{host}/news4vip/{KEY}/1"
    assert first["title"] == title
    assert first["text"] == "美味すぎ、やめられん"
    assert first["author"] == {
        "handle": "以下、5ちゃんねるからVIPがお送りします",
        "display_name": "以下、5ちゃんねるからVIPがお送りします",
        "account_id": "A9T3+5Gh0",
        "url": "",
    }
    assert first["published_at"] == "2022-01-27T18:02:58.412000+09:00"
    assert first["parent_id"] is None and first["lang"] == "ja"
    assert first["url"] == replay.url(f"/test/read.cgi/news4vip/{KEY}/1")
    assert third["text"] == ">>2\n緑一択" and third["title"] == ""
    assert third["parent_id"] == f"jp_board:{host}/news4vip/{KEY}/2"
    assert third["thread_id"] == f"jp_board:{host}/news4vip/{KEY}/1"
    assert third["raw"]["number"] == 3 and third["raw"]["id"] == "A9T3+5Gh0"
    assert items[3]["parent_id"] == first["id"], "a post without an anchor answers the thread"
    error = summary["stats"]["mamori/last_source_error"]
    assert "1700000000.dat is not cp932 text" in error and "encoding" in error

    # Second crawl: 36 more real posts, one with a trip code and an image, and one broken line.
    extra = "名無しさん ◆AbCdEf12Gh<>sage<>2022/01/28(金) 09:00:00.10 ID:Trip0001<> 画像 <br> ttps://i.imgur.com/abc.jpg <>\n"
    full = b"".join(dat_lines) + extra.encode("cp932") + b"broken line without fields\n"
    replay.add("/news4vip/subject.txt", Reply(subject(138), content_type=SJIS))
    replay.add(f"/news4vip/dat/{KEY}.dat", Reply(full, content_type=SJIS))
    summary = crawl(config, "vip")
    items = _items(tmp_path)
    assert [i["raw"]["number"] for i in items] == list(range(101, 138))
    assert items[-2]["text"] == "はよう死のうよw\n生きてても大したことないしw"
    trip = items[-1]
    assert trip["author"]["handle"] == "◆AbCdEf12Gh" and trip["author"]["display_name"] == "名無しさん"
    assert trip["media"] == [
        {"url": "https://i.imgur.com/abc.jpg", "kind": "image", "mime_type": "", "description": ""}
    ]
    assert trip["published_at"] == "2022-01-28T09:00:00.100000+09:00"
    assert summary["stats"]["mamori/jp_board/unreadable_lines"] == 1
    # The broken .dat line, the broken subject.txt line and the wrong-charset thread.
    assert summary["stats"]["mamori/source_errors"] == 3

    # Third crawl: subject.txt unchanged for the good thread -> its .dat is not fetched again.
    before = len(replay.hits(f"/news4vip/dat/{KEY}.dat"))
    summary = crawl(config, "vip")
    assert _items(tmp_path) == []
    assert len(replay.hits(f"/news4vip/dat/{KEY}.dat")) == before
    assert summary["stats"]["mamori/jp_board/threads_unchanged"] == 1


def test_futaba_board_and_thread_pages(
    make_config: Any, replay: ReplayServer, tmp_path: Path, shared_data: Path
) -> None:
    folder = shared_data / "captures/jp_boards"
    html = "text/html; charset=Shift_JIS"
    replay.add(
        "/b/futaba.htm", Reply((folder / "futaba_img-index.cp932.html").read_bytes(), content_type=html)
    )
    replay.add(
        "/b/res/36235023.htm",
        Reply((folder / "futaba_img-thread.cp932.html").read_bytes(), content_type=html),
    )
    config = _config(
        make_config,
        tmp_path,
        f'[[sources]]\ntype = "jp_board"\nkind = "futaba"\nname = "futaba"\nurl = "{replay.url("/b/futaba.htm")}"\n'
        'schedule = "10m"\nmax_threads = 1\n',
    )
    summary = crawl(config, "futaba")
    items = _items(tmp_path)
    assert summary["stats"]["finish_reason"] == "finished"
    assert len(items) == 50
    op = items[0]
    assert op["id"] == "jp_board:127.0.0.1/b/36235023/36234112"
    assert op["text"] == "統一感が全くないデザインもいいな！"
    assert op["published_at"] == "2008-06-22T21:32:28+09:00"
    assert op["media"][0]["url"] == "http://img.2chan.net/b/thumb/1214137948323s.jpg"
    reply = next(i for i in items if i["raw"]["number"] == 36234616)
    assert reply["text"].startswith(">統一感が全くないデザインもいいな！\nしかも姚天君以外は")
    assert reply["parent_id"] == "jp_board:127.0.0.1/b/36235023/36234112"
    assert all(i["thread_id"] == op["id"] for i in items)

    # Re-crawl of the unchanged thread: nothing new.
    crawl(config, "futaba")
    assert _items(tmp_path) == []


def test_matome_page_and_a_page_that_is_not_one(
    make_config: Any, replay: ReplayServer, tmp_path: Path, shared_data: Path
) -> None:
    body = (shared_data / "captures/jp_boards/5ch_matome_nanj_thread.html").read_bytes()
    replay.add("/matome/123.html", Reply(body, content_type="text/html; charset=utf-8"))
    replay.add("/matome/json.html", Reply(b'{"not": "a page"}', content_type="text/html; charset=utf-8"))
    config = _config(
        make_config,
        tmp_path,
        f'[[sources]]\ntype = "jp_board"\nkind = "matome"\nname = "matome"\n'
        f'urls = ["{replay.url("/matome/json.html")}", "{replay.url("/matome/123.html")}"]\nschedule = "1h"\n',
    )
    summary = crawl(config, "matome")
    items = _items(tmp_path)
    assert len(items) == 40
    by_number = {i["raw"]["number"]: i for i in items}
    post = by_number[12]
    assert post["text"] == ">>1\n本人が傷つきまくってたやんけ"
    assert post["author"]["account_id"] == "sFpeUgNMa" and post["author"]["handle"] == "風吹けば名無し"
    assert post["published_at"] == "2023-01-31T20:11:57.580000+09:00"
    assert post["parent_id"] == by_number[1]["id"] == "jp_board:127.0.0.1/matome/123/1"
    assert "json.html holds no まとめ posts" in summary["stats"]["mamori/last_source_error"]


def _read_cgi_page(dat: bytes, upto: int) -> bytes:
    """The real thread's posts in the layout of 5ch's read.cgi HTML (div.post/.meta/.message)."""
    lines = dat.decode("cp932").split("\n")[:upto]
    title = lines[0].split("<>")[4]
    posts = []
    for n, line in enumerate(lines, start=1):
        name, _mail, date_id, body = line.split("<>")[:4]
        date, uid = date_id.rsplit(" ", 1)
        posts.append(
            f'<div class="post" id="{n}" data-userid="{uid}" data-id="{n}"><div class="meta">'
            f'<span class="number">{n}</span><span class="name"><b>{name}</b></span>'
            f'<span class="date">{date}</span><span class="uid">{uid}</span></div>'
            f'<div class="message"><span class="escaped">{body}</span></div></div>'
        )
    page = f'<html><head><title>{title}</title></head><body><h1 class="title">{title}</h1>{"".join(posts)}</body></html>'
    return page.encode("cp932")


def test_5ch_threads_as_read_cgi_html(
    make_config: Any, replay: ReplayServer, tmp_path: Path, dat_lines: list[bytes]
) -> None:
    dat = b"".join(dat_lines)
    html = "text/html; charset=Shift_JIS"
    listing = f"{KEY}.dat<>モンスターのスレ (50)\n1700000001.dat<>関係ないスレ (10)\n"
    replay.add("/news4vip/subject.txt", Reply(listing.encode("cp932"), content_type=SJIS))
    replay.add(f"/test/read.cgi/news4vip/{KEY}/", Reply(_read_cgi_page(dat, 50), content_type=html))
    config = _config(
        make_config, tmp_path,
        f'[[sources]]\ntype = "jp_board"\nname = "vip"\nurl = "{replay.url("/news4vip/")}"\nschedule = "10m"\n'
        'thread_format = "html"\nonly_matching_titles = true\nterms = ["モンスター"]\n',
    )  # fmt: skip
    crawl(config, "vip")
    items = _items(tmp_path)
    assert [i["raw"]["number"] for i in items] == list(range(1, 51))
    first, third = items[0], items[2]
    assert first["id"] == f"jp_board:127.0.0.1/news4vip/{KEY}/1"
    assert first["title"] == "モンスターエナジーを2年間毎日欠かさず飲み続けてるんだがwww"
    assert first["text"] == "美味すぎ、やめられん"
    assert first["author"]["account_id"] == "A9T3+5Gh0"
    assert first["published_at"] == "2022-01-27T18:02:58.412000+09:00"
    assert third["text"] == ">>2\n緑一択" and third["parent_id"] == f"jp_board:127.0.0.1/news4vip/{KEY}/2"

    # The thread grows to 136 posts: only the 86 new ones come out.
    assert replay.hits("/test/read.cgi/news4vip/1700000001/") == [], (
        "a thread without a query term is skipped"
    )
    listing = f"{KEY}.dat<>モンスターのスレ (136)\n"
    replay.add("/news4vip/subject.txt", Reply(listing.encode("cp932"), content_type=SJIS))
    replay.add(f"/test/read.cgi/news4vip/{KEY}/", Reply(_read_cgi_page(dat, 136), content_type=html))
    crawl(config, "vip")
    assert [i["raw"]["number"] for i in _items(tmp_path)] == list(range(51, 137))
