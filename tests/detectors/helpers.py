"""Build the real text detectors for a roster and run them on a text."""

from __future__ import annotations

from functools import lru_cache

from crawler.evaluation.text import text_detector_paths
from crawler.items import Finding, Post
from crawler.roster import Employee, Roster
from detectors.base import DetectorContext, DetectorSet

MINATO = ("ミナト通信", ("ミナト通信", "みなと通信", "Minato Tsushin", "ミナト"))
MINATO_ROSTER = Roster(
    (
        Employee("E001", "田中 美咲", "たなか みさき", "Tanaka Misaki", ("みさきち", "Misa")),
        Employee("E002", "佐藤 健太", "さとう けんた", "Sato Kenta"),
        Employee("E003", "高橋 由美", "たかはし ゆみ", "Takahashi Yumi", ("ゆみりん",)),
        Employee("E004", "齋藤 翔", "さいとう しょう", "Saito Sho"),
        Employee("E005", "渡辺 直人", "わたなべ なおと", "Watanabe Naoto"),
        Employee("E006", "山崎 葵", "やまざき あおい", "Yamazaki Aoi"),
        Employee("E007", "鈴木 一郎", "すずき いちろう", "Suzuki Ichiro"),
        Employee("E008", "鈴木 花子", "すずき はなこ", "Suzuki Hanako"),
    )
)


TEXT_MODEL = "detectors.text_model.TextModelDetector"
NAME_MODEL = "detectors.name_model.NameModelDetector"


@lru_cache(maxsize=16)
def detector_set(
    require_target: bool = True,
    *,
    model: bool = False,
    company: tuple[str, tuple[str, ...]] = MINATO,
    roster: Roster = MINATO_ROSTER,
) -> DetectorSet:
    """The registered text detectors for ``company`` and ``roster``; without the learned text
    and name models unless ``model`` is set, so the rule tests here test the rules (the models
    have tests of their own)."""
    options = {} if require_target else {"harassment": {"require_target": False}}
    context = DetectorContext(company[0], company[1], roster, options)
    return DetectorSet.from_paths(
        text_detector_paths(), context, disabled=() if model else (TEXT_MODEL, NAME_MODEL)
    )


def run(text: str) -> list[Finding]:
    post = Post(platform="test", source="test", id="t", url="", text=text)
    detector_set().run(post)
    return post.findings


def labels(text: str) -> set[str]:
    return {f.label for f in run(text)} - {"company_mentioned"}


def employees(text: str) -> set[str]:
    return {f.employee_id for f in run(text) if f.label == "employee_named" and f.employee_id}


def assert_spans_original(text: str, findings: list[Finding]) -> None:
    for finding in findings:
        assert finding.spans, finding
        for span in finding.spans:
            assert text[span.start : span.end] == span.text, (finding.label, span)
