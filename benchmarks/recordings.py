"""Known-recording recall: registered "calls" found again after trimming and re-encoding.

Ten references are built from LibriSpeech (three clips of one speaker each, 30–50 s). Each
is re-posted in five ways (MP3 64k whole; trimmed 5 s in and MP3 48k; AAC at 16 kHz, half
volume, trimmed 3 s in; Opus 24k of a 15 s middle part; resampled to 22.05 kHz, trimmed
8 s in, MP3 32k). A copy is *found* when its best registered match is the right reference,
above the threshold, with the offset within 0.5 s. False matches are counted over every
copy against the nine other references, plus an unrelated interview against all ten.

Usage: .venv/bin/python benchmarks/recordings.py [--min-score 0.85]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media.known import align, fingerprint

AUDIO = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "audio" / "resemblyzer"
VARIANTS = {
    "mp3-64k": (0.0, None, ["-b:a", "64k"], ".mp3"),
    "trim5-mp3-48k": (5.0, None, ["-b:a", "48k"], ".mp3"),
    "aac-16k-half-volume": (
        3.0,
        None,
        ["-ar", "16000", "-af", "volume=0.5", "-c:a", "aac", "-b:a", "48k"],
        ".m4a",
    ),
    "opus-24k-15s": (10.0, 15.0, ["-c:a", "libopus", "-b:a", "24k"], ".ogg"),
    "22k-trim8-mp3-32k": (8.0, None, ["-ar", "22050", "-b:a", "32k"], ".mp3"),
}


def ff(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min-score", type=float, default=0.85)
    args = parser.parse_args()
    speakers = sorted(p for p in (AUDIO / "librispeech_test-other").iterdir() if p.is_dir())
    found = total = false = comparisons = 0
    worst = 1.0
    best_wrong = 0.0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        refs = []
        for spk in speakers:
            clips = sorted(spk.glob("*.flac"))[:3]
            out = Path(tmp) / f"{spk.name}.wav"
            inputs = [a for c in clips for a in ("-i", str(c))]
            ff(*inputs, "-filter_complex", f"concat=n={len(clips)}:v=0:a=1", str(out))
            refs.append((spk.name, out, fingerprint(out)))
        unrelated = fingerprint(AUDIO / "X2zqiX6yL3I.mp3")
        for name, path, _fp in refs:
            for variant, (start, length, codec, ext) in VARIANTS.items():
                copy = Path(tmp) / f"{name}-{variant}{ext}"
                cut = ["-ss", str(start)] + (["-t", str(length)] if length else [])
                ff(*cut, "-i", str(path), *codec, str(copy))
                query = fingerprint(copy)
                results = [(ref_name, *align(query, ref_fp)) for ref_name, _p, ref_fp in refs]
                best = max(results, key=lambda r: r[1])
                ok = best[0] == name and best[1] >= args.min_score and abs(best[2] - start) <= 0.5
                total += 1
                found += ok
                own = next(r for r in results if r[0] == name)
                worst = min(worst, own[1])
                for ref_name, score, _off in results:
                    if ref_name != name:
                        comparisons += 1
                        false += score >= args.min_score
                        best_wrong = max(best_wrong, score)
                if not ok:
                    print(f"missed {name} {variant}: best {best}")
        for _n, _p, ref_fp in refs:
            score, _off = align(unrelated, ref_fp)
            comparisons += 1
            false += score >= args.min_score
            best_wrong = max(best_wrong, score)
    print(
        f"known recordings: recall {found / total:.3f} ({found}/{total} trimmed/re-encoded copies, offset within 0.5 s)"
    )
    print(
        f"lowest similarity of a true copy {worst:.3f}; highest similarity to a wrong recording {best_wrong:.3f}"
    )
    print(
        f"false matches {false}/{comparisons} at min score {args.min_score}; {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
