"""``mamori eval faces`` and ``mamori eval voice`` on real photos and LibriSpeech clips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, mamori

pytestmark = pytest.mark.media


def _layout(root: Path, spec: dict[str, list[Path]]) -> Path:
    for ident, files in spec.items():
        (root / ident).mkdir(parents=True)
        for f in files:
            (root / ident / f.name).symlink_to(f)
    return root


def test_eval_faces_reports_rates_and_predictions(faces_dir, tmp_path):
    f = faces_dir
    gallery = _layout(
        tmp_path / "g",
        {
            "obama": [f / "examples__knn_examples__train__obama__obama.jpg"],
            "alex": [f / "examples__knn_examples__train__alex_lacamoire__img1.jpg"],
            "biden": [f / "examples__knn_examples__train__biden__biden2.jpg"],
        },
    )
    probes = _layout(
        tmp_path / "p",
        {
            "obama": [f / "examples__obama-240p.jpg", f / "examples__knn_examples__test__obama1.jpg"],
            "alex": [f / "examples__knn_examples__test__alex_lacamoire1.jpg"],
            "rose": [f / "examples__knn_examples__train__rose_leslie__img2.jpg"],
            "lin": [f / "examples__lin-manuel-miranda.png"],
        },
    )
    out = tmp_path / "pred.jsonl"
    proc = mamori(
        "eval",
        "faces",
        "--gallery",
        str(gallery),
        "--probes",
        str(probes),
        "--predictions",
        str(out),
        "--json",
    )
    report = json.loads(proc.stdout)
    assert report["tar"] == 1.0 and report["far"] == 0.0
    assert report["genuine_probes"] == 3 and report["impostor_probes"] == 2
    lines = {d["file"]: d for d in map(json.loads, out.read_text().splitlines())}
    assert set(lines) == {
        "obama/examples__obama-240p.jpg",
        "obama/examples__knn_examples__test__obama1.jpg",
        "alex/examples__knn_examples__test__alex_lacamoire1.jpg",
        "rose/examples__knn_examples__train__rose_leslie__img2.jpg",
        "lin/examples__lin-manuel-miranda.png",
    }
    assert lines["obama/examples__obama-240p.jpg"]["predicted"] == "obama"
    assert lines["rose/examples__knn_examples__train__rose_leslie__img2.jpg"]["predicted"] is None
    assert lines["rose/examples__knn_examples__train__rose_leslie__img2.jpg"]["score"] > 0.54


@pytest.mark.slow
def test_eval_voice_reports_tar_far_and_eer(libri_dir, tmp_path):
    clips = {s: sorted((libri_dir / s).glob("*.flac")) for s in ("1688", "2414", "3331")}
    gallery = _layout(tmp_path / "g", {"1688": clips["1688"][:2], "2414": clips["2414"][:2]})
    probes = _layout(
        tmp_path / "p", {"1688": clips["1688"][5:6], "2414": clips["2414"][5:6], "3331": clips["3331"][:1]}
    )
    out = tmp_path / "pred.jsonl"
    report = json.loads(
        mamori(
            "eval",
            "voice",
            "--gallery",
            str(gallery),
            "--probes",
            str(probes),
            "--predictions",
            str(out),
            "--json",
        ).stdout
    )
    assert report["tar"] == 1.0 and report["far"] == 0.0 and report["eer"] == 0.0
    preds = {d["file"].split("/")[0]: d for d in map(json.loads, out.read_text().splitlines())}
    assert preds["1688"]["predicted"] == "1688" and preds["3331"]["predicted"] is None


def test_bad_gallery_folder_gives_a_clear_error(tmp_path):
    proc = mamori("eval", "faces", "--gallery", str(tmp_path), "--probes", str(tmp_path), check=False)
    assert proc.returncode != 0
    assert "has no identity sub-folders" in proc.stderr


def test_media_pipeline_import_stays_light():
    code = (
        "import sys, crawler.pipelines.media; "
        "print(any(m in sys.modules for m in ('torch', 'face_recognition', 'dlib', 'resemblyzer')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert proc.stdout.strip() == "False"
