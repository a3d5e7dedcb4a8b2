"""Voice matching inside longer multi-speaker audio (pyannote AMI excerpts with RTTM turns).

For each pair (enrolment file, probe file) sharing speakers — dev00↔dev01 and tst00↔tst01 —
every speaker is enrolled from their own turns (≥ 1 s) in the first file; the second file is
scanned with mamori's sliding windows (3 s every 1.5 s). A window's truth is the speaker
talking during ≥ 2/3 of it (other windows are ignored). To have impostors, only half the
speakers are enrolled in a second pass. Prints window-level TAR, FAR and EER.

Usage: .venv/bin/python benchmarks/voice_windows.py [--threshold 0.75]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from media.audio import SAMPLE_RATE, load_audio
from media.evaluate import equal_error_rate
from media.voice import VoiceGallery, embed_clip, windows

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "audio" / "pyannote"
PAIRS = (("dev00", "dev01"), ("dev01", "dev00"), ("tst00", "tst01"), ("tst01", "tst00"))


def turns(name: str) -> list[tuple[float, float, str]]:
    out = []
    for rttm in DATA.glob("*.rttm"):
        for line in rttm.read_text().splitlines():
            f = line.split()
            if len(f) > 8 and f[1] == name:
                out.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return out


def truth(t: list[tuple[float, float, str]], start: float, end: float) -> str | None:
    cover: dict[str, float] = defaultdict(float)
    for a, b, who in t:
        cover[who] += max(0.0, min(b, end) - max(a, start))
    if not cover:
        return None
    who, secs = max(cover.items(), key=lambda x: x[1])
    others = sum(v for k, v in cover.items() if k != who)
    return who if secs >= (end - start) * 2 / 3 and others < 0.3 else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threshold", type=float, default=0.75)
    parser.add_argument("--window", type=float, default=3.0)
    parser.add_argument("--hop", type=float, default=1.5)
    args = parser.parse_args()
    tar_n = tar_d = far_n = far_d = 0
    pos: list[float] = []
    neg: list[float] = []
    for enrol_name, probe_name in PAIRS:
        wav = load_audio(DATA / f"{enrol_name}.wav")
        templates: dict[str, list[list[float]]] = defaultdict(list)
        for a, b, who in turns(enrol_name):
            if b - a >= 1.0:
                templates[who].append(list(embed_clip(wav[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)])))
        probe_turns = turns(probe_name)
        wins = [
            (w, truth(probe_turns, w.start, w.end))
            for w in windows(load_audio(DATA / f"{probe_name}.wav"), window=args.window, hop=args.hop)
        ]
        wins = [(w, t) for w, t in wins if t is not None]
        speakers = sorted(templates)
        for enrolled in (speakers, speakers[::2]):
            gallery = VoiceGallery({s: templates[s] for s in enrolled})
            for w, who in wins:
                scores = gallery.scores(w.embedding)
                for s, v in zip(gallery.ids, scores, strict=True):
                    (pos if s == who else neg).append(float(v))
                i = int(np.argmax(scores))
                predicted = gallery.ids[i] if scores[i] >= args.threshold else None
                if who in enrolled:
                    tar_d += 1
                    tar_n += predicted == who
                    far_n += predicted is not None and predicted != who
                else:
                    far_n += predicted is not None
                far_d += 1
        print(f"{enrol_name}->{probe_name}: {len(speakers)} speakers, {len(wins)} single-speaker windows")
    print(
        f"window {args.window} s, hop {args.hop} s, threshold {args.threshold}: window TAR {tar_n / tar_d:.3f} ({tar_n}/{tar_d}), "
        f"FAR {far_n / far_d:.3f} ({far_n}/{far_d}), EER {equal_error_rate(pos, neg, higher_is_better=True):.3f}"
    )


if __name__ == "__main__":
    main()
