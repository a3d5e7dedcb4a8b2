"""Helpers shared by spiders: HTML to text, language guess, timestamps."""

from __future__ import annotations

import calendar
import html as html_lib
import re
import time
from datetime import UTC, datetime

_BLOCK = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_NEWLINES = re.compile(r"\n\s*\n+")
_LATIN = re.compile(r"[A-Za-z]")
_JA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, with line breaks at block boundaries."""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    text = _SCRIPT.sub(" ", markup)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _NEWLINES.sub("\n\n", text).strip()


def image_urls(markup: str) -> list[str]:
    return _IMG.findall(markup or "")


def guess_lang(text: str, default: str = "") -> str:
    """``ja`` when Japanese script is at least 30% of the letters, else ``en``."""
    if not text:
        return default
    ja = len(_JA.findall(text))
    latin = len(_LATIN.findall(text))
    if ja and ja / (ja + latin) >= 0.3:
        return "ja"
    return "en" if latin else (default or "en")


def struct_time_to_dt(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
