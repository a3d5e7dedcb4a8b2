"""Train the text model of :mod:`detectors.text_model` from labelled posts.

    python training/train_text_model.py            # writes detectors/data/text_model.json
    python training/train_text_model.py --check    # exit 1 if the shipped model is stale

The corpus is every folder of ``training/text/``, each with ``company.toml``, ``roster.csv``
and ``posts.jsonl`` in the format of ``mamori eval text`` (see ``training/README.md``). The
labelled sets of ``tests/data/`` are never trained on: they measure the model.

For every post the rule detectors run first, to find the company's and employees' mentions
(the model sees them as placeholders) and the labels the rules give. On the posts that name a
target two readers are fitted: one logistic regression per harassment label (the word model)
and a small network over the same features (:mod:`training.bag_network`); the word probability
of a label blends their log-odds. The network also learns from real clean posts put behind a
company mention (half of the public toxicity data's, :mod:`training.real_negatives`; it needs
``../shared/data/toxicity``), so it does not find harassment in real posts unlike the corpus's.

The folders are dealt into :data:`HELD_OUT_FOLDS` groups and every group is scored by the two
readers fitted on the others (so on posts neither the rules nor the readers saw), and the
combiner (:mod:`detectors.combiner`) is fitted on those scores: per label, a logistic
regression over every label's binned probability, the rules' findings and the context check.
The thresholds ``add`` (a label the rules missed), ``withdraw`` (a rule finding) and
``withdraw_strong`` (a strong rule finding, which also needs the words to speak against it) are
chosen on the combiner's own held-out predictions (folders dealt into ten groups): among the
triples that flag at most :data:`MAX_CLEAN_FLAGGED` (2.25%; the target is 3%) of the posts with
no label in the ordinary folders and :data:`MAX_CLEAN_FLAGGED_PRECISION` (5%) in the
``precision_*`` folders (70% hard negatives written to trip detectors), the best macro-F1 of
rules + model over the ordinary folders (ties within :data:`F1_TIE`: the fewest clean posts
flagged). Needs scikit-learn and PyTorch (``requirements/dev.txt``, ``runtime.txt``); the
product reads the stored numbers with numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from detectors.combiner import Combiner, active, logit_bin, rule_bin  # noqa: E402
from detectors.text_model import STRONG_MARGIN, THRESHOLDS, Limits, TextModel, kept, rule_strength  # noqa: E402
from training import real_negatives  # noqa: E402

OUT = REPO / "detectors" / "data" / "text_model.json"
C = 1.0
NB_ALPHA = 1.0  # smoothing of the naive-Bayes log-count ratios (nb_ratio)
# The combined probability that adds a label starts at 0.7, a floor kept by the real-data stress
# test (benchmarks/text_realdata.py). In the eleventh round 0.7 flagged 3.6% of Davidson's and 2.5%
# of OLID's clean tweets and the grid started at 0.75 (3.0%, 1.9%); with the twelfth round's
# network at 0.8 (0.75: 3.7%, 2.5%; 0.8: 2.9%, 1.8%). With the network trained on real clean posts
# too (thirteenth round), 0.7 flags 2.3% and 1.2% of the stress test's measured half, 0.75 2.1% and
# 0.9% (docs/detectors.md, "Eleventh round" to "Thirteenth round").
ADD_GRID = (0.7, 0.75, 0.8, 0.85, 0.9)
WITHDRAW_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
WITHDRAW_STRONG_GRID = (0.0, 0.1, 0.2, 0.3, 0.5)  # a strong rule finding: a lexicon word or a pattern
COMBINER_C = 1.0
COMBINER_FOLDS = 10  # the combiner's own grouped folds, for choosing the thresholds
# The readers' held-out scores come from folders dealt into 20 groups. Until the eleventh round
# every folder was held out on its own (208 fits, 25 minutes; with the network it would be 45).
# The estimates agree: the eleventh round's model read 0.846 / 1.9% clean flagged leave-one-folder-out
# and 0.845 / 2.0% on ten groups (docs/detectors.md, "Twelfth round").
HELD_OUT_FOLDS = 20
REAL_NEGATIVES = True  # the network also learns from real clean posts (training/real_negatives.py)
# The target is 3% of no-label posts flagged. Leave-one-folder-out has estimated it low
# in every round (2.7-2.8% against 3.3-3.4% on the held-out sets of tests/data in the seventh and
# eighth, 2.2-2.3% against 2.8-3.0% in the tenth; docs/detectors.md), so the limit keeps three
# quarters of a point in hand.
MAX_CLEAN_FLAGGED = 0.0225  # on the ordinary folders
MAX_CLEAN_FLAGGED_PRECISION = 0.05  # on the precision folders (70% hard negatives built to trip detectors)
F1_TIE = 0.002  # leave-one-folder-out macro-F1 differences under this are noise (docs/detectors.md, "Eleventh round")


@dataclass
class Row:
    folder: str
    labels: frozenset[str]
    rule: dict[str, float]  # label -> the strongest rule finding's score
    feats: dict[str, float]  # empty for a post that names no target (the model never reads it)
    text: str = ""
    spans: tuple[tuple[str, int, int], ...] = ()  # the features with their spans in ``text``


def corpus_folders(repo: Path = REPO) -> list[Path]:
    return sorted(p for p in (repo / "training" / "text").iterdir() if (p / "posts.jsonl").is_file())


def corpus_digest(folders: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for folder in folders:
        for name in ("company.toml", "roster.csv", "posts.jsonl"):
            h.update(f"{folder.name}/{name}\n".encode())
            h.update((folder / name).read_bytes())
    return h.hexdigest()


def name_model_digest() -> str:
    """The name model's file: it decides which names are employees (``<emp>`` in the features),
    so a new name model makes the text model stale too."""
    from detectors.name_model import MODEL_PATH

    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()


def load_rows(folders: Sequence[Path]) -> list[Row]:
    from crawler.evaluation.text import build_detectors, load_company, load_posts
    from crawler.items import Post
    from detectors.attribution import targets_of
    from detectors.fields import post_text
    from detectors.text_features import features
    from detectors.text_model import TextModelDetector

    rows: list[Row] = []
    for folder in folders:
        detectors = build_detectors(
            load_company(folder / "company.toml"), folder / "roster.csv", disabled=(TextModelDetector.name,)
        )
        for ex in load_posts(folder / "posts.jsonl"):
            post = Post(platform="train", source="train", id=ex.id, url="", text=ex.text, lang=ex.lang)
            detectors.run(post)
            read = post_text(post)
            targets = targets_of(post, read)
            spans = tuple(features(read.text, targets)) if targets else ()
            feats = {name: 1.0 for name, _, _ in spans}
            rows.append(Row(folder.name, ex.labels, rule_strength(post.findings), feats, read.text, spans))
    return rows


def fit(rows: Sequence[Row], labels: Sequence[str]) -> tuple[list[str], list[float], Any]:
    """(feature names, biases, weight matrix features × labels)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [r for r in rows if r.feats]  # the model reads only posts that name a target
    vec = DictVectorizer()
    x = vec.fit_transform([r.feats for r in rows]).tocsr()
    names = list(vec.get_feature_names_out())
    weights = np.zeros((len(names), len(labels)))
    biases = []
    for j, label in enumerate(labels):
        y = np.array([label in r.labels for r in rows])
        ratio = nb_ratio(x, y)
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
        model.fit(x.multiply(ratio).tocsr(), y)
        weights[:, j] = model.coef_[0] * ratio  # a plain linear model over the binary features again
        biases.append(float(model.intercept_[0]))
    return names, biases, weights


def nb_ratio(x: Any, y: Any) -> Any:
    """Each feature's naive-Bayes log-count ratio for the label (Wang & Manning 2012, "NBSVM"):
    log of how much more often it occurs in the label's posts than in the others', with
    :data:`NB_ALPHA` added to every count. The regression is fitted on the features scaled by it,
    so a word's weight starts from the evidence of its own counts and the regularisation pulls
    it towards that, not towards zero: rare words the label's posts share count for more."""
    import numpy as np

    pos = np.asarray(x[y].sum(axis=0)).ravel() + NB_ALPHA
    neg = np.asarray(x[~y].sum(axis=0)).ravel() + NB_ALPHA
    return np.log((pos / pos.sum()) / (neg / neg.sum()))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def decide(
    rule: dict[str, float],
    combined: tuple[list[float], list[float], list[bool]] | None,
    labels: Sequence[str],
    limits: Limits,
) -> set[str]:
    """The labels of rules + model, as :class:`detectors.text_model.TextModelDetector` decides,
    from the combined probabilities, the word model's evidence and the context check
    (``None`` for a post that names no target: the rules') and the thresholds (add, withdraw,
    withdraw_strong)."""
    if combined is None:
        return set(rule) & set(labels)
    return {
        label
        for label, p, ev, hard in zip(labels, *combined, strict=True)
        if kept(label, rule.get(label), p, ev, limits, condemned=hard)
    }


def measure(
    rows: Sequence[Row], probs: Sequence[Any], labels: Sequence[str], limits: Limits
) -> tuple[float, float]:
    """(macro-F1 over ``labels``, share of no-label posts flagged) of rules + model."""
    got = [decide(r.rule, p, labels, limits) for r, p in zip(rows, probs, strict=True)]
    f1s = []
    for label in labels:
        tp = sum(1 for r, g in zip(rows, got, strict=True) if label in r.labels and label in g)
        fp = sum(1 for r, g in zip(rows, got, strict=True) if label not in r.labels and label in g)
        fn = sum(1 for r, g in zip(rows, got, strict=True) if label in r.labels and label not in g)
        f1s.append(_f1(tp, fp, fn))
    clean = [g for r, g in zip(rows, got, strict=True) if not r.labels]
    return sum(f1s) / len(f1s), (sum(1 for g in clean if g) / len(clean) if clean else 0.0)


def choose_thresholds(
    rows: Sequence[Row], probs: Sequence[Any], labels: Sequence[str]
) -> tuple[Limits, dict[str, Any]]:
    """The thresholds (add, withdraw, withdraw_strong): among those that flag at most
    MAX_CLEAN_FLAGGED of the ordinary folders' no-label posts and MAX_CLEAN_FLAGGED_PRECISION of
    the precision folders', the ones within F1_TIE of the best macro-F1 are as good as it (the
    differences are noise); of those, the one that flags the fewest clean posts. With none
    within the limits (a small corpus), the one that exceeds them least."""
    ordinary = [i for i, r in enumerate(rows) if not r.folder.startswith("precision")]
    precision = [i for i, r in enumerate(rows) if r.folder.startswith("precision")]
    o_rows, o_probs = [rows[i] for i in ordinary], [probs[i] for i in ordinary]
    p_rows, p_probs = [rows[i] for i in precision], [probs[i] for i in precision]
    # (limits exceeded by, macro-F1, clean flagged, precision sets' clean flagged, thresholds)
    candidates: list[tuple[float, float, float, float, Limits]] = []
    for add, withdraw, strong in itertools.product(ADD_GRID, WITHDRAW_GRID, WITHDRAW_STRONG_GRID):
        if strong > withdraw:
            continue  # a strong finding is never easier to withdraw than a weak one
        limits = Limits(add, withdraw, strong)
        f1, clean = measure(o_rows, o_probs, labels, limits)
        p_clean = measure(p_rows, p_probs, labels, limits)[1] if precision else 0.0
        excess = max(0.0, clean - MAX_CLEAN_FLAGGED) + max(0.0, p_clean - MAX_CLEAN_FLAGGED_PRECISION)
        candidates.append((excess, f1, clean, p_clean, limits))
    least = min(c[0] for c in candidates)
    allowed = [c for c in candidates if c[0] == least]
    top = max(c[1] for c in allowed)
    _, f1, clean, p_clean, limits = min(
        (c for c in allowed if c[1] >= top - F1_TIE),
        key=lambda c: (c[2], -c[1], -c[4].add, c[4].withdraw, c[4].withdraw_strong),
    )
    base_f1, base_clean = measure(o_rows, [None for _ in ordinary], labels, Limits(2.0, 0.0, 0.0))
    figures = {
        "macro_f1": round(f1, 4),
        "no_label_flagged": round(clean, 4),
        "precision_sets_no_label_flagged": round(p_clean, 4),
        "within_limits": least == 0.0,
        "best_macro_f1_within_limits": round(top, 4),
        "rules_macro_f1": round(base_f1, 4),
        "rules_no_label_flagged": round(base_clean, 4),
    }
    return limits, figures


@dataclass(frozen=True)
class Readers:
    """The two readers fitted on a set of posts: the word model's feature names, biases and
    weights (features × labels), and the network (:class:`training.bag_network.Fitted`)."""

    names: list[str]
    biases: list[float]
    weights: Any
    network: Any

    def model(self, labels: Sequence[str]) -> TextModel:
        """The text model as the detector scores with it (the network over its rows)."""
        from detectors.bag_network import BagNetwork

        model = TextModel.of(labels, self.biases, self.names, self.weights, {})
        net = self.network
        vocabulary = [model.index[f] for f in net.vocabulary]
        network = BagNetwork.of(len(self.names) + 1, vocabulary, net.vectors, net.weight, net.bias)
        return replace(model, network=network)

    def in_name_order(self) -> Readers:
        """The same readers with the features sorted by name, as the model file stores them."""
        order = sorted(range(len(self.names)), key=self.names.__getitem__)
        return replace(self, names=[self.names[i] for i in order], weights=self.weights[order])


def fit_readers(
    rows: Sequence[Row], labels: Sequence[str], negatives: Sequence[Mapping[str, float]] = ()
) -> Readers:
    """The two readers fitted on the posts of ``rows`` that name a target; the network also on
    ``negatives`` (real clean posts' features, :mod:`training.real_negatives`) as posts with no label."""
    from training.bag_network import fit_network

    names, biases, weights = fit(rows, labels)
    mine = [r for r in rows if r.feats]
    known = set(names)  # the network reads the word model's features only (the detector's rows)
    real = [feats for feats in ({f: v for f, v in n.items() if f in known} for n in negatives) if feats]
    posts = [r.feats for r in mine] + real
    targets = [r.labels for r in mine] + [frozenset()] * len(real)
    return Readers(names, biases, weights, fit_network(posts, targets, labels))


def dealt(folders: Iterable[str], groups: int) -> list[frozenset[str]]:
    """The folders dealt into ``groups`` groups in name order (the first to group 0, …)."""
    names = sorted(folders)
    return [frozenset(names[k::groups]) for k in range(groups)]


def _held_out(
    rows: Sequence[Row],
    group: frozenset[str],
    labels: Sequence[str],
    negatives: Sequence[Mapping[str, float]],
) -> tuple[list[Row], list[Any]]:
    """The rows of the folders in ``group`` scored by readers fitted on the other folders:
    probabilities, evidence and, per label, whether the detector's context check would set the
    words aside and whether they are quoted to be condemned."""
    from detectors.text_model import read_context

    mine = [r for r in rows if r.folder in group]
    model = fit_readers([r for r in rows if r.folder not in group], labels, negatives).model(labels)
    out: list[Any] = []
    for r in mine:
        if not r.feats:
            out.append(None)
            continue
        probs, evidence = model.scores(r.feats)  # exactly as the detector scores
        context = [read_context(r.text, model.evidence(r.spans, label), label) for label in labels]
        blocked = [aside for aside, _ in context]
        hard = [condemned for _, condemned in context]
        out.append((probs, evidence, blocked, hard))
    return mine, out


def combiner_inputs(row: Row, scored: Any, labels: Sequence[str]) -> list[list[int]]:
    """Per label, the combiner's inputs that are on for a post scored by a held-out model."""
    probs, _, blocked, _ = scored
    pbins = [logit_bin(p) for p in probs]
    rbins = [rule_bin(row.rule.get(label)) for label in labels]
    return [active(j, pbins, rbins, blocked[j]) for j in range(len(labels))]


def fit_combiner(rows: Sequence[Row], scored: Sequence[Any], labels: Sequence[str]) -> Combiner:
    """One logistic regression per label over the combiner's binary inputs, fitted on posts
    scored by word models that never saw them (leave-one-folder-out)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from detectors.combiner import dimension

    pairs = [(r, s) for r, s in zip(rows, scored, strict=True) if s is not None]
    inputs = [combiner_inputs(r, s, labels) for r, s in pairs]
    dim = dimension(len(labels))
    bias, weights = [], []
    for j, label in enumerate(labels):
        cols = [c for on in inputs for c in on[j]]
        indptr = np.cumsum([0] + [len(on[j]) for on in inputs])
        x = csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(inputs), dim))
        y = np.array([label in r.labels for r, _ in pairs])
        model = LogisticRegression(C=COMBINER_C, max_iter=3000).fit(x, y)
        bias.append(float(model.intercept_[0]))
        weights.append(tuple(float(w) for w in model.coef_[0]))
    return Combiner(tuple(labels), tuple(bias), tuple(weights))


def combined(combiner: Combiner, row: Row, scored: Any) -> tuple[list[float], list[float], list[bool]] | None:
    """The combined probability of each label, as the detector reads the post, with the word
    model's evidence and the context check (``None`` when the post names no target)."""
    if scored is None:
        return None
    probs, evidence, blocked, hard = scored
    both = combiner.probabilities(probs, row.rule)
    p = [aside if b else claim for (claim, aside), b in zip(both, blocked, strict=True)]
    return p, list(evidence), list(hard)


def combiner_held_out(rows: Sequence[Row], scored: Sequence[Any], labels: Sequence[str]) -> list[Any]:
    """Every post's combined probabilities from a combiner fitted without its folder's group
    (the folders dealt into :data:`COMBINER_FOLDS` groups): what the thresholds are chosen on."""
    out: list[Any] = [None] * len(rows)
    for group in dealt({r.folder for r in rows}, COMBINER_FOLDS):
        train_idx = [i for i, r in enumerate(rows) if r.folder not in group]
        combiner = fit_combiner([rows[i] for i in train_idx], [scored[i] for i in train_idx], labels)
        for i, r in enumerate(rows):
            if r.folder in group:
                out[i] = combined(combiner, r, scored[i])
    return out


def train(folders: Sequence[Path]) -> dict[str, Any]:
    from joblib import Parallel, delayed

    from crawler.evaluation.text import HARASSMENT

    labels = list(HARASSMENT)
    rows = load_rows(folders)
    groups = dealt((p.name for p in folders), HELD_OUT_FOLDS)
    held_rows: list[Row] = []
    held_probs: list[Any] = []
    negatives = real_negatives.features() if REAL_NEGATIVES else []
    jobs = (delayed(_held_out)(rows, g, labels, negatives) for g in groups if g)
    for mine, probs in Parallel(n_jobs=2)(jobs):
        held_rows.extend(mine)
        held_probs.extend(probs)
    return assemble(folders, rows, held_rows, held_probs, labels, negatives)


def assemble(
    folders: Sequence[Path],
    rows: Sequence[Row],
    held_rows: Sequence[Row],
    held_probs: Sequence[Any],
    labels: list[str],
    negatives: Sequence[Mapping[str, float]] = (),
) -> dict[str, Any]:
    """The model: the two readers fitted on every post, the combiner on the held-out scores,
    and the thresholds chosen on the combiner's own held-out predictions."""
    from detectors.text_features import FEATURE_VERSION
    from training import bag_network

    readers = fit_readers(rows, labels, negatives).in_name_order()
    network = readers.model(labels).network
    assert network is not None
    limits, figures = choose_thresholds(held_rows, combiner_held_out(held_rows, held_probs, labels), labels)
    combiner = fit_combiner(held_rows, held_probs, labels)
    return {
        "features": FEATURE_VERSION,
        "labels": labels,
        "bias": [round(b, 6) for b in readers.biases],
        "thresholds": {kind: {lab: getattr(limits, kind) for lab in labels} for kind in THRESHOLDS},
        "combiner": combiner.to_json(),
        "network": network.to_json(),
        "n_features": len(readers.names),
        "_names": readers.names,
        "_matrix": readers.weights,
        "_network": network,
        "meta": {
            "corpus_sha256": corpus_digest(folders),
            "name_model_sha256": name_model_digest(),
            "folders": [p.name for p in folders],
            "posts": len(rows),
            "posts_with_target": sum(1 for r in rows if r.feats),
            "regularisation_C": C,
            "nb_alpha": NB_ALPHA,
            "network": bag_network.settings(),
            "real_negatives": {"posts": len(negatives), "sha256": real_negatives.digest()}
            if negatives
            else None,
            "combiner_C": COMBINER_C,
            "strong_margin": STRONG_MARGIN,
            "held_out_folds": HELD_OUT_FOLDS,
            "held_out": figures,
        },
    }


def save(model: dict[str, Any], out: Path) -> None:
    """Write the model: JSON (everything but the weights), the feature names one per line, the
    weights as little-endian float32 (features × labels) and the network's vocabulary and
    vectors, as :class:`TextModel` reads them."""
    import numpy as np

    from detectors.bag_network import network_file
    from detectors.text_model import companion_files

    names_path, weights_path = companion_files(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    names = model["_names"]
    assert not any("\n" in n for n in names)
    names_path.write_text("\n".join(names), encoding="utf-8")
    np.asarray(model["_matrix"], dtype="<f4").tofile(weights_path)
    model["_network"].write(network_file(out))
    public = {k: v for k, v in model.items() if not k.startswith("_")}
    out.write_text(json.dumps(public, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the model is stale")
    args = parser.parse_args(argv)
    folders = corpus_folders()
    if args.check:
        meta = json.loads(args.out.read_text(encoding="utf-8")).get("meta", {})
        if meta.get("corpus_sha256") != corpus_digest(folders):
            print(f"{args.out} is stale: the corpus changed since it was trained; retrain it.")
            return 1
        if meta.get("name_model_sha256") != name_model_digest():
            print(f"{args.out} is stale: the name model changed since it was trained; retrain it.")
            return 1
        real = meta.get("real_negatives") or {}
        if REAL_NEGATIVES and real.get("sha256") != real_negatives.digest():
            print(
                f"{args.out} is stale: the real negatives (training/real_negatives.py) changed; retrain it."
            )
            return 1
        print(f"{args.out} matches the corpus.")
        return 0
    model = train(folders)
    save(model, args.out)
    t = model["thresholds"]
    meta = model["meta"]
    print(
        f"Wrote {args.out}: {model['n_features']} features, {meta['posts_with_target']} posts with a target."
    )
    print(
        "thresholds "
        + ", ".join(f"{kind} {t[kind]['insult']}" for kind in THRESHOLDS)
        + f"; held out ({meta['held_out_folds']} groups of folders): {meta['held_out']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
