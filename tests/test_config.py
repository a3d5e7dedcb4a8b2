"""Configuration errors name the file, the key, the bad value and how to fix it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.config import load_config
from crawler.exceptions import ConfigError
from tests.conftest import mamori

RSS = """
[[sources]]
type = "rss"
name = "press"
url = "http://127.0.0.1:1/feed.xml"
schedule = "15m"
"""


def test_valid_config_is_frozen_and_resolved(make_config: Any, tmp_path: Path) -> None:
    config = load_config(make_config(RSS))
    assert config.company.name == "ミナト通信"
    assert config.data_dir == (tmp_path / "data").resolve()
    assert [e.employee_id for e in config.employees] == ["E001", "E002", "E003"]
    assert config.employees.get("E001").aliases == ("みさきち", "Misa")  # type: ignore[union-attr]
    (source,) = config.sources
    assert source.schedule.interval == 900
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        config.company.name = "x"  # type: ignore[misc]


def test_a_byte_order_mark_is_not_a_syntax_error(make_config: Any) -> None:
    """Notepad saves UTF-8 with a byte-order mark; the file reads as without it."""
    path = make_config(RSS)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_config(path).company.name == "ミナト通信"


def test_missing_key(make_config: Any) -> None:
    path = make_config(base="[storage]\ndata_dir = 'data'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}: the key 'company' is missing. Add the key."


def test_wrong_type(make_config: Any) -> None:
    path = make_config(RSS)
    path.write_text(path.read_text().replace("download_delay = 0.0", "download_delay = 'slow'"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message
    assert "crawler.download_delay = 'slow' is invalid" in message
    assert "Give a number." in message


def test_unknown_source_type(make_config: Any) -> None:
    path = make_config(RSS.replace('type = "rss"', 'type = "myspace"'))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "sources[1].type = 'myspace' (source 'press') is not a known source type" in message
    assert "rss" in message and str(path) in message


def test_missing_roster_file(make_config: Any, tmp_path: Path) -> None:
    path = make_config(RSS)
    (tmp_path / "roster.csv").unlink()
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert f"{path}: roster.file = '{tmp_path / 'roster.csv'}' does not exist" in message
    assert "employee_id,name,reading,romaji,aliases" in message


def test_bad_schedule_and_unknown_option(make_config: Any) -> None:
    path = make_config(RSS.replace('"15m"', '"every so often"'))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "sources[1].schedule (source 'press') = 'every so often' is invalid" in str(err.value)
    assert "cron expression" in str(err.value)

    path = make_config(RSS + "colour = 'blue'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "sources[1].colour is not an option of 'rss' sources (source 'press')" in str(err.value)


def test_cron_schedule_and_env_placeholders(make_config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEED_HOST", "127.0.0.1:8080")
    config = load_config(
        make_config(RSS.replace('"15m"', '"*/5 * * * *"').replace("127.0.0.1:1", "${FEED_HOST}"))
    )
    assert config.sources[0].schedule.cron == "*/5 * * * *"
    assert config.sources[0].url == "http://127.0.0.1:8080/feed.xml"
    monkeypatch.delenv("FEED_HOST")
    path = make_config(RSS.replace("127.0.0.1:1", "${FEED_HOST}"))
    with pytest.raises(ConfigError, match="environment variable FEED_HOST, which is not set"):
        load_config(path)


def test_roster_errors_name_the_line(make_config: Any) -> None:
    path = make_config(
        RSS, roster="employee_id,name,reading,romaji,aliases\nE1,田中 美咲,,,\nE1,佐藤 健太,,,\n"
    )
    with pytest.raises(ConfigError, match=r"line 3: employee_id 'E1' appears twice"):
        load_config(path)
    path = make_config(RSS, roster="id,name\n1,x\n")
    with pytest.raises(ConfigError, match="lacks the column"):
        load_config(path)


def test_duplicate_source_names(make_config: Any) -> None:
    with pytest.raises(ConfigError, match="is used by two sources"):
        load_config(make_config(RSS + RSS))


def test_cli_exits_non_zero_with_the_message(make_config: Any) -> None:
    path = make_config(RSS.replace('type = "rss"', 'type = "myspace"'))
    proc = mamori("crawl", "press", "--config", str(path), check=False)
    assert proc.returncode == 2
    assert "is not a known source type" in proc.stderr
    assert "Traceback" not in proc.stderr
