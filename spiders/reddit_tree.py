"""Reddit things into posts, and comment trees: "load more" and "continue this thread".

A comment tree (``/comments/<link>``) holds two kinds of ``more`` objects:

* **load more**: ``children`` lists the ids of the missing comments; they are fetched in
  batches of up to 100 through ``/api/morechildren`` (``max_more`` calls per tree);
* **continue this thread**: ``count`` 0, ``children`` empty and id ``_`` (Reddit cut the tree
  at its depth limit). The replies are under the parent comment's own permalink:
  ``/r/<sub>/comments/<link>/_/<parent>`` (``.json`` anonymously, the same path on
  ``oauth.reddit.com``), answered like a tree whose only top comment is the parent. These
  pages may cut again deeper down; every parent is fetched once, at most ``max_continue``
  times per tree, and a comment seen twice is yielded once.

Deleted and removed things are counted and their ids remembered, never yielded
(see :mod:`spiders.reddit`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crawler.items import Author, MediaRef, Post
from spiders.api_common import ApiSpider, parse_time
from spiders.reddit_parse import GONE, IMAGE_URL, WWW, children_of, submission_media
from spiders.text import guess_lang


class RedditThreadsSpider(ApiSpider):
    """Comment trees and the Reddit thing → :class:`Post` mapping; the listings, the OAuth
    token and the rate limits are in :class:`spiders.reddit.RedditSpider`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._yielded: set[str] = set()
        self._trees: set[str] = set()
        self._removed: list[str] = []
        self._subs: dict[str, str] = {}
        self._more_used: dict[str, int] = {}
        self._continued: set[str] = set()
        self._continue_used: dict[str, int] = {}

    def request(self, path: str, params: dict[str, Any], callback: Any, cb_kwargs: dict[str, Any]) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must say how to request {path}; define request().")

    # -- trees ---------------------------------------------------------------------------
    def tree_request(self, link_id: str) -> Iterator[Any]:
        if link_id in self._trees or not self.options.comments:
            return
        self._trees.add(link_id)
        yield self.request(
            f"/comments/{link_id[3:]}", {"limit": 500, "sort": "new"}, self.parse_tree, {"link_id": link_id}
        )

    def parse_tree(self, response: Any, link_id: str) -> Iterator[Any]:
        data = self.read_json(response, f"The Reddit comments of {link_id}")
        if data is None:
            return
        if not (isinstance(data, list) and len(data) == 2):
            self.source_error(
                f"The Reddit comments of {link_id} at {response.url} are not [submission, comments]."
            )
            return
        for child in children_of(data[0]):
            if isinstance(child.get("data"), dict) and child["data"].get("subreddit"):
                self._subs.setdefault(link_id, str(child["data"]["subreddit"]))
            yield from self.emit(child)
        yield from self.walk(link_id, children_of(data[1]))

    def walk(self, link_id: str, children: list[dict[str, Any]]) -> Iterator[Any]:
        """Emit a (partial) comment tree depth-first; then ask for what it left out."""
        more: list[str] = []
        continues: list[str] = []
        stack = list(reversed(children))
        while stack:
            child = stack.pop()
            if child.get("kind") == "more":
                ids = self.more_ids(child)
                more.extend(ids)
                if not ids:
                    d = child["data"] if isinstance(child.get("data"), dict) else {}
                    parent = str(d.get("parent_id") or "")
                    if parent.startswith("t1_"):
                        continues.append(parent)
                continue
            d = child["data"] if isinstance(child.get("data"), dict) else {}
            if d.get("subreddit"):
                self._subs.setdefault(link_id, str(d["subreddit"]))
            yield from self.emit(child)
            stack.extend(reversed(children_of(d.get("replies"))))
        yield from self.more_requests(link_id, more)
        for parent in continues:
            yield from self.continue_request(link_id, parent)

    def more_ids(self, child: dict[str, Any]) -> list[str]:
        d: dict[str, Any] = child["data"] if isinstance(child.get("data"), dict) else {}
        kids: list[Any] = d["children"] if isinstance(d.get("children"), list) else []
        ids = [str(c) for c in kids if c and c != "_"]
        if not ids:
            self.crawler.stats.inc_value("mamori/reddit/continue_threads")  # deep "continue this thread"
        return ids

    # -- "load more" ---------------------------------------------------------------------
    def more_requests(self, link_id: str, ids: list[str]) -> Iterator[Any]:
        for i in range(0, len(ids), 100):
            if self._more_used.get(link_id, 0) >= self.options.max_more:
                self.crawler.stats.inc_value("mamori/reddit/more_skipped", len(ids) - i)
                return
            self._more_used[link_id] = self._more_used.get(link_id, 0) + 1
            params = {
                "api_type": "json",
                "link_id": link_id,
                "children": ",".join(ids[i : i + 100]),
                "sort": "new",
            }
            yield self.request("/api/morechildren", params, self.parse_more, {"link_id": link_id})

    def parse_more(self, response: Any, link_id: str) -> Iterator[Any]:
        data = self.read_json(response, f"The Reddit 'load more' comments of {link_id}")
        if data is None:
            return
        things = (
            (((data.get("json") or {}).get("data") or {}).get("things")) if isinstance(data, dict) else None
        )
        if not isinstance(things, list):
            self.source_error(f"The Reddit 'load more' answer for {link_id} at {response.url} has no things.")
            return
        yield from self.walk(link_id, [t for t in things if isinstance(t, dict)])

    # -- "continue this thread" ----------------------------------------------------------
    def continue_request(self, link_id: str, parent: str) -> Iterator[Any]:
        """Fetch the replies below ``parent`` (a ``t1_`` fullname) that the tree cut off."""
        if parent in self._continued:
            return
        if self._continue_used.get(link_id, 0) >= self.options.max_continue:
            self.crawler.stats.inc_value("mamori/reddit/continue_skipped")
            return
        self._continued.add(parent)
        self._continue_used[link_id] = self._continue_used.get(link_id, 0) + 1
        sub = self._subs.get(link_id)
        path = f"/comments/{link_id[3:]}/_/{parent[3:]}"
        yield self.request(
            f"/r/{sub}{path}" if sub else path,
            {"limit": 500, "sort": "new"},
            self.parse_continue,
            {"link_id": link_id, "parent": parent},
        )

    def parse_continue(self, response: Any, link_id: str, parent: str) -> Iterator[Any]:
        what = f"The Reddit replies below {parent} in {link_id} ('continue this thread')"
        data = self.read_json(response, what)
        if data is None:
            return
        if not (isinstance(data, list) and len(data) == 2):
            self.source_error(f"{what} at {response.url} are not [submission, comments].")
            return
        self.crawler.stats.inc_value("mamori/reddit/continued")
        yield from self.walk(link_id, children_of(data[1]))

    # -- things → posts ------------------------------------------------------------------
    def emit(self, child: Any) -> Iterator[Post]:
        kind = child.get("kind") if isinstance(child, dict) else None
        d = child.get("data") if isinstance(child, dict) else None
        if kind not in ("t1", "t3") or not isinstance(d, dict):
            if kind not in ("more", "Listing"):
                self.crawler.stats.inc_value("mamori/reddit/skipped_things")
            return
        body = (d.get("body") if kind == "t1" else d.get("selftext")) or ""
        gone = GONE.get(body.strip()) or ("removed" if d.get("removed_by_category") else None)
        if gone:
            fullname = f"reddit:{kind}_{d.get('id')}"
            if fullname not in self._removed:
                self.crawler.stats.inc_value(f"mamori/reddit/{gone}")
                self._removed.append(fullname)
            return
        try:
            post = self.to_post(kind, d)
        except (KeyError, TypeError, ValueError) as exc:
            self.crawler.stats.inc_value("mamori/reddit/bad_items")
            self.source_error(f"A Reddit {kind} could not be read ({exc!r}); skipped.")
            return
        if post.id not in self._yielded:
            self._yielded.add(post.id)
            yield post

    def to_post(self, kind: str, d: dict[str, Any]) -> Post:
        name = d.get("name") or f"{kind}_{d['id']}"
        author = d.get("author") or ""
        account = Author(
            handle=author,
            display_name=author,
            account_id=d.get("author_fullname") or "",
            url=f"{WWW}/user/{author}" if author else "",
        )
        if author == "[deleted]":
            account = Author(display_name="[deleted account]")
        sub = d.get("subreddit") or ""
        if kind == "t3":
            title, text, media = d.get("title") or "", d.get("selftext") or "", submission_media(d)
            link_id, parent = name, None
        else:
            title, text = "", d.get("body") or ""
            media = [MediaRef(url=u, kind="image") for u in dict.fromkeys(IMAGE_URL.findall(text))]
            link_id, parent = d["link_id"], d.get("parent_id")
        permalink = d.get("permalink") or f"/r/{sub}/comments/{link_id[3:]}/_/{d['id']}/"
        thread_url = f"{WWW}/r/{sub}/comments/{link_id[3:]}/" if sub else f"{WWW}/comments/{link_id[3:]}/"
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"reddit:{name}",
            url=WWW + permalink if permalink.startswith("/") else permalink,
            title=title,
            text=text,
            author=account,
            published_at=parse_time(d.get("created_utc")),
            lang=guess_lang(f"{title} {text}"),
            media=media,
            parent_id=f"reddit:{parent}" if parent else None,
            thread_id=f"reddit:{link_id}",
            thread_url=thread_url,
            raw_ref=WWW + permalink if permalink.startswith("/") else permalink,
            raw={k: v for k, v in d.items() if k != "replies"},
        )
