"""Hacker News through the Algolia HN Search API (``search_by_date``): stories and comments.

Every query term (company aliases, roster names, the source's ``terms``) is searched newest
first; the newest ``created_at_i`` seen per term is kept as the cursor and sent back as
``numericFilters=created_at_i>N`` so a re-crawl fetches only newer items. Comments carry
their parent and story ids, so threads can be rebuilt from the index.

.. code-block:: toml

    [[sources]]
    type = "hackernews"
    name = "hn"
    schedule = "30m"
    tags = ["story", "comment"]      # Algolia tags, OR-ed
    # api_url = "https://hn.algolia.com/api/v1"
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from pydantic import Field

from crawler.items import Author, MediaRef, Post
from spiders.api_common import ApiOptions, ApiSpider, parse_time
from spiders.text import guess_lang, html_to_text

HN_ITEM = "https://news.ycombinator.com/item?id="
HN_USER = "https://news.ycombinator.com/user?id="


class HackerNewsOptions(ApiOptions):
    api_url: str = "https://hn.algolia.com/api/v1"
    tags: list[str] = ["story", "comment"]
    """Algolia tags searched (OR-ed): story, comment, poll, show_hn, ask_hn…"""
    hits_per_page: int = Field(default=100, ge=1, le=1000)
    requests_per_minute: float = Field(default=600, gt=0)
    """Algolia allows 10,000 requests per hour per IP."""


class HackerNewsSpider(ApiSpider):
    name = "hackernews"
    platform = "hackernews"
    options_model = HackerNewsOptions

    def search_url(self, term: str, since: int | None, page: int) -> str:
        params: dict[str, Any] = {
            "query": term,
            "tags": "(" + ",".join(self.options.tags) + ")",
            "hitsPerPage": self.options.hits_per_page,
            "page": page,
        }
        if since:
            params["numericFilters"] = f"created_at_i>{since}"
        return f"{self.options.api_url.rstrip('/')}/search_by_date?{urlencode(params)}"

    async def start(self) -> AsyncIterator[Any]:
        cursors = self.cursors()
        for term in self.query_terms():
            since = cursors.get(term)
            yield self.api_request(
                self.search_url(term, since, 0),
                self.parse_search,
                cb_kwargs={"term": term, "since": since, "page": 0, "newest": since or 0},
            )

    def parse_search(self, response: Any, term: str, since: int | None, page: int, newest: int) -> Any:
        data = self.read_json(response, f"The Hacker News search for {term!r}")
        if data is None:
            return
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            self.source_error(
                f"The Hacker News search for {term!r} at {response.url} returned JSON without a "
                "'hits' list; the api_url may not be the Algolia HN API."
            )
            return
        for hit in hits:
            try:
                post = self.hit_to_post(hit)
                created = int(hit.get("created_at_i") or 0)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                self.crawler.stats.inc_value("mamori/hackernews/bad_items")
                self.source_error(
                    f"A Hacker News hit at {response.url} could not be read ({exc!r}); skipped."
                )
                continue
            if since and created <= since:
                continue  # the server ignored the filter; never yield old items as new
            newest = max(newest, created)
            yield post
        pages = int(data.get("nbPages") or 0)
        if hits and page + 1 < pages and page + 1 < self.options.max_pages:
            yield self.api_request(
                self.search_url(term, since, page + 1),
                self.parse_search,
                cb_kwargs={"term": term, "since": since, "page": page + 1, "newest": newest},
            )
        elif newest:
            self.save_cursor(term, newest)

    def hit_to_post(self, hit: dict[str, Any]) -> Post:
        object_id = str(hit["objectID"])
        tags = hit.get("_tags") or []
        is_comment = "comment" in tags or bool(hit.get("comment_text"))
        body_html = (hit.get("comment_text") if is_comment else hit.get("story_text")) or ""
        title = hit.get("title") or ""
        text = html_to_text(body_html)
        author = hit.get("author") or ""
        story_id = hit.get("story_id")
        parent_id = hit.get("parent_id")
        media = []
        if hit.get("url"):
            media.append(MediaRef(url=hit["url"], kind="link"))
        thread = str(story_id) if story_id else object_id
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=f"hackernews:{object_id}",
            url=HN_ITEM + object_id,
            title=title,
            text=text,
            author=Author(
                handle=author, display_name=author, account_id=author, url=HN_USER + author if author else ""
            ),
            published_at=parse_time(hit.get("created_at_i")) or parse_time(hit.get("created_at")),
            lang=guess_lang(f"{title} {text}"),
            media=media,
            parent_id=f"hackernews:{parent_id}" if parent_id else None,
            thread_id=f"hackernews:{thread}",
            thread_url=HN_ITEM + thread,
            raw_ref=HN_ITEM + object_id,
            raw={k: v for k, v in hit.items() if k != "_highlightResult"},
        )
