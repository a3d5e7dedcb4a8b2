"""The instance's Ed25519 signing key: created 0600 on first use, outside the data directory.

The private key never leaves the key file and is never logged; manifests carry the public
key and its fingerprint (SHA-256 of the 32 raw public-key bytes, hex) so anyone can check a
signature and compare the fingerprint with the one the company publishes or files.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from crawler.exceptions import EvidenceError

logger = logging.getLogger(__name__)


def fingerprint(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def public_from_b64(value: str) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(value, validate=True))
    except (ValueError, TypeError) as exc:
        raise EvidenceError(
            f"The public key {value[:16]!r}... in the manifest is not an Ed25519 key: {exc}."
        ) from exc


@dataclass(frozen=True)
class InstanceKey:
    """The signing key of this mamori instance."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)

    @property
    def public_b64(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")


def verify_signature(public: Ed25519PublicKey, data: bytes, signature_b64: str) -> bool:
    try:
        public.verify(base64.b64decode(signature_b64, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _check_outside(path: Path, data_dir: Path | None) -> None:
    if data_dir is None:
        return
    try:
        path.resolve().relative_to(Path(data_dir).resolve())
    except ValueError:
        return
    raise EvidenceError(
        f"The evidence key file {path} is inside the data directory {data_dir}. Put it elsewhere "
        "(set [evidence] key_file, for example to /etc/mamori/evidence-key.pem): whoever can change "
        "stored evidence must not also hold the key that signs it."
    )


def load_key(path: Path, *, data_dir: Path | None = None, create: bool = True) -> InstanceKey:
    """Load the key at ``path``; with ``create``, make a new one (mode 0600) if it is missing."""
    _check_outside(path, data_dir)
    if not path.exists():
        if not create:
            raise EvidenceError(
                f"The evidence key file {path} does not exist. It is created by the first capture; "
                "check [evidence] key_file in the configuration."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            return load_key(path, data_dir=data_dir, create=False)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        key = InstanceKey(private, path)
        logger.info("Created the evidence signing key %s (fingerprint %s).", path, key.fingerprint)
        return key
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning(
            "The evidence key file %s is readable by other users (mode %o); run 'chmod 600 %s'.",
            path,
            mode,
            path,
        )
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise EvidenceError(
            f"The evidence key file {path} is not an unencrypted PEM private key ({exc}). Restore it "
            "from a backup, or move it away so a new key is created (old manifests keep their own key)."
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise EvidenceError(
            f"The evidence key file {path} holds a {type(loaded).__name__}, not an Ed25519 key. "
            "Point [evidence] key_file at the Ed25519 key mamori created."
        )
    return InstanceKey(loaded, path)
