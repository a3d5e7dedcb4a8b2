"""The enrolment store: consent records, encrypted templates, erasure records.

Layout under ``<data_dir>/biometrics/``:

- ``consent.jsonl`` — append-only consent events (grant / withdraw): who, when, scope,
  policy version, recorded by whom. No biometric data.
- ``templates/<employee>.enc`` — the employee's templates (128-d face encodings, 256-d voice
  embeddings), encrypted with the key of :class:`media.vault.Vault`. Photos and clips are not
  kept unless ``[biometrics] keep_raw`` is true (then encrypted under ``raw/``).
- ``erasures.jsonl`` — append-only record of erasures (who, when, by whom, how many templates).
- ``known_photos.enc`` / ``known_recordings.enc`` — perceptual hashes of registered photos and
  chromaprint fingerprints of registered recordings (encrypted too).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from media.errors import ConsentMissing, EnrolmentError
from media.vault import Vault

MODALITIES = ("face", "voice")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_employee_id(employee_id: str) -> str:
    if not _ID_RE.match(employee_id or ""):
        raise EnrolmentError(
            f"{employee_id!r} is not a valid employee id; use the roster's id (letters, digits, '-', '_', '.')."
        )
    return employee_id


@dataclass(frozen=True)
class Consent:
    employee_id: str
    scope: tuple[str, ...]
    policy_version: str
    recorded_by: str
    at: str


class BiometricStore:
    """Consent-gated storage of templates for enrolled employees only."""

    def __init__(self, root: Path, key_file: Path, data_dir: Path, *, keep_raw: bool = False) -> None:
        self.root = root
        self.key_file = key_file
        self.data_dir = data_dir
        self.keep_raw = keep_raw
        self._vault: Vault | None = None

    @classmethod
    def from_config(cls, config: Any) -> BiometricStore:
        key = Path(config.biometrics.key_file).expanduser()
        if not key.is_absolute():
            base = Path(config.config_path).parent if config.config_path else Path.cwd()
            key = base / key
        return cls(config.data_dir / "biometrics", key, config.data_dir, keep_raw=config.biometrics.keep_raw)

    def vault(self, *, create: bool = False) -> Vault:
        if self._vault is None:
            self._vault = Vault(self.key_file, self.data_dir, create=create)
        return self._vault

    # -- consent -----------------------------------------------------------------------
    def _append(self, name: str, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / name).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _events(self, name: str) -> list[dict[str, Any]]:
        path = self.root / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def record_consent(self, employee_id: str, scope: Iterable[str], policy_version: str, by: str) -> Consent:
        check_employee_id(employee_id)
        scope_t = tuple(dict.fromkeys(s.strip() for s in scope if s.strip()))
        bad = [s for s in scope_t if s not in MODALITIES]
        if bad or not scope_t:
            raise EnrolmentError(
                f"The consent scope {','.join(scope_t) or '(empty)'!r} is invalid; use face, voice or face,voice."
            )
        if not policy_version.strip() or not by.strip():
            raise EnrolmentError(
                "A consent needs the policy version (--policy-version) and who recorded it (--by)."
            )
        consent = Consent(employee_id, scope_t, policy_version.strip(), by.strip(), _now())
        self._append(
            "consent.jsonl",
            {
                "action": "grant",
                "employee_id": employee_id,
                "scope": list(scope_t),
                "policy_version": consent.policy_version,
                "by": consent.recorded_by,
                "at": consent.at,
            },
        )
        return consent

    def consent_for(self, employee_id: str) -> Consent | None:
        """The employee's current consent, or ``None`` if never given or withdrawn since."""
        current: Consent | None = None
        for ev in self._events("consent.jsonl"):
            if ev.get("employee_id") != employee_id:
                continue
            if ev.get("action") == "grant":
                current = Consent(employee_id, tuple(ev["scope"]), ev["policy_version"], ev["by"], ev["at"])
            else:
                current = None
        return current

    def require_consent(self, employee_id: str, modality: str) -> Consent:
        consent = self.consent_for(employee_id)
        if consent is None or modality not in consent.scope:
            have = f" (the current consent covers only {','.join(consent.scope)})" if consent else ""
            raise ConsentMissing(
                f"There is no recorded consent of employee {employee_id} to {modality} matching{have}. "
                f"Record it first: mamori enroll consent --employee {employee_id} --scope {modality} "
                "--policy-version V --by WHO"
            )
        return consent

    # -- templates ---------------------------------------------------------------------
    def _template_path(self, employee_id: str) -> Path:
        return self.root / "templates" / f"{check_employee_id(employee_id)}.enc"

    def add_templates(
        self,
        employee_id: str,
        modality: str,
        templates: list[tuple[list[float], str]],
        raw: Sequence[tuple[str, bytes]] = (),
    ) -> int:
        """Store ``templates`` ``[(vector, source_sha256)]``; consent is checked first."""
        consent = self.require_consent(employee_id, modality)
        vault = self.vault(create=True)
        path = self._template_path(employee_id)
        doc = vault.read(path, default={"employee_id": employee_id, "face": [], "voice": []})
        known = {t["source"] for t in doc[modality]}
        added = 0
        for vector, source in templates:
            if source in known:
                continue
            doc[modality].append(
                {
                    "vector": [round(float(v), 7) for v in vector],
                    "source": source,
                    "added_at": _now(),
                    "policy_version": consent.policy_version,
                }
            )
            known.add(source)
            added += 1
        vault.write(path, doc)
        if self.keep_raw:
            for name, data in raw:
                out = self.root / "raw" / employee_id / (name + ".enc")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(vault.encrypt_bytes(data))
        return added

    def gallery(self, modality: str) -> dict[str, list[list[float]]]:
        """``{employee_id: [vector, …]}`` of employees whose consent still covers ``modality``."""
        folder = self.root / "templates"
        if not folder.is_dir():
            return {}
        files = sorted(folder.glob("*.enc"))
        if not files:
            return {}
        vault = self.vault()
        result: dict[str, list[list[float]]] = {}
        for path in files:
            doc = vault.read(path, default={})
            emp = doc.get("employee_id", path.stem)
            consent = self.consent_for(emp)
            if consent is None or modality not in consent.scope:
                continue
            vectors = [t["vector"] for t in doc.get(modality, [])]
            if vectors:
                result[emp] = vectors
        return result

    def delete(self, employee_id: str, by: str) -> dict[str, int]:
        """Erase the employee's templates (and raw files), withdraw consent, record the erasure."""
        path = self._template_path(employee_id)
        counts = {"face": 0, "voice": 0}
        if path.exists():
            doc = self.vault().read(path, default={})
            counts = {m: len(doc.get(m, [])) for m in MODALITIES}
            path.unlink()
        raw = self.root / "raw" / employee_id
        if raw.is_dir():
            shutil.rmtree(raw)
        at = _now()
        self._append("consent.jsonl", {"action": "withdraw", "employee_id": employee_id, "by": by, "at": at})
        self._append("erasures.jsonl", {"employee_id": employee_id, "by": by, "at": at, "templates": counts})
        return counts

    def erasures(self) -> list[dict[str, Any]]:
        return self._events("erasures.jsonl")

    # -- known photos and recordings (registered by the company) --------------------------
    def add_known(self, kind: str, entries: list[dict[str, Any]]) -> int:
        if kind not in ("photos", "recordings"):
            raise EnrolmentError(f"Unknown registry {kind!r}; use photos or recordings.")
        vault = self.vault(create=True)
        path = self.root / f"known_{kind}.enc"
        doc = vault.read(path, default=[])
        have = {e["sha256"] for e in doc}
        new = []
        for entry in entries:
            if entry["sha256"] not in have:
                have.add(entry["sha256"])
                new.append(entry)
        vault.write(path, doc + new)
        return len(new)

    def known(self, kind: str) -> list[dict[str, Any]]:
        path = self.root / f"known_{kind}.enc"
        if not path.exists():
            return []
        return list(self.vault().read(path, default=[]))


def ensure_writable(store: BiometricStore) -> None:
    """Fail early, with the reason, when the key cannot be created or read."""
    try:
        store.vault(create=True)
    except OSError as exc:
        raise EnrolmentError(f"Cannot create the biometrics key file {store.key_file}: {exc}.") from None
