"""Health, Prometheus metrics, OpenAPI and the threaded server handle."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from sqlalchemy import insert

from crawler.state import alert_outbox, now, runs
from tests.portal.conftest import PORTAL_TOML, Env, build_env, close_env


def test_health_and_metrics(portal_env: Env) -> None:
    client = portal_env.app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json() == {
        "status": "ok",
        "checks": {"state": "ok", "index": "ok"},
    }
    state = portal_env.app.extensions["mamori"].state
    with state.begin() as conn:
        conn.execute(insert(runs).values(source="board", started_at=now(), status="ok", items=7, hits=2))
        conn.execute(insert(runs).values(source="board", started_at=now(), status="failed", items=0, hits=0))
        for i, status in enumerate(("sent", "sent", "failed", "pending")):
            conn.execute(
                insert(alert_outbox).values(
                    hit_id=f"h{i}",
                    route="legal",
                    status=status,
                    title="t",
                    body="b",
                    severity="high",
                    created_at=now(),
                    next_attempt_at=now(),
                    attempts=0,
                )
            )
    text = client.get("/metrics").get_data(as_text=True)
    assert 'mamori_crawls_total{source="board",status="ok"} 1' in text
    assert 'mamori_crawls_total{source="board",status="failed"} 1' in text
    assert 'mamori_items_total{source="board"} 7' in text
    assert 'mamori_hits_by_label{label="defamation"} 2' in text
    assert 'mamori_hits_by_label{label="threat"} 1' in text
    assert 'mamori_alerts_total{status="sent"} 2' in text
    assert 'mamori_alerts_total{status="failed"} 1' in text
    assert 'mamori_queue_depth{queue="alerts"} 1' in text
    assert 'mamori_queue_depth{queue="index"} 0' in text
    assert "mamori_hits 4" in text
    assert "# TYPE mamori_crawls_total counter" in text


def test_metrics_token(tmp_path: Path) -> None:
    env = build_env(tmp_path / "m", PORTAL_TOML + 'metrics_token = "s3cret-token"\n')
    try:
        client = env.app.test_client()
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    finally:
        close_env(env)


def test_serve_in_thread_serves_and_stops(portal_env: Env) -> None:
    from portal import serve_in_thread

    server = serve_in_thread(portal_env.config, port=0)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/api/v1/openapi.json", timeout=10) as resp:
            doc = json.load(resp)
        assert doc["openapi"].startswith("3.") and "/api/v1/search" in doc["paths"]
    finally:
        server.stop()
    assert not server.thread.is_alive()


def test_search_page_facets_sort_and_query_errors(portal_env: Env) -> None:
    legal = portal_env.client("legal")
    page = legal.get("/search?q=label:defamation&sort=severity").get_data(as_text=True)
    assert page.index("5ch:a1") < page.index("reddit:c1")  # high before medium
    assert "<strong>2</strong> hit(s)" in page
    assert "label:defamation+platform:5ch" in page or "platform:5ch" in page  # facet links refine the query
    bad = legal.get("/search?q=label:")
    assert bad.status_code == 400 and "empty value" in bad.get_data(as_text=True)
    api = legal.get("/api/v1/search?q=詐欺").get_json()
    assert api["total"] == 1 and "<mark>詐欺</mark>" in api["hits"][0]["snippet"]
    assert api["facets"]["labels"]["defamation"] == 1
    dash = legal.get("/dashboard").get_data(as_text=True)
    assert dash.count("<svg") == 4 and "defamation (2)" in dash


def test_saved_search_becomes_an_alert_rule(portal_env: Env) -> None:
    import tomllib

    from crawler.config import AlertRoute

    legal = portal_env.client("legal")
    token = legal.get("/api/v1/me").get_json()["csrf_token"]
    q = "詐欺 label:defamation,threat severity:high employee:E001 platform:5ch since:30d"
    assert (
        legal.post("/searches", data={"name": "fraud on Tanaka", "q": q, "csrf_token": token}).status_code
        == 302
    )
    import re

    page = legal.get("/search").get_data(as_text=True)
    rule_url = re.search(r'href="(/searches/\d+/rule)"', page).group(1)  # type: ignore[union-attr]
    html = legal.get(rule_url).get_data(as_text=True)
    import html as html_mod

    toml_text = html_mod.unescape(html.split('<pre class="draft">')[1].split("</pre>")[0])
    route = tomllib.loads(toml_text)["alerts"]["routes"][0]
    parsed = AlertRoute.model_validate({**route, "urls": ["json://127.0.0.1:1/x"]})
    assert parsed.labels == ("defamation", "threat") and parsed.min_severity == "high"
    assert parsed.employees == ("E001",) and parsed.platforms == ("5ch",)
    assert "Not expressible" in toml_text and "詐欺" in toml_text and "the dates" in toml_text
    # Another user's saved search is not reachable.
    assert portal_env.client("admin").get(rule_url).status_code == 404


def test_access_log_has_no_query_strings(portal_env: Env, caplog: object) -> None:
    import logging
    import urllib.parse

    from portal import serve_in_thread

    server = serve_in_thread(portal_env.config, port=0)
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):  # type: ignore[attr-defined]
            q = urllib.parse.quote("田中 美咲 code=SECRET123")
            with urllib.request.urlopen(f"{server.url}/login?next={q}", timeout=10) as resp:
                assert resp.status == 200
    finally:
        server.stop()
    text = caplog.text  # type: ignore[attr-defined]
    assert "GET /login" in text and "SECRET123" not in text and "next=" not in text


def test_mamori_portal_with_worker_processes(portal_env: Env) -> None:
    import re
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "portal",
            "--config",
            str(portal_env.path),
            "--port",
            "0",
            "--workers",
            "2",
        ],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        url = re.search(r"http://[\d.]+:\d+", line).group(0)  # type: ignore[union-attr]
        for _ in range(4):  # the socket is listening before the line is printed
            with urllib.request.urlopen(url + "/healthz", timeout=30) as resp:
                assert json.load(resp)["status"] == "ok"
    finally:
        proc.terminate()
        assert proc.wait(30) == 0


def test_portal_configuration_errors_are_clear(tmp_path: Path) -> None:
    import pytest

    from crawler.config import load_config
    from crawler.exceptions import ConfigError

    path = tmp_path / "mamori.toml"
    path.write_text(
        '[company]\nname = "X"\n[portal]\nallowed_fetch_hosts = ["localhost"]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"portal\.allowed_fetch_hosts.*'localhost' is not an IP address"):
        load_config(path)
    path.write_text('[company]\nname = "X"\n[portal]\nport = 70000\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"portal\.port = 70000 is invalid"):
        load_config(path)
