"""``mamori eval text``: measure the text detectors on labelled posts.

    mamori eval text --company COMPANY.toml --roster ROSTER.csv --posts POSTS.jsonl \\
        [--predictions OUT.jsonl] [--json] [--any-target]

- COMPANY.toml has a ``[company]`` table with ``name`` and ``aliases`` (as in mamori.toml).
- ROSTER.csv has the header ``employee_id,name,reading,romaji,aliases`` (aliases split by ``;``).
- POSTS.jsonl has one object per line with ``id`` and ``text`` (``lang``, ``labels`` and
  ``employees`` optional); ``labels`` uses the seven labels of :data:`LABELS`.

The report gives per-label precision, recall, F1 and support; macro-F1 over the six
harassment labels; the share of posts with no expected label that got any harassment label;
employee identification precision/recall over post×employee pairs; and throughput. Every
text detector registered in ``MAMORI_DETECTORS`` (``modality = "text"``) runs, in order.

``--any-target`` relaxes the target requirement of the harassment detector (every abusive
word counts, aimed at the company or not): use it only to measure the abuse lexicons on
public toxicity data that has no company in it, and report the figures as such.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from crawler.exceptions import ConfigError
from crawler.items import Post

HARASSMENT = ("defamation", "insult", "threat", "discrimination", "sexual", "personal_info")
LABELS = (*HARASSMENT, "employee_named")


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    lang: str = ""
    labels: frozenset[str] = frozenset()
    employees: frozenset[str] = frozenset()


@dataclass
class Prediction:
    id: str
    labels: list[str]
    employees: list[str]
    findings: list[dict[str, Any]] = field(default_factory=list)


def load_company(path: Path) -> tuple[str, tuple[str, ...]]:
    from crawler.config import CompanyConfig

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(
            f"The company file {path} does not exist; pass --company with a TOML file "
            "that has a [company] table with name and aliases."
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"The company file {path} is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}. Fix the syntax there.") from None
    if not isinstance(data.get("company"), dict):
        raise ConfigError(f'{path} has no [company] table; add one with name = "…" and aliases = ["…"].')
    try:
        company = CompanyConfig.model_validate(data["company"])
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(
            f"{path}: the [company] table is invalid ({problems}). It needs name (a non-empty "
            "string) and optionally aliases (a list of strings)."
        ) from None
    return company.name, tuple(company.aliases)


def load_posts(path: Path) -> list[Example]:
    """Read POSTS.jsonl; a bad line stops with an error naming the file, the line and the fix."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ConfigError(f"The posts file {path} does not exist; pass --posts with a JSONL file.") from None
    except UnicodeDecodeError as exc:
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"The posts file {path} is not UTF-8 text (line {bad_line}); save it as UTF-8 (JSON Lines are UTF-8)."
        ) from None
    examples: list[Example] = []
    seen: set[str] = set()
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {no}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{where} is not valid JSON ({exc.msg}); each line must be one JSON object."
            ) from None
        if not isinstance(obj, dict) or "id" not in obj or not isinstance(obj.get("text"), str):
            raise ConfigError(f'{where}: each post needs an "id" and a string "text" (got {line[:80]!r}).')
        labels = obj.get("labels") or []
        unknown = [lab for lab in labels if lab not in LABELS]
        if unknown:
            raise ConfigError(
                f"{where}: unknown label(s) {', '.join(map(repr, unknown))}; use only {', '.join(LABELS)}."
            )
        pid = str(obj["id"])
        if pid in seen:
            raise ConfigError(f"{where}: the id {pid!r} appears twice; give every post a unique id.")
        seen.add(pid)
        examples.append(
            Example(
                pid,
                obj["text"],
                str(obj.get("lang") or ""),
                frozenset(labels),
                frozenset(str(e) for e in obj.get("employees") or ()),
            )
        )
    return examples


def text_detector_paths() -> dict[str, int]:
    """The text detectors of ``MAMORI_DETECTORS``, with their priorities."""
    from crawler import settings
    from detectors.base import load_object

    return {
        path: prio
        for path, prio in settings.MAMORI_DETECTORS.items()
        if prio is not None and getattr(load_object(path), "modality", "") == "text"
    }


def build_detectors(
    company: tuple[str, tuple[str, ...]],
    roster_path: Path,
    *,
    any_target: bool = False,
    disabled: Iterable[str] = (),
) -> Any:
    from crawler.roster import load_roster
    from detectors.base import DetectorContext, DetectorSet

    roster = load_roster(roster_path)
    options = {"harassment": {"require_target": False}} if any_target else {}
    context = DetectorContext(company[0], company[1], roster, options)
    return DetectorSet.from_paths(text_detector_paths(), context, disabled=disabled)


def predict(detectors: Any, examples: Iterable[Example]) -> list[Prediction]:
    out = []
    for ex in examples:
        post = Post(platform="eval", source="eval", id=ex.id, url="", text=ex.text, lang=ex.lang)
        detectors.run(post)
        labels = sorted({f.label for f in post.findings if f.label in LABELS})
        employees = sorted(
            {f.employee_id for f in post.findings if f.label == "employee_named" and f.employee_id}
        )
        out.append(Prediction(ex.id, labels, employees, [f.to_dict() for f in post.findings]))
    return out


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = (
        2 * p * r / (p + r)
        if p is not None and r is not None and p + r
        else (0.0 if (p is not None or r is not None) else None)
    )
    return {"precision": p, "recall": r, "f1": f1}


def score(examples: Sequence[Example], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Every figure of the report, from expected and predicted labels."""
    per_label: dict[str, dict[str, Any]] = {}
    for label in LABELS:
        tp = sum(
            1 for e, p in zip(examples, predictions, strict=True) if label in e.labels and label in p.labels
        )
        fp = sum(
            1
            for e, p in zip(examples, predictions, strict=True)
            if label not in e.labels and label in p.labels
        )
        fn = sum(
            1
            for e, p in zip(examples, predictions, strict=True)
            if label in e.labels and label not in p.labels
        )
        per_label[label] = {**_prf(tp, fp, fn), "support": tp + fn, "predicted": tp + fp}
    f1s = [per_label[lab]["f1"] for lab in HARASSMENT if per_label[lab]["f1"] is not None]
    any_tp = any_fp = any_fn = 0
    clean = clean_flagged = 0
    pairs_tp = pairs_fp = pairs_fn = 0
    for e, p in zip(examples, predictions, strict=True):
        exp_h = bool(e.labels & set(HARASSMENT))
        got_h = bool(set(p.labels) & set(HARASSMENT))
        any_tp += exp_h and got_h
        any_fp += got_h and not exp_h
        any_fn += exp_h and not got_h
        if not e.labels:
            clean += 1
            clean_flagged += got_h
        got_e = set(p.employees)
        pairs_tp += len(e.employees & got_e)
        pairs_fp += len(got_e - e.employees)
        pairs_fn += len(e.employees - got_e)
    emp = _prf(pairs_tp, pairs_fp, pairs_fn)
    return {
        "posts": len(examples),
        "labels": per_label,
        "macro_f1": sum(f1s) / len(f1s) if f1s else None,
        "macro_f1_labels": [lab for lab in HARASSMENT if per_label[lab]["f1"] is not None],
        "any_harassment": {**_prf(any_tp, any_fp, any_fn), "support": any_tp + any_fn},
        "no_label_posts": clean,
        "no_label_flagged": clean_flagged,
        "no_label_flagged_share": clean_flagged / clean if clean else None,
        "employees": {
            "precision": emp["precision"],
            "recall": emp["recall"],
            "pairs_expected": pairs_tp + pairs_fn,
            "pairs_predicted": pairs_tp + pairs_fp,
        },
    }


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def render(report: dict[str, Any]) -> str:
    lines = [f"{'label':<16} {'prec':>6} {'recall':>6} {'f1':>6} {'support':>8} {'predicted':>9}"]
    for label in LABELS:
        r = report["labels"][label]
        lines.append(
            f"{label:<16} {_fmt(r['precision']):>6} {_fmt(r['recall']):>6} {_fmt(r['f1']):>6} "
            f"{r['support']:>8} {r['predicted']:>9}"
        )
    a = report["any_harassment"]
    lines.append(
        f"{'(any harassment)':<16} {_fmt(a['precision']):>6} {_fmt(a['recall']):>6} {_fmt(a['f1']):>6} "
        f"{a['support']:>8}"
    )
    lines.append("")
    lines.append(
        f"macro-F1 over {len(report['macro_f1_labels'])} harassment labels: {_fmt(report['macro_f1'])}"
    )
    share = report["no_label_flagged_share"]
    lines.append(
        f"no-label posts flagged: {report['no_label_flagged']}/{report['no_label_posts']}"
        + (f" ({share:.1%})" if share is not None else "")
    )
    emp = report["employees"]
    lines.append(
        f"employee identification: precision {_fmt(emp['precision'])}, recall {_fmt(emp['recall'])} "
        f"({emp['pairs_expected']} expected, {emp['pairs_predicted']} predicted post×employee pairs)"
    )
    if "posts_per_second" in report:
        lines.append(
            f"{report['posts']} posts in {report['seconds']:.2f} s ({report['posts_per_second']:.0f} posts/s)"
        )
    if report.get("any_target"):
        lines.append(
            "NOTE: --any-target: the target requirement was relaxed (abuse lexicons measured alone)."
        )
    return "\n".join(lines)


@click.command(name="text")
@click.option(
    "--company",
    "company_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file with a [company] table (name, aliases).",
)
@click.option(
    "--roster",
    "roster_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Roster CSV: employee_id,name,reading,romaji,aliases.",
)
@click.option(
    "--posts",
    "posts_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Labelled posts, one JSON object per line (id, text, labels, employees).",
)
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write one JSON line per post: id, labels, employees.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--any-target",
    is_flag=True,
    help="Relax the target requirement (measure abuse lexicons on data without a company).",
)
def command(
    company_path: Path,
    roster_path: Path,
    posts_path: Path,
    predictions_path: Path | None,
    as_json: bool,
    any_target: bool,
) -> None:
    """Measure the text detectors on labelled posts (precision, recall, F1, employee identification)."""
    company = load_company(company_path)
    examples = load_posts(posts_path)
    detectors = build_detectors(company, roster_path, any_target=any_target)
    started = time.perf_counter()
    predictions = predict(detectors, examples)
    seconds = time.perf_counter() - started
    report = score(examples, predictions)
    report.update(
        seconds=seconds,
        posts_per_second=len(examples) / seconds if seconds else None,
        any_target=any_target,
        detector_errors=detectors.errors,
    )
    if predictions_path is not None:
        with predictions_path.open("w", encoding="utf-8") as fh:
            for p in predictions:
                fh.write(
                    json.dumps({"id": p.id, "labels": p.labels, "employees": p.employees}, ensure_ascii=False)
                    + "\n"
                )
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else render(report))
