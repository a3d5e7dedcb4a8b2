"""``mamori eval voice --gallery DIR --probes DIR [--predictions OUT.jsonl] [--json]``.

Enrols each gallery identity from its clips (one voice print: the mean embedding), then
scores every probe clip (one embedding per clip; probes over 30 s are scanned with the
sliding windows the crawl uses, best window per identity) against every voice print.
Reports TAR, FAR and EER.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.evaluation._options import gallery_probe_options

LONG_PROBE = 30.0
"""Probes longer than this (seconds) are scanned with sliding windows, as posts are."""


@click.command(name="voice")
@gallery_probe_options("wav/flac/mp3 clips", "similarity")
@click.option(
    "--threshold", type=float, default=None, help="Cosine similarity to accept (default: calibrated)."
)
def command(
    gallery: Path, probes: Path, predictions: str | None, as_json: bool, threshold: float | None
) -> None:
    """Measure voice matching: true-accept, false-accept and equal-error rates."""
    import numpy as np

    from media.audio import SAMPLE_RATE, load_audio
    from media.errors import MediaRejected
    from media.evaluate import AUDIO_EXT, Prediction, identity_files, summarize, write_report
    from media.voice import DEFAULT_THRESHOLD, VoiceGallery, embed_clip, windows

    thr = DEFAULT_THRESHOLD if threshold is None else threshold
    templates: dict[str, list[list[float]]] = {}
    for ident, files in identity_files(gallery, AUDIO_EXT).items():
        for f in files:
            try:
                templates.setdefault(ident, []).append(
                    [float(v) for v in embed_clip(load_audio(f, name=str(f)))]
                )
            except MediaRejected as exc:
                click.echo(f"skipped gallery clip: {exc}", err=True)
    voices = VoiceGallery(templates)
    preds: list[Prediction] = []
    for ident, files in identity_files(probes, AUDIO_EXT).items():
        for f in files:
            rel = f"{ident}/{f.name}"
            try:
                wav = load_audio(f, name=str(f))
            except MediaRejected as exc:
                preds.append(Prediction(rel, ident, None, None, error=str(exc)))
                continue
            if len(wav) > LONG_PROBE * SAMPLE_RATE:
                # Long recordings (calls, interviews): the best sliding window per identity.
                wins = windows(wav)
                matrix = np.array([voices.scores(w.embedding) for w in wins]) if wins else None
                values = (
                    matrix.max(axis=0) if matrix is not None and matrix.size else np.full(len(voices), -1.0)
                )
            else:
                values = voices.scores(embed_clip(wav))
            scores = {e: float(v) for e, v in zip(voices.ids, values, strict=True)}
            emp, best = max(scores.items(), key=lambda x: x[1]) if scores else (None, -1.0)
            preds.append(
                Prediction(
                    rel, ident, emp if best >= thr else None, round(best, 4) if emp else None, scores=scores
                )
            )
    summary = summarize(preds, templates, higher_is_better=True)
    write_report(preds, summary, predictions, as_json, "Voice", {"threshold": thr})
