"""The learned name model (detectors.name_model): which names it withdraws, which it keeps, what
it reads, how a bad model file disables it, and that the shipped model is the one the training
script makes."""

from __future__ import annotations

import json
import logging
import math
import shutil
from pathlib import Path

import pytest

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post, Span
from detectors.attribution import Target
from detectors.bag_network import network_file
from detectors.base import DetectorContext, DetectorSet
from detectors.name_model import MODEL_PATH, NameModel, NameModelDetector, candidate_features, read_name
from tests.conftest import REPO
from tests.detectors.helpers import MINATO, MINATO_ROSTER, detector_set
from training import train_name_model as trainer

BOSS = "課長の渡辺がまた人の手柄横取りしやがった。クソが。ミナトで機種変してくる"  # the writer's boss


def names(text: str, *, model: bool) -> set[str | None]:
    post = Post(platform="test", source="test", id="t", url="", text=text)
    detector_set(model=model).run(post)
    return {f.employee_id for f in post.findings if f.label == "employee_named"}


@pytest.mark.parametrize(
    "text",
    [
        "パワプロで山崎のフォーク打てなさすぎ。ミナトのスマホ投げそうになった",  # a player in a game
        BOSS,  # the writer's own boss
    ],
)
def test_withdraws_a_namesake_the_rules_take_for_the_employee(text: str) -> None:
    assert names(text, model=False)  # the rules read the employee …
    assert not names(text, model=True)  # … the model reads someone who shares the name


@pytest.mark.parametrize(
    ("text", "employee"),
    [
        ("Saito at the Minato counter was so rude to me today.", "E004"),
        ("ミナトの渡辺さん、説明が丁寧で助かった", "E005"),
        ("ミナト通信の山崎さんにまた怒鳴られた", "E006"),
        ("田中美咲、ミナト辞めろ", "E001"),  # a full name, no honorific, abuse
    ],
)
def test_keeps_the_employee(text: str, employee: str) -> None:
    assert names(text, model=True) == {employee}


def test_a_withdrawn_name_is_no_target_for_the_abuse_aimed_at_it() -> None:
    post = Post(platform="test", source="test", id="t", url="", text=BOSS)
    detector_set(model=False).run(post)
    assert {f.label for f in post.findings if f.employee_id == "E005"} == {"employee_named", "defamation"}
    post.findings.clear()
    detector_set(model=True).run(post)
    assert [f.label for f in post.findings] == [
        "company_mentioned"
    ]  # the boss's misdeed is not the company's


def test_features_read_the_names_neighbours() -> None:
    text = "Saito from Inception would run Minato."
    feats = candidate_features(text, [Target(29, 35, None, "Minato")], [(0, 5)], strong=False)
    assert {
        "k:weak",
        "lang:en",
        "pos:start",
        "L1:^",
        "R1:from",
        "R2:inception",
        "R2s:CAP",
        "cos:True",
    } <= set(feats)
    assert "p:<cand>" in feats and "p:<co>" in feats and "p:saito" not in feats  # the name is a placeholder
    assert "cod:far" in feats or "cod:8" in feats or "cod:4" in feats
    ja = "ミナト通信の田中さんが来た。"
    feats = candidate_features(ja, [Target(0, 5, None, "ミナト通信")], [(6, 8)], strong=False)
    assert {"lang:ja", "L1:の", "L2:<co>", "R1:さん", "cod:2", "cos:True"} <= set(feats)
    manager = candidate_features(
        "ミナトの工場見学、田中工場長の説明", [Target(0, 3, None, "ミナト")], [(9, 11)], strong=False
    )
    assert "role:after" in manager and "role:before" not in manager and "hon:after" not in manager
    operator = candidate_features("オペの田中に切られた", [], [(3, 5)], strong=False)
    assert "role:before" in operator and "role:after" not in operator
    alone = candidate_features("田中さんが来た", [], [(0, 2)], strong=True)
    assert "hon:after" in alone
    assert {"k:strong", "co:none"} <= set(alone) and not any(f.startswith("cod:") for f in alone)


def test_options_override_the_threshold() -> None:
    text = BOSS
    for withdraw, kept in ((0.0, True), (1.01, False)):
        context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"name_model": {"withdraw": withdraw}})
        detectors = DetectorSet.from_paths(
            {
                "detectors.company.CompanyMentionDetector": 1,
                "detectors.names.EmployeeNameDetector": 2,
                "detectors.name_model.NameModelDetector": 3,
            },
            context,
        )
        post = Post(platform="test", source="test", id="t", url="", text=text)
        detectors.run(post)
        assert any(f.label == "employee_named" for f in post.findings) is kept


def test_withdrawal_is_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    post = Post(platform="test", source="test", id="p-7", url="", text=BOSS)
    with caplog.at_level(logging.DEBUG, logger="detectors.name_model"):
        detector_set(model=True).run(post)
    (record,) = [r for r in caplog.records if r.name == "detectors.name_model"]
    assert "E005" in record.getMessage() and "p-7" in record.getMessage()
    assert "渡辺" not in record.getMessage() and "課長" not in record.getMessage()


def test_detector_returns_nothing_and_keeps_other_findings() -> None:
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"name_model": {"withdraw": 1.01}})
    detector = NameModelDetector(context)
    post = Post(platform="test", source="test", id="t", url="", text="Minato is a scam")
    company = Finding("company", "company_mentioned", "info", 1.0, "The company.")
    post.findings.append(company)
    assert detector.detect(post) == [] and post.findings == [company]


def test_a_missing_foreign_or_broken_model_disables_the_detector(tmp_path: Path) -> None:
    def build(path: Path) -> NameModelDetector:
        options = {"name_model": {"path": str(path)}}
        return NameModelDetector(DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, options))

    with pytest.raises(DetectorUnavailable, match="does not exist; train it"):
        build(tmp_path / "no.json")
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    for name, change, message in (
        ("foreign.json", {"format": "other"}, "is not a mamori name model"),
        ("old.json", {"feature_version": "name-context-0"}, "retrain it"),
        ("inconsistent.json", {"bias": "high"}, "inconsistent"),
    ):
        path = tmp_path / name
        path.write_text(json.dumps({**data, **change}), encoding="utf-8")
        with pytest.raises(DetectorUnavailable, match=message):
            build(path)
    shutil.copy(network_file(MODEL_PATH), network_file(tmp_path / "inconsistent.json"))
    for name, section, message in (
        ("incomplete.json", data["network"], "is incomplete: its network"),  # no .network.bin beside it
        (
            "inconsistent.json",
            {**data["network"], "features": data["network"]["features"][:-1]},
            "inconsistent network",
        ),
    ):
        path = tmp_path / name
        path.write_text(json.dumps({**data, "network": section}), encoding="utf-8")
        with pytest.raises(DetectorUnavailable, match=message):
            build(path)
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(DetectorUnavailable, match="cannot be read"):
        build(broken)
    context = DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER, {"name_model": {"path": str(broken)}})
    disabled = DetectorSet.from_paths({"detectors.name_model.NameModelDetector": 1}, context)
    assert disabled.detectors == [] and "cannot be read" in next(iter(disabled.disabled.values()))


def test_the_shipped_model_averages_two_readers(tmp_path: Path) -> None:
    """The probability is the regression's, lowered to the mean of the regression's and the
    network's log-odds where that is lower; a model file without a network is the regression alone."""
    shipped = NameModel.load(MODEL_PATH)
    assert shipped.network is not None and shipped.rows is not None
    features = candidate_features(
        BOSS, [Target(3, 5, "E005", "渡辺"), Target(25, 28, None, "ミナト")], [(3, 5)], strong=False
    )
    z = shipped.regression(features)
    net = float(shipped.network.logits([shipped.rows[f] for f in features if f in shipped.rows])[0])
    assert math.isclose(shipped.logit(features), min(z, 0.5 * z + 0.5 * net))
    assert shipped.probability(features) < shipped.threshold  # the writer's boss: withdrawn
    unknown = min(shipped.bias, 0.5 * shipped.bias + 0.5 * float(shipped.network.bias[0]))
    assert shipped.logit(["no-such-feature"]) == unknown
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    del data["network"]
    alone = tmp_path / "regression.json"
    alone.write_text(json.dumps(data), encoding="utf-8")
    regression = NameModel.load(alone)
    assert regression.network is None and regression.logit(features) == z


def test_a_retrained_model_file_is_read_again(tmp_path: Path) -> None:
    """A long-running process (daemon, portal) picks up a retrained file without a restart."""
    path = tmp_path / "name_model.json"
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(network_file(MODEL_PATH), network_file(path))
    first = NameModel.load(path)
    assert NameModel.load(path) is first  # read once while the file is unchanged
    retrained = {**data, "threshold": 0.5, "bias": data["bias"] + 1.0, "note": "retrained"}  # a new size
    path.write_text(json.dumps(retrained), encoding="utf-8")
    second = NameModel.load(path)
    assert second is not first and second.threshold == 0.5 and second.bias == data["bias"] + 1.0


def test_shipped_model_matches_the_corpus() -> None:
    """Edit training/text and forget to retrain: this fails (python training/train_name_model.py)."""
    assert trainer.main(["--check"]) == 0
    model = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert model["threshold"] in trainer.GRID
    held = model["meta"]["held_out"]
    row = next(r for r in held["thresholds"] if r["threshold"] == model["threshold"])
    assert row["true_names_withdrawn"] <= trainer.MAX_LOST * held["rules_true_names"]
    assert row["false_names_withdrawn"] > 0


def test_training_script_scores_like_the_detector(tmp_path: Path) -> None:
    """Train on three small folders: candidates include names the rules refused, the threshold
    comes from the grid, and the saved weights give the fitted regression's probabilities."""
    corpus = tmp_path / "training" / "text"
    for name in ("asahi_gas", "lumen_bank", "precision_en_a"):
        shutil.copytree(REPO / "training" / "text" / name, corpus / name)
    folders = sorted(corpus.iterdir())
    cands = trainer.load_candidates(folders)
    assert any(c.accepted and c.named for c in cands) and any(not c.accepted and not c.named for c in cands)
    model = trainer.train(folders)
    assert model["threshold"] in (0.0, *trainer.GRID)
    out = tmp_path / "name_model.json"
    trainer.save(model, out)
    loaded = NameModel.load(out)
    assert loaded.network is not None and network_file(out).exists()
    names_, weights, bias = trainer.fit(cands)
    index = dict(zip(names_, weights, strict=True))
    fitted = trainer.fit_network(cands)  # deterministic: the same fit as in train()
    assert model["network"]["features"] == fitted.vocabulary
    rows = {f: i for i, f in enumerate(fitted.vocabulary)}
    for cand in cands[:60]:
        z = bias + sum(index.get(f, 0.0) for f in cand.features)
        assert math.isclose(loaded.regression(cand.features), z, abs_tol=2e-3)
        total = sum(
            (fitted.vectors[rows[f]] for f in cand.features if f in rows), start=0.0 * fitted.vectors[0]
        )
        net = float((total.clip(min=0.0) @ fitted.weight + fitted.bias)[0])
        lowered = min(z, 0.5 * z + 0.5 * net)  # the network only ever lowers, to the two readers' mean
        assert math.isclose(loaded.probability(cand.features), 1 / (1 + math.exp(-lowered)), abs_tol=5e-3)


@pytest.mark.parametrize(
    ("text", "company", "name", "beside"),
    [
        ("ミナト通信の田中さんが来た", (0, 5), (6, 8), True),
        ("Tanaka from Minato called me", (12, 18), (0, 6), True),
        ("田中さんが来た。ミナト通信で機種変した", (8, 13), (0, 2), False),  # another sentence
        ("Tanaka, the one who always sings karaoke loudly, works at Minato", (58, 64), (0, 6), False),
    ],
)
def test_a_name_beside_the_company_is_kept_unscored(
    text: str, company: tuple[int, int], name: tuple[int, int], beside: bool
) -> None:
    targets = [Target(*company, None, text[slice(*company)]), Target(*name, "E001", text[slice(*name)])]
    assert read_name(text, targets, [name]).beside_company() is beside
    finding = Finding(
        "names", "employee_named", "low", 0.75, "Names E001.", (Span(*name, text[slice(*name)]),), "E001"
    )
    mention = Finding("company", "company_mentioned", "info", 1.0, "The company.", (Span(*company, "co"),))
    post = Post(platform="test", source="test", id="t", url="", text=text)
    post.findings += [mention, finding]
    detector = NameModelDetector(DetectorContext(MINATO[0], MINATO[1], MINATO_ROSTER))
    assert (detector.probability(post, finding) == 1.0) is beside


@pytest.mark.parametrize(
    ("text", "company", "name", "employed"),
    [
        ("My friend Wang Lihua works at Minato Tsushin.", "Minato Tsushin", "Wang Lihua", True),
        ("Does anyone know if Lihua still works at the Minato interpreter desk?", "Minato", "Lihua", True),
        ("ミナト通信で働いてる王麗華って人、知ってる？", "ミナト通信", "王麗華", True),
        ("王麗華はミナト通信で働いてるよ", "ミナト通信", "王麗華", True),
        ("ミナト通信勤務の王麗華", "ミナト通信", "王麗華", True),
        ("My sister Lihua works at Apple, not Minato Tsushin.", "Minato Tsushin", "Lihua", False),
        ("Lihua worked at Minato Tsushin years ago.", "Minato Tsushin", "Lihua", False),  # not now
        ("王麗華はミナト通信の悪口ばかり言う", "ミナト通信", "王麗華", False),
        ("Lihua works at the bakery. Minato Tsushin is next door.", "Minato Tsushin", "Lihua", False),
    ],
)
def test_a_name_said_to_work_at_the_company_is_kept_unscored(
    text: str, company: str, name: str, employed: bool
) -> None:
    """The network reads "my friend X" as someone else; "… works at <company>" says otherwise."""
    co, nm = text.index(company), text.index(name)
    targets = sorted(
        [Target(co, co + len(company), None, company), Target(nm, nm + len(name), "A01", name)],
        key=lambda t: t.start,
    )
    reading = read_name(text, targets, [(nm, nm + len(name))])
    assert reading.employed_at_company() is employed
    assert reading.kept_unscored() is (employed or reading.beside_company())


def test_the_threshold_choice_never_counts_names_beside_the_company() -> None:
    near = trainer.Candidate("a", (), named=False, accepted=True, beside=True)
    far = trainer.Candidate("a", (), named=False, accepted=True, beside=False)
    right = trainer.Candidate("a", (), named=True, accepted=True, beside=False)
    _, figures = trainer.choose_threshold([near, far, right], [0.0, 0.0, 0.9])
    assert all(row["false_names_withdrawn"] == 1 for row in figures["thresholds"])
    assert all(row["true_names_withdrawn"] == 0 for row in figures["thresholds"])
