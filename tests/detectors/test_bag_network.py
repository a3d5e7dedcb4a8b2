"""The text model's network (detectors/bag_network.py) and its training (training/bag_network.py)."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from crawler.exceptions import DetectorUnavailable
from detectors.bag_network import BagNetwork, network_file
from detectors.base import DetectorContext
from detectors.text_model import MODEL_PATH, TextModel, TextModelDetector, companion_files
from tests.detectors.helpers import MINATO, MINATO_ROSTER
from training.bag_network import fit_network

RNG = np.random.default_rng(7)


def small_network(n_rows: int = 10, dim: int = 4, labels: int = 2) -> BagNetwork:
    vectors = RNG.normal(size=(3, dim)).astype(np.float16).astype(np.float32)  # exact in storage
    return BagNetwork.of(n_rows, [7, 2, 5], vectors, RNG.normal(size=(dim, labels)), RNG.normal(size=labels))


def test_logits_are_the_sum_of_known_vectors_through_a_rectifier() -> None:
    net = small_network()
    # word-model rows 2, 5, 7 are vectors 2, 3, 1 (1-based; 0 is "none"); rows 1, 3 are unknown
    expected_hidden = np.maximum(net.vectors[2] + net.vectors[3], 0.0)
    assert np.allclose(net.logits([1, 2, 3, 5]), expected_hidden @ net.weight + net.bias)
    assert np.allclose(net.logits([1, 3]), net.bias)  # nothing known: the bias alone
    assert np.allclose(net.logits([]), net.bias)


def test_bad_shapes_and_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="shapes disagree"):
        BagNetwork.of(10, [1, 2], np.zeros((3, 4)), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="shapes disagree"):
        BagNetwork.of(10, [1, 2], np.zeros((2, 4)), np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"outside 1\.\.9"):
        BagNetwork.of(10, [0, 2], np.zeros((2, 4)), np.zeros((4, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"outside 1\.\.9"):
        BagNetwork.of(10, [10], np.zeros((1, 4)), np.zeros((4, 2)), np.zeros(2))


def test_written_network_reads_back_the_same(tmp_path: Path) -> None:
    net = small_network()
    path = tmp_path / "m.network.bin"
    net.write(path)
    back = BagNetwork.read(json.loads(json.dumps(net.to_json())), path, 10)
    for rows in ([2], [5, 7], [1, 2, 3, 5, 7, 9]):
        assert np.allclose(back.logits(rows), net.logits(rows), atol=1e-5)
    path.write_bytes(path.read_bytes()[:-2])
    with pytest.raises(ValueError, match="not the 3 words × 4 numbers"):
        BagNetwork.read(net.to_json(), path, 10)


def test_the_network_only_lowers_the_word_models_probability() -> None:
    names = ["u:a", "u:b", "u:c"]
    weights = np.array([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]])
    plain = TextModel.of(["x", "y"], [0.1, -0.2], names, weights, {})
    net = BagNetwork.of(4, [1, 3], np.array([[1.0, 0.0], [0.0, -1.0]]), np.eye(2), np.array([0.0, 0.5]))
    both = replace(plain, network=net)
    probs, evidence = both.scores(["u:a", "u:c", "u:zzz"])
    assert evidence == plain.scores(["u:a", "u:c", "u:zzz"])[1]  # explanations: the word model's
    n = np.maximum(np.array([1.0, -1.0]), 0.0) @ np.eye(2) + np.array([0.0, 0.5])
    z = np.array([0.1 + 1.0, -0.2 + 1.0])
    assert n[0] < z[0] and n[1] < z[1]  # the network is less sure of both: the blend lowers them
    expected = 1.0 / (1.0 + np.exp(-(0.5 * z + 0.5 * n)))
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(probs, expected, strict=True))
    sure = replace(plain, network=replace(net, bias=np.array([5.0, 5.0])))  # surer than the words
    assert sure.scores(["u:a", "u:c", "u:zzz"])[0] == plain.scores(["u:a", "u:c", "u:zzz"])[0]


def test_fit_learns_and_is_reproducible() -> None:
    posts, targets = [], []
    for i in range(900):
        bad = i % 3 == 0
        feats = {"u:<co>": 1.0, f"u:filler{i % 17}": 1.0, f"u:more{i % 5}": 1.0}
        feats["u:crook" if bad else "u:friendly"] = 1.0
        posts.append(feats)
        targets.append(frozenset({"defamation"} if bad else set()))
    first = fit_network(posts, targets, ["defamation", "insult"])
    again = fit_network(posts, targets, ["defamation", "insult"])
    assert first.vocabulary == again.vocabulary and np.array_equal(first.vectors, again.vectors)
    assert np.array_equal(first.weight, again.weight)
    assert "u:crook" in first.vocabulary and first.vectors.shape == (
        len(first.vocabulary),
        first.weight.shape[0],
    )
    rows = {f: i for i, f in enumerate(first.vocabulary, start=1)}
    net = BagNetwork.of(len(rows) + 1, list(rows.values()), first.vectors, first.weight, first.bias)
    crook = net.logits([rows["u:<co>"], rows["u:crook"], rows["u:filler3"]])
    kind = net.logits([rows["u:<co>"], rows["u:friendly"], rows["u:filler3"]])
    assert crook[0] > 1.0 and kind[0] < -1.0  # defamation follows the word, not the filler
    assert crook[1] < 0 and kind[1] < 0  # no post was an insult


def test_a_missing_or_broken_network_disables_the_detector(tmp_path: Path) -> None:
    model = tmp_path / "m.json"
    shutil.copy(MODEL_PATH, model)
    for mine, theirs in zip(companion_files(model), companion_files(MODEL_PATH), strict=True):
        shutil.copy(theirs, mine)
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"text_model": {"path": str(model)}})
    with pytest.raises(DetectorUnavailable, match=r"incomplete .*\.network\.bin"):
        TextModelDetector(context)
    network_file(model).write_bytes(network_file(MODEL_PATH).read_bytes()[:100])
    with pytest.raises(DetectorUnavailable, match="inconsistent network"):
        TextModelDetector(context)
    shutil.copy(network_file(MODEL_PATH), network_file(model))
    assert TextModelDetector(context).model.network is not None
