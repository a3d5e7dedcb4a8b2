"""API spider throughput: a real ``mamori crawl`` of a Reddit source whose search returns N
submissions, each with the recorded 490-comment tree of PRAW's ``TestMore`` cassette (ids
made unique per submission), replayed from 127.0.0.1, through the full pipeline (dedupe,
detectors, index hand-off, alert outbox). Prints posts, seconds and posts/s for the first
crawl and for the incremental re-crawl (all trees refreshed, nothing new).

    .venv/bin/python benchmarks/api_spiders.py [--submissions 10]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import BASE_CONFIG, ROSTER, SHARED_DATA, mamori
from tests.replay import ReplayServer, Reply
from tests.spiders.captures import load_capture


def _suffix(tree: Any, tag: str) -> Any:
    """Copy ``tree`` with every Reddit id made unique by ``tag``."""
    text = json.dumps(tree)
    for key in (
        '"id": "',
        '"name": "t1_',
        '"name": "t3_',
        '"parent_id": "t1_',
        '"parent_id": "t3_',
        '"link_id": "t3_',
    ):
        text = text.replace(key, key + tag)
    return json.loads(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10)
    args = parser.parse_args()
    recs = load_capture(SHARED_DATA / "captures" / "reddit" / "TestMore.test_comments.json")
    tree = recs.json("/comments/3hahrw/")
    server = ReplayServer().start()
    listing = copy.deepcopy(tree[0])
    listing["data"]["children"] = []
    for i in range(args.submissions):
        variant = _suffix(tree, f"b{i}x")
        sub_id = variant[0]["data"]["children"][0]["data"]["id"]
        listing["data"]["children"].append(variant[0]["data"]["children"][0])
        server.add(f"/oauth/comments/{sub_id}", Reply(json.dumps(variant)))
    server.add("/oauth/r/all/search", Reply(json.dumps(listing)))
    server.add("/oauth/api/morechildren", Reply(json.dumps({"json": {"errors": [], "data": {"things": []}}})))
    server.add("/token", Reply(json.dumps({"access_token": "t", "token_type": "bearer", "expires_in": 3600})))

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "roster.csv").write_text(ROSTER, encoding="utf-8")
        config = Path(tmp) / "mamori.toml"
        config.write_text(
            textwrap.dedent(BASE_CONFIG)
            + textwrap.dedent(
                f"""
                [[sources]]
                type = "reddit"
                name = "bench"
                schedule = "30m"
                auth_url = "{server.url("/token")}"
                oauth_api_url = "{server.url("/oauth")}"
                client_id = "id"
                client_secret = "secret"
                thread_refresh_days = 100000
                max_more = 0
                requests_per_minute_oauth = 60000
                requests_per_minute_anonymous = 60000
                """
            ),
            encoding="utf-8",
        )
        for label in ("first crawl", "re-crawl"):
            started = time.perf_counter()
            out = mamori("crawl", "bench", "--config", str(config), "--json", timeout=600).stdout
            wall = time.perf_counter() - started
            stats = json.loads(out.strip().splitlines()[-1])["stats"]
            seen = (
                int(stats.get("mamori/posts/new", 0))
                + int(stats.get("mamori/posts/seen", 0))
                + int(stats.get("mamori/posts/edited", 0))
            )
            crawl_s = float(stats["elapsed_time_seconds"])
            print(
                f"{label}: {seen} posts through the pipeline ({stats.get('item_scraped_count', 0)} new), "
                f"crawl {crawl_s:.1f} s ({seen / crawl_s:.0f} posts/s), process wall {wall:.1f} s"
            )
    server.stop()


if __name__ == "__main__":
    main()
