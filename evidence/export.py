"""``mamori evidence export HIT_ID``: one zip with everything a lawyer needs.

Layout::

    SUMMARY.pdf  SUMMARY.html  SUMMARY.txt    one page: URL, times, what was found, hashes
                                       (the PDF when Chromium is available)
    HOW-TO-VERIFY.txt                  checking the files with standard tools
    <capture id>/manifest.json         the signed manifest, exactly as stored
    <capture id>/signed-content.json   the bytes the signature and the timestamp cover
    <capture id>/signature.bin         the raw Ed25519 signature
    <capture id>/public_key.pem        the instance's public key
    <capture id>/timestamp.tsr         RFC 3161 token (if a TSA is configured) and tsa-certs.pem
    <capture id>/artifacts/…           page.pdf, page.png, capture.warc.gz, post.json, media/…
"""

from __future__ import annotations

import base64
import html
import logging
import zipfile
from pathlib import Path
from typing import Any

from crawler.exceptions import EvidenceError
from evidence.keys import public_from_b64, public_pem
from evidence.manifest import Manifest, canonical

logger = logging.getLogger(__name__)

HOW_TO_VERIFY = """How to verify this evidence
===========================

Each folder is one capture of the post. Its manifest.json lists every file with its SHA-256.

1. Hashes: for each file under artifacts/, compute its SHA-256 and compare it with the
   manifest, e.g.  sha256sum artifacts/page.pdf   (Windows: certutil -hashfile page.pdf SHA256)

2. Signature: signed-content.json holds exactly the bytes that were signed.
     openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin \\
         -in signed-content.json -sigfile signature.bin
   must print "Signature Verified Successfully". Compare the key fingerprint in the manifest
   (signature.key_fingerprint) with the one the company published or filed.

3. Trusted timestamp (if timestamp.tsr is present):
     openssl ts -verify -data signed-content.json -in timestamp.tsr -token_in \\
         -CAfile <the TSA's CA certificate> -untrusted tsa-certs.pem
   must print "Verification: OK". It proves the manifest existed at the time in the token.

4. Or, with mamori:  mamori evidence verify THIS.zip
"""


def _rows(manifest: Manifest) -> list[tuple[str, str]]:
    b = manifest.body
    post = b.get("post", {})
    author = post.get("author") or {}
    who = " / ".join(x for x in (author.get("display_name"), author.get("handle"), author.get("url")) if x)
    ts = manifest.document.get("timestamp") or {}
    return [
        ("Hit", str(b.get("hit_id"))),
        ("URL", str(b.get("url"))),
        ("Page title", str(b.get("title") or "")),
        ("Platform / source", f"{post.get('platform')} / {post.get('source')}"),
        ("Author", who or "unknown"),
        ("Posted at", str(post.get("published_at") or "unknown")),
        ("Found by the crawler at", str(post.get("fetched_at"))),
        ("Captured at", str(b.get("capture_time_printed"))),
        (
            "Capture status",
            f"{b.get('status')}" + (f" ({'; '.join(b.get('problems', []))})" if b.get("problems") else ""),
        ),
        ("Signing key fingerprint", str(manifest.document.get("signature", {}).get("key_fingerprint"))),
        ("Trusted timestamp", f"{ts.get('gen_time')} by {ts.get('tsa')}" if ts else "none"),
        ("Crawler", f"mamori {b.get('crawler', {}).get('version')}"),
    ]


def summary_text(manifests: list[Manifest]) -> str:
    out = ["Evidence summary", "================", ""]
    for m in manifests:
        out.append(f"Capture {m.capture_id}")
        out += [f"  {k}: {v}" for k, v in _rows(m)]
        out.append("  Post text:")
        out += [f"    {line}" for line in str(m.body.get("post", {}).get("text", "")).splitlines()]
        out.append("  What was found:")
        for f in m.body.get("post", {}).get("findings", []):
            quoted = ", ".join(f"「{s.get('text')}」" for s in f.get("spans", []) if s.get("text"))
            out.append(
                f"    - {f.get('label')} ({f.get('severity')}, {f.get('detector')}): {f.get('explanation')} {quoted}".rstrip()
            )
        out.append("  Files (SHA-256):")
        out += [f"    {a['sha256']}  {a['name']} ({a['size']} bytes)" for a in m.artifacts]
        out.append("")
    return "\n".join(out)


def summary_html(manifests: list[Manifest]) -> str:
    e = html.escape
    parts = [
        "<!doctype html><html lang='ja'><meta charset='utf-8'><title>Evidence summary</title>",
        "<style>body{font:10pt 'Noto Sans CJK JP',sans-serif;margin:12mm}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #999;padding:2px 4px;vertical-align:top;text-align:left}"
        "code{font-size:8pt;word-break:break-all}</style><h1>Evidence summary / 証拠の概要</h1>",
    ]
    for m in manifests:
        parts.append(f"<h2>Capture {e(m.capture_id)}</h2><table>")
        parts += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in _rows(m)]
        parts.append(f"<tr><th>Post text</th><td>{e(str(m.body.get('post', {}).get('text', '')))}</td></tr>")
        found = "".join(
            f"<li>{e(str(f.get('label')))} ({e(str(f.get('severity')))}): {e(str(f.get('explanation')))}</li>"
            for f in m.body.get("post", {}).get("findings", [])
        )
        parts.append(f"<tr><th>What was found</th><td><ul>{found}</ul></td></tr></table>")
        parts.append("<table><tr><th>File</th><th>SHA-256</th><th>Bytes</th></tr>")
        parts += [
            f"<tr><td>{e(a['name'])}</td><td><code>{e(a['sha256'])}</code></td><td>{a['size']}</td></tr>"
            for a in m.artifacts
        ]
        parts.append("</table>")
    parts.append("<p>See HOW-TO-VERIFY.txt for checking hashes, signature and timestamp.</p></html>")
    return "".join(parts)


def summary_pdf(config: Any, html_text: str) -> bytes | None:
    """The summary printed by Chromium, or None (with a warning) if it cannot run here."""
    from evidence.browser import Browser

    try:
        with Browser(config.evidence, user_agent=config.crawler.user_agent) as browser:
            return browser.html_to_pdf(html_text)
    except EvidenceError as exc:
        logger.warning("The export has no SUMMARY.pdf: %s", exc)
        return None


def export_hit(config: Any, hit_id: str, out: Path | None = None, *, pdf: bool = True) -> Path:
    """Write the zip of every capture of ``hit_id``; return its path."""
    from crawler.state import State
    from evidence import db
    from evidence.store import hit_key, open_store

    state = db.ensure(State.from_config(config))
    rows = db.captures(state, hit_id)
    if not rows:
        raise EvidenceError(
            f"There is no evidence of the hit {hit_id!r} to export. Check the id with 'mamori evidence list'."
        )
    store = open_store(config)
    out = Path(out) if out else Path.cwd() / f"evidence-{hit_key(hit_id)}.zip"
    manifests: list[Manifest] = []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for row in rows:
            data = store.read(row["manifest_key"])
            m = Manifest.from_bytes(data, key=row["manifest_key"])
            manifests.append(m)
            folder = f"{m.capture_id}/"
            zf.writestr(folder + "manifest.json", data)
            zf.writestr(folder + "signed-content.json", canonical(m.document["manifest"]))
            sig = m.document["signature"]
            zf.writestr(folder + "signature.bin", base64.b64decode(sig["value"]))
            zf.writestr(folder + "public_key.pem", public_pem(public_from_b64(sig["public_key"])))
            ts = m.document.get("timestamp")
            if ts:
                from evidence.tsa import tsa_certificate_pem

                token = base64.b64decode(ts["token"])
                zf.writestr(folder + "timestamp.tsr", token)
                zf.writestr(folder + "tsa-certs.pem", tsa_certificate_pem(token))
            for art in m.artifacts:
                zf.writestr(folder + "artifacts/" + art["name"], store.get(art["sha256"]))
        zf.writestr("SUMMARY.txt", summary_text(manifests))
        html_summary = summary_html(manifests)
        zf.writestr("SUMMARY.html", html_summary)
        printed = summary_pdf(config, html_summary) if pdf else None
        if printed:
            zf.writestr("SUMMARY.pdf", printed)
        zf.writestr("HOW-TO-VERIFY.txt", HOW_TO_VERIFY)
    tmp.replace(out)
    return out
