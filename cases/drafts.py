"""Takedown drafts from a case: the Japanese 送信防止措置依頼書, a DMCA notice, and a
per-platform report sheet, rendered from Jinja2 templates to Markdown (and PDF).

Templates live in ``cases/templates``; a folder set as ``alerts.legal.templates_dir`` in the
configuration overrides any of them by file name. PDF output prints the Markdown's HTML with
headless Chromium (fonts-noto-cjk renders the Japanese).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from alerts.rules import zone
from cases.model import Case, CaseError
from cases.platforms import channel_for
from crawler.browser import CHROMIUM_ARGS
from crawler.exceptions import MamoriError

BUILTIN = Path(__file__).resolve().parent / "templates"
KINDS = {
    "jp": "jp_request.md.j2",
    "dmca": "dmca.md.j2",
    "report": "platform_report.md.j2",
}
RIGHTS = {
    "defamation": "名誉権",
    "insult": "名誉感情",
    "personal_info": "プライバシー権",
    "threat": "平穏な生活を営む権利",
    "discrimination": "名誉感情・人格権",
    "sexual": "名誉権・プライバシー権",
}


def _templates_dir(config: Any) -> Path | None:
    folder = config.alerts.legal.templates_dir
    if folder is None:
        return None
    folder = Path(folder).expanduser()
    if not folder.is_absolute() and config.config_path is not None:
        folder = Path(config.config_path).parent / folder
    if not folder.is_dir():
        raise MamoriError(
            f"alerts.legal.templates_dir = {str(folder)!r} is not a folder; create it or remove the key."
        )
    return folder


def environment(config: Any) -> jinja2.Environment:
    folders = [str(p) for p in (_templates_dir(config), BUILTIN) if p is not None]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )


def _fmt(ts: datetime | None, tz: str, suffix: str) -> str:
    if ts is None:
        return "unknown"
    ts = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
    return f"{ts.astimezone(zone(tz)):%Y-%m-%d %H:%M} {suffix}"


def context(case: Case, config: Any, *, at: datetime) -> dict[str, Any]:
    doc = case.doc
    legal = config.alerts.legal
    author = doc.get("author") or {}
    employee_ids = doc.get("employees") or sorted(
        {f.get("employee_id") for f in doc.get("findings") or [] if f.get("employee_id")}
    )
    names = []
    for emp_id in employee_ids:
        emp = config.employees.get(emp_id)
        names.append(emp.name if emp else emp_id)
    labels = doc.get("labels") or sorted({f.get("label") for f in doc.get("findings") or []})
    rights = "、".join(dict.fromkeys(RIGHTS.get(label, "人格権") for label in labels)) or "名誉権"
    title = str(doc.get("title") or "")
    text = (title + "\n" if title else "") + case.text
    local = at.astimezone(zone("Asia/Tokyo"))
    return {
        "case": case,
        "channel": channel_for(case.platform),
        "platform_label": case.platform,
        "author": author.get("handle") or author.get("display_name") or "unknown",
        "post_text": text.strip(),
        "posted_jst": _fmt(case.published_at, "Asia/Tokyo", "JST"),
        "posted_utc": _fmt(case.published_at, "UTC", "UTC"),
        "captured_jst": _fmt(case.fetched_at, "Asia/Tokyo", "JST"),
        "captured_utc": _fmt(case.fetched_at, "UTC", "UTC"),
        "today_jst": f"{local:%Y-%m-%d} JST",
        "today_jp": f"{local.year}年{local.month}月{local.day}日",
        "today_utc": f"{at.astimezone(UTC):%Y-%m-%d}",
        "labels": ", ".join(labels),
        "rights": rights,
        "employees": "、".join(names),
        "owner": "、".join(names) or config.company.name,
        "work_description": "",
        "media": [m.get("url") for m in doc.get("media") or [] if m.get("url")],
        "requester": {
            "name": legal.requester_name or config.company.name,
            "address": legal.requester_address,
            "contact": legal.requester_contact,
        },
    }


def render_draft(case: Case, config: Any, kind: str, *, at: datetime | None = None) -> str:
    """The Markdown draft of ``kind`` (jp, dmca, report) for ``case``."""
    if kind not in KINDS:
        raise CaseError(f"{kind!r} is not a draft kind; use one of {', '.join(KINDS)}.")
    env = environment(config)
    try:
        template = env.get_template(KINDS[kind])
        return template.render(**context(case, config, at=at or datetime.now(UTC)))
    except jinja2.TemplateError as exc:
        where = getattr(exc, "filename", None) or KINDS[kind]
        line = getattr(exc, "lineno", None)
        raise MamoriError(
            f"The takedown template {where}{f' line {line}' if line else ''} failed: {exc}. Fix the template."
        ) from exc


def markdown_to_pdf(
    markdown_text: str, out: Path, *, chromium: str | None = None, timeout: float = 60
) -> Path:
    """Print ``markdown_text`` to a PDF at ``out`` with headless Chromium."""
    import markdown as md

    binary = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        raise MamoriError(
            "Chromium is not installed, so no PDF can be made; install it or use the Markdown draft."
        )
    body = md.markdown(markdown_text, extensions=["tables"])
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "body{font-family:'Noto Sans CJK JP','Noto Serif CJK JP',sans-serif;font-size:11pt;margin:2cm}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #000;padding:4px;vertical-align:top}"
        f"</style><title>{html.escape(out.stem)}</title></head><body>{body}</body></html>"
    )
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="mamori-pdf-") as tmp:
        source = Path(tmp) / "draft.html"
        source.write_text(page, encoding="utf-8")
        cmd = [
            binary,
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={tmp}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            source.as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not out.exists():
        raise MamoriError(
            f"Chromium could not print the PDF (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
        )
    return out
