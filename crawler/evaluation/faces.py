"""``mamori eval faces --gallery DIR --probes DIR [--predictions OUT.jsonl] [--json]``.

Enrols every face photo of the gallery (one face each: photos with zero or several faces
are skipped and counted), then matches each probe's faces; the best-matching face of a
probe is its prediction. Templates live in memory only.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.evaluation._options import gallery_probe_options


@click.command(name="faces")
@gallery_probe_options("jpg/png/webp photos", "distance")
@click.option("--tolerance", type=float, default=None, help="Match distance (default: the calibrated one).")
def command(
    gallery: Path, probes: Path, predictions: str | None, as_json: bool, tolerance: float | None
) -> None:
    """Measure face matching: true-accept and false-accept rates."""
    import numpy as np

    from media.errors import MediaRejected
    from media.evaluate import IMAGE_EXT, Prediction, identity_files, summarize, write_report
    from media.face_stage import FaceStage
    from media.faces import DEFAULT_TOLERANCE, FaceGallery

    tol = DEFAULT_TOLERANCE if tolerance is None else tolerance
    stage = FaceStage()
    gallery_files = [(ident, f) for ident, files in identity_files(gallery, IMAGE_EXT).items() for f in files]
    probe_files = [(ident, f) for ident, files in identity_files(probes, IMAGE_EXT).items() for f in files]
    results = stage.run([(str(f), f.read_bytes()) for _i, f in gallery_files + probe_files])
    templates: dict[str, list[list[float]]] = {}
    skipped = 0
    for (ident, _f), found in zip(gallery_files, results[: len(gallery_files)], strict=True):
        if isinstance(found, MediaRejected) or len(found) != 1:
            skipped += 1
            continue
        templates.setdefault(ident, []).append([float(v) for v in found[0].encoding])
    index = FaceGallery(templates)
    preds: list[Prediction] = []
    for (ident, f), found in zip(probe_files, results[len(gallery_files) :], strict=True):
        rel = f"{ident}/{f.name}"
        if isinstance(found, MediaRejected):
            preds.append(Prediction(rel, ident, None, None, error=str(found)))
            continue
        faces = found
        best: tuple[str | None, float] = (None, float("inf"))
        per_id: dict[str, float] = {}
        for face in faces:
            dist = np.linalg.norm(index.matrix - face.encoding[None, :], axis=1) if index.ids else []
            for ident_id, d in zip(index.ids, dist, strict=False):
                per_id[ident_id] = min(per_id.get(ident_id, float("inf")), float(d))
            nearest = index.nearest(face.encoding)
            if nearest[1] < best[1]:
                best = nearest
        predicted = best[0] if best[1] <= tol else None
        score = round(best[1], 4) if best[0] is not None else None
        preds.append(Prediction(rel, ident, predicted, score, scores=per_id))
    summary = summarize(preds, templates, higher_is_better=False)
    summary.pop("eer", None)
    write_report(
        preds, summary, predictions, as_json, "Faces", {"tolerance": tol, "gallery_photos_skipped": skipped}
    )
