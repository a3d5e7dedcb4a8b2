"""``mamori enroll …``: consent, enrolment and erasure of employees' faces and voices.

- ``mamori enroll consent --employee ID --scope face,voice --policy-version V --by WHO``
- ``mamori enroll face --employee ID PHOTO…`` (one face per photo)
- ``mamori enroll voice --employee ID CLIP…``
- ``mamori enroll delete --employee ID --by WHO`` (erases templates, withdraws consent)
- ``mamori enroll known-photo FILE…`` / ``mamori enroll known-recording FILE…``
  (photos and recordings the company registers as sensitive)
- ``mamori enroll list``

Only templates are stored, encrypted with the key of ``[biometrics] key_file``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.commands._options import config_option, load

if TYPE_CHECKING:
    from crawler.config import MamoriConfig
    from media.biometrics import BiometricStore

_files = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
_employee = click.option("--employee", "employee_id", required=True, help="The employee id of the roster.")


def _store(config_path: str) -> tuple[MamoriConfig, BiometricStore]:
    from media.biometrics import BiometricStore

    config = load(config_path)
    return config, BiometricStore.from_config(config)


@click.group(name="enroll")
def command() -> None:
    """Enrol employees' faces and voices (with their recorded consent), or erase them."""


@command.command(name="consent")
@config_option
@_employee
@click.option("--scope", required=True, help="What the employee agreed to: face, voice or face,voice.")
@click.option("--policy-version", required=True, help="The version of the privacy policy they agreed to.")
@click.option("--by", "by", required=True, help="Who recorded the consent (name or id).")
def consent(config_path: str, employee_id: str, scope: str, policy_version: str, by: str) -> None:
    """Record an employee's consent to face and/or voice matching."""
    _config, store = _store(config_path)
    rec = store.record_consent(employee_id, scope.split(","), policy_version, by)
    click.echo(
        f"Recorded consent of {employee_id} to {','.join(rec.scope)} (policy {rec.policy_version}) at {rec.at}."
    )


def _enrol(config_path: str, employee_id: str, files: tuple[Path, ...], modality: str) -> None:
    from media.errors import MediaRejected

    config, store = _store(config_path)
    if config.employees and employee_id not in {e.employee_id for e in config.employees}:
        raise click.ClickException(
            f"{employee_id!r} is not in the roster {config.roster.file if config.roster else ''}; "
            "add the employee there first."
        )
    store.require_consent(employee_id, modality)
    templates: list[tuple[list[float], str]] = []
    raw: list[tuple[str, bytes]] = []
    refused: list[str] = []
    for path in files:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        try:
            vector = _face_template(path, data) if modality == "face" else _voice_template(path, config)
        except MediaRejected as exc:
            refused.append(str(exc))
            continue
        templates.append((vector, digest))
        raw.append((f"{digest[:16]}{path.suffix.lower()}", data))
    added = store.add_templates(employee_id, modality, templates, raw) if templates else 0
    for reason in refused:
        click.echo(f"refused: {reason}", err=True)
    click.echo(f"Enrolled {added} {modality} template(s) for {employee_id}; {len(refused)} file(s) refused.")
    if refused:
        sys.exit(1)


def _face_template(path: Path, data: bytes) -> list[float]:
    from media.errors import MediaRejected
    from media.faces import find_faces
    from media.images import open_image

    faces = find_faces(open_image(data, name=str(path), max_bytes=200_000_000, max_pixels=200_000_000))
    if len(faces) != 1:
        what = "no face" if not faces else f"{len(faces)} faces"
        raise MediaRejected(
            f"{path} shows {what}; an enrolment photo must show exactly one face, the employee's, "
            "clearly and at least about 80 pixels wide. Crop it or choose another photo."
        )
    return [float(v) for v in faces[0].encoding]


def _voice_template(path: Path, config: object) -> list[float]:
    from media.audio import load_audio
    from media.errors import MediaRejected
    from media.voice import embed_clip

    wav = load_audio(path, max_duration=600, name=str(path))
    if len(wav) < 16_000 * 3:
        raise MediaRejected(
            f"{path} holds {len(wav) / 16000:.1f} s of audio; give clips of at least 3 s of speech."
        )
    return [float(v) for v in embed_clip(wav)]


@command.command(name="face")
@config_option
@_employee
@_files
def face(config_path: str, employee_id: str, files: tuple[Path, ...]) -> None:
    """Enrol photos of one employee (exactly one face per photo)."""
    _enrol(config_path, employee_id, files, "face")


@command.command(name="voice")
@config_option
@_employee
@_files
def voice(config_path: str, employee_id: str, files: tuple[Path, ...]) -> None:
    """Enrol voice clips of one employee (3 s or more of their speech each)."""
    _enrol(config_path, employee_id, files, "voice")


@command.command(name="delete")
@config_option
@_employee
@click.option("--by", "by", default="cli", show_default=True, help="Who asked for or performed the erasure.")
def delete(config_path: str, employee_id: str, by: str) -> None:
    """Erase an employee's templates, withdraw their consent, and record the erasure."""
    _config, store = _store(config_path)
    counts = store.delete(employee_id, by)
    click.echo(
        f"Erased {counts['face']} face and {counts['voice']} voice template(s) of {employee_id}; "
        "the erasure is recorded."
    )


@command.command(name="known-photo")
@config_option
@click.option("--label", default="", help="What the photos are (e.g. 'staff ID cards').")
@_files
def known_photo(config_path: str, label: str, files: tuple[Path, ...]) -> None:
    """Register sensitive photos: near-duplicates in posts give known_photo findings."""
    from media.known import photo_entry

    _config, store = _store(config_path)
    entries = [photo_entry(p.read_bytes(), name=p.name, label=label) for p in files]
    click.echo(f"Registered {store.add_known('photos', entries)} new known photo(s).")


@command.command(name="known-recording")
@config_option
@click.option("--label", default="", help="What the recordings are (e.g. 'support call 2026-10-01').")
@_files
def known_recording(config_path: str, label: str, files: tuple[Path, ...]) -> None:
    """Register recordings (calls): re-posted copies give known_recording findings."""
    from media.known import recording_entry

    _config, store = _store(config_path)
    entries = [recording_entry(p, label=label) for p in files]
    click.echo(f"Registered {store.add_known('recordings', entries)} new known recording(s).")


@command.command(name="list")
@config_option
def list_(config_path: str) -> None:
    """Show who is enrolled (counts only) and the erasures recorded."""
    _config, store = _store(config_path)
    for modality in ("face", "voice"):
        try:
            gallery = store.gallery(modality)
        except Exception as exc:
            click.echo(f"{modality}: cannot read templates: {exc}")
            continue
        for emp, vectors in gallery.items():
            click.echo(f"{modality}\t{emp}\t{len(vectors)} template(s)")
    for ev in store.erasures():
        click.echo(f"erased\t{ev['employee_id']}\t{ev['at']}\tby {ev['by']}")
