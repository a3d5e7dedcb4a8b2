"""``mamori evidence``: capture, list, verify and export court-ready evidence of hits."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crawler.commands._options import config_option, load


@click.group(name="evidence")
def command() -> None:
    """Court-ready evidence: signed captures of hits (PDF, PNG, WARC, manifest)."""


@command.command(name="verify")
@config_option
@click.argument("target")
def verify(config_path: str, target: str) -> None:
    """Check hashes, signature and timestamp of TARGET: an export zip or folder, a manifest
    file, or a hit id (every capture of it in the store). Exits 1 if anything does not match."""
    from crawler.exceptions import MamoriError
    from evidence.verify import verify_hit, verify_path

    if Path(target).exists():
        try:
            config = load(config_path) if Path(config_path).exists() else None
        except MamoriError:
            config = None
        reports = verify_path(Path(target), config=config)
    else:
        reports = verify_hit(load(config_path), target)
    for report in reports:
        for line in report.lines():
            click.echo(line)
    bad = [r for r in reports if not r.ok]
    if bad:
        click.echo(f"{len(bad)} of {len(reports)} capture(s) FAILED verification.", err=True)
        sys.exit(1)
    click.echo(f"All {len(reports)} capture(s) verified.")


@command.command(name="export")
@config_option
@click.argument("hit_id")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The zip to write (default: ./evidence-<hit>.zip).",
)
@click.option("--no-pdf", is_flag=True, help="Do not print SUMMARY.pdf (no browser needed).")
def export(config_path: str, hit_id: str, output: str | None, no_pdf: bool) -> None:
    """Write a zip with every capture of HIT_ID, a one-page summary and how to verify it."""
    from evidence.export import export_hit

    path = export_hit(load(config_path), hit_id, Path(output) if output else None, pdf=not no_pdf)
    click.echo(str(path))


@command.command(name="capture-pending")
@config_option
@click.option("--limit", type=int, default=20, show_default=True, help="Most hits to capture in this run.")
@click.option("--json", "as_json", is_flag=True)
def capture_pending(config_path: str, limit: int, as_json: bool) -> None:
    """Capture queued hits (the daemon runs this in a child process)."""
    from evidence.queue import capture_pending as run

    result = run(load(config_path), limit=limit)
    summary = {k: getattr(result, k) for k in ("captured", "partial", "retrying", "failed")}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        click.echo(", ".join(f"{len(v)} {k}" for k, v in summary.items()))


@command.command(name="capture")
@config_option
@click.argument("url")
@click.option("--hit-id", default="", help="Id to file the capture under (default: manual:<url>).")
def capture(config_path: str, url: str, hit_id: str) -> None:
    """Capture URL now (a page found by hand), outside the queue."""
    from crawler.items import Post
    from evidence.capture import capture_hit

    post = Post(platform="manual", source="manual", id=hit_id or f"manual:{url}", url=url, text="")
    manifest = capture_hit(load(config_path), post)
    click.echo(f"{manifest.status}: {manifest.key}")
    for problem in manifest.body["problems"]:
        click.echo(f"  {problem}")


@command.command(name="list")
@config_option
@click.argument("hit_id", required=False)
def list_(config_path: str, hit_id: str | None) -> None:
    """List captures (of HIT_ID, or all)."""
    from crawler.state import State
    from evidence import db

    config = load(config_path)
    for row in db.captures(db.ensure(State.from_config(config)), hit_id):
        click.echo(
            f"{row['captured_at']:%Y-%m-%d %H:%M:%S}Z  {row['status']:<8}  {row['hit_id']}  {row['capture_id']}"
        )
        if row["reason"]:
            click.echo(f"    {row['reason']}")


@command.command(name="key")
@config_option
def key(config_path: str) -> None:
    """Show the instance's public key and fingerprint (creating the key if needed), to publish or file."""
    from evidence.config import key_file
    from evidence.keys import load_key, public_pem

    config = load(config_path)
    k = load_key(key_file(config), data_dir=config.data_dir)
    click.echo(f"fingerprint (SHA-256 of the raw Ed25519 public key): {k.fingerprint}")
    click.echo(public_pem(k.public).rstrip())


@command.command(name="retention")
@config_option
@click.option("--dry-run", is_flag=True, help="Only show what would be deleted.")
@click.option(
    "--ignore-cases",
    is_flag=True,
    help="Required: this command does not know the cases, so it treats every hit as outside a case.",
)
def retention(config_path: str, dry_run: bool, ignore_cases: bool) -> None:
    """Delete evidence of hits outside any case after [evidence] retention_days.

    The daemon applies retention with the open and closed cases; this command does not know
    them and so needs --ignore-cases (use --dry-run first)."""
    from crawler.exceptions import EvidenceError
    from evidence.retention import apply_retention

    if not ignore_cases and not dry_run:
        raise EvidenceError(
            "'mamori evidence retention' does not know which hits belong to cases and would delete "
            "their evidence too. Let the daemon apply retention, or pass --ignore-cases (after --dry-run)."
        )
    result = apply_retention(load(config_path), (), dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb} {len(result.deleted_captures)} capture(s); kept {result.kept}.")
