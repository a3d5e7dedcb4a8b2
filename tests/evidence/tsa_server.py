"""A real RFC 3161 time-stamp authority on 127.0.0.1 for tests: OpenSSL's ``ts -reply``.

A throw-away CA and TSA certificate are made with the ``openssl`` command; each POSTed
request is answered by ``openssl ts -reply``, an implementation independent of mamori's.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_TSA_CNF = """
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = {cn}
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class OpenSSLTSA:
    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="mamori-tsa-")
        self.dir = Path(self._tmp.name)
        d = self.dir
        (d / "serial").write_text("01\n")
        (d / "ca.cnf").write_text(_TSA_CNF.format(cn="mamori test CA", dir=d))
        (d / "tsa.cnf").write_text(_TSA_CNF.format(cn="mamori test TSA", dir=d))
        _run(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-config",
            "ca.cnf",
            "-extensions",
            "ca_ext",
            cwd=d,
        )
        _run(
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-config",
            "tsa.cnf",
            cwd=d,
        )
        _run(
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "2",
            "-extfile",
            "tsa.cnf",
            "-extensions",
            "tsa_ext",
            cwd=d,
        )
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def reply(self, query: bytes) -> bytes:
        with self._lock:
            self.requests += 1
            q = self.dir / "req.tsq"
            q.write_bytes(query)
            _run(
                "ts",
                "-reply",
                "-config",
                "tsa.cnf",
                "-queryfile",
                "req.tsq",
                "-out",
                "resp.tsr",
                cwd=self.dir,
            )
            return (self.dir / "resp.tsr").read_bytes()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    @property
    def ca_file(self) -> Path:
        return self.dir / "ca.pem"

    def start(self) -> OpenSSLTSA:
        tsa = self

        class _H(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    out, code = tsa.reply(body), 200
                except subprocess.CalledProcessError:
                    out, code = b"bad request", 400
                self.send_response(code)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._tmp.cleanup()
