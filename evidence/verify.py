"""Check a capture: every artifact's SHA-256, the Ed25519 signature, the RFC 3161 timestamp.

Works on the store (a hit id, or a manifest file inside the store) and on an exported zip
or its unzipped folder; every problem is reported with the name of the artifact at fault.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.exceptions import EvidenceError
from evidence.keys import public_from_b64, verify_signature
from evidence.manifest import Manifest, canonical
from evidence.store import DiskStore, EvidenceStore

Reader = Callable[[dict[str, Any]], bytes | None]


@dataclass
class Report:
    """The result of verifying one manifest."""

    where: str
    hit_id: str = ""
    capture_id: str = ""
    problems: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)
    key_fingerprint: str = ""
    timestamp: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        head = f"{'OK' if self.ok else 'FAILED'}: {self.where}"
        if self.capture_id:
            head += f" (hit {self.hit_id}, capture {self.capture_id})"
        out = [head, f"  signing key fingerprint: {self.key_fingerprint or 'none'}"]
        out.append(f"  trusted timestamp: {self.timestamp or 'none'}")
        out += [f"  ok      {name}" for name in self.verified]
        out += [f"  PROBLEM {p}" for p in self.problems]
        return out


def verify_manifest(
    manifest: Manifest, read: Reader, *, where: str, instance_fingerprint: str | None = None
) -> Report:
    """Verify ``manifest`` and every artifact ``read(artifact)`` returns (None: missing)."""
    doc = manifest.document
    report = Report(where=where)
    try:
        body = doc["manifest"]
        report.hit_id, report.capture_id = str(body.get("hit_id", "")), str(body.get("capture_id", ""))
        sig = doc.get("signature") or {}
        report.key_fingerprint = str(sig.get("key_fingerprint", ""))
        signed = canonical(body)
    except (KeyError, TypeError, AttributeError) as exc:
        report.problems.append(f"manifest.json: it is not a well-formed manifest ({exc})")
        return report
    if sig.get("algorithm") != "Ed25519" or not sig.get("public_key") or not sig.get("value"):
        report.problems.append("manifest.json: it has no Ed25519 signature")
    else:
        try:
            public = public_from_b64(sig["public_key"])
        except EvidenceError as exc:
            report.problems.append(f"manifest.json: {exc}")
            public = None
        if public is not None:
            from evidence.keys import fingerprint

            if fingerprint(public) != report.key_fingerprint:
                report.problems.append("manifest.json: the key fingerprint does not belong to the public key")
            if verify_signature(public, signed, sig["value"]):
                report.verified.append("manifest.json (signature)")
            else:
                report.problems.append(
                    "manifest.json: the signature does not match its content (the manifest was changed after signing)"
                )
    if instance_fingerprint and report.key_fingerprint and instance_fingerprint != report.key_fingerprint:
        report.problems.append(
            f"manifest.json: signed by the key {report.key_fingerprint[:16]}…, not by this instance's key "
            f"{instance_fingerprint[:16]}…"
        )
    ts = doc.get("timestamp")
    if ts:
        from evidence.tsa import check_token

        try:
            stamp = check_token(base64.b64decode(ts["token"]), signed)
            report.timestamp = f"{stamp.gen_time.isoformat()} by {stamp.tsa}"
            report.verified.append("timestamp.tsr (RFC 3161)")
        except (EvidenceError, KeyError, ValueError) as exc:
            report.problems.append(f"timestamp.tsr: {exc}")
    for art in body.get("artifacts", []):
        name = art.get("name", "?")
        data = read(art)
        if data is None:
            report.problems.append(f"{name}: the file is missing")
            continue
        actual = hashlib.sha256(data).hexdigest()
        if actual != art.get("sha256"):
            report.problems.append(
                f"{name}: its SHA-256 is {actual}, but the manifest says {art.get('sha256')} (the file was changed)"
            )
        elif len(data) != art.get("size"):
            report.problems.append(
                f"{name}: its size is {len(data)} bytes, the manifest says {art.get('size')}"
            )
        else:
            report.verified.append(name)
    return report


def _store_reader(store: EvidenceStore) -> Reader:
    def read(art: dict[str, Any]) -> bytes | None:
        try:
            return store.get(str(art["sha256"]))
        except (EvidenceError, FileNotFoundError):
            return None

    return read


def verify_hit(config: Any, hit_id: str) -> list[Report]:
    """Verify every capture of ``hit_id`` recorded in the state database."""
    from crawler.state import State
    from evidence import db
    from evidence.config import key_file
    from evidence.keys import load_key
    from evidence.store import open_store

    state = db.ensure(State.from_config(config))
    rows = db.captures(state, hit_id)
    if not rows:
        raise EvidenceError(
            f"There is no evidence of the hit {hit_id!r} in {config.data_dir}. Check the id "
            "('mamori evidence list' shows captured hits), or pass the path of a manifest or export zip."
        )
    store = open_store(config)
    try:
        fp: str | None = load_key(key_file(config), create=False).fingerprint
    except EvidenceError:
        fp = None
    reports = []
    for row in rows:
        where = store.describe(row["manifest_key"])
        try:
            data = store.read(row["manifest_key"])
        except FileNotFoundError:
            reports.append(
                Report(
                    where=where,
                    hit_id=hit_id,
                    capture_id=row["capture_id"],
                    problems=["manifest.json: the file is missing"],
                )
            )
            continue
        report = _verify_bytes(data, _store_reader(store), where=where, fp=fp)
        if hashlib.sha256(data).hexdigest() != row["manifest_sha256"]:
            report.problems.append(
                "manifest.json: the file differs from the one recorded when it was captured"
            )
        reports.append(report)
    return reports


def _verify_bytes(data: bytes, read: Reader, *, where: str, fp: str | None) -> Report:
    try:
        manifest = Manifest.from_bytes(data, key=where)
    except EvidenceError as exc:
        return Report(where=where, problems=[f"manifest.json: {exc}"])
    return verify_manifest(manifest, read, where=where, instance_fingerprint=fp)


def verify_path(path: Path, *, config: Any = None) -> list[Report]:
    """Verify an export zip, an unzipped export folder, or a manifest file in a disk store."""
    path = Path(path)
    if not path.exists():
        raise EvidenceError(
            f"{path} does not exist. Pass an export zip, its folder, a manifest file or a hit id."
        )
    if path.is_file() and zipfile.is_zipfile(path):
        reports = []
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name in sorted(n for n in names if n.endswith("manifest.json")):
                folder = name[: -len("manifest.json")]

                def read(art: dict[str, Any], folder: str = folder) -> bytes | None:
                    member = f"{folder}artifacts/{art.get('name')}"
                    return zf.read(member) if member in names else None

                reports.append(_verify_bytes(zf.read(name), read, where=f"{path}:{name}", fp=None))
        if not reports:
            raise EvidenceError(
                f"The zip {path} contains no manifest.json; it is not a mamori evidence export."
            )
        return reports
    if path.is_dir():
        found = sorted(path.rglob("manifest.json"))
        if not found:
            raise EvidenceError(
                f"The folder {path} contains no manifest.json; it is not a mamori evidence export."
            )
        return [_verify_bytes(m.read_bytes(), _folder_reader(m.parent), where=str(m), fp=None) for m in found]
    # A manifest file: inside a disk store (…/manifests/<hit>/<capture>.json) or beside artifacts/.
    if (path.parent / "artifacts").is_dir():
        return [_verify_bytes(path.read_bytes(), _folder_reader(path.parent), where=str(path), fp=None)]
    store: EvidenceStore | None = None
    if len(path.resolve().parents) > 2 and path.resolve().parents[1].name == "manifests":
        store = DiskStore(path.resolve().parents[2])
    elif config is not None:
        from evidence.store import open_store

        store = open_store(config)
    if store is None:
        raise EvidenceError(f"Cannot tell where the artifacts of {path} are; pass --config or an export zip.")
    return [_verify_bytes(path.read_bytes(), _store_reader(store), where=str(path), fp=None)]


def _folder_reader(folder: Path) -> Reader:
    def read(art: dict[str, Any]) -> bytes | None:
        target = folder / "artifacts" / str(art.get("name"))
        return target.read_bytes() if target.is_file() else None

    return read
