"""How the text model's word probabilities and the rules' findings become labels: a learned combiner.

The text model (:mod:`detectors.text_model`) gives each harassment label a probability from the
words of a post; the rules (:mod:`detectors.harassment`, :mod:`detectors.personal_info`) give the
labels their lexicons and patterns found, with a strength. Until the eleventh round one
threshold per decision joined them by hand (add a label the rules missed at ``add``, withdraw a
rule finding under ``withdraw`` unless it was strong and no word spoke against it). The
combiner learns the join instead, per label, from leave-one-folder-out predictions of the
corpus (``training/train_text_model.py``): a logistic regression over

- the word model's probability of **every** label, binned on the log-odds scale (a threat
  makes ``personal_info`` likelier, an insult makes defamation less sure);
- the strength of the rules' finding of every label (none, or its score in quarters);
- the label's own probability crossed with "the rules found it" and with "the words the model
  leans on are in a context the rules set aside" (condemned, denied, answered "no", news,
  fiction: :func:`detectors.text_model.set_aside`).

Every input is one of a few bins, so the combiner is a table of weights in the model file: how
much a given probability or rule finding of one label moves another. Scoring a post is a few
dozen look-ups per label.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

EDGES = (-6.0, -4.0, -3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
"""Bin edges of a probability's log-odds: 15 bins, finer where decisions are made."""
N_BINS = len(EDGES) + 1
RULE_BINS = 5  # none, or the strongest rule finding's score in quarters (0–0.25 … 0.75–1)


_P_EDGES = tuple(1.0 / (1.0 + math.exp(-e)) for e in EDGES)  # the edges as probabilities


def logit_bin(p: float) -> int:
    """The bin of probability ``p``: its log-odds against :data:`EDGES` (compared as
    probabilities, the same order without a logarithm per label)."""
    return bisect_left(_P_EDGES, p)


def rule_bin(strength: float | None) -> int:
    return 0 if strength is None else 1 + min(3, int(strength * 4))


def dimension(n_labels: int) -> int:
    """The number of weights per label."""
    return n_labels * N_BINS + n_labels * RULE_BINS + 4 * N_BINS


def _shared(pbins: Sequence[int], rbins: Sequence[int]) -> list[int]:
    """The inputs that are on for every label: the bins of every label's probability
    (``pbins``) and rule strength (``rbins``)."""
    n = len(pbins)
    return [k * N_BINS + b for k, b in enumerate(pbins)] + [
        n * N_BINS + k * RULE_BINS + b for k, b in enumerate(rbins)
    ]


def _crossed(j: int, pbins: Sequence[int], rbins: Sequence[int], blocked: bool) -> tuple[int, int]:
    """Label ``j``'s own inputs: its bin crossed with whether the rules found it and with
    whether its words are set aside."""
    base = len(pbins) * (N_BINS + RULE_BINS)
    return (
        base + (N_BINS if rbins[j] else 0) + pbins[j],
        base + 2 * N_BINS + (N_BINS if blocked else 0) + pbins[j],
    )


def active(j: int, pbins: Sequence[int], rbins: Sequence[int], blocked: bool) -> list[int]:
    """The indices of the inputs that are on for label ``j`` (each input is 0 or 1)."""
    return _shared(pbins, rbins) + list(_crossed(j, pbins, rbins, blocked))


@dataclass(frozen=True)
class Combiner:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: tuple[tuple[float, ...], ...]  # per label, :func:`dimension` weights

    @classmethod
    def from_json(cls, data: Mapping[str, Any], labels: Sequence[str]) -> Combiner:
        """Read the ``combiner`` section of a model file; ValueError when it does not fit."""
        if tuple(data.get("edges", ())) != EDGES or data.get("rule_bins") != RULE_BINS:
            raise ValueError("its combiner was trained on other bins")
        bias = tuple(float(b) for b in data["bias"])
        weights = tuple(tuple(float(w) for w in row) for row in data["weights"])
        if len(bias) != len(labels) or any(len(row) != dimension(len(labels)) for row in weights):
            raise ValueError("its combiner does not match its labels")
        return cls(tuple(labels), bias, weights)

    def to_json(self) -> dict[str, Any]:
        return {
            "edges": list(EDGES),
            "rule_bins": RULE_BINS,
            "bias": [round(b, 6) for b in self.bias],
            "weights": [[round(w, 6) for w in row] for row in self.weights],
        }

    def probabilities(
        self, probs: Sequence[float], strength: Mapping[str, float]
    ) -> list[tuple[float, float]]:
        """Per label, the combined probability with the label's words read as the writer's
        claim, and with them set aside (the caller checks the context only when the two fall
        on either side of its threshold)."""
        pbins = [logit_bin(p) for p in probs]
        rbins = [rule_bin(strength.get(label)) for label in self.labels]
        shared = _shared(pbins, rbins)
        out: list[tuple[float, float]] = []
        for j, w in enumerate(self.weights):
            found, claim = _crossed(j, pbins, rbins, False)
            z = self.bias[j] + sum(map(w.__getitem__, shared)) + w[found]
            out.append((sigmoid(z + w[claim]), sigmoid(z + w[claim + N_BINS])))  # + N_BINS: set aside
        return out


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
