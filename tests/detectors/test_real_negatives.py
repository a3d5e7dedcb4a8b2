"""The real clean posts the text model's network trains on (training/real_negatives.py): which
half, how they are cleaned and dressed, and that the stress test's measured half stays unseen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detectors.text_model import MODEL_PATH
from tests.conftest import SHARED_DATA
from training import real_negatives
from training import train_text_model as trainer

pytestmark = pytest.mark.skipif(
    not (SHARED_DATA / "toxicity").is_dir(), reason=f"the shared data is not at {SHARED_DATA}"
)
SOURCE = SHARED_DATA / "toxicity"
STRESS_PREFIXES = ("Minato Tsushin: ", "ミナト通信の件、")  # benchmarks/text_realdata.py's


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("@USER @USER She is great URL", "She is great"),
        ("RT @bob_99: hello &amp;amp; bye http://t.co/xYz", "hello & bye"),
        ("&#8220;@someone: good morning&#8221;", "\u201c good morning\u201d"),
        ("今日は雨　だね", "今日は雨 だね"),
    ],
)
def test_scrub_removes_the_datasets_marks(raw: str, clean: str) -> None:
    assert real_negatives.scrub(raw) == clean


def test_the_halves_are_fixed_and_even() -> None:
    ids = [p.id for p in real_negatives.davidson(SOURCE)]
    trained = [real_negatives.trained_on(i) for i in ids]
    assert trained == [real_negatives.trained_on(i) for i in ids]  # a hash, not a draw
    assert 0.47 < sum(trained) / len(ids) < 0.53


def test_negatives_are_clean_posts_of_the_trained_half_behind_other_mentions() -> None:
    posts = {
        p.id: p
        for p in (
            *real_negatives.inspection_ai(SOURCE)[0],
            *real_negatives.davidson(SOURCE),
            *real_negatives.olid(SOURCE),
        )
    }
    negatives = real_negatives.negatives(SOURCE)
    assert {i for i, _, _ in negatives} == {
        i for i, p in posts.items() if p.clean and real_negatives.trained_on(i)
    }
    assert {lang for _, _, lang in negatives} == {"ja", "en"}
    for post_id, text, _ in negatives:
        assert real_negatives.scrub(posts[post_id].text) in text
        assert not text.startswith(STRESS_PREFIXES) and "@USER" not in text
    # The measured half (the stress test's figure) is never among them.
    measured = {i for i, p in posts.items() if p.clean and not real_negatives.trained_on(i)}
    assert len(measured) > 6000 and not measured & {i for i, _, _ in negatives}


def test_every_template_names_the_company() -> None:
    features = real_negatives.features(SOURCE)
    assert len(features) == len(real_negatives.negatives(SOURCE))  # the company found in every one
    assert all("u:<co>" in feats for feats in features)


def test_a_missing_source_says_where_the_data_belongs(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="MAMORI_SHARED_DATA"):
        real_negatives.negatives(tmp_path)


def test_the_shipped_model_records_the_real_negatives() -> None:
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))["meta"]
    assert meta["real_negatives"]["sha256"] == real_negatives.digest(SOURCE)
    assert meta["real_negatives"]["posts"] == len(real_negatives.features(SOURCE))
    assert trainer.REAL_NEGATIVES
