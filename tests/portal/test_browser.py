"""The main journeys in real headless Chromium against the real threaded server.

Screenshots of every page go to tests/artifacts/portal/ (gitignored); the main pages are
also copied to docs/screenshots/ for the documentation when missing or when
MAMORI_UPDATE_SCREENSHOTS=1 is set.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.browser import CHROMIUM_ARGS
from tests.portal.conftest import PASSWORD, PORTAL_TOML, Env, build_env, close_env, png_bytes
from tests.portal.sustained_replay import SMALL_BURSTS, replay_history

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("portal-browser")]

REPO = Path(__file__).resolve().parents[2]
from tests.conftest import SHARED_DATA as SHARED  # noqa: E402

ARTIFACTS = REPO / "tests" / "artifacts" / "portal"
DOCS = REPO / "docs" / "screenshots"
DOC_PAGES = {
    "login",
    "search",
    "hit",
    "evidence",
    "case",
    "draft",
    "dashboard",
    "author",
    "selfcheck",
    "request",
}
ARGS = list(CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Env, str]]:
    """The portal served for real, with the posts on a local site and one real evidence capture."""
    from evidence.capture import capture_hit
    from portal import serve_in_thread
    from tests.replay import ReplayServer, Reply

    posts = ReplayServer().start()
    posts.add(
        "/a1",
        Reply(
            "<html><body><p>ミナト通信の田中 美咲は詐欺師だ。許さない。</p></body></html>",
            content_type="text/html; charset=utf-8",
        ),
    )
    posts.add("/a1.jpg", Reply(png_bytes(), content_type="image/png"))  # the post's photo
    extra = PORTAL_TOML + "\n[evidence]\nallow_private_addresses = true\npage_timeout = 20\n" + SMALL_BURSTS
    env = build_env(tmp_path_factory.mktemp("browser"), extra, base=posts.base_url)
    doc = env.app.extensions["mamori"].hits.get("5ch:a1")
    capture_hit(env.config, doc)
    # A persistent author, a suggested link and burst incidents, through the real engine.
    replay_history(env)
    server = serve_in_thread(env.config, port=0)
    yield env, server.url
    server.stop()
    close_env(env)
    posts.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 720}, locale="ja-JP")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    # The documentation's copies are refreshed on request only, so a test run leaves the tree clean.
    if name in DOC_PAGES and (
        os.environ.get("MAMORI_UPDATE_SCREENSHOTS") or not (DOCS / f"{name}.png").exists()
    ):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")


def sign_in(page: Any, base: str, user: str) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")


def test_legal_searches_opens_a_hit_and_works_a_case(site: tuple[Env, str], page: Any) -> None:
    _env, base = site
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base + "/login")
    shot(page, "login")
    sign_in(page, base, "legal")
    page.wait_for_url(base + "/search")
    page.fill("input[name=q]", "詐欺")
    page.click("button:has-text('Search')")
    page.wait_for_selector("ol.hits li")
    assert page.inner_text("p.total").startswith("1")
    assert page.inner_text("p.snippet mark") == "詐欺"
    page.goto(base + "/search")
    page.click(".facets a:has-text('defamation')")  # a facet refines the query
    page.wait_for_selector("ol.hits li")
    assert page.input_value("input[name=q]") == "label:defamation"
    assert page.locator("ol.hits li").count() == 2
    shot(page, "search")
    page.click("a.open:has-text('田中さんについて')")
    page.wait_for_selector("blockquote.post")
    marks = page.locator("blockquote.post mark").all_inner_texts()
    assert marks == ["田中 美咲", "詐欺師"]
    # The hostile script in the post is shown as text, never run.
    assert "<script>alert(1)</script>" in page.inner_text("blockquote.post")
    assert "E001 (田中 美咲)" in page.inner_text("table.findings")
    page.click("summary:has-text('artifact(s)')")
    assert re.search(r"[0-9a-f]{64}", page.inner_text("details"))
    shot(page, "hit")
    # The post's photo is shown as a thumbnail made by mamori from its own capture.
    thumb = page.locator("ul.media img.thumb")
    assert thumb.count() == 1
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert thumb.evaluate("img => img.currentSrc") == base + "/hits/5ch:a1/media/0/thumb"
    assert thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 213]
    shot(page, "hit-media")
    page.click("button:has-text('Verify evidence')")
    page.wait_for_selector("h1:has-text('Evidence check')")
    assert page.inner_text("h2").startswith("OK")
    assert "ok manifest.json" in page.inner_text("main") or "ok " in page.inner_text("main")
    shot(page, "evidence")
    page.go_back()
    page.fill("input[name=reason]", "defamation of an employee")
    page.click("button:has-text('Open a case')")
    page.wait_for_selector("h1:has-text('Case')")
    page.select_option("select[name=status]", "takedown_requested")
    page.fill("input[name=note][aria-label='Status note']", "sent to the board's admin")
    page.click("button:has-text('Change status')")
    page.wait_for_selector("h1 .status:has-text('takedown_requested')")
    assert "sent to the board's admin" in page.inner_text("table.history")
    shot(page, "case")
    assert page.locator("table.clocks tbody tr").count() >= 1
    page.click("a:has-text('jp')")
    page.wait_for_selector("pre.draft")
    assert "送信防止措置" in page.inner_text("pre.draft")
    shot(page, "draft")
    page.go_back()
    page.click("nav a:has-text('Dashboard')")
    page.wait_for_selector("svg.chart")
    assert page.locator("svg.chart").count() == 4
    shot(page, "dashboard")
    # Sustained harassment: the authors list, an author's history, one of their incidents.
    page.click("nav a:has-text('Authors')")
    page.wait_for_selector("table.authors")
    assert page.inner_text("table.authors tbody tr:first-child a.author") == "stalker99"
    shot(page, "authors")
    page.click("table.authors a.author:has-text('stalker99')")
    page.wait_for_selector("h1:has-text('Author stalker99')")
    assert page.locator("svg.chart").count() == 1
    assert "fixated-on-employee" in page.inner_text("p.escalation")
    assert page.locator("table.author-hits tbody tr").count() == 7
    assert "suggestion (not confirmed)" in page.inner_text("table.links")
    shot(page, "author")
    page.click("table.author-incidents a >> nth=0")
    page.wait_for_selector("h1:has-text('Incident')")
    assert page.inner_text("h1 .status") == "open"
    assert page.locator("table.incident-hits tbody tr").count() == 5
    shot(page, "incident")
    # A saved search becomes a live alert rule.
    page.goto(base + "/search?q=" + "詐欺 label:defamation")
    page.fill("input[name=name]", "fraud claims")
    page.click("button:has-text('Save this search')")
    page.click("a:has-text('as alert rule')")
    page.fill("input[name=query]", 'label:defamation "unclosed')
    page.click("button:has-text('Save alert rule')")
    assert "^" in page.inner_text("pre.error")  # the query error points at the character
    page.fill("input[name=query]", "詐欺 label:defamation")
    page.click("button:has-text('Save alert rule')")
    page.wait_for_selector("table.rules td.state:has-text('enabled')")
    assert "legal-desk" in page.inner_text("table.rules")
    shot(page, "alert-rules")
    # Nothing in the whole journey was loaded from another origin than the portal's.
    assert requested and all(u.startswith(base + "/") for u in requested), [
        u for u in requested if not u.startswith(base + "/")
    ]


def test_employee_runs_a_self_check_and_asks_for_help(site: tuple[Env, str], page: Any) -> None:
    _env, base = site
    sign_in(page, base, "emp_a")
    page.wait_for_url(base + "/me")
    items = page.locator("ol.hits li a.open").all_inner_texts()
    assert sorted(items) == ["x:ab1", "田中さんについて"]
    assert "5ch:b1" not in page.content()
    page.check("input[name=scope][value=face]")
    page.click("button:has-text('Give consent')")
    page.wait_for_selector("text=You consented to")
    photo = SHARED / "faces" / "ageitgey_face_recognition" / "examples__knn_examples__test__obama1.jpg"
    if photo.exists():  # enrol a photo with the real face model (templates only)
        page.set_input_files("form[action='/me/enrol/face'] input[type=file]", str(photo))
        page.click("button:has-text('Enrol face')")
        page.wait_for_selector("text=1 face template(s) added", timeout=120_000)
    page.fill("input[name=name]", "みさきち")
    page.click("button:has-text('Register')")
    page.wait_for_selector("li:has-text('みさきち')")
    shot(page, "selfcheck")
    page.goto(base + "/hits/x:ab1")
    assert "佐藤" not in page.inner_text("blockquote.post")  # the other employee is masked
    page.fill("input[name=message]", "この投稿を消してほしい")
    page.click("button:has-text('Ask the legal team for help')")
    page.wait_for_selector("h1:has-text('Your request')")
    assert page.inner_text("strong.status") == "new"
    shot(page, "request")
    # Guessing another employee's hit or the legal desk gets nothing.
    resp = page.goto(base + "/hits/5ch:b1")
    assert resp is not None and resp.status == 404
    resp = page.goto(base + "/search?q=佐藤")
    assert resp is not None and resp.status == 403
    shot(page, "employee-denied")
