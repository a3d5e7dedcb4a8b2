"""Face tolerance sweep on the shared labelled photos (leave-one-out, leave-person-out).

Every single-face photo of ``labels.csv`` with a stated identity is encoded once (identical
files counted once). Genuine trials: each photo against a gallery of all *other* photos (a
person needs ≥ 2 distinct photos). Impostor trials: each photo against a gallery without its
person at all. Prints TAR and FAR per tolerance, to choose ``[media] face_tolerance``.

Usage: .venv/bin/python benchmarks/face_tolerance.py
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media.errors import MediaRejected
from media.face_stage import FaceStage

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "faces"


def main() -> None:
    rows = [r for r in csv.DictReader((DATA / "labels.csv").open(encoding="utf-8"))]
    seen: set[str] = set()
    items: list[tuple[str, str, bytes]] = []
    for r in rows:
        person = r["person"].split(" (")[0]
        if "+" in person or "not stated" in person or "faces" in person:
            continue
        data = (DATA / r["path"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            items.append((person, r["path"], data))
    results = FaceStage().run([(p, d) for _person, p, d in items])
    people: list[str] = []
    encs: list[np.ndarray] = []
    for (person, _path, _d), found in zip(items, results, strict=True):
        if not isinstance(found, MediaRejected) and len(found) == 1:
            people.append(person)
            encs.append(found[0].encoding)
    matrix = np.asarray(encs)
    dist = np.linalg.norm(matrix[:, None, :] - matrix[None, :, :], axis=2)
    n = len(people)
    print(f"{n} distinct single-face photos of {len(set(people))} people")
    print("tolerance  TAR (genuine)      FAR (impostor)   wrong-identity")
    for tol in (0.40, 0.45, 0.50, 0.54, 0.58, 0.60):
        gen = right = wrong = imp = imp_acc = 0
        for i in range(n):
            others = [j for j in range(n) if j != i]
            same = [j for j in others if people[j] == people[i]]
            if same:
                gen += 1
                j = min(others, key=lambda k: dist[i, k])
                if dist[i, j] <= tol:
                    right += people[j] == people[i]
                    wrong += people[j] != people[i]
            strangers = [j for j in others if people[j] != people[i]]
            imp += 1
            imp_acc += bool(strangers) and min(dist[i, j] for j in strangers) <= tol
        print(
            f"  {tol:.2f}     {right / gen:6.3f} ({right}/{gen})    {imp_acc / imp:6.3f} ({imp_acc}/{imp})    {wrong}"
        )
    same_d = [dist[i, j] for i in range(n) for j in range(i + 1, n) if people[i] == people[j]]
    diff_d = [dist[i, j] for i in range(n) for j in range(i + 1, n) if people[i] != people[j]]
    print(
        f"largest same-person distance {max(same_d):.3f}; smallest different-person distance {min(diff_d):.3f}"
    )


if __name__ == "__main__":
    main()
