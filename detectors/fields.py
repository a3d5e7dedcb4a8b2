"""What the text detectors read: the post's title, when it adds something, then its text.

Detectors analyse one string, :attr:`PostText.text`: the title, a line break, then the body,
so the title is read as the post's first sentence (a harassing title over a neutral body is
found, and a body sentence without a subject refers back to the company named in the title).
Positions in that string are mapped back with :meth:`PostText.span` to a
:class:`crawler.items.Span` of the right field (``title`` or ``text``), whose offsets index the
original characters of that field.

A reply's title (``Re: ミナト通信って詐欺？``) repeats the thread's title, someone else's words:
it still names the company or an employee, but words in it are not the writer's own
(:attr:`PostText.title_quoted`).

A title that only repeats the beginning of the body (forums and feeds often cut the first
line into a title, ``ミナト通信って詐欺…`` over ``ミナト通信って詐欺じゃないよ``) is not read
again: the cut copy would lose the negation or the context that follows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.items import Post, Span

SEPARATOR = "\n"
_ELLIPSIS = re.compile(r"(?:\s|…|\.{2,}|‥|・{2,}|[-–—]+)+$")
_SPACE = re.compile(r"\s+")
_REPLY = re.compile(r"^\s*(?:re|fw|fwd|aw)\s*[:：]|^\s*(?:返信|転送)\s*[:：]|^\s*>>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PostText:
    """The analysed string of a post and where its body starts in it."""

    text: str
    title: str  # the title as read ("" when it is not read)
    body_start: int  # offset of the post's ``text`` in :attr:`text`
    title_quoted: bool = False  # a reply's title: the thread's words, not the writer's

    def in_quoted_title(self, start: int) -> bool:
        """True when position ``start`` lies in a reply's (quoted) title."""
        return self.title_quoted and start < len(self.title)

    def span(self, start: int, end: int) -> Span:
        """The :class:`Span` of the original field for ``text[start:end]`` (a range that runs
        over the title's end is cut at it)."""
        if start < len(self.title):
            end = min(end, len(self.title))
            return Span(start, end, self.title[start:end], "title")
        s, e = max(start, self.body_start) - self.body_start, end - self.body_start
        return Span(s, e, self.text[self.body_start + s : self.body_start + e], "text")

    def position(self, span: Span) -> int:
        """Where ``span`` starts in :attr:`text`."""
        return span.start if span.field == "title" else span.start + self.body_start

    def bounds(self, span: Span) -> tuple[int, int]:
        """``(start, end)`` of ``span`` in :attr:`text`."""
        start = self.position(span)
        return start, start + span.end - span.start

    def spans(self, ranges: list[tuple[int, int]]) -> tuple[Span, ...]:
        """Sorted, merged spans (title first) for ranges of :attr:`text`."""
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return tuple(self.span(s, e) for s, e in merged)


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def repeats_body(title: str, text: str) -> bool:
    """True when the title is the beginning of the body (possibly cut with an ellipsis)."""
    core = _squash(_ELLIPSIS.sub("", title))
    return bool(core) and _squash(text[: len(title) * 2 + 8]).startswith(core)


def post_text(post: Post) -> PostText:
    """The string the detectors analyse for ``post`` (computed once for the detectors that
    read the same post one after another)."""
    if not post.title:
        return PostText(post.text, "", 0)
    return _post_text(post.title, post.text)


@lru_cache(maxsize=64)
def _post_text(title: str, text: str) -> PostText:
    if not title.strip() or repeats_body(title, text):
        return PostText(text, "", 0)
    return PostText(
        f"{title}{SEPARATOR}{text}", title, len(title) + len(SEPARATOR), bool(_REPLY.match(title))
    )
