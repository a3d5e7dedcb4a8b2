"""A learned second opinion on the harassment labels: logistic regression over the words of a post.

The rules of :mod:`detectors.harassment` find what their lexicons and patterns describe, and
nothing else; posts written by people who never read them showed recall around 0.5–0.7. This
detector reads the same post through a linear model trained on labelled posts
(``training/text/``, see ``training/train_text_model.py``), with the company's and employees'
mentions replaced by placeholders, so it learns how harassment of *a* target is phrased, not
words about one company.

The word model's probabilities and the rules' findings are joined per label by a learned
combiner (:mod:`detectors.combiner`, trained with the model): its probability reads every
label's word probability, the rules' findings and whether the words the model leans on are
set aside by their context (condemned, denied, answered "no", news, fiction).

- **Adds** a label the rules missed when the combined probability reaches the label's ``add``
  threshold and the post names a target. The finding's spans are the words that weighed most
  for the label, and its explanation says it comes from the model, with its probability.
- **Withdraws** a rule finding when the combined probability is under the label's
  ``withdraw`` threshold (an answered "is it a scam? — no", a quoted insult condemned, a
  game): the rules' commonest false alarms on unseen posts. Withdrawn findings are logged at
  DEBUG with the post id; the model never withdraws ``personal_info`` found by its patterns
  (an address or phone number is what it is).

The word model's probability of a label is lowered where a small network over the same
features (:mod:`detectors.bag_network`, the second reader) is less sure; never raised.

The model is shipped in the package: ``detectors/data/text_model.json`` (labels, biases,
thresholds, the combiner, the network's output layer, how it was trained) with the feature names
(``text_model.features.txt``), a float32 weight matrix (``text_model.weights.f32``) and the
network's vectors (``text_model.network.bin``) beside it; a missing,
foreign or inconsistent model disables the detector with the reason logged. Options
(``[detectors.options.text_model]``): ``path`` (another model file), ``add``, ``withdraw`` and
``withdraw_strong`` (one threshold for every label, overriding the file's), ``strong_margin``,
``withdraw_enabled``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from detectors.attribution import Target, attribute, targets_of
from detectors.bag_network import BagNetwork, network_file
from detectors.base import Detector, DetectorContext, file_version
from detectors.combiner import Combiner, sigmoid
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
STRONG_MARGIN = 1.0  # the weight of words against a label that withdraws a strong finding
THRESHOLDS = ("add", "withdraw", "withdraw_strong")  # the model file's thresholds, and the options


def rule_strength(findings: Iterable[Finding]) -> dict[str, float]:
    """Per harassment label the rules found: the score of its strongest finding."""
    out: dict[str, float] = {}
    for f in findings:
        if f.label in LABELS:
            out[f.label] = max(out.get(f.label, 0.0), f.score)
    return out


@dataclass(frozen=True)
class Limits:
    """The thresholds of one label (:func:`kept`)."""

    add: float
    withdraw: float
    withdraw_strong: float
    margin: float = STRONG_MARGIN


def kept(
    label: str, strength: float | None, p: float, evidence: float, limits: Limits, *, condemned: bool = False
) -> bool:
    """Whether ``label`` is in the post's labels, given the combined probability ``p``, the
    rules' strongest finding of it (``strength``, None when they found none) and the evidence of
    the post's words for it (the sum of their weights in the word model):

    - a label the rules did not find is added when ``p`` reaches ``limits.add``, unless no word weighs
      for it or the words that weigh most are quoted to be ``condemned`` (abuse quoted only to
      condemn it is never flagged; the other contexts the rules set aside — denied, answered
      "no", news, fiction — weigh through the combiner's probability);
    - one they found stays unless ``p`` is under ``limits.withdraw``;
    - a strong finding (a lexicon word or pattern, score ≥ 0.85) is withdrawn only when ``p`` is
      under ``limits.withdraw_strong`` *and* the post's words speak against it (``evidence`` ≤
      −``limits.margin``), not for lack of evidence: 田中、ぶっ殺す。 is short, not doubtful, and a word
      model reads 社員全員ぶっ殺す as it reads the threats aimed at someone else in its corpus;
    - ``personal_info`` always stays (a phone number is what it is).

    The training script decides with this too."""
    if strength is None:
        return p >= limits.add and not condemned
    if label in _KEEP:
        return True
    if strength >= STRONG_FINDING:
        return p >= limits.withdraw_strong or evidence > -limits.margin
    return p >= limits.withdraw


@dataclass(frozen=True)
class TextModel:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    index: Mapping[str, int]  # feature name -> row of ``matrix`` (from 1)
    matrix: Any  # numpy float32, (1 + features) × labels; row 0 is zeros
    thresholds: Mapping[str, Mapping[str, float]]  # kind (THRESHOLDS) -> label -> threshold
    meta: Mapping[str, Any]
    combiner: Combiner | None = None  # how the probabilities and the rules' findings join
    network: BagNetwork | None = None  # the second reader; None: the word model alone

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
        model = cls.of(labels, data["bias"], names, matrix.reshape(len(names), len(labels)), data)
        if any(set(model.thresholds[kind]) != set(labels) for kind in THRESHOLDS):
            raise DetectorUnavailable(
                f"The text model {path} lacks thresholds ({', '.join(THRESHOLDS)} for every label); "
                "retrain it with training/train_text_model.py."
            )
        try:
            combiner = Combiner.from_json(data["combiner"], labels)
        except KeyError:
            raise DetectorUnavailable(
                f"The text model {path} has no combiner (it was trained before the eleventh round); "
                "retrain it with training/train_text_model.py."
            ) from None
        except (TypeError, ValueError) as exc:
            raise DetectorUnavailable(f"The text model {path} is inconsistent: {exc}. Retrain it.") from None
        network = None
        if "network" in data:
            try:
                network = BagNetwork.read(data["network"], network_file(path), len(names) + 1)
            except OSError as exc:
                raise DetectorUnavailable(
                    f"The text model {path} is incomplete ({exc}); its .network.bin file must lie beside it. "
                    "Retrain it."
                ) from None
            except (KeyError, TypeError, ValueError) as exc:
                raise DetectorUnavailable(
                    f"The text model {path} has an inconsistent network ({exc}). Retrain it."
                ) from None
        return replace(model, combiner=combiner, network=network)

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
            thresholds={kind: data.get("thresholds", {}).get(kind, {}) for kind in THRESHOLDS},
            meta=data.get("meta", {}),
        )

    def scores(self, names: Iterable[str]) -> tuple[list[float], list[float]]:
        """Per label (in :attr:`labels` order): the probability (the word model's; with a
        network, lowered to the blend of the two readers' log-odds where the network is less
        sure, never raised), and the evidence of the post's words (the sum of
        the word model's weights: below zero, the words speak against the label)."""
        rows = list(filter(None, map(self.index.get, set(names))))
        sums = np.add.reduce(self.matrix.take(rows, axis=0), axis=0, dtype=np.float64).tolist()
        logits = [b + z for b, z in zip(self.bias, sums, strict=True)]
        if self.network is not None:
            share = self.network.blend
            net = self.network.logits(rows).tolist()
            logits = [min(z, (1.0 - share) * z + share * n) for z, n in zip(logits, net, strict=True)]
        return [sigmoid(z) for z in logits], sums

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


def _set_aside_but_not_condemned(text: str, start: int, end: int, label: str) -> bool:
    if negated(text, start, end) or answered_no(text, start):
        return True
    if label in ("defamation", "threat") and is_news(text, start):
        return True
    return label == "threat" and fictional(text, start)


def set_aside(text: str, top: Sequence[tuple[int, int]], label: str) -> bool:
    """True when no word weighs for the label, or the words that weigh most (``top``) are in a
    context the rules read as not the writer's claim: condemned or refuted (「クズ」呼ばわりはやめよう,
    "Someone posted that they are morons. That's cruel"), denied, answered "no", news
    (defamation, threats), fiction or a game (threats). An input of the combiner."""
    return not top or any(
        condemned(text, start, end) or _set_aside_but_not_condemned(text, start, end, label)
        for start, end in top
    )


def read_context(text: str, top: Sequence[tuple[int, int]], label: str) -> tuple[bool, bool]:
    """``(set aside, quoted to be condemned)`` for the words that weigh most for ``label``.
    Set aside: :func:`set_aside`. Quoted to be condemned: no word weighs for the label, or one of
    them is quoted or reported to be condemned (「クズ」呼ばわりはやめよう, "Someone posted that they
    are morons. That's cruel"); the model never adds a label there. The training script reads
    posts with this too."""
    if not top:
        return True, True
    aside = False
    for start, end in top:
        if condemned(text, start, end):
            return True, True
        aside = aside or _set_aside_but_not_condemned(text, start, end, label)
    return aside, False


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
        self.limits: dict[str, Limits] = {}
        margin = float(opts.get("strong_margin", self.model.meta.get("strong_margin", STRONG_MARGIN)))
        for lab in self.model.labels:
            add, withdraw, strong = (
                float(opts.get(kind, self.model.thresholds[kind][lab])) for kind in THRESHOLDS
            )
            if not opts.get("withdraw_enabled", True):
                withdraw = strong = -1.0
            self.limits[lab] = Limits(add, withdraw, strong, margin)

    def detect(self, post: Post) -> list[Finding]:
        read = post_text(post)
        if not read.text:
            return []
        targets = targets_of(post, read)
        if not targets:
            return []
        strength = rule_strength(post.findings)
        probs, evidence = self.model.scores(feature_names(read.text, targets))
        combiner = self.model.combiner
        assert combiner is not None  # TextModel.load refuses a model without one
        spanned: list[tuple[str, int, int]] | None = None  # the features with spans, made once
        out: list[Finding] = []
        both = combiner.probabilities(probs, strength)
        for label, (p_claim, p_aside), ev in zip(self.model.labels, both, evidence, strict=True):
            limits = self.limits[label]
            if label in strength:
                claim = kept(label, strength[label], p_claim, ev, limits)
                if claim != kept(label, strength[label], p_aside, ev, limits):
                    # the decision depends on whether the words it leans on are set aside
                    if spanned is None:
                        spanned = features(read.text, targets)
                    if set_aside(read.text, self.model.evidence(spanned, label), label):
                        claim, p_claim = not claim, p_aside
                if not claim:
                    self._withdraw(post, label, p_claim)
                continue
            if not (kept(label, None, p_claim, ev, limits) or kept(label, None, p_aside, ev, limits)):
                continue
            if spanned is None:
                spanned = features(read.text, targets)
            top = self.model.evidence(spanned, label)
            aside, condemned_words = read_context(read.text, top, label)
            p = p_aside if aside else p_claim
            if not kept(label, None, p, ev, limits, condemned=condemned_words):
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
