"""Mastodon (and compatible servers): hashtag timelines, public timelines and ``/api/v2/search``
on the configured instances; threads through ``/api/v1/statuses/:id/context``.

HTML ``content`` becomes text; the content warning (``spoiler_text``) becomes the title;
media attachments (image, gifv, video, audio) and the link card become media. Boosts are
followed to the boosted status. Post ids are ``mastodon:<host>/<status id>`` (status ids are
local to an instance). Incremental: the newest status id per instance and timeline/term is
kept and sent back as ``since_id`` (timelines) or ``min_id`` (search). A token is optional
for timelines; most servers return statuses from search only to an authenticated app.

Edits and deletions behind the cursor: statuses seen within the last ``revisit_hours``
(default 48; 0 turns it off) are fetched again on every crawl, 20 per request
(``GET /api/v1/statuses?id[]=…``, or one by one on servers without it). An edited one
(``edited_at`` changed) is yielded again and counted by the dedupe pipeline as edited; one
that answers 404 is not yielded, is counted in ``mamori/mastodon/deleted`` and its id kept in
the source state under ``removed`` (as the Reddit spider does), so the copy indexed earlier
is not overwritten. See :mod:`spiders.mastodon_revisit`.

.. code-block:: toml

    [[sources]]
    type = "mastodon"
    name = "fedi"
    schedule = "15m"
    instances = ["https://mastodon.social", "https://mstdn.jp"]
    hashtags = ["minato"]
    public = false            # the federated/local public timeline is very busy
    search = true             # /api/v2/search for every query term (needs token on most servers)
    token = "${MASTODON_TOKEN}"
    revisit_hours = 48        # fetch statuses of the last 48 h again for edits and deletions
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pydantic import Field, field_validator, model_validator

from crawler.items import Author, MediaRef, Post
from spiders import mastodon_revisit as revisit
from spiders.api_common import ApiOptions, ApiSpider, parse_time
from spiders.text import guess_lang, html_to_text

_KINDS = {"image": "image", "gifv": "video", "video": "video", "audio": "audio"}


class MastodonOptions(ApiOptions):
    instance: str = ""
    """Base URL of one instance, e.g. https://mastodon.social."""
    instances: list[str] = []
    token: str = ""
    """An access token (read scope); use a ${ENV} placeholder."""
    hashtags: list[str] = []
    public: bool = False
    local: bool = False
    """With public: only the instance's local timeline."""
    search: bool = True
    context: bool = True
    """Fetch the thread (ancestors and replies) of every reply and every status with replies."""
    limit: int = Field(default=40, ge=1, le=40)
    requests_per_minute: float = Field(default=60, gt=0)
    """Mastodon allows 300 requests per 5 minutes per client by default."""
    revisit_hours: float = 48.0
    """Statuses seen within this many hours are fetched again for edits and deletions (0: off)."""

    @field_validator("revisit_hours", mode="before")
    @classmethod
    def _revisit_hours(cls, value: Any) -> float:
        return revisit.check_hours(value)

    @model_validator(mode="after")
    def _needs_instance(self) -> MastodonOptions:
        for url in (self.instance, *self.instances):
            if url and not url.startswith(("http://", "https://")):
                raise ValueError(
                    f"the instance {url!r} is not a URL; write it as https://{url.split('/')[0]}"
                )
        if not (self.instance or self.instances):
            raise ValueError(
                'no instance is given; add instance = "https://mastodon.social" (or instances = [...])'
            )
        if not (self.hashtags or self.public or self.search):
            raise ValueError("nothing to read; set hashtags, public = true or search = true")
        return self


def _id_key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # numeric strings of any length, compared as numbers


class MastodonSpider(ApiSpider):
    name = "mastodon"
    platform = "mastodon"
    options_model = MastodonOptions

    def instances(self) -> list[str]:
        found = [u.rstrip("/") for u in (self.options.instance, *self.options.instances) if u]
        if not found:
            raise self.fail(
                f'Source {self.source.name!r} has no instance; add instance = "https://mastodon.social" '
                "(or instances = [...])."
            )
        return found

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.options.token}"} if self.options.token else {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._yielded: set[str] = set()
        self._contexts: set[str] = set()
        self._floors: dict[str, str] = {}
        self._known: revisit.Known = {}
        self._seen: revisit.Known = {}
        self._gone: set[tuple[str, str]] = set()
        self._removed: list[str] = []
        self._batchless: set[str] = set()

    def closed(self, reason: str) -> None:
        """Remember the statuses of the re-visit window, the deleted ids and servers without batches."""
        hours = self.options.revisit_hours
        if hours > 0 or self._known:
            known = revisit.merge(self._known, self._seen, self._gone, time.time(), hours)
            self.set_cursor(known, "known")
        if self._removed:
            earlier = self.get_cursor("removed", []) or []
            self.set_cursor(list(dict.fromkeys([*earlier, *self._removed]))[-1000:], "removed")
        if self._batchless:
            earlier = self.get_cursor("batchless", []) or []
            self.set_cursor(sorted({*earlier, *self._batchless}), "batchless")

    async def start(self) -> AsyncIterator[Any]:
        cursors = self.cursors()
        for instance in self.instances():
            feeds: list[tuple[str, str, dict[str, Any]]] = []
            for tag in self.options.hashtags:
                tag = tag.lstrip("#")
                feeds.append((f"tag:{tag}", f"/api/v1/timelines/tag/{quote(tag)}", {}))
            if self.options.public:
                feeds.append(
                    ("public", "/api/v1/timelines/public", {"local": "true"} if self.options.local else {})
                )
            if self.options.search:
                for term in self.query_terms():
                    params = {"q": term, "type": "statuses", "resolve": "false"}
                    feeds.append((f"search:{term}", "/api/v2/search", params))
            for key, path, params in feeds:
                ckey = f"{instance}|{key}"
                since = cursors.get(ckey)
                params = {**params, "limit": self.options.limit}
                if since:
                    params["min_id" if key.startswith("search:") else "since_id"] = since
                yield self.api_request(
                    f"{instance}{path}?{urlencode(params)}",
                    self.parse_feed,
                    headers=self.headers(),
                    cb_kwargs={"instance": instance, "key": ckey, "since": since, "page": 0, "newest": since},
                )
            for request in self.revisit_requests(instance):
                yield request

    # -- the re-visit window -------------------------------------------------------------
    def revisit_requests(self, instance: str) -> Iterator[Any]:
        hours = self.options.revisit_hours
        if hours <= 0:
            return
        if not self._known:
            stored = self.get_cursor("known", {})
            self._known = stored if isinstance(stored, dict) else {}
        ids = revisit.due(self._known.get(instance) or {}, time.time(), hours)
        if instance in (self.get_cursor("batchless", []) or []):
            for sid in ids:
                yield self.status_request(instance, sid)
            return
        for i in range(0, len(ids), revisit.BATCH):
            chunk = ids[i : i + revisit.BATCH]
            yield self.api_request(
                f"{instance}/api/v1/statuses?{urlencode([('id[]', sid) for sid in chunk])}",
                self.parse_revisit,
                headers=self.headers(),
                cb_kwargs={"instance": instance, "ids": chunk},
            )

    def status_request(self, instance: str, sid: str) -> Any:
        return self.api_request(
            f"{instance}/api/v1/statuses/{sid}",
            self.parse_status,
            headers=self.headers(),
            cb_kwargs={"instance": instance, "sid": sid},
        )

    def parse_revisit(self, response: Any, instance: str, ids: list[str]) -> Iterator[Any]:
        if response.status in revisit.NO_BATCH:  # a server before Mastodon 4.3: one by one
            self._batchless.add(instance)
            self.crawler.stats.inc_value("mamori/mastodon/revisit_one_by_one")
            for sid in ids:
                yield self.status_request(instance, sid)
            return
        what = f"The statuses fetched again from {instance}"
        data = self.read_json(response, what)
        if data is None:
            return
        if not isinstance(data, list):
            self.source_error(f"{what} at {response.url} are not a list of statuses; check the instance URL.")
            return
        found = {str(s.get("id")): s for s in data if isinstance(s, dict)}
        for sid in ids:
            if sid in found:
                yield from self.revisited(found[sid], instance, sid)
            else:  # left out: deleted, or no longer visible; the status itself says which
                yield self.status_request(instance, sid)

    def parse_status(self, response: Any, instance: str, sid: str) -> Iterator[Any]:
        if response.status in (404, 410):
            self.crawler.stats.inc_value("mamori/mastodon/deleted")
            self._gone.add((instance, sid))
            self._removed.append(f"mastodon:{urlsplit(instance).netloc}/{sid}")
            return
        data = self.read_json(response, f"The status {sid} on {instance}")
        if isinstance(data, dict):
            yield from self.revisited(data, instance, sid)

    def revisited(self, status: dict[str, Any], instance: str, sid: str) -> Iterator[Any]:
        self.crawler.stats.inc_value("mamori/mastodon/revisited")
        entry = (self._known.get(instance) or {}).get(sid) or [0, "", ""]
        if (status.get("edited_at") or "") == entry[1]:
            return  # unchanged since it was yielded
        self.crawler.stats.inc_value("mamori/mastodon/revisit_edited")
        yield from self.emit(status, instance, str(entry[2]) or None)

    def parse_feed(
        self, response: Any, instance: str, key: str, since: str | None, page: int, newest: str | None
    ) -> Iterator[Any]:
        what = f"The Mastodon {key.split('|', 1)[1]} timeline of {instance}"
        data = self.read_json(response, what)
        if data is None:
            return
        statuses = data.get("statuses") if isinstance(data, dict) else data
        if not isinstance(statuses, list):
            self.source_error(f"{what} at {response.url} is not a list of statuses; check the instance URL.")
            return
        lowest: str | None = None
        for status in statuses:
            sid = str(status.get("id", "")) if isinstance(status, dict) else ""
            if not sid:
                self.crawler.stats.inc_value("mamori/mastodon/bad_items")
                continue
            if since and _id_key(sid) <= _id_key(since):
                continue
            if newest is None or _id_key(sid) > _id_key(newest):
                newest = sid
            if lowest is None or _id_key(sid) < _id_key(lowest):
                lowest = sid
            yield from self.handle_status(status, instance)
        next_url = self.next_link(response)
        floor = self._floors.get(key)
        progressed = lowest is not None and (floor is None or _id_key(lowest) < _id_key(floor))
        if progressed and lowest is not None:
            self._floors[key] = lowest
        is_search = key.split("|", 1)[1].startswith("search:")
        if next_url and progressed and not is_search and page + 1 < self.options.max_pages:
            yield self.api_request(
                next_url,
                self.parse_feed,
                headers=self.headers(),
                cb_kwargs={
                    "instance": instance,
                    "key": key,
                    "since": since,
                    "page": page + 1,
                    "newest": newest,
                },
            )
        elif newest and newest != since:
            self.save_cursor(key, newest)

    @staticmethod
    def next_link(response: Any) -> str | None:
        header = response.headers.get(b"Link", b"").decode("latin-1")
        for part in header.split(","):
            url, _, rel = part.partition(";")
            if 'rel="next"' in rel.replace(" ", ""):
                return url.strip().strip("<>")
        return None

    def handle_status(self, status: dict[str, Any], instance: str) -> Iterator[Any]:
        if status.get("reblog"):
            self.crawler.stats.inc_value("mamori/mastodon/boosts")
            status = status["reblog"]
        needs_thread = self.options.context and (status.get("in_reply_to_id") or status.get("replies_count"))
        sid = str(status["id"])
        if needs_thread and sid not in self._contexts:
            self._contexts.add(sid)
            yield self.api_request(
                f"{instance}/api/v1/statuses/{sid}/context",
                self.parse_context,
                headers=self.headers(),
                cb_kwargs={"instance": instance, "status": status},
            )
            return
        yield from self.emit(status, instance, None)

    def parse_context(self, response: Any, instance: str, status: dict[str, Any]) -> Iterator[Any]:
        data = self.read_json(response, f"The thread of status {status['id']} on {instance}")
        if not isinstance(data, dict):
            yield from self.emit(status, instance, None)  # keep the post even without its thread
            return
        ancestors = [s for s in data.get("ancestors") or [] if isinstance(s, dict)]
        descendants = [s for s in data.get("descendants") or [] if isinstance(s, dict)]
        root = str(ancestors[0]["id"]) if ancestors else str(status["id"])
        for item in (*ancestors, status, *descendants):
            yield from self.emit(item, instance, root)

    def emit(self, status: dict[str, Any], instance: str, root: str | None) -> Iterator[Post]:
        try:
            post = self.status_to_post(status, instance, root)
        except (KeyError, TypeError, ValueError) as exc:
            self.crawler.stats.inc_value("mamori/mastodon/bad_items")
            self.source_error(f"A Mastodon status from {instance} could not be read ({exc!r}); skipped.")
            return
        if post.id not in self._yielded:
            self._yielded.add(post.id)
            if self.options.revisit_hours > 0:
                created = post.published_at.timestamp() if post.published_at else 0.0
                entry = [created, status.get("edited_at") or "", root or ""]
                self._seen.setdefault(instance, {})[str(status["id"])] = entry
            yield post

    def status_to_post(self, status: dict[str, Any], instance: str, root: str | None) -> Post:
        host = urlsplit(instance).netloc
        sid = str(status["id"])
        account = status.get("account") or {}
        acct = account.get("acct") or account.get("username") or ""
        if acct and "@" not in acct:
            acct = f"{acct}@{host}"
        text = html_to_text(status.get("content") or "")
        media: list[MediaRef] = []
        for att in status.get("media_attachments") or []:
            url = att.get("url") or att.get("remote_url")
            if url:
                kind = _KINDS.get(att.get("type", ""), "link")
                media.append(MediaRef(url=url, kind=kind, description=att.get("description") or ""))  # type: ignore[arg-type]
        card = status.get("card") or {}
        if card.get("url"):
            media.append(MediaRef(url=card["url"], kind="link", description=card.get("title") or ""))
        parent = status.get("in_reply_to_id")
        prefix = f"mastodon:{host}/"
        thread = root or (None if parent else sid)
        return Post(
            platform=self.platform,
            source=self.source.name,
            id=prefix + sid,
            url=status.get("url") or status.get("uri") or f"{instance}/statuses/{sid}",
            title=html_to_text(status.get("spoiler_text") or ""),
            text=text,
            author=Author(
                handle=acct,
                display_name=account.get("display_name") or account.get("username") or "",
                account_id=str(account.get("id") or ""),
                url=account.get("url") or "",
            ),
            published_at=parse_time(status.get("created_at")),
            lang=status.get("language") or guess_lang(text),
            media=media,
            parent_id=prefix + str(parent) if parent else None,
            thread_id=prefix + thread if thread else None,
            thread_url=f"{instance}/statuses/{thread}" if thread else None,
            raw_ref=status.get("uri"),
            raw=status,
        )
