"""A learned second opinion on employee names: the employee, or someone who shares the name?

The names detector (:mod:`detectors.names`) decides by rules: a family name needs company or
role context, and a name beside a marker of someone else (a film, a team, 近所の, my teacher) is
not the employee. Feeds are full of namesakes the rules have no word for ("Saito from
Inception", 「パワプロで山本のフォーク」, "Captain Morgan and coke at <company>"). This detector
reads each ``employee_named`` finding through a logistic regression over the words around the
name and in the post — trained on every roster-name match in the labelled corpus
(``training/text/``), the namesakes the rules already refuse included, so it has seen
thousands of ways a name is someone else's — and **withdraws** the finding when the
probability that the post names the employee is under the model's threshold. It never adds a
name: "a family name alone counts only with company or role context" stays the rules' call.

A withdrawn name is no longer a target, so abuse aimed at the namesake earns no label from the
detectors that run after it. Withdrawals are logged at DEBUG with the post id and probability.

Two readers score a name (since the thirteenth round): the regression, whose weights per
feature a reader can print, and a small network over the same features
(:class:`detectors.bag_network.BagNetwork`: a vector per feature, summed, a rectifier and a
linear layer), which can weigh features together ("Agent Smith" is a film's, "Yuki" beside a race
result a driver's) where the regression adds them one by one. As in the text model, the network
only ever speaks against: the probability is the regression's, lowered to the mean of the two
log-odds when the network is less sure the name is the employee's, never raised — so the network
can add withdrawals, never keep a name the regression would withdraw (a network is confident far
from its training data: it read 「パワプロで山崎のフォーク…」 as the employee at log-odds +3.8). On the
corpus's grouped held-out folds this withdrew more of the rules' false names than the regression
alone at the same count of true names withdrawn (``training/train_name_model.py``;
``docs/detectors.md``).

The model is ``detectors/data/name_model.json`` (weights by feature name, bias, threshold, the
network's output layer and feature list, and how it was trained) with the network's vectors in
``name_model.network.bin``; ``training/train_name_model.py`` writes both. A model file without a
``network`` section is read as the regression alone. A missing, foreign or
inconsistent file disables the detector with the reason logged. Options
(``[detectors.options.name_model]``): ``path`` (another model file), ``withdraw`` (the
threshold, overriding the file's).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

from crawler.exceptions import DetectorUnavailable
from crawler.items import Finding, Post
from detectors.attribution import Target, targets_of
from detectors.bag_network import BagNetwork, network_file
from detectors.base import Detector, DetectorContext, file_version
from detectors.fields import PostText, post_text
from detectors.name_keys import HONORIFICS, ROLE_AFTER, ROLE_BEFORE, SENTENCE_BREAK
from detectors.normalize import compact, compact_key, has_japanese
from detectors.text_features import Token, tokens

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).parent / "data" / "name_model.json"
FORMAT = "mamori-name-model"
FEATURE_VERSION = "name-context-2"
"""Stored in a trained model: a model trained on other features is refused, not misread."""

_CAND, _CO = "<cand>", "<co>"
# "<name> works at <company>": the words allowed between, one of which must say "works" and one "at"
_EN_WORKS = frozenset({"works", "working", "employed"})
_EN_AT = frozenset({"at", "for", "by"})
_EN_EMPLOYED = (
    _EN_WORKS | _EN_AT | frozenset({"who", "that", "still", "now", "currently", "also", "is", "the"})
)
# 「<company>で働いてる<name>」「<company>勤務の<name>」 (lemmas, as the tokenizer gives them)
_JA_WORKS = frozenset({"働く", "勤める", "勤務"})
_JA_EMPLOYED = _JA_WORKS | frozenset({"で", "に", "てる", "て", "いる", "の", "社員", "として"})
# 「<name>は<company>で働いてる」
_JA_TOPIC = frozenset({"は", "って", "も", "、", ",", "さん", "くん", "ちゃん"})
_JA_WORKS_AFTER = re.compile(r"^(?:で 働く|に 勤める|勤務)(?: |$)")
_WINDOW = 6  # tokens each side of the name that count as its neighbourhood
_HONORIFICS = tuple(sorted({compact_key(h) for h in HONORIFICS}, key=len, reverse=True))


def matched_in_full(finding: Finding) -> bool:
    """Whether the names detector found ``finding``'s employee by a full name or alias (score
    1.0), not by a partial name that needed company or role context (0.75)."""
    return finding.score >= 1.0


def _distance(d: int) -> str:
    return "1" if d <= 1 else "2" if d <= 2 else "4" if d <= 4 else "8" if d <= 8 else "far"


@dataclass(frozen=True, slots=True)
class NameReading:
    """A post read for one candidate name: its tokens (mentions as placeholders), their keys
    with the candidate's as ``<cand>``, and where the candidate and the company are."""

    text: str
    toks: Sequence[Token]
    keys: list[str]
    cand: list[int]
    company: list[int]

    def same_sentence(self, i: int, j: int) -> bool:
        a, b = sorted((self.toks[i][1], self.toks[j][1]))
        return not SENTENCE_BREAK.search(self.text, a, b)

    def beside_company(self) -> bool:
        """The name is within two words of the company's mention in its sentence (ミナト通信の
        田中さん, Tanaka from Minato): the company's person. Such names are kept without being
        scored: in the corpus's held-out predictions the model withdrew none of them."""
        return any(abs(c - i) <= 2 and self.same_sentence(c, i) for i in self.cand for c in self.company)

    def employed_at_company(self) -> bool:
        """The sentence says the name works at the company: "Wang Lihua (still) works at
        Minato Tsushin", 「ミナト通信で働いてる王麗華」, 「ミナト通信勤務の王」, 「王麗華はミナト通信で働いてる」.
        Such a statement makes the name the company's person whoever else shares it, so it is
        kept without being scored, like a name beside the company."""
        keys = self.keys
        for i in self.cand:
            for c in self.company:
                if not self.same_sentence(c, i):
                    continue
                if i < c:
                    between = set(keys[i + 1 : c])
                    if between <= _EN_EMPLOYED and between & _EN_WORKS and between & _EN_AT:
                        return True
                    if between <= _JA_TOPIC and _JA_WORKS_AFTER.match(" ".join(keys[c + 1 : c + 4])):
                        return True
                elif c + 1 < i:
                    between = set(keys[c + 1 : i])
                    if between <= _JA_EMPLOYED and between & _JA_WORKS:
                        return True
        return False

    def kept_unscored(self) -> bool:
        """Beside the company or said to work there: the model keeps the name without scoring it."""
        return self.beside_company() or self.employed_at_company()


def read_name(text: str, targets: Sequence[Target], spans: Sequence[tuple[int, int]]) -> NameReading:
    """``text`` read for the candidate name at ``spans``; ``targets`` are the post's mentions
    (they read as ``<co>`` and ``<emp>``)."""
    if not all(any(t.start == s and t.end == e for t in targets) for s, e in spans):
        # a name the rules refused (training): read as a mention like the ones they found
        own = [Target(s, e, "\x00cand", text[s:e]) for s, e in spans]
        others = [t for t in targets if not any(t.start < e and s < t.end for s, e in spans)]
        targets = sorted([*others, *own], key=lambda t: t.start)
    toks = tokens(text, targets)
    keys = [k for k, _, _ in toks]
    cand = [
        i for i, (k, s, e) in enumerate(toks) if k == "<emp>" and any(s < e2 and s2 < e for s2, e2 in spans)
    ]
    for i in cand:
        keys[i] = _CAND
    return NameReading(text, toks, keys, cand, [i for i, k in enumerate(keys) if k == _CO])


def candidate_features(
    text: str, targets: Sequence[Target], spans: Sequence[tuple[int, int]], *, strong: bool
) -> list[str]:
    """The features of "``text[spans]`` names the employee" (see :func:`features_of`)."""
    return features_of(read_name(text, targets, spans), strong=strong)


def features_of(r: NameReading, *, strong: bool) -> list[str]:
    """The name's neighbours by position (``L1:`` the word before, ``R2:`` the second after,
    ``…s:CAP`` a capitalised English word), a role word or honorific beside it as the names
    detector reads them (``role:before`` オペの, ``role:after`` 店長 or 工場長, ``hon:after``
    さん), the words within six tokens (``w:``), every word of the post (``p:``), how far the
    company's nearest mention is (``cod:``) and whether it is in the same sentence (``cos:``),
    and whether the name matched in full (``k:strong``) or needed context (``k:weak``)."""
    text, toks, keys, company = r.text, r.toks, r.keys, r.company
    out = set(map("p:".__add__, keys))
    out.add("k:strong" if strong else "k:weak")
    out.add("lang:ja" if has_japanese(text) else "lang:en")
    if not company:
        out.add("co:none")
    n = len(keys)
    for i in r.cand:
        if not text[: toks[i][1]].strip():
            out.add("pos:start")
        for d in (1, 2):
            for side, j in (("L", i - d), ("R", i + d)):
                if not 0 <= j < n:
                    out.add(f"{side}{d}:{'^' if side == 'L' else '$'}")
                    continue
                out.add(f"{side}{d}:{keys[j]}")
                if text[toks[j][1]].isupper():
                    out.add(f"{side}{d}s:CAP")
        out.update("w:" + keys[j] for j in range(max(0, i - _WINDOW), min(n, i + _WINDOW + 1)) if j != i)
        if 0 < i < n - 1:
            out.add(f"lr:{keys[i - 1]}_{keys[i + 1]}")
        start, end = toks[i][1], toks[i][2]
        if ROLE_BEFORE.search(compact(text[max(0, start - 12) : start]).text):
            out.add("role:before")
        after = compact(text[end : end + 16]).text
        if ROLE_AFTER.match(after):
            out.add("role:after")
        if after.startswith(_HONORIFICS):
            out.add("hon:after")
        if company:
            out.add("cod:" + _distance(min(abs(c - i) for c in company)))
            out.add(f"cos:{any(r.same_sentence(c, i) for c in company)}")
    return list(out)


@dataclass(frozen=True)
class NameModel:
    weights: Mapping[str, float]
    bias: float
    threshold: float
    meta: Mapping[str, Any]
    network: BagNetwork | None = None
    rows: Mapping[str, int] | None = None  # the network's features -> its rows (1 …)

    @classmethod
    def load(cls, path: Path) -> NameModel:
        """The model in ``path``, read once per process while the file is unchanged."""
        return _load(*file_version(path))

    def with_network(self, features: Sequence[str], network: BagNetwork) -> NameModel:
        """This model with ``network`` as its second reader; ``features`` are the network's, in
        the order of its rows (1 …)."""
        return replace(self, network=network, rows={f: i for i, f in enumerate(features, start=1)})

    def regression(self, features: Sequence[str]) -> float:
        """The regression's log-odds that the name is the employee's."""
        return self.bias + sum(map(self.weights.get, features, repeat(0.0)))

    def logit(self, features: Sequence[str]) -> float:
        """The log-odds the detector decides by: the regression's, lowered to its blend with the
        network's (:attr:`BagNetwork.blend` is the network's share) where that is lower."""
        z = self.regression(features)
        if self.network is None or self.rows is None:
            return z
        rows = self.rows
        known = [rows[f] for f in features if f in rows]
        net = float(self.network.logits(known)[0])
        return min(z, (1.0 - self.network.blend) * z + self.network.blend * net)

    def probability(self, features: Sequence[str]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> NameModel:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DetectorUnavailable(
            f"The name model {path} does not exist; train it with training/train_name_model.py."
        ) from None
    except (OSError, ValueError) as exc:
        raise DetectorUnavailable(f"The name model {path} cannot be read: {exc}.") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DetectorUnavailable(f"{path} is not a mamori name model (its 'format' is not {FORMAT!r}).")
    if raw.get("feature_version") != FEATURE_VERSION:
        raise DetectorUnavailable(
            f"The name model {path} was trained on features {raw.get('feature_version')!r}, and this "
            f"version reads {FEATURE_VERSION!r}; retrain it with training/train_name_model.py."
        )
    try:
        weights = {str(k): float(v) for k, v in raw["weights"].items()}
        model = NameModel(weights, float(raw["bias"]), float(raw["threshold"]), dict(raw.get("meta", {})))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DetectorUnavailable(f"The name model {path} is inconsistent: {exc!r}.") from exc
    section = raw.get("network")
    if section is None:
        return model
    vectors = network_file(Path(path))
    try:
        features = [str(f) for f in section["features"]]
        network = BagNetwork.read(section, vectors, len(features) + 1)
    except OSError as exc:
        raise DetectorUnavailable(
            f"The name model {path} is incomplete: its network {vectors} cannot be read ({exc}); "
            "retrain it with training/train_name_model.py."
        ) from exc
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DetectorUnavailable(f"The name model {path} has an inconsistent network: {exc!r}.") from exc
    return model.with_network(features, network)


class NameModelDetector(Detector):
    name = "name_model"
    labels = ("employee_named",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        opts = context.options_for(self.name)
        self.model = NameModel.load(Path(opts.get("path") or MODEL_PATH))
        self.withdraw = float(opts.get("withdraw", self.model.threshold))

    def probability(self, post: Post, finding: Finding) -> float:
        """How likely the model finds it that ``finding`` (an ``employee_named`` finding of
        ``post``) names the employee, not a namesake."""
        read = post_text(post)
        return self._probability(read, targets_of(post, read), finding)

    def _probability(self, read: PostText, targets: list[Target], finding: Finding) -> float:
        reading = read_name(read.text, targets, [read.bounds(s) for s in finding.spans])
        if reading.kept_unscored():
            return 1.0  # kept without scoring (NameReading.kept_unscored)
        return self.model.probability(features_of(reading, strong=matched_in_full(finding)))

    def detect(self, post: Post) -> list[Finding]:
        names = [f for f in post.findings if f.label == "employee_named" and f.employee_id and f.spans]
        if not names:
            return []
        read = post_text(post)
        targets = targets_of(post, read)
        dropped = []
        for f in names:
            p = self._probability(read, targets, f)
            if p < self.withdraw:
                dropped.append(f)
                logger.debug(
                    "Name model withdrew employee %s on post %s (probability %.2f that it is the employee).",
                    f.employee_id,
                    post.id,
                    p,
                )
        if dropped:
            post.findings[:] = [f for f in post.findings if not any(f is d for d in dropped)]
        return []
