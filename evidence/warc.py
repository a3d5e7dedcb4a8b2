"""Write the raw HTTP exchanges and the crawler's API data of a hit into one WARC file.

Records: ``warcinfo`` (software, hit id), then per exchange a ``request`` and a ``response``
record with the exact bytes on the wire (``WARC-Concurrent-To`` links them), and a
``resource`` record holding the post's API data as the crawler parsed it (``Post.raw``).
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from warcio.statusandheaders import StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from evidence.rawhttp import Exchange


def _iso(ex: Exchange) -> str:
    return ex.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(
    exchanges: list[Exchange],
    *,
    hit_id: str,
    software: str,
    api_data: dict[str, Any] | None = None,
    api_uri: str = "",
) -> bytes:
    """Return the gzip-compressed WARC (one gzip member per record) as bytes."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    info = writer.create_warcinfo_record(
        f"mamori-{hit_id}.warc.gz",
        {"software": software, "format": "WARC File Format 1.1", "description": f"Evidence of hit {hit_id}"},
    )
    writer.write_record(info)
    parser = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"])
    for ex in exchanges:
        extra = {"WARC-Date": _iso(ex)}
        if ex.remote_ip:
            extra["WARC-IP-Address"] = ex.remote_ip
        if not ex.head:
            continue
        http_headers = parser.parse(BytesIO(ex.head + b"\r\n\r\n"))
        if not ex.complete:
            extra["WARC-Truncated"] = (
                "time" if "time limit" in ex.error else "length" if "limit" in ex.error else "unspecified"
            )
        response = writer.create_warc_record(
            ex.url,
            "response",
            payload=BytesIO(ex.body),
            length=len(ex.body),
            http_headers=http_headers,
            warc_headers_dict=extra,
        )
        req_headers = StatusAndHeadersParser(["GET"], verify=False).parse(BytesIO(ex.request))
        request = writer.create_warc_record(
            ex.url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=req_headers,
            warc_headers_dict={
                "WARC-Date": _iso(ex),
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        writer.write_record(response)
        writer.write_record(request)
    if api_data is not None:
        body = json.dumps(api_data, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8")
        writer.write_record(
            writer.create_warc_record(
                api_uri or f"urn:mamori:post:{hit_id}",
                "resource",
                payload=BytesIO(body),
                length=len(body),
                warc_content_type="application/json",
                warc_headers_dict={"WARC-Source": "mamori crawler (Post.raw as parsed)"},
            )
        )
    return out.getvalue()
