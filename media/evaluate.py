"""Shared logic of ``mamori eval faces`` and ``mamori eval voice``.

A gallery or probe folder holds one sub-folder per identity. Gallery identities are
enrolled; a probe of an identity absent from the gallery is an impostor. Rates:

- TAR: genuine probes matched to the right identity / genuine probes;
- FAR: (impostor probes matched to anyone + genuine probes matched to a wrong identity)
  / all probes;
- EER (voice): the error rate where false rejection equals false acceptance over all
  probe-versus-identity comparisons.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import numpy as np

IMAGE_EXT = (".jpg", ".jpeg", ".png", ".webp")
AUDIO_EXT = (".wav", ".flac", ".mp3")


def identity_files(folder: Path, extensions: Iterable[str]) -> dict[str, list[Path]]:
    if not folder.is_dir():
        raise click.BadParameter(f"{folder} is not a folder; give a folder with one sub-folder per identity.")
    ext = tuple(extensions)
    out: dict[str, list[Path]] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(f for f in sub.iterdir() if f.is_file() and f.suffix.lower() in ext)
        if files:
            out[sub.name] = files
    if not out:
        raise click.BadParameter(
            f"{folder} has no identity sub-folders with {'/'.join(e.lstrip('.') for e in ext)} files; "
            "put each identity's files in a sub-folder named after it."
        )
    return out


@dataclass
class Prediction:
    file: str
    truth: str
    predicted: str | None
    score: float | None
    error: str = ""
    scores: dict[str, float] = field(default_factory=dict)


def summarize(
    preds: list[Prediction], gallery_ids: Iterable[str], *, higher_is_better: bool
) -> dict[str, Any]:
    enrolled = set(gallery_ids)
    genuine = [p for p in preds if p.truth in enrolled]
    impostors = [p for p in preds if p.truth not in enrolled]
    right = sum(1 for p in genuine if p.predicted == p.truth)
    wrong = sum(1 for p in genuine if p.predicted is not None and p.predicted != p.truth)
    imp_acc = sum(1 for p in impostors if p.predicted is not None)
    result: dict[str, Any] = {
        "gallery_identities": len(enrolled),
        "probes": len(preds),
        "genuine_probes": len(genuine),
        "impostor_probes": len(impostors),
        "unreadable_probes": sum(1 for p in preds if p.error),
        "true_accepts": right,
        "genuine_wrong_identity": wrong,
        "impostors_accepted": imp_acc,
        "tar": right / len(genuine) if genuine else None,
        "far": (imp_acc + wrong) / len(preds) if preds else None,
        "impostor_far": imp_acc / len(impostors) if impostors else None,
    }
    pos = [s for p in preds for i, s in p.scores.items() if i == p.truth]
    neg = [s for p in preds for i, s in p.scores.items() if i != p.truth]
    if pos and neg:
        result["eer"] = equal_error_rate(pos, neg, higher_is_better=higher_is_better)
    return result


def equal_error_rate(pos: list[float], neg: list[float], *, higher_is_better: bool) -> float:
    p = np.asarray(pos, dtype=float)
    n = np.asarray(neg, dtype=float)
    if not higher_is_better:
        p, n = -p, -n
    best = (2.0, 0.0)
    for t in np.unique(np.concatenate([p, n])):
        frr = float(np.mean(p < t))
        far = float(np.mean(n >= t))
        if abs(frr - far) < best[0]:
            best = (abs(frr - far), (frr + far) / 2)
    return best[1]


def write_report(
    preds: list[Prediction],
    summary: dict[str, Any],
    predictions: str | None,
    as_json: bool,
    title: str,
    extra: dict[str, Any],
) -> None:
    if predictions:
        with open(predictions, "w", encoding="utf-8") as fh:
            for p in preds:
                fh.write(json.dumps({"file": p.file, "predicted": p.predicted, "score": p.score}) + "\n")
    summary = {**summary, **extra}
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return

    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2%}"

    click.echo(f"{title}: {summary['probes']} probe(s), {summary['gallery_identities']} enrolled identities")
    click.echo(
        f"  true-accept rate  {pct(summary['tar'])} ({summary['true_accepts']}/{summary['genuine_probes']})"
    )
    click.echo(
        f"  false-accept rate {pct(summary['far'])} ({summary['impostors_accepted']} impostor(s) accepted, "
        f"{summary['genuine_wrong_identity']} genuine matched to a wrong identity)"
    )
    if "eer" in summary:
        click.echo(f"  equal-error rate  {pct(summary['eer'])}")
    for k, v in extra.items():
        click.echo(f"  {k} = {v}")
    if summary["unreadable_probes"]:
        click.echo(f"  {summary['unreadable_probes']} probe(s) could not be read (see --predictions)")


Scorer = Callable[[Path], tuple[str | None, float | None, dict[str, float]]]
