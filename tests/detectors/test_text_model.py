"""The learned text model (detectors.text_model): what it adds, what it withdraws, what it never
touches, how it explains itself, and that the shipped model is the one the training script makes."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from detectors.base import DetectorContext, DetectorSet
from detectors.text_features import FEATURE_VERSION, feature_names, features, tokens
from detectors.text_model import MODEL_PATH, TextModel, TextModelDetector, companion_files
from tests.conftest import REPO
from tests.detectors.helpers import MINATO, MINATO_ROSTER, assert_spans_original, detector_set
from training import real_negatives
from training import train_text_model as trainer

HARASSMENT = {"defamation", "insult", "threat", "discrimination", "sexual", "personal_info"}


# The rules read a scam claim; the post takes it back (the rules' own context checks do not
# see it); the model finds the claim unlikely and withdraws it.
TAKEN_BACK = "Thought Minato Tsushin was a scam at first, but they refunded me the same day."


def post_of(text: str, post_id: str = "t") -> Post:
    return Post(platform="test", source="test", id=post_id, url="", text=text)


def run(text: str, *, model: bool = True) -> list[Finding]:
    post = post_of(text)
    detector_set(model=model).run(post)
    return post.findings


def by(findings: list[Finding], detector: str) -> dict[str, Finding]:
    return {f.label: f for f in findings if f.detector == detector}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Tanaka Misaki at Minato Tsushin, I know which car is yours. Drive safe tonight.", "threat"),
        (
            "ミナト通信の田中美咲さん、毎日同じ時間に帰るんだね。気をつけて帰ってね、いつも見てるから",
            "threat",
        ),
    ],
)
def test_adds_what_the_rules_miss_and_explains_it(text: str, label: str) -> None:
    assert label not in {f.label for f in run(text, model=False)}
    findings = run(text)
    added = by(findings, "text_model")[label]
    assert added.employee_id == "E001"
    assert added.severity == "critical"
    assert "text model" in added.explanation and "probability" in added.explanation
    assert added.score >= TextModel.load(MODEL_PATH).thresholds["add"][label]
    assert_spans_original(text, [added])


def test_withdraws_a_weak_rule_finding_it_finds_unlikely() -> None:
    assert "defamation" in {f.label for f in run(TAKEN_BACK, model=False)}
    assert not HARASSMENT & {f.label for f in run(TAKEN_BACK)}


@pytest.mark.parametrize(
    "text",
    [
        "田中美咲、ぶっ殺す。",  # short, not doubtful: a strong rule finding needs words against it
        "ミナト通信の社員全員ぶっ殺す。",  # the word model reads it as threats aimed at anyone
        "Minato Tsushin agents are brainless morons.",
        "ミナト通信の佐藤健太の電話番号は090-1234-5678。",  # personal information is never withdrawn
    ],
)
def test_keeps_strong_findings_without_evidence_against_them(text: str) -> None:
    rules = {f.label for f in run(text, model=False)} & HARASSMENT
    assert rules
    assert rules <= {f.label for f in run(text)}


def test_never_adds_what_is_quoted_to_be_condemned() -> None:
    """The issue's hard negative: abuse quoted only to condemn it. The combiner weighs the other
    contexts (denied, news, fiction); this one is a rule."""
    text = "Someone posted that Minato Tsushin staff are morons. That's cruel and untrue."
    assert not HARASSMENT & {f.label for f in run(text)}


def test_detector_set_returns_only_findings_still_there() -> None:
    """The crawl's detect worker sends back what run() returns: a withdrawn finding must not be in it."""
    post = post_of(TAKEN_BACK)
    new = detector_set(model=True).run(post)
    assert [id(f) for f in new] == [id(f) for f in post.findings]
    assert "defamation" not in {f.label for f in new}


def test_reads_only_posts_that_name_a_target() -> None:
    assert run("I will burn this place down, you idiots.") == []


def test_features_replace_targets_with_placeholders() -> None:
    text = "ミナト通信の田中さん、マジで無能"
    post = post_of(text)
    detector_set(model=False).run(post)
    from detectors.attribution import targets_of

    targets = targets_of(post)
    keys = [k for k, _, _ in tokens(text, targets)]
    assert keys[:3] == ["<co>", "の", "<emp>"]
    assert not any("ミナト" in n or "田中" in n for n in feature_names(text, targets))
    assert [n for n, _, _ in features(text, targets)] == feature_names(text, targets)
    for name, start, end in features(text, targets):
        if end > start and name.startswith("u:") and not name.startswith("u:<"):
            assert text[start:end], name


def test_options_override_the_thresholds() -> None:
    context = DetectorContext(
        MINATO[0],
        MINATO[1],
        MINATO_ROSTER,
        {"text_model": {"add": 1.01, "withdraw": 0.0, "withdraw_strong": 0.0}},
    )
    detector = TextModelDetector(context)
    post = post_of(TAKEN_BACK)
    detector_set(model=False).run(post)  # the rules
    assert detector.detect(post) == []  # adds nothing (add > 1) …
    assert "defamation" in {f.label for f in post.findings}  # … and withdraws nothing


def test_withdraw_enabled_false_only_adds() -> None:
    context = DetectorContext(
        MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"withdraw_enabled": False}}
    )
    detector = TextModelDetector(context)
    assert all(lim.withdraw < 0 and lim.withdraw_strong < 0 for lim in detector.limits.values())
    post = post_of(TAKEN_BACK)
    detector_set(model=False).run(post)
    detector.detect(post)
    assert "defamation" in {f.label for f in post.findings}  # the default withdraws it (above)


def test_a_missing_or_foreign_model_disables_the_detector_with_a_reason(tmp_path: Path) -> None:
    context = DetectorContext(
        MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(tmp_path / "no.json")}}
    )
    with pytest.raises(DetectorUnavailable, match="does not exist; train it"):
        TextModelDetector(context)
    other = tmp_path / "other.json"
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["features"] = "something-else"
    other.write_text(json.dumps(data), encoding="utf-8")
    for mine, theirs in zip(companion_files(other), companion_files(MODEL_PATH), strict=True):
        shutil.copy(theirs, mine)
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(other)}})
    with pytest.raises(DetectorUnavailable, match="retrain it"):
        TextModelDetector(context)
    lonely = tmp_path / "lonely.json"
    data["features"] = FEATURE_VERSION
    lonely.write_text(json.dumps(data), encoding="utf-8")
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(lonely)}})
    with pytest.raises(DetectorUnavailable, match="incomplete"):
        TextModelDetector(context)
    short = tmp_path / "short.json"
    short.write_text(json.dumps(data), encoding="utf-8")
    names, _ = companion_files(short)
    shutil.copy(companion_files(MODEL_PATH)[0], names)
    companion_files(short)[1].write_bytes(b"\0" * 12)
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(short)}})
    with pytest.raises(DetectorUnavailable, match="inconsistent"):
        TextModelDetector(context)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(broken)}})
    with pytest.raises(DetectorUnavailable, match="cannot be read"):
        TextModelDetector(context)
    disabled = DetectorSet.from_paths(
        {"detectors.text_model.TextModelDetector": 1}, context
    )  # the set starts without it, the reason kept
    assert disabled.detectors == [] and "cannot be read" in next(iter(disabled.disabled.values()))


def test_shipped_model_matches_the_corpus() -> None:
    """Edit training/text and forget to retrain: this fails (python training/train_text_model.py)."""
    assert trainer.main(["--check"]) == 0
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    assert meta["folders"] == [p.name for p in trainer.corpus_folders()]
    figures = meta["held_out"]
    assert figures["within_limits"] and figures["no_label_flagged"] <= trainer.MAX_CLEAN_FLAGGED
    assert figures["macro_f1"] > figures["rules_macro_f1"]


@pytest.mark.slow
def test_training_script_scores_like_the_detector(tmp_path: Path) -> None:
    """Train on three small folders: the saved file loads, its thresholds come from the grid, and
    the detector's scores equal those of the fitted coefficients."""
    corpus = tmp_path / "training" / "text"
    for name in ("asahi_gas", "lumen_bank", "precision_en_a"):
        shutil.copytree(REPO / "training" / "text" / name, corpus / name)
    folders = trainer.corpus_folders(tmp_path)
    model = trainer.train(folders)
    assert model["features"] == FEATURE_VERSION
    assert model["thresholds"]["add"]["threat"] in trainer.ADD_GRID
    out = tmp_path / "model.json"
    trainer.save(model, out)
    loaded = TextModel.load(out)
    assert loaded.network is not None
    rows = trainer.load_rows(folders)
    negatives = real_negatives.features() if trainer.REAL_NEGATIVES else []
    readers = trainer.fit_readers(rows, list(loaded.labels), negatives)  # the same seed: the same fit
    names, biases, weights, net = readers.names, readers.biases, readers.weights, readers.network
    index = {n: i for i, n in enumerate(names)}
    vector = dict(zip(net.vocabulary, net.vectors, strict=True))
    for row in [r for r in rows if r.feats][:40]:
        z = np.asarray(biases) + weights[[index[f] for f in row.feats if f in index]].sum(axis=0)
        known = [vector[f] for f in row.feats if f in vector]
        hidden = np.maximum(np.sum(known, axis=0), 0.0) if known else 0.0
        n = hidden @ net.weight + net.bias
        probs = 1.0 / (1.0 + np.exp(-np.minimum(z, 0.5 * z + 0.5 * n)))  # the fitted readers, float64
        got = loaded.probabilities(row.feats)
        assert all(math.isclose(a, b, abs_tol=2e-3) for a, b in zip(got, probs, strict=True)), (got, probs)


def test_naive_bayes_scaling_is_folded_into_plain_weights() -> None:
    """fit() scales every feature by its naive-Bayes log-count ratio before the regression and
    stores weight times ratio: the shipped linear model must give the fitted model's
    probabilities, and the ratio must lean each feature towards the label it occurs with."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    posts = [
        ({"<co>": 1.0, "crook": 1.0, "is": 1.0}, {"defamation"}),
        ({"<co>": 1.0, "crook": 1.0, "thief": 1.0}, {"defamation"}),
        ({"<co>": 1.0, "scam": 1.0, "is": 1.0}, {"defamation"}),
        ({"<co>": 1.0, "friendly": 1.0, "is": 1.0}, set()),
        ({"<co>": 1.0, "friendly": 1.0, "fast": 1.0}, set()),
        ({"<co>": 1.0, "fast": 1.0, "delivery": 1.0}, set()),
    ]
    rows = [trainer.Row("f", frozenset(labels), {}, feats) for feats, labels in posts]
    names, biases, weights = trainer.fit(rows, ["defamation"])
    x = DictVectorizer().fit_transform([feats for feats, _ in posts]).tocsr()
    y = np.array([bool(labels) for _, labels in posts])
    ratio = trainer.nb_ratio(x, y)
    ratios = dict(zip(names, ratio, strict=True))
    assert ratios["crook"] > 0 > ratios["friendly"]  # seen only with the label / only without it
    assert abs(ratios["<co>"]) < 1e-9  # in every post: no evidence either way
    fitted = LogisticRegression(C=trainer.C, class_weight="balanced", max_iter=3000)
    fitted.fit(x.multiply(ratio).tocsr(), y)
    expected = fitted.predict_proba(x.multiply(ratio).tocsr())[:, 1]
    got = 1.0 / (1.0 + np.exp(-(biases[0] + x @ weights[:, 0])))
    assert np.allclose(got, expected, atol=1e-9)
    assert weights[names.index("crook"), 0] > 0 > weights[names.index("friendly"), 0]


def test_withdrawal_is_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    caplog.set_level(logging.DEBUG, logger="detectors.text_model")
    post = post_of(TAKEN_BACK, "p1")
    detector_set(model=False).run(post)
    TextModelDetector(DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER)).detect(post)
    assert "withdrew" in caplog.text and "p1" in caplog.text and "scammers" not in caplog.text
