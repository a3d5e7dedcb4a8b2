"""``mamori eval text`` reproduces known metrics on a tiny fixture (computed by hand below)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.evaluation.text import command
from tests.conftest import REPO, mamori

TINY = REPO / "tests" / "data" / "tiny"


def _args(tmp_path: Path, posts: Path = TINY / "posts.jsonl") -> list[str]:
    return [
        "--company",
        str(TINY / "company.toml"),
        "--roster",
        str(TINY / "roster.csv"),
        "--posts",
        str(posts),
    ]


def test_known_metrics(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(command, [*_args(tmp_path), "--predictions", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    labels = report["labels"]
    # defamation: post 1 (TP). insult: post 2 (TP), post 5 "ゴミ対応" (FP: abuse to the detector, a fair complaint to
    # the annotator), post 4 "最悪" (FN: a fair complaint to the detector, an insult to the annotator). threat: post 8 (TP).
    assert labels["defamation"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1, "predicted": 1}
    assert labels["insult"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "predicted": 2}
    assert labels["threat"]["f1"] == 1.0
    assert labels["sexual"] == {"precision": None, "recall": None, "f1": None, "support": 0, "predicted": 0}
    assert report["macro_f1_labels"] == ["defamation", "insult", "threat"]
    assert report["macro_f1"] == pytest.approx((1 + 0.5 + 1) / 3)
    # employee_named: posts 2 and 6 (TP), post 7 (FP: the annotator left it unlabelled).
    assert labels["employee_named"]["precision"] == pytest.approx(2 / 3)
    assert labels["employee_named"]["recall"] == 1.0
    assert report["employees"] == {
        "precision": pytest.approx(2 / 3),
        "recall": 1.0,
        "pairs_expected": 2,
        "pairs_predicted": 3,
    }
    # Posts 3, 5 and 7 have no label; post 5 got a harassment label.
    assert (report["no_label_posts"], report["no_label_flagged"]) == (3, 1)
    assert report["no_label_flagged_share"] == pytest.approx(1 / 3)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[1] == {"id": "2", "labels": ["employee_named", "insult"], "employees": ["E001"]}
    assert lines[2] == {"id": "3", "labels": [], "employees": []}
    assert len(lines) == 8


def test_table_through_the_real_cli() -> None:
    proc = mamori(
        "eval",
        "text",
        "--company",
        str(TINY / "company.toml"),
        "--roster",
        str(TINY / "roster.csv"),
        "--posts",
        str(TINY / "posts.jsonl"),
    )
    assert "macro-F1 over 3 harassment labels: 0.833" in proc.stdout
    assert "no-label posts flagged: 1/3 (33.3%)" in proc.stdout
    assert "employee identification: precision 0.667, recall 1.000" in proc.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "1", "text": "x"}\nnot json\n', "line 2 is not valid JSON"),
        ('{"id": "1", "text": "x", "labels": ["slander"]}\n', "unknown label(s) 'slander'"),
        ('{"text": "x"}\n', 'needs an "id"'),
        ('{"id": "1", "text": "x"}\n{"id": "1", "text": "y"}\n', "the id '1' appears twice"),
    ],
)
def test_bad_posts_file(tmp_path: Path, content: str, message: str) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(command, _args(tmp_path, posts))
    assert result.exit_code != 0
    assert message in str(result.exception)
    assert str(posts) in str(result.exception)


def test_bad_company_file(tmp_path: Path) -> None:
    company = tmp_path / "company.toml"
    company.write_text('[company]\naliases = ["x"]\n', encoding="utf-8")
    result = CliRunner().invoke(
        command,
        [
            "--company",
            str(company),
            "--roster",
            str(TINY / "roster.csv"),
            "--posts",
            str(TINY / "posts.jsonl"),
        ],
    )
    assert result.exit_code != 0
    assert "needs name" in str(result.exception)


def test_files_saved_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    """Notepad and Excel write UTF-8 with a byte-order mark: the same metrics as without it."""
    for name in ("company.toml", "roster.csv", "posts.jsonl"):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + (TINY / name).read_bytes())
    args = ["--company", str(tmp_path / "company.toml"), "--roster", str(tmp_path / "roster.csv")]
    with_bom = CliRunner().invoke(command, [*args, "--posts", str(tmp_path / "posts.jsonl"), "--json"])
    plain = CliRunner().invoke(command, [*_args(tmp_path), "--json"])
    assert with_bom.exit_code == 0, with_bom.output
    report, expected = json.loads(with_bom.output), json.loads(plain.output)
    for timing in ("seconds", "posts_per_second"):
        report.pop(timing, None), expected.pop(timing, None)
    assert report == expected


@pytest.mark.parametrize("name", ["company.toml", "posts.jsonl"])
def test_a_file_that_is_not_utf8_is_named(tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.write_bytes((TINY / name).read_text(encoding="utf-8").replace("x", "ミナト通信").encode("shift_jis"))
    files = {"company.toml": TINY / "company.toml", "posts.jsonl": TINY / "posts.jsonl", name: bad}
    result = CliRunner().invoke(
        command,
        [
            "--company",
            str(files["company.toml"]),
            "--roster",
            str(TINY / "roster.csv"),
            "--posts",
            str(files["posts.jsonl"]),
        ],
    )
    assert result.exit_code != 0
    assert "is not UTF-8 text" in str(result.exception) and str(bad) in str(result.exception)


def test_any_target_measures_lexicons_without_a_company(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"id": "1", "text": "You are all useless idiots.", "labels": ["insult"]}\n'
        '{"id": "2", "text": "What a lovely day.", "labels": []}\n',
        encoding="utf-8",
    )
    strict = json.loads(CliRunner().invoke(command, [*_args(tmp_path, posts), "--json"]).output)
    relaxed = json.loads(
        CliRunner().invoke(command, [*_args(tmp_path, posts), "--json", "--any-target"]).output
    )
    assert strict["labels"]["insult"]["recall"] == 0.0  # no company, no target: nothing is flagged
    assert relaxed["labels"]["insult"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
        "predicted": 1,
    }
    assert relaxed["any_target"] is True
