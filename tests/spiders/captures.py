"""Turn recorded platform responses into routes of the replay server (tests/replay.py).

Three recording formats are read, exactly as they were recorded upstream:

* **Betamax JSON** (PRAW's Reddit cassettes): ``{"interactions": [{"request", "response"}]}``
  with header values as lists and the body under ``string`` or ``base64_string``;
* **VCR YAML**, both the Python vcrpy flavour (Mastodon.py: ``interactions``, ``status:
  {code}``, header lists, ``body: {string}``) and the Ruby/R vcr flavour (bskyr:
  ``http_interactions``, ``status: 200``, plain header strings);
* **Algolia JSON** (node-hacker-news-api): a list of ``{"url", "reply"}`` or one
  ``{"url", "response"}`` object per file.

Usage::

    recs = load_capture(shared_data / "captures/reddit/TestMore.test_comments.json")
    serve(replay, recs, ignore=("q",))          # one handler per path
    data = recs.json("/comments/3hahrw/")        # the decoded body, to build variants

Matching (VCR-style): a recording answers a request on the same path (a trailing slash and
Reddit's ``.json`` suffix are ignored) when every query parameter *of the recording* has the
same value in the request, except the keys in ``ignore``; parameters only the request has
are ignored. Among several matches the one with most equal parameters (then the same HTTP
method) wins. Response headers that describe the recorded transport (gzip, chunking,
lengths) are dropped because the body is stored decoded; the recorded origin in headers such
as ``Link`` is rewritten to the replay server so that paging links come back to it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from tests.replay import ReplayServer, Reply, Request

_TRANSPORT_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection", "set-cookie"}


@dataclass
class Recording:
    """One recorded request and its response."""

    method: str
    uri: str
    status: int
    headers: dict[str, str]
    body: bytes
    request_body: str = ""

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.uri).query, keep_blank_values=True))

    @property
    def origin(self) -> str:
        parts = urlsplit(self.uri)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "application/json")

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def reply(self, base_url: str = "") -> Reply:
        headers = {}
        for k, v in self.headers.items():
            if k.lower() in _TRANSPORT_HEADERS or k.lower() == "content-type":
                continue
            headers[k] = v.replace(self.origin, base_url) if base_url else v
        return Reply(self.body, status=self.status, headers=headers, content_type=self.content_type)


@dataclass
class Recordings:
    """The recordings of one or more files, in recorded order."""

    items: list[Recording] = field(default_factory=list)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __add__(self, other: Recordings) -> Recordings:
        return Recordings([*self.items, *other.items])

    def find(self, path: str, method: str | None = None, **query: str) -> Recording:
        """The first recording on ``path`` (normalized) whose query contains ``query``."""
        want = normalize_path(path)
        for rec in self.items:
            if normalize_path(rec.path) != want or (method and rec.method != method.upper()):
                continue
            if all(rec.query.get(k) == v for k, v in query.items()):
                return rec
        raise KeyError(f"No recording for {method or 'any method'} {path} {query or ''}.")

    def json(self, path: str, method: str | None = None, **query: str) -> Any:
        return self.find(path, method, **query).json()


def normalize_path(path: str) -> str:
    """``/r/all/search/`` and ``/r/all/search.json`` both become ``/r/all/search``."""
    path = path.rstrip("/") or "/"
    return path.removesuffix(".json") or "/"


def _headers(raw: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in (raw or {}).items():
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v)
        out[str(k)] = str(v)
    return out


def _body(raw: Any) -> bytes:
    if raw is None:
        return b""
    if isinstance(raw, (bytes, str)):
        return raw.encode("utf-8") if isinstance(raw, str) else raw
    if raw.get("base64_string"):
        return base64.b64decode(raw["base64_string"])
    value = raw.get("string", "")
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _status(raw: Any) -> int:
    return int(raw["code"]) if isinstance(raw, dict) else int(raw)


def load_betamax(path: Path) -> Recordings:
    """Read a Betamax JSON cassette (PRAW)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    recs = []
    for item in data["interactions"]:
        req, resp = item["request"], item["response"]
        req_body = req.get("body")
        if isinstance(req_body, dict):
            req_body = req_body.get("string", "")
        recs.append(
            Recording(
                method=req["method"].upper(),
                uri=req["uri"],
                status=_status(resp["status"]),
                headers=_headers(resp.get("headers")),
                body=_body(resp.get("body")),
                request_body=req_body or "",
            )
        )
    return Recordings(recs)


def load_vcr(path: Path) -> Recordings:
    """Read a VCR YAML cassette (vcrpy or Ruby/R vcr flavour)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = data.get("interactions") or data.get("http_interactions") or []
    recs = []
    for item in items:
        req, resp = item["request"], item["response"]
        req_body = req.get("body")
        if isinstance(req_body, dict):
            req_body = req_body.get("string", "")
        recs.append(
            Recording(
                method=str(req["method"]).upper(),
                uri=req["uri"],
                status=_status(resp["status"]),
                headers=_headers(resp.get("headers")),
                body=_body(resp.get("body")),
                request_body=req_body if isinstance(req_body, str) else "",
            )
        )
    return Recordings(recs)


def load_algolia(path: Path) -> Recordings:
    """Read Algolia HN recordings: a list of ``{url, reply}`` or one ``{url, response}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = data if isinstance(data, list) else [data]
    recs = []
    for entry in entries:
        url = entry["url"]
        if url.startswith("/"):
            url = "https://hn.algolia.com" + url
        body = entry.get("reply", entry.get("response"))
        recs.append(
            Recording(
                method="GET",
                uri=url,
                status=200,
                headers={"Content-Type": "application/json; charset=utf-8"},
                body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            )
        )
    return Recordings(recs)


def load_file(
    path: str | Path, url: str, *, content_type: str = "application/json; charset=utf-8"
) -> Recordings:
    """Serve a plain recorded body (a YouTube JSON page, a board's ``.dat``) at ``url``, bytes intact."""
    return Recordings([Recording("GET", url, 200, {"Content-Type": content_type}, Path(path).read_bytes())])


def load_capture(path: str | Path) -> Recordings:
    """Read any of the recording formats above, chosen by extension and shape."""
    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        return load_vcr(path)
    head = path.read_text(encoding="utf-8")[:2000].lstrip()
    if '"interactions"' in head:
        return load_betamax(path)
    return load_algolia(path)


def load_all(paths: Iterable[str | Path]) -> Recordings:
    out = Recordings()
    for p in paths:
        out = out + load_capture(p)
    return out


def _matches(rec: Recording, req: Request, ignore: frozenset[str]) -> tuple[int, int] | None:
    score = 0
    for key, value in rec.query.items():
        if key in ignore:
            continue
        if req.query.get(key) != value:
            return None
        score += 1
    return score, int(rec.method == req.method)


def handler_for(
    recs: list[Recording], base_url: str, ignore: Iterable[str] = ()
) -> Callable[[Request], Reply]:
    """A replay-server handler that answers with the best-matching recording."""
    ignored = frozenset(ignore)

    def handle(req: Request) -> Reply:
        best: tuple[tuple[int, int], Recording] | None = None
        for rec in recs:
            score = _matches(rec, req, ignored)
            if score is not None and (best is None or score > best[0]):
                best = (score, rec)
        if best is None:
            return Reply(
                f"no recording matches {req.path} {req.query}", status=404, content_type="text/plain"
            )
        return best[1].reply(base_url)

    return handle


def serve(
    server: ReplayServer,
    recordings: Iterable[Recording],
    *,
    ignore: Iterable[str] = (),
    prefix: str = "",
    methods: Iterable[str] = ("GET", "POST"),
) -> list[str]:
    """Register every recording on ``server``; return the paths registered.

    ``prefix`` is put before every recorded path (to serve two hosts' recordings from one
    server without collisions). Recordings whose method is not in ``methods`` (e.g. the
    DELETE clean-up calls of test suites) are skipped.
    """
    wanted = {m.upper() for m in methods}
    by_path: dict[str, list[Recording]] = {}
    for rec in recordings:
        if rec.method in wanted:
            by_path.setdefault(normalize_path(rec.path), []).append(rec)
    paths = []
    for path, recs in by_path.items():
        handler = handler_for(recs, server.base_url + prefix, ignore)
        full = prefix + path
        for variant in {full, full + "/", full + ".json"}:
            server.add(variant, handler)
        paths.append(full)
    return paths


def feed_setting(tmp_path: Path, *, detectors: bool = False) -> str:
    """A ``[crawler.settings]`` block that exports every scraped post to JSON lines in ``tmp_path``.

    Spider tests run without the detectors by default (they test extraction, and stay
    independent of detector models); pass ``detectors=True`` to keep them.
    """
    out = tmp_path / "items-%(batch_time)s.jsonl"
    block = f'[crawler.settings]\nFEEDS = {{ "{out}" = {{ format = "jsonlines" }} }}\n'
    return block if detectors else block + "MAMORI_DETECTORS = {}\n"


def scraped_items(tmp_path: Path) -> list[dict[str, Any]]:
    """The posts exported by the last crawl(s) (see :func:`feed_setting`); the files are removed."""
    items: list[dict[str, Any]] = []
    for path in sorted(tmp_path.glob("items-*.jsonl")):
        items.extend(
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
        )
        path.unlink()
    return items
