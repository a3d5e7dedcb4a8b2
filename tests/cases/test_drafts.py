"""Takedown drafts carry the URL, the post text, the reason and the dates; templates override."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cases.drafts import markdown_to_pdf, render_draft
from cases.platforms import CHANNELS
from cases.store import CaseStore
from crawler.config import load_config
from tests.cases.conftest import index_posts, make_post

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def open_case(config: Any, platform: str = "5ch") -> Any:
    post = replace(make_post(3, platform=platform), url=f"https://{platform}.example/t/123/45")
    index_posts(config, post)
    return CaseStore(config).open(post.id, actor="a", reason="従業員 田中 美咲 に対する侮辱的表現")


def test_japanese_request_has_the_required_fields(config: Any) -> None:
    case = open_case(config)
    text = render_draft(case, config, "jp", at=AT)
    assert "侵害情報の通知書 兼 送信防止措置に関する照会書" in text
    assert "https://5ch.example/t/123/45" in text
    assert "ミナト通信の田中はバカだ post 3" in text
    assert "従業員 田中 美咲 に対する侮辱的表現" in text
    assert "2026年3月2日" in text and "2026-03-01 21:00 JST" in text  # draft date, post date
    assert "名誉感情" in text and "5ちゃんねる" in text and "ミナト通信" in text


def test_dmca_notice_has_the_statutory_statements(config: Any) -> None:
    case = open_case(config, "x")
    text = render_draft(case, config, "dmca", at=AT)
    for part in (
        "https://x.example/t/123/45",
        "good faith belief",
        "penalty of perjury",
        "ミナト通信の田中はバカだ",
        "侮辱的表現",
        "2026-03-01 12:00 UTC",
        "田中 美咲",
        "2026-03-02",
    ):
        assert part in text


@pytest.mark.parametrize("platform", ["reddit", "youtube", "x", "bluesky", "mastodon", "5ch"])
def test_platform_report_names_the_channel_and_fills_the_fields(config: Any, platform: str) -> None:
    case = open_case(config, platform)
    text = render_draft(case, config, "report", at=AT)
    channel = CHANNELS[platform]
    assert channel.name in text and channel.channels[0] in text
    assert all(field in text for field in channel.required)
    assert case.url in text and "ミナト通信の田中はバカだ" in text and "侮辱的表現" in text
    assert "2026-03-01 21:00 JST" in text


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        # Corrected after checking the platforms' own pages (see the sources in cases/platforms.py).
        (
            "youtube",
            [
                "https://support.google.com/youtube/answer/6154216",
                "The exact statements",
                "true and complete",
            ],
        ),
        ("x", ["https://help.x.com/ja/forms/japan-report", "within 7 days", "Your X account"]),
        ("bluesky", ["com.atproto.moderation.createReport", "not to the server (PDS)", "UK, EU and"]),
        ("mastodon", ["Mastodon 4.2 or later", "legal / violation / spam / other", "1,000 characters"]),
        ("5ch", ["meiyokison@5ch.net", "削除申し立て", "本人確認資料", "レス番号"]),
        ("reddit", ["moderators first", "12793653507860", "not verified"]),
    ],
)
def test_platform_report_carries_the_verified_channel_details(
    config: Any, platform: str, expected: list[str]
) -> None:
    text = render_draft(open_case(config, platform), config, "report", at=AT)
    for part in expected:
        assert part in text, part
    assert "legal/answer/3110420" not in text and "help.x.com/forms\n" not in text


def test_a_custom_template_folder_overrides_by_file_name(make_config: Any, tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "dmca.md.j2").write_text("Custom notice for {{ case.url }} by {{ requester.name }}\n")
    config = load_config(
        make_config('[alerts.legal]\ntemplates_dir = "tpl"\nrequester_name = "法務部"\n'), check_sources=False
    )
    case = open_case(config)
    assert render_draft(case, config, "dmca", at=AT) == f"Custom notice for {case.url} by 法務部\n"
    assert "送信防止措置" in render_draft(case, config, "jp", at=AT)  # not overridden


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_of_the_japanese_request(config: Any, tmp_path: Path) -> None:
    case = open_case(config)
    out = markdown_to_pdf(render_draft(case, config, "jp", at=AT), tmp_path / "request.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    import subprocess

    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "送信防止措置" in text and "5ch.example/t/123/45" in text
