"""RFC 3161 trusted timestamps: build the request, parse and check the reply (asn1crypto).

:func:`request_timestamp` sends a DER ``TimeStampReq`` (SHA-256 message imprint, a random
nonce, ``certReq``) to the TSA over HTTP as ``application/timestamp-query`` and returns
the DER ``TimeStampToken`` (a CMS SignedData) after :func:`check_token` checked that it
covers our hash, echoes our nonce, and that its CMS signature verifies with the TSA
certificate the token carries. Whether that certificate belongs to a TSA you trust is a
question for its issuer's chain (``openssl ts -verify -CAfile``), documented in
docs/evidence.md.
"""

from __future__ import annotations

import hashlib
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import algos, cms, tsp, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from crawler.exceptions import EvidenceError

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha1": hashes.SHA1,
}


@dataclass(frozen=True)
class Timestamp:
    token: bytes
    """DER TimeStampToken (CMS ContentInfo)."""
    gen_time: datetime
    serial: int
    tsa: str
    policy: str


def build_request(digest: bytes, nonce: int) -> bytes:
    req = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": tsp.MessageImprint(
                {"hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}), "hashed_message": digest}
            ),
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(req.dump())


def request_timestamp(url: str, data: bytes, *, timeout: float = 30) -> Timestamp:
    """Ask the TSA at ``url`` to timestamp SHA-256(``data``); raise EvidenceError if it fails."""
    digest = hashlib.sha256(data).digest()
    nonce = secrets.randbits(63)
    http_req = urllib.request.Request(
        url,
        data=build_request(digest, nonce),
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(http_req, timeout=timeout) as resp:
            body = resp.read()
    except (urllib.error.URLError, OSError) as exc:
        raise EvidenceError(
            f"The time-stamp authority {url} could not be reached: {exc}. Check [evidence] tsa_url."
        ) from exc
    try:
        reply = tsp.TimeStampResp.load(body)
        status = reply["status"]["status"].native
    except (ValueError, TypeError, KeyError) as exc:
        raise EvidenceError(
            f"The time-stamp authority {url} sent a reply that is not an RFC 3161 response: {exc}."
        ) from exc
    if status not in ("granted", "granted_with_mods"):
        text = reply["status"]["status_string"].native if reply["status"]["status_string"] else ""
        raise EvidenceError(
            f"The time-stamp authority {url} refused the request: {status} {text or ''}".strip() + "."
        )
    token = bytes(reply["time_stamp_token"].dump())
    return check_token(token, data, nonce=nonce)


def _signed_data(token: bytes) -> cms.SignedData:
    try:
        info = cms.ContentInfo.load(token)
        if info["content_type"].native != "signed_data":
            raise ValueError(f"content type {info['content_type'].native}")
        return info["content"]
    except (ValueError, TypeError, KeyError) as exc:
        raise EvidenceError(f"The timestamp token is not a CMS SignedData structure: {exc}.") from exc


def _find_cert(sd: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate:
    sid = signer["sid"]
    for choice in sd["certificates"] or ():
        cert = choice.chosen
        if not isinstance(cert, x509.Certificate):
            continue
        if sid.name == "issuer_and_serial_number":
            if (
                cert.issuer == sid.chosen["issuer"]
                and cert.serial_number == sid.chosen["serial_number"].native
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise EvidenceError("The timestamp token does not carry the TSA certificate that signed it.")


def _verify_sig(cert: x509.Certificate, signer: cms.SignerInfo, signed: bytes) -> None:
    public = cx509.load_der_x509_certificate(cert.dump()).public_key()
    signature = signer["signature"].native
    algo = signer["digest_algorithm"]["algorithm"].native
    hash_cls = _HASHES.get(algo)
    if hash_cls is None:
        raise EvidenceError(f"The timestamp token uses the digest {algo}, which mamori does not check.")
    try:
        if isinstance(public, rsa.RSAPublicKey):
            if signer["signature_algorithm"]["algorithm"].native == "rsassa_pss":
                pad: padding.AsymmetricPadding = padding.PSS(padding.MGF1(hash_cls()), padding.PSS.AUTO)
            else:
                pad = padding.PKCS1v15()
            public.verify(signature, signed, pad, hash_cls())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, signed, ec.ECDSA(hash_cls()))
        elif isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, signed)
        else:
            raise EvidenceError(f"The TSA key type {type(public).__name__} is not supported.")
    except InvalidSignature:
        raise EvidenceError(
            "The timestamp token's signature does not verify with the TSA certificate."
        ) from None


def check_token(token: bytes, data: bytes, *, nonce: int | None = None) -> Timestamp:
    """Check that ``token`` timestamps SHA-256(``data``) and is signed by its certificate."""
    sd = _signed_data(token)
    encap = sd["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise EvidenceError("The timestamp token does not contain a TSTInfo.")
    tst_der = encap["content"].contents
    info = tsp.TSTInfo.load(tst_der)
    imprint = info["message_imprint"]
    algo = imprint["hash_algorithm"]["algorithm"].native
    if algo not in _HASHES:
        raise EvidenceError(f"The timestamp token hashes with {algo}, which mamori does not check.")
    expected = hashlib.new(algo, data).digest()
    if imprint["hashed_message"].native != expected:
        raise EvidenceError(
            "The timestamp token is for different content: its message imprint does not match."
        )
    if nonce is not None and info["nonce"].native != nonce:
        raise EvidenceError("The timestamp reply does not echo the nonce of the request (a replayed reply?).")
    signers = sd["signer_infos"]
    if len(signers) != 1:
        raise EvidenceError(f"The timestamp token has {len(signers)} signers; exactly one was expected.")
    signer = signers[0]
    cert = _find_cert(sd, signer)
    signed_attrs = signer["signed_attrs"]
    if signed_attrs:
        digest_algo = signer["digest_algorithm"]["algorithm"].native
        content_digest = hashlib.new(digest_algo, tst_der).digest()
        found = [a for a in signed_attrs if a["type"].native == "message_digest"]
        if not found or found[0]["values"][0].native != content_digest:
            raise EvidenceError("The timestamp token's signed message digest does not match its TSTInfo.")
        raw = signed_attrs.dump()
        _verify_sig(cert, signer, b"\x31" + raw[1:])  # the signature covers them as a SET OF
    else:
        _verify_sig(cert, signer, tst_der)
    return Timestamp(
        token=token,
        gen_time=info["gen_time"].native,
        serial=int(info["serial_number"].native),
        tsa=cert.subject.human_friendly,
        policy=str(info["policy"].native),
    )


def tsa_certificate_pem(token: bytes) -> str:
    """The PEM certificates the token carries (for ``openssl ts -verify -untrusted``)."""
    from asn1crypto import pem

    sd = _signed_data(token)
    out = []
    for choice in sd["certificates"] or ():
        if isinstance(choice.chosen, x509.Certificate):
            out.append(pem.armor("CERTIFICATE", choice.chosen.dump()).decode("ascii"))
    return "".join(out)


__all__ = ["Timestamp", "build_request", "check_token", "request_timestamp", "tsa_certificate_pem"]
