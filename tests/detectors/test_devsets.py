"""Regression guard: the labelled development sets in tests/data meet the issue's targets.

minato and hikari were written with the detectors; hokuto, aoba, kestrel, midori and hayate were written afterwards
as held-out sets; tsubame, sakura_clinic and northwind, then kaede_fudosan, hoshino_hotel and ridgeline_games were
written blind by another engineer (their first, untuned figures are in docs/detectors.md, with the corrected gold
labels); the figures here are after fixes made because of them."""

from __future__ import annotations

import pytest

from crawler.evaluation.text import build_detectors, load_company, load_posts, predict, score
from tests.conftest import REPO


@pytest.mark.parametrize(
    "name",
    [
        "minato",
        "hikari",
        "hokuto",
        "aoba",
        "kestrel",
        "midori",
        "hayate",
        "tsubame",
        "sakura_clinic",
        "northwind",
        "kaede_fudosan",
        "hoshino_hotel",
        "ridgeline_games",
    ],
)
def test_devset_meets_targets(name: str) -> None:
    folder = REPO / "tests" / "data" / name
    examples = load_posts(folder / "posts.jsonl")
    detectors = build_detectors(load_company(folder / "company.toml"), folder / "roster.csv")
    report = score(examples, predict(detectors, examples))
    assert report["posts"] >= 40
    assert report["macro_f1"] >= 0.90, report["labels"]
    assert report["no_label_flagged_share"] <= 0.03
    assert report["employees"]["precision"] >= 0.97
    assert report["employees"]["recall"] >= 0.93
    assert detectors.errors == 0
