"""Headless Chromium (Playwright, Debian's ``/usr/bin/chromium``) that prints and screenshots pages.

One :class:`Browser` serves many captures: every capture gets a fresh context (no cookies
or cache carried over) that is closed afterwards, and the browser process itself is
restarted every ``recycle_after`` captures so its memory stays flat. A page that does not
finish loading within ``page_timeout`` is stopped (``window.stop()``) and captured as it
is, and the capture records that it was cut off.
"""

from __future__ import annotations

import html
import logging
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.browser import CHROMIUM_ARGS as BASE_CHROMIUM_ARGS
from crawler.exceptions import EvidenceError
from evidence.config import EvidenceConfig

logger = logging.getLogger(__name__)

CHROMIUM_ARGS = list(BASE_CHROMIUM_ARGS)
_SENSITIVE = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
# A4 at 96 dpi is 1123 px tall; with 22 mm margins top and bottom about 960 px print per page.
_PDF_PAGE_PX = 960


def redact(headers: dict[str, str]) -> dict[str, str]:
    return {k: ("[redacted]" if k.lower() in _SENSITIVE else v) for k, v in sorted(headers.items())}


@dataclass
class PageCapture:
    url: str
    final_url: str = ""
    pdf: bytes = b""
    png: bytes = b""
    status: int = 0
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    page_height: int = 0
    png_height: int = 0
    pdf_pages_limit: int = 0
    cut_off: str = ""
    """Why loading was stopped early (empty: the page loaded completely)."""
    resources: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""


def time_line(captured_at: datetime) -> str:
    """``2026-11-22 17:05:03 JST (2026-11-22 08:05:03 UTC)``: the capture time as printed."""
    from zoneinfo import ZoneInfo

    jst = captured_at.astimezone(ZoneInfo("Asia/Tokyo"))
    utc = captured_at.astimezone(ZoneInfo("UTC"))
    return f"{jst:%Y-%m-%d %H:%M:%S} JST ({utc:%Y-%m-%d %H:%M:%S} UTC)"


def header_footer(url: str, captured_at: datetime, hit_id: str, version: str) -> tuple[str, str]:
    style = (
        "font-size:8px;width:100%;margin:0 10mm;font-family:'Noto Sans CJK JP','Noto Sans',sans-serif;"
        "overflow-wrap:anywhere;word-break:break-all;color:#000"
    )
    header = f'<div style="{style}">URL: {html.escape(url)}</div>'
    footer = (
        f'<div style="{style}">Captured / 取得日時: {html.escape(time_line(captured_at))} · '
        f"mamori {html.escape(version)} · hit {html.escape(hit_id)} · "
        '<span class="pageNumber"></span>/<span class="totalPages"></span></div>'
    )
    return header, footer


class Browser:
    """A recycled headless Chromium; use as a context manager."""

    def __init__(self, config: EvidenceConfig, *, user_agent: str) -> None:
        self.config = config
        self.user_agent = user_agent
        self.captures = 0
        self.restarts = 0
        self._pw: Any = None
        self._browser: Any = None
        self.version = ""

    def __enter__(self) -> Browser:
        self.ensure()
        return self

    def ensure(self) -> None:
        """Start Playwright and Chromium if they are not running; raise EvidenceError if they cannot."""
        if self._pw is None:
            if not self.config.browser_path.exists():
                raise EvidenceError(
                    f"The browser {self.config.browser_path} does not exist. Install Debian's chromium "
                    "('apt-get install chromium fonts-noto-cjk') or set [evidence] browser_path."
                )
            from playwright.sync_api import sync_playwright

            self._pw = sync_playwright().start()
        if self._browser is None or not self._browser.is_connected():
            self._launch()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _launch(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            self._browser = self._pw.chromium.launch(
                executable_path=str(self.config.browser_path), headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as exc:
            self._browser = None
            raise EvidenceError(
                f"Chromium ({self.config.browser_path}) could not be started: {str(exc).splitlines()[0]}"
            ) from exc
        self.version = str(self._browser.version)

    def restart(self) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except Exception:
                logger.debug("Closing the browser failed", exc_info=True)
            self._browser = None
        self.ensure()
        self.restarts += 1

    def close(self) -> None:
        if self._browser is not None:
            try:
                self._browser.close()
            except Exception:
                pass
            self._browser = None
        if self._pw is not None:
            self._pw.stop()
            self._pw = None

    def capture(self, url: str, *, captured_at: datetime, hit_id: str, version: str) -> PageCapture:
        """Print ``url`` to PDF and PNG; raise EvidenceError if the browser fails."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        if self.captures and self.captures % self.config.recycle_after == 0:
            self.restart()
        self.captures += 1
        self.ensure()
        cfg = self.config
        ms = cfg.page_timeout * 1000
        result = PageCapture(url=url)
        context = self._browser.new_context(
            viewport={"width": cfg.viewport_width, "height": 900},
            user_agent=self.user_agent,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            service_workers="block",
            accept_downloads=False,
        )
        try:
            page = context.new_page()
            page.set_default_timeout(ms)

            def on_response(resp: Any) -> None:
                if (
                    not result.status
                    and resp.frame == page.main_frame
                    and resp.request.is_navigation_request()
                ):
                    result.status = resp.status
                    result.response_headers = redact(dict(resp.headers))
                    result.request_headers = redact(dict(resp.request.headers))
                if len(result.resources) < 500:
                    result.resources.append({"url": resp.url, "status": resp.status})

            page.on("response", on_response)
            response = None
            try:
                response = page.goto(url, wait_until="load", timeout=ms)
            except PlaywrightTimeout:
                result.cut_off = f"the page did not finish loading within {cfg.page_timeout:g} s; it was stopped and captured as it was"
                try:
                    page.evaluate("window.stop()")
                except PlaywrightError:
                    pass
            if response is not None:
                result.status = response.status
                result.response_headers = redact(response.all_headers())
                result.request_headers = redact(response.request.all_headers())
            result.final_url = page.url
            result.title = page.title()
            height = int(
                page.evaluate(
                    "() => Math.max(document.documentElement ? document.documentElement.scrollHeight : 0,"
                    " document.body ? document.body.scrollHeight : 0)"
                )
                or 0
            )
            result.page_height = height
            cap = cfg.max_page_height
            if height <= cap:
                result.png = page.screenshot(full_page=True, type="png", timeout=ms)
                result.png_height = max(height, 900)
            else:
                result.png = page.screenshot(
                    full_page=True,
                    type="png",
                    timeout=ms,
                    clip={"x": 0, "y": 0, "width": cfg.viewport_width, "height": cap},
                )
                result.png_height = cap
            header, footer = header_footer(url, captured_at, hit_id, version)
            result.pdf_pages_limit = max(1, math.ceil(cap / _PDF_PAGE_PX))
            options: dict[str, Any] = {
                "format": "A4",
                "print_background": True,
                "display_header_footer": True,
                "header_template": header,
                "footer_template": footer,
                "margin": {"top": "22mm", "bottom": "22mm", "left": "10mm", "right": "10mm"},
            }
            if height > cap:
                try:
                    result.pdf = page.pdf(page_ranges=f"1-{result.pdf_pages_limit}", **options)
                except PlaywrightError:  # the printed page count is below the range
                    result.pdf = page.pdf(**options)
            else:
                result.pdf = page.pdf(**options)
        except PlaywrightError as exc:
            raise EvidenceError(f"The browser could not capture {url}: {str(exc).splitlines()[0]}") from exc
        finally:
            try:
                context.close()
            except PlaywrightError:
                pass
        return result

    def html_to_pdf(self, html_text: str) -> bytes:
        """Print an HTML document (the export's summary) to an A4 PDF."""
        from playwright.sync_api import Error as PlaywrightError

        self.ensure()
        context = self._browser.new_context(java_script_enabled=False, offline=True)
        try:
            page = context.new_page()
            page.set_content(html_text, wait_until="load", timeout=self.config.page_timeout * 1000)
            return bytes(page.pdf(format="A4", print_background=True))
        except PlaywrightError as exc:
            raise EvidenceError(
                f"The summary could not be printed to PDF: {str(exc).splitlines()[0]}"
            ) from exc
        finally:
            context.close()
