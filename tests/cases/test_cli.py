"""``mamori cases`` through the real CLI in a child process."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.config import load_config
from tests.alerts.conftest import cli as mamori
from tests.cases.conftest import index_posts, make_post


def test_case_workflow_on_the_command_line(make_config: Any, tmp_path: Path) -> None:
    path = make_config("")
    cfg = ["-c", str(path)]
    config = load_config(path, check_sources=False)
    post = make_post(9)
    index_posts(config, post)

    out = mamori("cases", "open", post.id, "--reason", "侮辱", "--by", "suzuki", *cfg).stdout
    assert f"Opened case 1 for {post.id}" in out
    bad = mamori("cases", "status", "1", "refused", "--by", "suzuki", *cfg, check=False)
    assert bad.returncode == 2 and "cannot go from new to refused" in bad.stderr
    mamori("cases", "assign", "1", "tanaka", "--by", "suzuki", *cfg)
    mamori("cases", "status", "1", "takedown_requested", "--note", "form sent", "--by", "tanaka", *cfg)
    mamori("cases", "note", "1", "X acknowledged receipt", "--by", "tanaka", *cfg)

    shown = json.loads(mamori("cases", "show", "1", "--json", *cfg).stdout)
    assert shown["case"]["status"] == "takedown_requested" and shown["case"]["assignee"] == "tanaka"
    assert [e["action"] for e in shown["events"]] == ["opened", "assigned", "status", "note"]
    assert {c["clock"] for c in shown["clocks"]} == {"platform_response", "isp_log_retention"}

    due = json.loads(mamori("cases", "clocks", "--json", *cfg).stdout)
    # The post is from 2026-03-01: its ISP log horizon (90 days) ends 2026-05-31 00:00 JST.
    isp = [c["state"] for c in due if c["clock"] == "isp_log_retention"]
    if datetime.now(UTC) >= datetime(2026, 5, 30, 15, 0, tzinfo=UTC):
        assert isp == ["overdue"]
    elif datetime.now(UTC) < datetime(2026, 4, 30, 15, 0, tzinfo=UTC):
        assert isp == []

    out_file = tmp_path / "report.md"
    mamori("cases", "draft", "1", "--kind", "report", "--out", str(out_file), *cfg)
    text = out_file.read_text(encoding="utf-8")
    assert post.url in text and "侮辱" in text and post.text in text
