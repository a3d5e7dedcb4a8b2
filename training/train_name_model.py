"""Train the name model of :mod:`detectors.name_model` from labelled posts.

    python training/train_name_model.py            # writes detectors/data/name_model.json
    python training/train_name_model.py --check    # exit 1 if the shipped model is stale

The corpus is the text model's (``training/text/``, see ``training/README.md``). For every
post the company and names detectors run; every employee whose name keys match anywhere in the
post is a candidate (:meth:`detectors.names.EmployeeNameDetector.candidates`), labelled by
whether the post's ``employees`` list that employee. The rules refuse most candidates that
are someone else's name; those refusals are kept as examples, so the model learns the
contexts of namesakes from thousands of them, not only from the few the rules accept.

Two readers are fitted: a logistic regression (scikit-learn) and a small network over the same
features (:func:`training.bag_network.fit_network`, PyTorch; :data:`NETWORK_DIM` numbers per
feature, every candidate weighing the same); the detector decides by the regression's log-odds,
lowered to the mean of the two where the network is less sure (:meth:`NameModel.logit`).

The withdrawal threshold is chosen on ten-fold predictions with the folders grouped (each
fold's companies unseen): the highest threshold at which the names the rules found correctly
and the model would withdraw stay at most :data:`MAX_LOST` of them. Needs scikit-learn
(``requirements/dev.txt``) and PyTorch; the product reads the JSON with plain Python and the
network's vectors with numpy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from detectors.bag_network import BagNetwork  # noqa: E402
from detectors.name_model import (  # noqa: E402
    FEATURE_VERSION,
    FORMAT,
    NameModel,
    features_of,
    matched_in_full,
    read_name,
)
from training.train_text_model import corpus_digest, corpus_folders  # noqa: E402

OUT = REPO / "detectors" / "data" / "name_model.json"
C = 1.0
FOLDS = 10
MAX_LOST = 0.005  # of the names the rules find correctly, the share the model may withdraw
GRID = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
MIN_WEIGHT = 1e-4  # weights smaller than this are not stored (the sum changes by < 0.01)
NETWORK_DIM = 16  # the network's numbers per feature (thirteenth round: 16 and 32 measured alike)
NETWORK_EPOCHS = 8
LABEL = "named"  # the network's one output: the candidate is the employee


@dataclass(frozen=True)
class Candidate:
    folder: str
    features: tuple[str, ...]
    named: bool  # the post's labels list this employee
    accepted: bool  # the rules found this employee
    beside: bool = False  # beside the company or said to work there: the detector keeps it unscored


def load_candidates(folders: Sequence[Path]) -> list[Candidate]:
    from crawler.evaluation.text import build_detectors, load_company, load_posts
    from crawler.items import Post
    from detectors.attribution import targets_of
    from detectors.fields import post_text
    from detectors.names import EmployeeNameDetector

    out: list[Candidate] = []
    for folder in folders:
        detectors = build_detectors(
            load_company(folder / "company.toml"),
            folder / "roster.csv",
            disabled=("name_model", "personal_info", "harassment", "text_model"),
        )
        names = next(d for d in detectors.detectors if isinstance(d, EmployeeNameDetector))
        for ex in load_posts(folder / "posts.jsonl"):
            post = Post(platform="train", source="train", id=ex.id, url="", text=ex.text, lang=ex.lang)
            detectors.run(post)
            read = post_text(post)
            targets = targets_of(post, read)
            found = {
                f.employee_id: (matched_in_full(f), [read.bounds(s) for s in f.spans])
                for f in post.findings
                if f.label == "employee_named" and f.employee_id and f.spans
            }
            for eid, (strong, spans) in {**names.candidates(post), **found}.items():
                reading = read_name(read.text, targets, spans)
                feats = features_of(reading, strong=strong)
                out.append(
                    Candidate(
                        folder.name, tuple(feats), eid in ex.employees, eid in found, reading.kept_unscored()
                    )
                )
    return out


def fit(cands: Sequence[Candidate]) -> tuple[list[str], Any, float]:
    """(feature names, weights, bias) of a logistic regression over ``cands``."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(c.features, 1.0) for c in cands])
    y = np.array([c.named for c in cands])
    model = LogisticRegression(C=C, max_iter=3000).fit(x, y)
    return list(vec.get_feature_names_out()), model.coef_[0], float(model.intercept_[0])


def fit_network(cands: Sequence[Candidate]) -> Any:
    """The network over ``cands`` (a :class:`training.bag_network.Fitted`)."""
    from training import bag_network

    return bag_network.fit_network(
        [c.features for c in cands],
        [frozenset({LABEL}) if c.named else frozenset() for c in cands],
        [LABEL],
        dim=NETWORK_DIM,
        epochs=NETWORK_EPOCHS,
        balanced=False,
    )


def network_of(fitted: Any) -> BagNetwork:
    """The fitted network (:class:`training.bag_network.Fitted`) as the detector reads it: its
    rows are its own features, in vocabulary order."""
    size = len(fitted.vocabulary)
    return BagNetwork.of(size + 1, range(1, size + 1), fitted.vectors, fitted.weight, fitted.bias)


def name_model(names: Sequence[str], weights: Any, bias: float, fitted: Any) -> NameModel:
    """The two fitted readers as the detector scores with them."""
    regression = NameModel(dict(zip(names, map(float, weights), strict=True)), bias, 0.0, {})
    return regression.with_network(fitted.vocabulary, network_of(fitted))


def held_out_probabilities(cands: Sequence[Candidate]) -> list[float]:
    """Each candidate's probability from a model fitted on the other folds (folders grouped)."""
    folders = sorted({c.folder for c in cands})
    fold_of = {f: i % FOLDS for i, f in enumerate(folders)}
    probs = [0.0] * len(cands)
    for k in range(FOLDS):
        train = [c for c in cands if fold_of[c.folder] != k]
        model = name_model(*fit(train), fit_network(train))
        for i, c in enumerate(cands):
            if fold_of[c.folder] == k:
                probs[i] = model.probability(c.features)
    return probs


def choose_threshold(cands: Sequence[Candidate], probs: Sequence[float]) -> tuple[float, dict[str, Any]]:
    """The highest threshold of :data:`GRID` that withdraws at most :data:`MAX_LOST` of the
    rules' correct names, with the figures of every threshold tried. As the detector does, a
    name beside the company is never withdrawn."""
    right = sum(c.accepted and c.named for c in cands)
    wrong = sum(c.accepted and not c.named for c in cands)
    scored = [(c, p) for c, p in zip(cands, probs, strict=True) if c.accepted and not c.beside]
    table = []
    chosen = 0.0
    for t in GRID:
        lost = sum(c.named and p < t for c, p in scored)
        fixed = sum(not c.named and p < t for c, p in scored)
        table.append({"threshold": t, "true_names_withdrawn": lost, "false_names_withdrawn": fixed})
        if lost <= MAX_LOST * right:
            chosen = t
    return chosen, {"rules_true_names": right, "rules_false_names": wrong, "thresholds": table}


def train(folders: Sequence[Path]) -> dict[str, Any]:
    from training import bag_network

    cands = load_candidates(folders)
    probs = held_out_probabilities(cands)
    threshold, figures = choose_threshold(cands, probs)
    names, weights, bias = fit(cands)
    fitted = fit_network(cands)
    network = network_of(fitted)
    kept = {n: round(float(w), 4) for n, w in zip(names, weights, strict=True) if abs(w) >= MIN_WEIGHT}
    return {
        "format": FORMAT,
        "feature_version": FEATURE_VERSION,
        "bias": round(bias, 4),
        "threshold": threshold,
        "weights": dict(sorted(kept.items())),
        "network": {**network.to_json(), "features": list(fitted.vocabulary)},
        "_network": network,
        "meta": {
            "corpus_sha256": corpus_digest(folders),
            "folders": len(folders),
            "candidates": len(cands),
            "candidates_named": sum(c.named for c in cands),
            "C": C,
            "max_lost": MAX_LOST,
            "network": bag_network.settings(dim=NETWORK_DIM, epochs=NETWORK_EPOCHS, balanced=False),
            "held_out": figures,
        },
    }


def save(model: dict[str, Any], out: Path) -> None:
    """Write the model's JSON and, beside it, the network's vectors (``.network.bin``)."""
    from detectors.bag_network import network_file

    out.parent.mkdir(parents=True, exist_ok=True)
    model["_network"].write(network_file(out))
    public = {k: v for k, v in model.items() if not k.startswith("_")}
    out.write_text(json.dumps(public, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped model is stale")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the model")
    args = parser.parse_args(argv)
    folders = corpus_folders()
    if args.check:
        try:
            meta = json.loads(args.out.read_text(encoding="utf-8"))["meta"]
        except (OSError, ValueError, KeyError) as exc:
            print(f"The name model {args.out} cannot be read: {exc}.", file=sys.stderr)
            return 1
        if meta.get("corpus_sha256") != corpus_digest(folders):
            print(
                f"The name model {args.out} was trained on another corpus than training/text/; "
                "retrain it with training/train_name_model.py.",
                file=sys.stderr,
            )
            return 1
        print(f"The name model {args.out} matches the corpus ({len(folders)} folders).")
        return 0
    model = train(folders)
    save(model, args.out)
    held = model["meta"]["held_out"]
    row = (
        next(r for r in held["thresholds"] if r["threshold"] == model["threshold"])
        if model["threshold"]
        else None
    )
    print(f"Wrote {args.out}: {len(model['weights'])} weights, threshold {model['threshold']}.")
    if row:
        print(
            f"Held out: of the rules' {held['rules_true_names']} true and {held['rules_false_names']} false names, "
            f"it withdraws {row['true_names_withdrawn']} true and {row['false_names_withdrawn']} false."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
