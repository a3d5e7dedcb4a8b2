"""Japanese anonymous boards: 5ch/2ch-style boards, Futaba boards and まとめ (matome) pages.

``kind = "5ch"`` (default): each URL is a board (``https://host/board/``, its ``subject.txt``
lists the threads) or a thread ``.dat`` (``…/board/dat/KEY.dat``). Threads are fetched as
``.dat`` (Shift_JIS/CP932), one post per line with the post number, name, trip code, ID and
JST timestamp. ``kind = "futaba"``: each URL is a board page (``futaba.htm`` or the catalog)
or a thread (``res/N.htm``). ``kind = "matome"``: each URL is a まとめ page.

Incremental: the last post number of every thread is kept per source; a re-crawl skips
threads whose ``subject.txt`` count has not grown and yields only posts after that number.
Undecodable bytes or unreadable lines are reported as the source's error and skipped; the
rest of the crawl goes on.

.. code-block:: toml

    [[sources]]
    type = "jp_board"
    name = "vip"
    url = "https://hayabusa9.5ch.net/news4vip/"
    schedule = "10m"
    max_threads = 100          # most recently active threads of subject.txt
    only_matching_titles = false  # true: only threads whose title has a query term
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import scrapy
from pydantic import Field, field_validator

from crawler.frontier import FrontierOptions, FrontierSpiderMixin
from crawler.items import Author, MediaRef, Post
from spiders.base import SourceSpider
from spiders.jp_board_parse import (
    BoardPost,
    futaba_thread_links,
    parse_5ch_html,
    parse_dat,
    parse_futaba_thread,
    parse_matome,
    parse_subject,
)
from spiders.text import guess_lang

_DAT_URL = re.compile(r"^(?P<board>.*/)dat/(?P<key>\d+)\.dat$")
_READ_CGI = re.compile(r"/test/read\.cgi/(?P<board>[^/]+)/(?P<key>\d+)")
_FUTABA_THREAD = re.compile(r"/res/(?P<key>\d+)\.html?$")
_MAX_BAD_SHARE = 0.005


class BoardOptions(FrontierOptions):
    kind: Literal["5ch", "futaba", "matome"] = "5ch"
    thread_format: Literal["dat", "html"] = "dat"
    """5ch threads of boards as ``.dat`` or as ``read.cgi`` HTML (5ch refuses .dat to most clients)."""
    encoding: str = "cp932"
    """Character set of boards and threads (5ch and Futaba: cp932; まとめ pages: from the page)."""
    max_threads: int = Field(default=50, ge=1, le=10_000)
    only_matching_titles: bool = False
    """Fetch only threads whose title contains a query term (company aliases, roster names, terms)."""

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(
                f'{value!r} is not a character set Python knows; use e.g. "cp932" or "euc_jp"'
            ) from None
        return value


class BoardSpider(FrontierSpiderMixin, SourceSpider):
    name = "jp_board"
    platform = "jp_board"
    options_model = BoardOptions
    custom_settings = {"CONCURRENT_REQUESTS_PER_DOMAIN": 2}

    async def start(self) -> AsyncIterator[Any]:
        urls = list(self.source.start_urls)
        if not urls:
            raise self.fail(
                f"Source {self.source.name!r} has no url or urls; add the board's or thread's address."
            )
        for url in urls:
            yield self.request_for(url)

    def request_for(self, url: str) -> scrapy.Request:
        kind = self.options.kind
        if kind == "matome":
            return scrapy.Request(url, callback=self.parse_matome, errback=self.on_error)
        if kind == "futaba":
            callback = self.parse_futaba_thread if _FUTABA_THREAD.search(url) else self.parse_futaba_board
            return scrapy.Request(url, callback=callback, errback=self.on_error)
        if "/test/read.cgi/" in url:
            return scrapy.Request(url, callback=self.parse_read_cgi, errback=self.on_error)
        if _DAT_URL.match(url):
            return scrapy.Request(
                url, callback=self.parse_dat, errback=self.on_error, cb_kwargs={"title": ""}
            )
        subject = url if url.endswith("subject.txt") else url.rstrip("/") + "/subject.txt"
        return scrapy.Request(subject, callback=self.parse_subject, errback=self.on_error)

    def on_error(self, failure: Any) -> None:
        self.source_error(f"Fetching {failure.request.url} failed: {failure.getErrorMessage()}")

    # -- decoding --------------------------------------------------------------------------
    def decode(self, response: Any, encoding: str | None = None) -> str | None:
        """The body as text; None (with a source error) when it is not in the expected charset."""
        encoding = encoding or self.options.encoding
        text = response.body.decode(encoding, errors="replace")
        bad = text.count("\ufffd")
        if not bad:
            return text
        self.crawler.stats.inc_value("mamori/jp_board/undecodable_chars", bad)
        if bad > max(1, len(text) * _MAX_BAD_SHARE):
            self.source_error(
                f"{response.url} is not {encoding} text ({bad} undecodable characters); it was skipped. "
                f'Set encoding = "…" on source {self.source.name!r} to the board\'s character set.'
            )
            return None
        self.source_error(
            f"{response.url} has {bad} byte(s) that are not valid {encoding}; they were replaced by U+FFFD "
            "and the rest of the page was read."
        )
        return text

    # -- cursors ---------------------------------------------------------------------------
    def _last_numbers(self) -> dict[str, int]:
        return dict(self.get_cursor("last_post", {}) or {})

    def _remember(self, thread_key: str, number: int) -> None:
        last = self._last_numbers()
        if number > int(last.get(thread_key, 0)):
            last[thread_key] = number
            self.set_cursor(last, "last_post")

    def _wanted(self, title: str) -> bool:
        if not self.options.only_matching_titles:
            return True
        folded = title.casefold()
        return any(term.casefold() in folded for term in self.query_terms())

    # -- 5ch -------------------------------------------------------------------------------
    def parse_subject(self, response: Any) -> Iterator[Any]:
        text = self.decode(response)
        if text is None:
            return
        threads, bad = parse_subject(text)
        if bad:
            self.source_error(
                f"{response.url}: {bad} line(s) are not 'KEY.dat<>TITLE (COUNT)'; they were skipped."
            )
        if not threads and text.strip():
            self.source_error(
                f"{response.url} lists no threads; check that the URL is a board's subject.txt."
            )
            return
        board = response.url[: -len("subject.txt")]
        last = self._last_numbers()
        fetched = 0
        for ref in threads:
            if fetched >= self.options.max_threads:
                break
            if not self._wanted(ref.title):
                continue
            fetched += 1
            thread_key = self.thread_key(f"{board}dat/{ref.key}.dat")
            if int(last.get(thread_key, 0)) >= ref.count:
                self.crawler.stats.inc_value("mamori/jp_board/threads_unchanged")
                continue
            if self.options.thread_format == "html":
                parts = urlsplit(board)
                name = parts.path.strip("/").split("/")[-1]
                yield scrapy.Request(
                    f"{parts.scheme}://{parts.netloc}/test/read.cgi/{name}/{ref.key}/",
                    callback=self.parse_read_cgi,
                    errback=self.on_error,
                )
                continue
            yield scrapy.Request(
                f"{board}dat/{ref.key}.dat",
                callback=self.parse_dat,
                errback=self.on_error,
                cb_kwargs={"title": ref.title},
            )

    def thread_key(self, url: str) -> str:
        """``host/board/KEY`` for a thread URL (the id prefix of its posts)."""
        parts = urlsplit(url)
        m = _DAT_URL.match(url)
        if m:
            board = urlsplit(m["board"]).path.strip("/").split("/")[-1]
            return f"{parts.hostname}/{board}/{m['key']}"
        path = re.sub(r"\.html?$", "", parts.path.strip("/")).replace("/res/", "/")
        return f"{parts.hostname}/{path}"

    def parse_dat(self, response: Any, title: str = "") -> Iterator[Post]:
        text = self.decode(response)
        if text is None:
            return
        posts, bad = parse_dat(text)
        if bad:
            self.crawler.stats.inc_value("mamori/jp_board/unreadable_lines", len(bad))
            shown = ", ".join(map(str, bad[:5])) + ("…" if len(bad) > 5 else "")
            self.source_error(f"{response.url}: line(s) {shown} are not 2ch .dat posts; they were skipped.")
        if not posts:
            if not bad:
                self.source_error(f"{response.url} holds no posts; check that it is a .dat thread.")
            return
        m = _DAT_URL.match(response.url)
        board_url = m["board"] if m else response.urljoin("./")
        key = m["key"] if m else ""
        board = urlsplit(board_url).path.strip("/").split("/")[-1]
        root = f"{urlsplit(board_url).scheme}://{urlsplit(board_url).netloc}"
        thread_url = f"{root}/test/read.cgi/{board}/{key}/"
        thread_title = posts[0].title or title
        # Unreadable lines were reported once; the cursor moves past them too.
        yield from self._emit(
            posts,
            self.thread_key(response.url),
            thread_url,
            thread_title,
            response.url,
            per_post_url=True,
            upto=max([p.number for p in posts] + bad),
        )

    def parse_read_cgi(self, response: Any) -> Iterator[Post]:
        text = self.decode(response)
        if text is None:
            return
        posts, title = parse_5ch_html(text)
        m = _READ_CGI.search(response.url)
        if not posts or m is None:
            self.source_error(
                f"{response.url} holds no 5ch posts (div.post or dl.post); check the thread's URL."
            )
            return
        thread_key = f"{urlsplit(response.url).hostname}/{m['board']}/{m['key']}"
        root = response.url[: m.start()]
        thread_url = f"{root}/test/read.cgi/{m['board']}/{m['key']}/"
        posts[0].title = posts[0].title or title
        yield from self._emit(posts, thread_key, thread_url, posts[0].title, response.url, per_post_url=True)

    # -- Futaba ----------------------------------------------------------------------------
    def parse_futaba_board(self, response: Any) -> Iterator[Any]:
        text = self.decode(response)
        if text is None:
            return
        links = futaba_thread_links(text)
        if not links:
            self.source_error(f"{response.url} links to no Futaba threads (res/N.htm); check the URL.")
        for link in links[: self.options.max_threads]:
            # Resolve against the page URL, not its <base href>: Futaba's base names the public host.
            yield scrapy.Request(
                urljoin(response.url, link), callback=self.parse_futaba_thread, errback=self.on_error
            )

    def parse_futaba_thread(self, response: Any) -> Iterator[Post]:
        text = self.decode(response)
        if text is None:
            return
        posts = parse_futaba_thread(text)
        if not posts:
            self.source_error(
                f"{response.url} holds no Futaba posts; check that it is a res/N.htm thread page."
            )
            return
        for post in posts:  # media are written relative to the board's <base href>
            post.media = [(response.urljoin(url), kind) for url, kind in post.media]
        yield from self._emit(
            posts, self.thread_key(response.url), response.url, posts[0].title, response.url
        )

    # -- まとめ -----------------------------------------------------------------------------
    def parse_matome(self, response: Any) -> Iterator[Post]:
        declared = getattr(response, "encoding", None)
        text = self.decode(response, declared or "utf-8")
        if text is None:
            return
        posts = parse_matome(text)
        if not posts:
            self.source_error(
                f"{response.url} holds no まとめ posts (t_h/t_b blocks); check the URL or use type 'forum'."
            )
            return
        title = response.css("title::text").get("") if hasattr(response, "css") else ""
        yield from self._emit(
            posts, self.thread_key(response.url), response.url, title.strip(), response.url, incremental=False
        )

    # -- common ----------------------------------------------------------------------------
    def _emit(
        self,
        posts: list[BoardPost],
        thread_key: str,
        thread_url: str,
        title: str,
        raw_ref: str,
        *,
        per_post_url: bool = False,
        incremental: bool = True,
        upto: int = 0,
    ) -> Iterator[Post]:
        last = int(self._last_numbers().get(thread_key, 0)) if incremental else 0
        first_number = posts[0].number
        newest = max(last, upto)
        for bp in posts:
            newest = max(newest, bp.number)
            if bp.number <= last:
                continue
            if bp.deleted:
                self.crawler.stats.inc_value("mamori/jp_board/deleted_posts")
                continue
            reply_to = bp.reply_to
            parent = (
                f"{thread_key}/{reply_to}"
                if reply_to
                else (None if bp.number == first_number else f"{thread_key}/{first_number}")
            )
            text = bp.text
            yield Post(
                platform=self.platform,
                source=self.source.name,
                id=f"jp_board:{thread_key}/{bp.number}",
                url=f"{thread_url}{bp.number}" if per_post_url else f"{thread_url}#{bp.number}",
                title=title if bp.number == first_number else "",
                text=text,
                author=Author(
                    handle=f"◆{bp.trip}" if bp.trip else bp.name,
                    display_name=bp.name,
                    account_id=bp.poster_id,
                ),
                published_at=bp.published_at,
                lang=guess_lang(text, "ja"),
                media=[MediaRef(url=url, kind=kind) for url, kind in bp.media],  # type: ignore[arg-type]
                parent_id=f"jp_board:{parent}" if parent else None,
                thread_id=f"jp_board:{thread_key}/{first_number}",
                thread_url=thread_url,
                raw_ref=raw_ref,
                raw=bp.raw(),
            )
        if incremental and newest > last:
            self._remember(thread_key, newest)
