"""Parsers for Japanese anonymous boards, without Scrapy: 5ch/2ch ``subject.txt`` and ``.dat``
threads, まとめ (matome) pages in the 2mtmex ``t_h``/``t_b`` layout, and Futaba
(``futaba.php``) index, catalog and thread pages.

Every parser takes already-decoded text and returns plain :class:`BoardPost` records; the
spider (:mod:`spiders.jp_board`) turns them into :class:`crawler.items.Post`. Times on these
boards are Japan Standard Time and are returned timezone-aware.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from spiders.text import html_to_text

JST = timezone(timedelta(hours=9), "JST")

# 2022/01/27(木) 18:02:58.412  or  08/06/22(日)21:32:28
_DATE = re.compile(
    r"(?P<y>\d{2,4})/(?P<mo>\d{1,2})/(?P<d>\d{1,2})(?:\s*\([^)]*\))?\s*"
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<frac>\d+))?)?"
)
_ID = re.compile(r"ID:([A-Za-z0-9+/.!-]+)", re.IGNORECASE)
_BE = re.compile(r"BE:(\S+)")
_TRIP = re.compile(r"◆([A-Za-z0-9./+!]{8,12})")
_ANCHOR = re.compile(r"(?:>>|＞＞|&gt;&gt;)\s*(\d{1,5})")
_URL = re.compile(r"(?<![A-Za-z])h?(ttps?://[^\s<>\"']+)")
_MEDIA_EXT = {
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "gif": "image",
    "webp": "image",
    "mp4": "video",
    "webm": "video",
    "mov": "video",
    "mp3": "audio",
    "m4a": "audio",
    "ogg": "audio",
}
_SUBJECT = re.compile(r"^(?P<key>\d+)\.(?:dat|cgi)(?:<>|,)(?P<title>.*?)\s*\((?P<count>\d+)\)\s*$")
_ABORN = "あぼーん"


@dataclass(slots=True)
class BoardPost:
    """One post of a board thread, as the board shows it."""

    number: int
    name: str
    body_html: str
    date_text: str
    mail: str = ""
    poster_id: str = ""
    trip: str = ""
    title: str = ""
    deleted: bool = False
    media: list[tuple[str, str]] = field(default_factory=list)
    """(url, kind) pairs."""

    @property
    def text(self) -> str:
        return html_to_text(self.body_html)

    @property
    def published_at(self) -> datetime | None:
        return parse_jst(self.date_text)

    @property
    def reply_to(self) -> int | None:
        """The first post this one answers with a ``>>N`` anchor, if any."""
        match = _ANCHOR.search(self.body_html)
        return int(match.group(1)) if match else None

    def raw(self) -> dict[str, object]:
        return {
            "number": self.number,
            "name": self.name,
            "mail": self.mail,
            "date": self.date_text,
            "id": self.poster_id,
            "trip": self.trip,
            "title": self.title,
            "body_html": self.body_html,
            "deleted": self.deleted,
        }


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """A thread listed by ``subject.txt``: its key, title and current post count."""

    key: str
    title: str
    count: int


def parse_jst(text: str) -> datetime | None:
    """A board timestamp (JST) as an aware datetime; None if ``text`` holds none."""
    m = _DATE.search(text or "")
    if not m:
        return None
    year = int(m["y"])
    if year < 100:
        year += 2000
    frac = (m["frac"] or "0")[:6].ljust(6, "0")
    try:
        return datetime(
            year,
            int(m["mo"]),
            int(m["d"]),
            int(m["h"]),
            int(m["mi"]),
            int(m["s"] or 0),
            int(frac),
            tzinfo=JST,
        )
    except ValueError:
        return None


def media_in(markup: str) -> list[tuple[str, str]]:
    """Image, video and audio URLs written in a post (boards often drop the leading ``h``)."""
    found: dict[str, str] = {}
    for m in _URL.finditer(html_to_text(markup)):
        url = "h" + m.group(1).rstrip(").,、。")
        ext = url.rsplit("?", 1)[0].rsplit(".", 1)[-1].lower()
        kind = _MEDIA_EXT.get(ext)
        if kind is None and ("youtube.com/watch" in url or "youtu.be/" in url):
            kind = "video"
        if kind:
            found.setdefault(url, kind)
    return list(found.items())


def _split_name(name_html: str) -> tuple[str, str]:
    name = html_to_text(name_html.replace("</b>", " ").replace("<b>", " "))
    trip = ""
    m = _TRIP.search(name)
    if m:
        trip = m.group(1)
        name = name[: m.start()].strip()
    return " ".join(name.split()), trip


def parse_subject(text: str) -> tuple[list[ThreadRef], int]:
    """Parse ``subject.txt``; return the threads and the number of unreadable lines."""
    threads: list[ThreadRef] = []
    bad = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _SUBJECT.match(line.strip())
        if m is None:
            bad += 1
            continue
        threads.append(ThreadRef(m["key"], html_to_text(m["title"]), int(m["count"])))
    return threads, bad


def parse_dat(text: str) -> tuple[list[BoardPost], list[int]]:
    """Parse a 2ch/5ch ``.dat`` thread (``name<>mail<>date ID<>body<>title`` per line).

    Returns the posts and the numbers of lines that could not be read (they are skipped).
    Deleted posts (あぼーん) are returned with ``deleted=True``.
    """
    posts: list[BoardPost] = []
    bad: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        fields = line.split("<>")
        if len(fields) < 4:
            bad.append(number)
            continue
        name_html, mail, date_text, body = fields[0], fields[1], fields[2], fields[3]
        title = html_to_text(fields[4]) if len(fields) > 4 else ""
        deleted = name_html.strip() == _ABORN and body.strip() in (_ABORN, "")
        if not deleted and parse_jst(date_text) is None and "ID:" not in date_text:
            bad.append(number)
            continue
        name, trip = _split_name(name_html)
        id_match = _ID.search(date_text)
        posts.append(
            BoardPost(
                number=number,
                name=name,
                body_html=body.strip(),
                date_text=date_text.strip(),
                mail=mail,
                poster_id=id_match.group(1) if id_match else "",
                trip=trip,
                title=title,
                deleted=deleted,
                media=media_in(body),
            )
        )
    return posts, bad


_MATOME_HEAD = re.compile(
    r'<div class="t_h[^"]*"[^>]*>\s*(?P<num>\d+)\s*[:：]\s*(?P<rest>.*?)</div>\s*'
    r'<div class="t_b[^"]*"[^>]*>(?P<body>.*?)</div>',
    re.DOTALL,
)


def parse_matome(html: str) -> list[BoardPost]:
    """Parse a まとめ page in the common ``t_h`` (header) / ``t_b`` (body) layout."""
    posts: list[BoardPost] = []
    for m in _MATOME_HEAD.finditer(html):
        rest = m["rest"]
        spans = re.findall(r"<span[^>]*>(.*?)</span>", rest, re.DOTALL)
        name_html = spans[0] if spans else ""
        date_text = html_to_text(spans[1]) if len(spans) > 1 else html_to_text(rest)
        name, trip = _split_name(name_html)
        id_match = _ID.search(date_text)
        body = m["body"].strip()
        posts.append(
            BoardPost(
                number=int(m["num"]),
                name=name,
                body_html=body,
                date_text=date_text,
                poster_id=id_match.group(1) if id_match else "",
                trip=trip,
                media=media_in(body),
            )
        )
    return posts


_FUTABA_POST = re.compile(
    r"<input type=checkbox name=[\"']?(?P<num>\d+)[\"']? value=[\"']?delete[\"']?>(?P<head>.*?)"
    r"<blockquote[^>]*>(?P<body>.*?)</blockquote>",
    re.DOTALL | re.IGNORECASE,
)
_FUTABA_MEDIA = re.compile(
    r"(?:src|href)=[\"']?([^\"' >]+/(?:src|thumb)/[^\"' >]+\.(?:jpe?g|png|gif|webp|webm|mp4))", re.IGNORECASE
)
_FUTABA_NAME = re.compile(r"<font color=[\"']?#117743[\"']?><b>(.*?)</b>", re.IGNORECASE | re.DOTALL)
_FUTABA_TITLE = re.compile(r"<font color=[\"']?#cc1105[\"']?><b>(.*?)</b>", re.IGNORECASE | re.DOTALL)
_FUTABA_THREAD_LINK = re.compile(r"href=[\"']?(res/\d+\.html?)", re.IGNORECASE)


def parse_futaba_thread(html: str) -> list[BoardPost]:
    """Parse a Futaba thread page (``res/N.htm``): the opening post and its replies.

    Media (thumbnail and source links) between the previous post and a post belong to it:
    Futaba prints the opening post's image before its header.
    """
    posts: list[BoardPost] = []
    previous_end = 0
    for m in _FUTABA_POST.finditer(html):
        region = html[previous_end : m.end()]
        previous_end = m.end()
        head = m["head"]
        name_m = _FUTABA_NAME.search(head)
        title_m = _FUTABA_TITLE.search(head)
        name, trip = _split_name(name_m.group(1)) if name_m else ("", "")
        id_match = _ID.search(head)
        media = [
            (url, "video" if url.lower().endswith(("webm", "mp4")) else "image")
            for url in _FUTABA_MEDIA.findall(region)
        ]
        body = m["body"].strip()
        posts.append(
            BoardPost(
                number=int(m["num"]),
                name=name,
                body_html=body,
                date_text=html_to_text(head),
                poster_id=id_match.group(1) if id_match else "",
                trip=trip,
                title=html_to_text(title_m.group(1)) if title_m else "",
                media=list(dict.fromkeys(media)) + [x for x in media_in(body) if x not in media],
            )
        )
    return posts


def futaba_thread_links(html: str) -> list[str]:
    """Relative links to the threads listed on a Futaba index or catalog page, in page order."""
    return list(dict.fromkeys(_FUTABA_THREAD_LINK.findall(html)))


def parse_5ch_html(html: str) -> tuple[list[BoardPost], str]:
    """Parse a 5ch/2ch ``read.cgi`` HTML thread; return the posts and the thread title.

    Reads both layouts 5ch has served: ``<div class="post" id="N">`` with ``.meta``/``.message``
    children, and the older ``<dl class="post">``/``<dt>``/``<dd>`` one; classes ``number``,
    ``name``, ``date`` and ``uid`` name the header fields in both.
    """
    from parsel import Selector

    page = Selector(text=html)
    title = " ".join(page.css("h1.title::text, h1 ::text, title::text").get("").split())
    posts: list[BoardPost] = []
    for node in page.css(".post[id], dl.post"):
        number_text = node.attrib.get("id") or "".join(node.css(".number ::text").getall())
        digits = re.search(r"\d+", number_text)
        if digits is None:
            continue
        body_html = node.css(".message, dd").get("") or ""
        body_html = re.sub(r"^<(div|dd)[^>]*>|</(div|dd)>$", "", body_html.strip())
        body_html = re.sub(r"^\s*<span class=\"escaped\">(.*)</span>\s*$", r"\1", body_html, flags=re.DOTALL)
        name_html = node.css(".name").get("") or ""
        date_text = " ".join(" ".join(node.css(".date ::text").getall()).split())
        uid = " ".join(node.css(".uid ::text").getall()) or node.attrib.get("data-userid", "")
        id_match = _ID.search(uid) or _ID.search(date_text)
        name, trip = _split_name(name_html)
        deleted = name == _ABORN and html_to_text(body_html) in (_ABORN, "")
        posts.append(
            BoardPost(
                number=int(digits.group(0)),
                name=name,
                body_html=body_html.strip(),
                date_text=date_text,
                poster_id=id_match.group(1) if id_match else "",
                trip=trip,
                deleted=deleted,
                media=media_in(body_html),
            )
        )
    return posts, title
