"""Content-addressed evidence stores: a folder on disk (default) or an S3-compatible bucket.

Artifacts are stored once under their SHA-256 (``objects/sha256/ab/abcdef…``), so equal
media shared by several captures are kept once and a stored file's name is its expected
hash. Signed manifests live under ``manifests/<hit key>/<capture id>.json``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crawler.exceptions import EvidenceError

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hit_key(hit_id: str) -> str:
    """A file-name-safe, unique folder name for a hit id."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", hit_id)[:60].strip("._") or "hit"
    return f"{slug}-{hashlib.sha256(hit_id.encode('utf-8')).hexdigest()[:12]}"


def object_key(sha: str) -> str:
    if not _SHA_RE.match(sha):
        raise EvidenceError(f"{sha!r} is not a SHA-256 hex digest (64 lowercase hex characters).")
    return f"objects/sha256/{sha[:2]}/{sha}"


def manifest_key(hit_id: str, capture_id: str) -> str:
    return f"manifests/{hit_key(hit_id)}/{capture_id}.json"


class EvidenceStore:
    """The store contract; keys are relative POSIX paths."""

    name = "base"

    def write(self, key: str, data: bytes) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement write(key, data).")

    def read(self, key: str) -> bytes:
        raise NotImplementedError(f"{type(self).__name__} must implement read(key).")

    def exists(self, key: str) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must implement exists(key).")

    def remove(self, key: str) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement remove(key).")

    def keys(self, prefix: str) -> Iterator[str]:
        raise NotImplementedError(f"{type(self).__name__} must implement keys(prefix).")

    def describe(self, key: str) -> str:
        """Where ``key`` is, for messages."""
        return key

    # -- content addressing ------------------------------------------------------------
    def put(self, data: bytes) -> str:
        """Store ``data`` under its SHA-256 (once) and return the hex digest."""
        sha = sha256_hex(data)
        key = object_key(sha)
        if not self.exists(key):
            self.write(key, data)
        return sha

    def get(self, sha: str) -> bytes:
        try:
            return self.read(object_key(sha))
        except FileNotFoundError:
            raise EvidenceError(
                f"The artifact {sha} is missing from the evidence store ({self.describe(object_key(sha))})."
            ) from None


class DiskStore(EvidenceStore):
    """A folder; files are written atomically (temporary file, fsync, rename) and made read-only."""

    name = "disk"

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise EvidenceError(f"The store key {key!r} points outside the evidence folder {self.root}.")
        return path

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def remove(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def keys(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix) if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                yield path.relative_to(self.root).as_posix()

    def describe(self, key: str) -> str:
        return str(self.root / key)


class S3Store(EvidenceStore):
    """An S3-compatible bucket through boto3 (tested against moto's S3 server, not AWS itself)."""

    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", **client_options: Any) -> None:
        try:
            import boto3  # type: ignore[import-not-found]
        except ImportError:
            raise EvidenceError(
                '[evidence] store = "s3" needs the boto3 package, which is not installed. Run '
                "'pip install boto3' in mamori's virtualenv, or use store = \"disk\"."
            ) from None
        options = {k: v for k, v in client_options.items() if v}
        self.client = boto3.client("s3", **options)
        self.bucket = bucket
        self.prefix = prefix

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data)

    def read(self, key: str) -> bytes:
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        return bytes(obj["Body"].read())

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except Exception:
            return False
        return True

    def remove(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def keys(self, prefix: str) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", ()):
                yield str(item["Key"])[len(self.prefix) :]

    def describe(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"


def open_store(config: Any) -> EvidenceStore:
    """The store configured in ``[evidence]``."""
    from evidence.config import store_path

    ev = config.evidence
    if ev.store == "s3":
        return S3Store(
            ev.s3_bucket,
            ev.s3_prefix,
            endpoint_url=ev.s3_endpoint_url,
            region_name=ev.s3_region,
            aws_access_key_id=ev.s3_access_key,
            aws_secret_access_key=ev.s3_secret_key,
        )
    return DiskStore(store_path(config))
