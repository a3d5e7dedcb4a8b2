"""A learned second opinion on the harassment labels: logistic regression over the words of a post.

The rules of :mod:`detectors.harassment` find what their lexicons and patterns describe, and
nothing else; posts written by people who never read them showed recall around 0.5–0.7. This
detector reads the same post through a linear model trained on labelled posts
(``training/text/``, see ``training/train_text_model.py``), with the company's and employees'
mentions replaced by placeholders, so it learns how harassment of *a* target is phrased, not
words about one company.

- **Adds** a label the rules missed when the model's probability reaches the label's ``add``
  threshold and the post names a target. The finding's spans are the words that weighed most
  for the label, and its explanation says it comes from the model, with its probability.
- **Withdraws** a rule finding when the model gives the label a probability under the label's
  ``withdraw`` threshold (an answered "is it a scam? — no", a quoted insult condemned, a
  game): the rules' commonest false alarms on unseen posts. Withdrawn findings are logged at
  DEBUG with the post id; the model never withdraws ``personal_info`` found by its patterns
  (an address or phone number is what it is).

The model is shipped in the package: ``detectors/data/text_model.json`` (labels, biases,
thresholds, how it was trained) with the feature names (``text_model.features.txt``) and a
float32 weight matrix (``text_model.weights.f32``) beside it, read in about 20 ms; a missing,
foreign or inconsistent model disables the detector with the reason logged. Options
(``[detectors.options.text_model]``): ``path`` (another model file), ``add`` and
``withdraw`` (one threshold for every label, overriding the file's), ``withdraw_enabled``.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from detectors.attribution import Target, attribute, targets_of
from detectors.base import Detector, DetectorContext, file_version
from detectors.context import answered_no, condemned, fictional, is_news, negated
from detectors.fields import post_text
from detectors.harassment import DESCRIPTION, SEVERITY
from detectors.text_features import FEATURE_VERSION, feature_names, features

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).parent / "data" / "text_model.json"
LABELS = ("defamation", "insult", "threat", "discrimination", "sexual", "personal_info")
DESCRIPTION_ALL = {**DESCRIPTION, "personal_info": "Personal information of an employee"}
_KEEP = frozenset({"personal_info"})  # never withdrawn: a phone number is a phone number
STRONG_FINDING = 0.85  # a rule finding from a lexicon word or pattern, not a weak cue
STRONG_MARGIN = 1.0  # the default weight of words against a label that withdraws a strong finding


def rule_strength(findings: Iterable[Finding]) -> dict[str, float]:
    """Per harassment label the rules found: the score of its strongest finding."""
    out: dict[str, float] = {}
    for f in findings:
        if f.label in LABELS:
            out[f.label] = max(out.get(f.label, 0.0), f.score)
    return out


def withdraws(
    label: str, p: float, evidence: float, strength: float, *, below: float, margin: float = STRONG_MARGIN
) -> bool:
    """Whether the model withdraws the rules' ``label``: its probability ``p`` is under ``below``;
    a strong finding (a lexicon word, ``strength`` ≥ 0.85) only when the post's words speak
    against it (``evidence`` ≤ −``margin``), not for lack of evidence (田中、ぶっ殺す。 is short,
    not doubtful); ``personal_info`` never. The training script decides with this too."""
    if label in _KEEP or p >= below:
        return False
    return strength < STRONG_FINDING or evidence <= -margin


@dataclass(frozen=True)
class TextModel:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    index: Mapping[str, int]  # feature name -> row of ``matrix`` (from 1)
    matrix: Any  # numpy float32, (1 + features) × labels; row 0 is zeros
    add: Mapping[str, float]
    withdraw: Mapping[str, float]
    meta: Mapping[str, Any]

    @classmethod
    def load(cls, path: Path) -> TextModel:
        """The model in ``path``, read once per process while the file is unchanged (it is
        immutable, so every detector set of the process shares it)."""
        return _load(*file_version(path))

    @classmethod
    def _read(cls, path: Path) -> TextModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DetectorUnavailable(
                f"The text model {path} does not exist; train it with training/train_text_model.py "
                "or set [detectors.options.text_model] path."
            ) from None
        except (OSError, ValueError) as exc:
            raise DetectorUnavailable(f"The text model {path} cannot be read ({exc}); retrain it.") from None
        if data.get("features") != FEATURE_VERSION:
            raise DetectorUnavailable(
                f"The text model {path} was trained on features {data.get('features')!r}, but this "
                f"version reads {FEATURE_VERSION!r}; retrain it with training/train_text_model.py."
            )
        labels = tuple(data["labels"])
        names_path, weights_path = companion_files(path)
        try:
            names = names_path.read_text(encoding="utf-8").split("\n")
            matrix = np.fromfile(weights_path, dtype="<f4")
        except OSError as exc:
            raise DetectorUnavailable(
                f"The text model {path} is incomplete ({exc}); its .features.txt and .weights.f32 files "
                "must lie beside it. Retrain it."
            ) from None
        if matrix.size != len(names) * len(labels):
            raise DetectorUnavailable(
                f"The text model {path} is inconsistent: {len(names)} features but {matrix.size} weights "
                f"for {len(labels)} labels. Retrain it."
            )
        return cls.of(labels, data["bias"], names, matrix.reshape(len(names), len(labels)), data)

    @classmethod
    def of(
        cls,
        labels: Sequence[str],
        bias: Sequence[float],
        names: Sequence[str],
        weights: Any,
        data: Mapping[str, Any],
    ) -> TextModel:
        """A model from its parts. Rows are numbered from 1 and row 0 is zeros, so scoring keeps
        the found rows with one C-level ``filter`` (an unknown feature maps to nothing)."""
        zero = np.zeros((1, len(labels)), dtype="<f4")
        return cls(
            labels=tuple(labels),
            bias=tuple(bias),
            index=dict(zip(names, range(1, len(names) + 1), strict=True)),
            matrix=np.vstack([zero, np.asarray(weights, dtype="<f4")]),
            add=data.get("thresholds", {}).get("add", {}),
            withdraw=data.get("thresholds", {}).get("withdraw", {}),
            meta=data.get("meta", {}),
        )

    def scores(self, names: Iterable[str]) -> tuple[list[float], list[float]]:
        """Per label (in :attr:`labels` order): the probability, and the evidence of the post's
        words (the sum of their weights: below zero, the words speak against the label)."""
        rows = list(filter(None, map(self.index.get, set(names))))
        sums = np.add.reduce(self.matrix.take(rows, axis=0), axis=0, dtype=np.float64).tolist()
        return [1.0 / (1.0 + math.exp(-(b + z))) for b, z in zip(self.bias, sums, strict=True)], sums

    def probabilities(self, names: Iterable[str]) -> list[float]:
        """The probability of each label (in :attr:`labels` order) for the post's feature names."""
        return self.scores(names)[0]

    def evidence(
        self, feats: Sequence[tuple[str, int, int]], label: str, top: int = 3
    ) -> list[tuple[int, int]]:
        """The spans of the ``top`` features that pushed ``label`` up the most."""
        j = self.labels.index(label)
        best: dict[str, tuple[float, int, int]] = {}
        for name, start, end in feats:
            i = self.index.get(name)
            if i is None or end <= start or name in best:
                continue
            w = float(self.matrix[i, j])
            if w > 0:
                best[name] = (w, start, end)
        return [(s, e) for _, s, e in sorted(best.values(), reverse=True)[:top]]


def context_blocks(text: str, spans: Sequence[tuple[int, int]], label: str) -> bool:
    """True when the words the model leans on are in a context the rules read as not the
    writer's claim: condemned or refuted (「クズ」呼ばわりはやめよう, "Someone posted that they
    are morons. That's cruel"), denied, answered "no", news (defamation, threats), fiction or a
    game (threats). The model adds what no rule saw, not what a rule saw and set aside."""
    for start, end in spans:
        if condemned(text, start, end) or negated(text, start, end) or answered_no(text, start):
            return True
        if label in ("defamation", "threat") and is_news(text, start):
            return True
        if label == "threat" and fictional(text, start):
            return True
    return False


def companion_files(path: Path) -> tuple[Path, Path]:
    """The feature names (one per line) and the float32 weights stored beside ``path``."""
    stem = path.with_suffix("")
    return stem.with_name(stem.name + ".features.txt"), stem.with_name(stem.name + ".weights.f32")


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> TextModel:
    return TextModel._read(Path(path))


def _nearest(targets: Sequence[Target], start: int) -> Target:
    return min(targets, key=lambda t: abs(t.start - start))


class TextModelDetector(Detector):
    name = "text_model"
    labels = LABELS
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        opts = context.options_for(self.name)
        self.model = TextModel.load(Path(opts.get("path") or MODEL_PATH))
        self.add = {lab: float(opts.get("add", self.model.add[lab])) for lab in self.model.labels}
        self.withdraw = {
            lab: float(opts.get("withdraw", self.model.withdraw[lab])) for lab in self.model.labels
        }
        self.withdraw_enabled = bool(opts.get("withdraw_enabled", True))
        self.strong_margin = float(
            opts.get("strong_margin", self.model.meta.get("strong_margin", STRONG_MARGIN))
        )

    def detect(self, post: Post) -> list[Finding]:
        read = post_text(post)
        if not read.text:
            return []
        targets = targets_of(post, read)
        if not targets:
            return []
        strength = rule_strength(post.findings)
        probs, evidence = self.model.scores(feature_names(read.text, targets))
        spanned: list[tuple[str, int, int]] | None = None  # the features with spans, made once
        out: list[Finding] = []
        for i, label in enumerate(self.model.labels):
            p = probs[i]
            if label in strength:
                if self.withdraw_enabled and withdraws(
                    label,
                    p,
                    evidence[i],
                    strength[label],
                    below=self.withdraw[label],
                    margin=self.strong_margin,
                ):
                    self._withdraw(post, label, p)
                continue
            if p < self.add[label]:
                continue
            if spanned is None:
                spanned = features(read.text, targets)
            top = self.model.evidence(spanned, label)
            if not top or context_blocks(read.text, top, label):
                continue
            spans = read.spans(top)
            anchor = top[0]
            attr = attribute(read.text, targets, anchor[0], anchor[1], label)
            if attr is not None:
                employee_id, whom_text = attr.employee_id, attr.target_text
            else:
                near = _nearest(targets, anchor[0])
                employee_id, whom_text = near.employee_id, near.text
            whom = self.context.target_phrase(employee_id, whom_text)
            words = "、".join(dict.fromkeys(s.text for s in spans))
            out.append(
                Finding(
                    detector=self.name,
                    label=label,
                    severity=SEVERITY[label],
                    score=round(p, 3),
                    explanation=(
                        f"{DESCRIPTION_ALL[label]} aimed at {whom}, by the text model "
                        f"(probability {p:.2f}); the words that weighed most: «{words}»."
                    ),
                    spans=spans,
                    employee_id=employee_id,
                )
            )
        return out

    @staticmethod
    def _withdraw(post: Post, label: str, p: float) -> None:
        kept = [f for f in post.findings if f.label != label]
        logger.debug(
            "Text model withdrew %d %s finding(s) on post %s (probability %.2f).",
            len(post.findings) - len(kept),
            label,
            post.id,
            p,
        )
        post.findings[:] = kept
