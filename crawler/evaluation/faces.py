"""``mamori eval faces --gallery DIR --probes DIR [--predictions OUT.jsonl] [--json]``.

Enrols every face photo of the gallery (one face each: photos with zero or several faces
are skipped and counted), then matches each probe's faces; the best-matching face of a
probe is its prediction. Templates live in memory only.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="faces")
@click.option(
    "--gallery",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="One sub-folder per identity to enrol, holding jpg/png/webp photos.",
)
@click.option(
    "--probes",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="One sub-folder per identity; identities absent from the gallery are impostors.",
)
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write one JSON line per probe file: file, predicted identity or null, distance.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--tolerance", type=float, default=None, help="Match distance (default: the calibrated one).")
def command(
    gallery: Path, probes: Path, predictions: str | None, as_json: bool, tolerance: float | None
) -> None:
    """Measure face matching: true-accept and false-accept rates."""
    import numpy as np

    from media.errors import MediaRejected
    from media.evaluate import IMAGE_EXT, Prediction, identity_files, summarize, write_report
    from media.faces import DEFAULT_TOLERANCE, FaceGallery, find_faces
    from media.images import open_image

    tol = DEFAULT_TOLERANCE if tolerance is None else tolerance
    limit = 200_000_000
    templates: dict[str, list[list[float]]] = {}
    skipped = 0
    for ident, files in identity_files(gallery, IMAGE_EXT).items():
        for f in files:
            try:
                faces = find_faces(open_image(f.read_bytes(), name=str(f), max_bytes=limit, max_pixels=limit))
            except MediaRejected:
                faces = []
            if len(faces) != 1:
                skipped += 1
                continue
            templates.setdefault(ident, []).append([float(v) for v in faces[0].encoding])
    index = FaceGallery(templates)
    preds: list[Prediction] = []
    for ident, files in identity_files(probes, IMAGE_EXT).items():
        for f in files:
            rel = f"{ident}/{f.name}"
            try:
                faces = find_faces(open_image(f.read_bytes(), name=str(f), max_bytes=limit, max_pixels=limit))
            except MediaRejected as exc:
                preds.append(Prediction(rel, ident, None, None, error=str(exc)))
                continue
            best: tuple[str | None, float] = (None, float("inf"))
            per_id: dict[str, float] = {}
            for face in faces:
                dist = np.linalg.norm(index.matrix - face.encoding[None, :], axis=1) if index.ids else []
                for ident_id, d in zip(index.ids, dist, strict=False):
                    per_id[ident_id] = min(per_id.get(ident_id, float("inf")), float(d))
                nearest = index.nearest(face.encoding)
                if nearest[1] < best[1]:
                    best = nearest
            faces.clear()
            predicted = best[0] if best[1] <= tol else None
            score = round(best[1], 4) if best[0] is not None else None
            preds.append(Prediction(rel, ident, predicted, score, scores=per_id))
    summary = summarize(preds, templates, higher_is_better=False)
    summary.pop("eer", None)
    write_report(
        preds, summary, predictions, as_json, "Faces", {"tolerance": tol, "gallery_photos_skipped": skipped}
    )
