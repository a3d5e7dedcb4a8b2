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
of false alarms on off-topic posts that mention the company. Since the thirteenth round the
text model's network trains on half of those clean posts (``training/real_negatives.py``, behind
other company mentions); the figure that counts is the **measured half**, which no model trained
on. The readers of the three datasets are ``training/real_negatives.py``'s. Run: ``.venv/bin/python benchmarks/text_realdata.py [--json]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.evaluation.text import Example, build_detectors, predict, render, score  # noqa: E402
from training import real_negatives  # noqa: E402

DATA = real_negatives.SOURCE
COMPANY = real_negatives.COMPANY  # the company the training half is put behind, too
ROSTER = ROOT / "tests" / "data" / "minato" / "roster.csv"


def _examples(posts: list[real_negatives.RealPost]) -> list[Example]:
    return [Example(p.id, p.text, p.lang, p.labels) for p in posts]


def inspection_ai() -> tuple[list[Example], int]:
    posts, ambiguous = real_negatives.inspection_ai(DATA)
    return _examples(posts), ambiguous


def davidson() -> list[Example]:
    return _examples(real_negatives.davidson(DATA))


def olid() -> list[Example]:
    return _examples(real_negatives.olid(DATA))


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
        hit = [bool(set(p.labels) - {"employee_named"}) for p in predictions]
        measured = [h for e, h in zip(clean, hit, strict=True) if not real_negatives.trained_on(e.id)]
        out[name] = {
            "posts": len(clean),
            "flagged": sum(hit),
            "share": sum(hit) / len(clean),
            "measured_half_posts": len(measured),
            "measured_half_flagged": sum(measured),
            "measured_half_share": sum(measured) / len(measured),
        }
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
        print("(the measured half: the clean posts the text model's network never trained on, see")
        print(" training/real_negatives.py; the other half it learned from, behind other company mentions)")
        for name, r in stressed.items():
            print(
                f"{name}: measured half {r['measured_half_flagged']}/{r['measured_half_posts']} flagged "
                f"({r['measured_half_share']:.1%}); all {r['flagged']}/{r['posts']} ({r['share']:.1%})"
            )


if __name__ == "__main__":
    main()
