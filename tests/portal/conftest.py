"""Portal fixtures: a configuration, an index seeded through the real backend, four accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.config import MamoriConfig, load_config
from crawler.items import Author, Finding, MediaRef, Post, Span

PASSWORD = "correct horse battery 7"
USERS = {
    "admin": ("admin", None),
    "legal": ("legal", None),
    "emp_a": ("employee", "E001"),
    "emp_b": ("employee", "E002"),
}

PORTAL_TOML = """
[[alerts.routes]]
name = "legal-desk"
urls = ["json://127.0.0.1:9/hook"]

[portal]
cookie_secure = false
secret_key = "test-secret-key-not-for-production"
login_max_failures = 3
"""

CAPTURE_TOML = PORTAL_TOML + "\n[evidence]\nallow_private_addresses = true\npage_timeout = 20\n"
"""The portal configuration plus evidence captures of the local test site (127.0.0.1)."""


def _finding(
    text: str, word: str, label: str, severity: str, employee: str | None, detector: str, explanation: str
) -> Finding:
    start = text.index(word)
    return Finding(
        detector=detector,
        label=label,
        severity=severity,
        score=0.9,
        explanation=explanation,
        spans=(Span(start, start + len(word), word),),
        employee_id=employee,
    )


def make_posts(now: datetime | None = None, base: str = "http://127.0.0.1:9") -> list[Post]:
    now = now or datetime.now(UTC)
    a_text = "ミナト通信の田中 美咲は詐欺師だ。許さない。<script>alert(1)</script>"
    b_text = "佐藤 健太の住所を晒す。夜道に気をつけろ"
    ab_text = "田中 美咲と佐藤 健太はクビにしろ、ゴミ社員"
    c_text = "Minato Tsushin support is a scam company"
    return [
        Post(
            platform="5ch",
            source="board",
            id="5ch:a1",
            url=f"{base}/a1",
            text=a_text,
            title="田中さんについて",
            author=Author(handle="anon1"),
            published_at=now - timedelta(hours=3),
            lang="ja",
            media=[MediaRef(url=f"{base}/a1.jpg")],
            findings=[
                _finding(
                    a_text, "田中 美咲", "mention", "info", "E001", "names", "names employee E001 (田中 美咲)"
                ),
                _finding(
                    a_text, "詐欺師", "defamation", "high", "E001", "lexicon", "calls E001 a fraud (詐欺師)"
                ),
            ],
        ),
        Post(
            platform="5ch",
            source="board",
            id="5ch:b1",
            url=f"{base}/b1",
            text=b_text,
            author=Author(handle="anon2"),
            published_at=now - timedelta(days=1),
            lang="ja",
            findings=[
                _finding(
                    b_text, "佐藤 健太", "mention", "info", "E002", "names", "names employee E002 (佐藤 健太)"
                ),
                _finding(
                    b_text,
                    "住所を晒す",
                    "personal_info",
                    "critical",
                    "E002",
                    "lexicon",
                    "threatens to expose E002's address",
                ),
                _finding(
                    b_text, "夜道に気をつけろ", "threat", "critical", "E002", "lexicon", "threat against E002"
                ),
            ],
        ),
        Post(
            platform="x",
            source="social",
            id="x:ab1",
            url=f"{base}/ab1",
            text=ab_text,
            author=Author(handle="troll"),
            published_at=now - timedelta(days=2),
            lang="ja",
            findings=[
                _finding(
                    ab_text, "田中 美咲", "insult", "medium", "E001", "lexicon", "insults E001 (ゴミ社員)"
                ),
                _finding(
                    ab_text, "佐藤 健太", "insult", "medium", "E002", "lexicon", "insults E002 (ゴミ社員)"
                ),
            ],
        ),
        Post(
            platform="reddit",
            source="reviews",
            id="reddit:c1",
            url=f"{base}/c1",
            text=c_text,
            author=Author(handle="someone"),
            published_at=now - timedelta(days=3),
            lang="en",
            findings=[
                _finding(c_text, "scam", "defamation", "medium", None, "lexicon", "calls the company a scam")
            ],
        ),
    ]


@dataclass
class Env:
    config: MamoriConfig
    app: Any
    path: Path

    def client(self, who: str | None = None) -> Any:
        client = self.app.test_client()
        if who is not None:
            login(client, who)
        return client


def csrf_of(client: Any) -> str:
    return (
        str(client.get("/api/v1/me").get_json()["csrf_token"]) if _signed_in(client) else _form_csrf(client)
    )


def _signed_in(client: Any) -> bool:
    return client.get("/api/v1/me").status_code == 200


def _form_csrf(client: Any) -> str:
    import re

    html = client.get("/login").get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def login(client: Any, who: str, password: str = PASSWORD) -> Any:
    token = _form_csrf(client)
    resp = client.post("/login", data={"username": who, "password": password, "csrf_token": token})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return resp


def seed(config: MamoriConfig, posts: list[Post]) -> None:
    from index import open_index
    from index.base import hit_document

    index = open_index(config)
    index.upsert([hit_document(p) for p in posts])
    index.commit()
    index.close()


def add_users(config: MamoriConfig) -> None:
    from crawler.state import State
    from portal.accounts import Accounts, fast_test_hasher

    accounts = Accounts(State.from_config(config).engine, hasher=fast_test_hasher())
    for name, (role, emp) in USERS.items():
        accounts.add(name, PASSWORD, role, employee_id=emp, display_name=name.upper())


def build_env(folder: Path, extra: str = PORTAL_TOML, *, base: str = "http://127.0.0.1:9") -> Env:
    import textwrap

    from portal import create_app
    from tests.conftest import BASE_CONFIG, ROSTER

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    path = folder / "mamori.toml"
    path.write_text(textwrap.dedent(BASE_CONFIG) + "\n" + textwrap.dedent(extra), encoding="utf-8")
    config = load_config(path)
    seed(config, make_posts(base=base))
    add_users(config)
    return Env(config, create_app(config, testing=True), path)


def close_env(env: Env) -> None:
    env.app.extensions["mamori"].hits.close()
    env.app.extensions["mamori"].state.close()


@pytest.fixture
def portal_env(tmp_path: Path) -> Iterator[Env]:
    env = build_env(tmp_path / "portal")
    yield env
    close_env(env)


@pytest.fixture(scope="module")
def shared_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One portal per test module (for read-mostly tests such as the authorization matrix)."""
    env = build_env(tmp_path_factory.mktemp("portal"))
    yield env
    close_env(env)


def png_bytes(width: int = 1200, height: int = 800, color: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    """A real PNG image drawn with Pillow."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), color)
    ImageDraw.Draw(img).rectangle(
        (width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(20, 90, 200)
    )
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def bomb_png(side: int = 20_000) -> bytes:
    """A small PNG file that decodes to ``side`` x ``side`` pixels (400 Mpx): a decompression bomb."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG", optimize=True)
    return out.getvalue()


def media_site() -> Any:
    """A local site for the posts of :func:`make_posts`: pages, and the image of post 5ch:a1."""
    from tests.replay import ReplayServer, Reply

    site = ReplayServer().start()
    html = "<html><body><p>ミナト通信の田中 美咲は詐欺師だ。許さない。</p><img src='/a1.jpg'></body></html>"
    for path in ("/a1", "/b1", "/ab1", "/c1"):
        site.add(path, Reply(html, content_type="text/html; charset=utf-8"))
    site.add("/a1.jpg", Reply(png_bytes(), content_type="image/png"))
    return site


def capture(env: Env, *hit_ids: str) -> None:
    """Real evidence captures (headless Chromium) of the given hits, with one browser."""
    from evidence.browser import Browser
    from evidence.capture import capture_hit

    with Browser(env.config.evidence, user_agent=env.config.crawler.user_agent) as browser:
        for hit_id in hit_ids:
            doc = env.app.extensions["mamori"].hits.get(hit_id)
            assert doc is not None, hit_id
            capture_hit(env.config, doc, browser=browser)
