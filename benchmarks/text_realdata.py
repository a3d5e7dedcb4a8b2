"""Measure the abuse lexicons on real, public toxicity data (../shared/data/toxicity).

These posts have no company and no employee in them, so a production run (a harassment label
needs the company or an employee as target) would flag none of them. To measure the abuse
lexicons honestly, this script runs ``mamori eval text --any-target`` semantics: the target
requirement is relaxed, every other rule (negation, quotation/condemnation, weak words,
news) stays. Labels are mapped as follows and the report says so:

- Japanese inspection-ai subset: majority Toxic/Very Toxic → abusive (``discrimination`` if
  half the annotators tagged 差別, ``sexual`` if 猥褻, else ``insult``); no toxic vote → clean;
  some but not a majority of toxic votes → left out (ambiguous).
- Davidson: class 0 (hate speech) → ``discrimination``, class 1 (offensive) → ``insult``,
  class 2 → clean.
- OLID: OFF → ``insult``, NOT → clean (training set and the level-A test set).

The figure that matters is the ``(any harassment)`` row (abusive vs clean); per-label rows are
only as good as the mapping above. A second section puts a company mention in front of
every clean post and runs the real (targeted) detectors: the share flagged is an upper bound
of false alarms on off-topic posts that mention the company. Run: ``.venv/bin/python benchmarks/text_realdata.py [--json]``.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.evaluation.text import Example, build_detectors, predict, render, score  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "toxicity"
COMPANY = ("ミナト通信", ("Minato Tsushin",))
ROSTER = ROOT / "tests" / "data" / "minato" / "roster.csv"


def inspection_ai() -> tuple[list[Example], int]:
    examples, ambiguous = [], 0
    with (DATA / "ja" / "inspection-ai__subset.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n = int(row["annotation_num"])
            toxic = int(row["Toxic"]) + int(row["Very Toxic"])
            if 0 < toxic * 2 <= n:
                ambiguous += 1
                continue
            labels: frozenset[str] = frozenset()
            if toxic * 2 > n:
                if int(row["category_差別"]) * 2 >= n:
                    labels = frozenset({"discrimination"})
                elif int(row["category_猥褻"]) * 2 >= n:
                    labels = frozenset({"sexual"})
                else:
                    labels = frozenset({"insult"})
            examples.append(Example(f"ja{row['id']}", row["text"], "ja", labels))
    return examples, ambiguous


def davidson() -> list[Example]:
    out = []
    with (DATA / "en" / "davidson__labeled_data.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cls = row["class"]
            labels = {"0": {"discrimination"}, "1": {"insult"}}.get(cls, set())
            out.append(Example(f"dv{row['']}", row["tweet"], "en", frozenset(labels)))
    return out


def olid() -> list[Example]:
    base = DATA / "en" / "OLIDv1.0"
    out = []
    with (base / "olid-training-v1.0.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            out.append(
                Example(
                    f"ol{row['id']}",
                    row["tweet"],
                    "en",
                    frozenset({"insult"}) if row["subtask_a"] == "OFF" else frozenset(),
                )
            )
    gold: dict[str, str] = {}
    with (base / "labels-levela.csv").open(encoding="utf-8") as fh:
        for pair in csv.reader(fh):
            if len(pair) == 2:
                gold[pair[0]] = pair[1]
    with (base / "testset-levela.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["id"] in gold:
                out.append(
                    Example(
                        f"olt{row['id']}",
                        row["tweet"],
                        "en",
                        frozenset({"insult"}) if gold[row["id"]] == "OFF" else frozenset(),
                    )
                )
    return out


def stress(detectors: object, sets: dict[str, list[Example]]) -> dict[str, dict[str, float]]:
    """Clean posts (no expected label) with a company mention put in front, run with the
    target requirement ON: how often does an off-topic post that mentions the company get a
    harassment label? (An upper bound: these posts were written about something else.)"""
    out = {}
    for name, examples in sets.items():
        clean = [
            Example(e.id, ("ミナト通信の件、" if e.lang == "ja" else "Minato Tsushin: ") + e.text, e.lang)
            for e in examples
            if not e.labels
        ]
        predictions = predict(detectors, clean)
        flagged = sum(1 for p in predictions if set(p.labels) - {"employee_named"})
        out[name] = {"posts": len(clean), "flagged": flagged, "share": flagged / len(clean)}
    return out


def main() -> None:
    as_json = "--json" in sys.argv
    ja, ambiguous = inspection_ai()
    sets = {"inspection-ai (ja)": ja, "Davidson (en)": davidson(), "OLID (en)": olid()}
    detectors = build_detectors(COMPANY, ROSTER, any_target=True)
    results = {}
    for name, examples in sets.items():
        started = time.perf_counter()
        predictions = predict(detectors, examples)
        seconds = time.perf_counter() - started
        report = score(examples, predictions)
        report.update(seconds=seconds, posts_per_second=len(examples) / seconds, any_target=True)
        if name.startswith("inspection"):
            report["ambiguous_left_out"] = ambiguous
        results[name] = report
        if not as_json:
            print(f"\n== {name}: {len(examples)} posts (target requirement relaxed)")
            if name.startswith("inspection"):
                print(f"({ambiguous} ambiguous posts left out)")
            print(render(report))
    strict = build_detectors(COMPANY, ROSTER)
    stressed = stress(strict, sets)
    if as_json:
        print(json.dumps({"relaxed": results, "stress": stressed}, ensure_ascii=False, indent=2))
    else:
        print("\n== Stress: clean posts with a company mention put in front (target requirement ON)")
        for name, r in stressed.items():
            print(f"{name}: {r['flagged']}/{r['posts']} flagged ({r['share']:.1%})")


if __name__ == "__main__":
    main()
