"""The signed manifest of one capture: what was captured, when, how, and every artifact's hash.

The file is JSON::

    {"format": "mamori-evidence/1",
     "manifest": {...},                      # the signed content
     "signature": {"algorithm": "Ed25519", "public_key": b64, "key_fingerprint": hex, "value": b64},
     "timestamp": {"tsa_url": ..., "token": b64 DER, "gen_time": ...} | null}

The signature covers :func:`canonical` of ``manifest``: UTF-8 JSON with sorted keys and no
spaces. The RFC 3161 timestamp (optional) covers the same bytes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from crawler.exceptions import EvidenceError
from evidence.keys import InstanceKey

FORMAT = "mamori-evidence/1"


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass
class Manifest:
    """A signed manifest as stored (``document``) with helpers; ``sha256`` is of the stored file."""

    document: dict[str, Any]
    sha256: str = ""
    key: str = ""
    """Where it is in the store."""
    problems: list[str] = field(default_factory=list)

    @property
    def body(self) -> dict[str, Any]:
        return dict(self.document["manifest"])

    @property
    def hit_id(self) -> str:
        return str(self.body["hit_id"])

    @property
    def capture_id(self) -> str:
        return str(self.body["capture_id"])

    @property
    def status(self) -> str:
        return str(self.body["status"])

    @property
    def artifacts(self) -> list[dict[str, Any]]:
        return list(self.body["artifacts"])

    def artifact(self, name: str) -> dict[str, Any]:
        for item in self.artifacts:
            if item["name"] == name:
                return dict(item)
        raise KeyError(name)

    def to_bytes(self) -> bytes:
        return (json.dumps(self.document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode(
            "utf-8"
        )

    @classmethod
    def from_bytes(cls, data: bytes, *, key: str = "") -> Manifest:
        import hashlib

        try:
            document = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EvidenceError(
                f"The manifest {key or ''} is not valid UTF-8 JSON ({exc}); it was damaged or is not a manifest."
            ) from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT or "manifest" not in document:
            raise EvidenceError(
                f"The file {key or ''} is not a mamori evidence manifest (format {FORMAT} expected)."
            )
        return cls(document, sha256=hashlib.sha256(data).hexdigest(), key=key)


def sign(body: dict[str, Any], key: InstanceKey) -> dict[str, Any]:
    """Return the manifest document for ``body``, signed with ``key`` (no timestamp yet)."""
    return {
        "format": FORMAT,
        "manifest": body,
        "signature": {
            "algorithm": "Ed25519",
            "public_key": key.public_b64,
            "key_fingerprint": key.fingerprint,
            "value": key.sign(canonical(body)),
        },
        "timestamp": None,
    }


def attach_timestamp(document: dict[str, Any], tsa_url: str, timeout: float) -> dict[str, Any]:
    """Add an RFC 3161 timestamp of the signed bytes; raises EvidenceError if the TSA fails."""
    from evidence.tsa import request_timestamp

    ts = request_timestamp(tsa_url, canonical(document["manifest"]), timeout=timeout)
    document["timestamp"] = {
        "tsa_url": tsa_url,
        "token": base64.b64encode(ts.token).decode("ascii"),
        "gen_time": ts.gen_time.isoformat(),
        "serial": ts.serial,
        "tsa": ts.tsa,
        "policy": ts.policy,
    }
    return document
