"""Encryption at rest for biometric templates: one Fernet key kept outside the data folder.

The key file is created on first use with mode 0600; a key that others can read, or a key
inside the data directory (which is backed up and copied around), is refused.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from crawler.exceptions import ConfigError


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


class Vault:
    """Encrypts and decrypts JSON documents with the key in ``key_file``."""

    def __init__(self, key_file: Path, data_dir: Path, *, create: bool = False) -> None:
        if _inside(key_file, data_dir):
            raise ConfigError(
                f"The biometrics key file {key_file} is inside the data directory {data_dir}. "
                "Set [biometrics] key_file to a path outside it (for example /etc/mamori/biometrics.key), "
                "so that a copy of the data never carries its own key."
            )
        self.key_file = key_file
        if not key_file.exists():
            if not create:
                raise ConfigError(
                    f"The biometrics key file {key_file} does not exist, so no templates can be read. "
                    "Enrol someone with 'mamori enroll face|voice' (which creates it) or fix [biometrics] key_file."
                )
            key_file.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(Fernet.generate_key())
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(
                f"The biometrics key file {key_file} is readable by other users (mode {mode:o}). "
                f"Run 'chmod 600 {key_file}'."
            )
        try:
            self._fernet = Fernet(key_file.read_bytes().strip())
        except ValueError:
            raise ConfigError(
                f"The biometrics key file {key_file} does not hold a valid key. Restore it from your backup; "
                "without it the enrolled templates cannot be read."
            ) from None

    def write(self, path: Path, document: Any) -> None:
        """Encrypt ``document`` (JSON-serializable) into ``path`` atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        token = self._fernet.encrypt(json.dumps(document, separators=(",", ":")).encode("utf-8"))
        tmp = path.with_suffix(path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(token)
        os.replace(tmp, path)

    def read(self, path: Path, default: Any = None) -> Any:
        if not path.exists():
            return default
        try:
            return json.loads(self._fernet.decrypt(path.read_bytes()))
        except InvalidToken:
            raise ConfigError(
                f"{path} cannot be decrypted with the key {self.key_file}: the key was changed or the "
                "file is damaged. Restore the matching key file."
            ) from None

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)
