"""The combiner (detectors.combiner): its inputs, its file section, and that the detector's
arithmetic is the fitted regression's."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from crawler.exceptions import DetectorUnavailable
from detectors.combiner import EDGES, N_BINS, RULE_BINS, Combiner, active, dimension, logit_bin, rule_bin
from detectors.text_model import LABELS, MODEL_PATH, Limits, TextModel, companion_files, kept
from training import train_text_model as trainer


def test_bins_follow_the_log_odds() -> None:
    assert logit_bin(0.0) == 0 and logit_bin(1.0) == N_BINS - 1  # clipped, not an error
    assert logit_bin(0.5) == EDGES.index(0.0)  # log-odds 0 falls on the edge: the bin below it
    ps = [i / 100 for i in range(1, 100)]
    assert [logit_bin(p) for p in ps] == sorted(logit_bin(p) for p in ps)
    assert rule_bin(None) == 0
    assert [rule_bin(s) for s in (0.1, 0.3, 0.6, 0.85, 1.0)] == [1, 2, 3, 4, 4]


def test_inputs_are_one_per_group_and_inside_the_weights() -> None:
    n = len(LABELS)
    for j in range(n):
        pbins = [(j + k) % N_BINS for k in range(n)]
        rbins = [(j * k) % RULE_BINS for k in range(n)]
        for blocked in (False, True):
            on = active(j, pbins, rbins, blocked)
            assert len(on) == 2 * n + 2 and len(set(on)) == len(on)
            assert all(0 <= i < dimension(n) for i in on)
    # the context check moves only the label's own crossed input
    a, b = active(0, [3] * n, [0] * n, False), active(0, [3] * n, [0] * n, True)
    assert a[:-1] == b[:-1] and b[-1] - a[-1] == N_BINS


def test_a_file_with_other_bins_or_sizes_is_refused() -> None:
    good = {
        "edges": list(EDGES),
        "rule_bins": RULE_BINS,
        "bias": [0.0] * 2,
        "weights": [[0.0] * dimension(2)] * 2,
    }
    assert Combiner.from_json(good, ("a", "b")).probabilities([0.5, 0.5], {}) == [(0.5, 0.5)] * 2
    with pytest.raises(ValueError, match="other bins"):
        Combiner.from_json({**good, "edges": [0.0, 1.0]}, ("a", "b"))
    with pytest.raises(ValueError, match="does not match its labels"):
        Combiner.from_json({**good, "bias": [0.0]}, ("a", "b"))


def test_a_model_without_a_combiner_disables_the_detector(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    del data["combiner"]
    old.write_text(json.dumps(data), encoding="utf-8")
    for mine, theirs in zip(companion_files(old), companion_files(MODEL_PATH), strict=True):
        shutil.copy(theirs, mine)
    with pytest.raises(DetectorUnavailable, match="has no combiner"):
        TextModel.load(old)


def test_what_stays_and_what_is_added() -> None:
    limits = Limits(add=0.5, withdraw=0.9, withdraw_strong=0.4)
    assert kept("personal_info", 0.5, 0.0, -9.0, limits)  # never withdrawn
    assert not kept("insult", 0.5, 0.3, 0.0, limits) and kept("insult", 0.5, 0.9, 0.0, limits)
    assert kept("insult", None, 0.5, 0.0, limits) and not kept("insult", None, 0.49, 9.0, limits)
    assert not kept("insult", None, 0.99, 9.0, limits, condemned=True)  # quoted to be condemned
    # a strong finding: withdrawn only when unlikely AND the words speak against it
    assert kept("threat", 0.9, 0.1, 0.3, limits)  # 社員全員ぶっ殺す: no words against it
    assert kept("threat", 0.9, 0.45, -3.0, limits)  # likely enough
    assert not kept("threat", 0.9, 0.1, -1.0, limits)


def test_the_detector_reads_the_fitted_regression() -> None:
    """fit_combiner's regressions, read back from the file section by Combiner.probabilities,
    give sklearn's own probabilities: the training script and the detector agree."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    labels = list(LABELS)
    rows, scored = [], []
    for i in range(400):
        truth = {lab for lab in labels if rng.random() < 0.2}
        probs = [
            float(np.clip(rng.normal(0.7 if lab in truth else 0.2, 0.2), 0.001, 0.999)) for lab in labels
        ]
        rule = {
            lab: float(rng.choice([0.5, 0.9]))
            for lab in labels
            if rng.random() < (0.6 if lab in truth else 0.05)
        }
        blocked = [bool(rng.random() < 0.1) for _ in labels]
        rows.append(trainer.Row(f"f{i % 5}", frozenset(truth), rule, {"u:x": 1.0}))
        scored.append((probs, [0.0] * len(labels), blocked, [False] * len(labels)))
    combiner = Combiner.from_json(
        json.loads(json.dumps(trainer.fit_combiner(rows, scored, labels).to_json())), labels
    )
    for j, label in enumerate(labels):
        inputs = [trainer.combiner_inputs(r, s, labels)[j] for r, s in zip(rows, scored, strict=True)]
        x = csr_matrix(
            (
                np.ones(sum(map(len, inputs))),
                [c for on in inputs for c in on],
                np.cumsum([0] + [len(on) for on in inputs]),
            ),
            shape=(len(rows), dimension(len(labels))),
        )
        y = np.array([label in r.labels for r in rows])
        expected = LogisticRegression(C=trainer.COMBINER_C, max_iter=3000).fit(x, y).predict_proba(x)[:, 1]
        for i in range(0, len(rows), 37):
            probs, _, blocked, _ = scored[i]
            claim, aside = combiner.probabilities(probs, rows[i].rule)[j]
            got = aside if blocked[j] else claim
            assert math.isclose(got, expected[i], abs_tol=1e-5), (label, i, got, expected[i])
