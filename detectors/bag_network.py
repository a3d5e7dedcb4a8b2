"""A small neural network over the same features as the word model: the text model's second reader.

The word model (:mod:`detectors.text_model`) weighs every feature on its own: "カス" counts the
same whether the post is about a baseball game or about the company's staff. This network reads
the post's features as one bag: each known feature has a learned vector (``dim`` numbers), the
post is the sum of its features' vectors, and a rectifier and one linear layer turn that sum into
a score per label. The rectifier lets features change each other's weight (a sports word
and an insult together are not the insult alone), which a linear model cannot do. Its shape is
fastText's supervised classifier (Joulin et al. 2017) with one non-linearity.

The network only ever speaks against a label: the text model's word probability of a label
is the word model's, lowered to the mean of the two readers' log-odds (:data:`BLEND` of each)
when the network is less sure, never raised. Blended both ways it found more on the corpus's
held-out folders, but on real tweets with a company name put in front (the stress test of
``benchmarks/text_realdata.py``) it flagged twice as many clean posts as the word model alone
("Minato Tsushin: Oreos And Milk" as an insult): a network is confident far from its training
data, where a linear model's few known weights stay near its bias. The combiner and the
thresholds are learned on the lowered probabilities. Since the thirteenth round it also trains
on 7,038 real clean posts put behind a company mention (``training/real_negatives.py``), which
halved what it finds in real English tweets about nothing in particular. Explanations still come from the word
model's per-feature weights: the network only changes how sure the model is, never which words
are shown.

Stored beside the model: ``text_model.network.bin`` holds the network's vocabulary as
little-endian int32 row numbers of the word model's features, then its vectors as little-endian
float16 (vocabulary × dim); the output layer is in the model's JSON (``network``). Scoring a
post takes about 15 µs (3.5% of the titled worst case): one take of the rows the word model
already looked up, a sum of their vectors, and a (dim × labels) product.

Trained by ``training/bag_network.py`` (PyTorch, used only for training).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BLEND = 0.5
"""The network's share of the blended log-odds (the other reader has the rest). The text model's
blend only ever lowers the word model's (:meth:`detectors.text_model.TextModel.scores`); the name
model's too (:meth:`detectors.name_model.NameModel.logit`)."""


@dataclass(frozen=True, eq=False)
class BagNetwork:
    rows: Any  # numpy int32, (1 + word-model features): word-model row -> vector row (0: none)
    vectors: Any  # numpy float32, (1 + vocabulary) × dim; row 0 is zeros
    weight: Any  # numpy float64, dim × labels
    bias: Any  # numpy float64, labels
    blend: float = BLEND

    @classmethod
    def of(
        cls,
        n_rows: int,
        vocabulary_rows: Sequence[int],
        vectors: Any,
        weight: Any,
        bias: Any,
        blend: float = BLEND,
    ) -> BagNetwork:
        """A network over a word model with ``n_rows`` rows (row 0 included), whose vocabulary
        is the word-model rows ``vocabulary_rows`` with one vector each."""
        vectors = np.asarray(vectors, dtype=np.float32)
        weight = np.asarray(weight, dtype=np.float64)
        bias = np.asarray(bias, dtype=np.float64)
        if vectors.shape != (len(vocabulary_rows), weight.shape[0]) or bias.shape != (weight.shape[1],):
            raise ValueError(
                f"the network's shapes disagree: {len(vocabulary_rows)} words, vectors {vectors.shape}, "
                f"output layer {weight.shape} and {bias.shape}"
            )
        ids = np.asarray(vocabulary_rows, dtype=np.int64)
        if ids.size and (ids.min() < 1 or ids.max() >= n_rows):
            raise ValueError(f"the network names word-model rows outside 1..{n_rows - 1}")
        rows = np.zeros(n_rows, dtype=np.int32)
        rows[ids] = np.arange(1, len(ids) + 1, dtype=np.int32)
        zero = np.zeros((1, vectors.shape[1]), dtype=np.float32)
        return cls(rows=rows, vectors=np.vstack([zero, vectors]), weight=weight, bias=bias, blend=blend)

    def logits(self, word_rows: Sequence[int]) -> Any:
        """The network's log-odds per label for a post whose features are the word-model rows
        ``word_rows`` (features the network does not know add nothing)."""
        mine = self.rows.take(word_rows)
        mine = mine[mine > 0]
        if mine.size == 0:
            return self.bias
        total = np.add.reduce(self.vectors.take(mine, axis=0), axis=0, dtype=np.float64)
        return np.maximum(total, 0.0) @ self.weight + self.bias

    # -- storage -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "dim": int(self.weight.shape[0]),
            "vocabulary": int(self.vectors.shape[0] - 1),
            "blend": self.blend,
            "weight": [[round(float(w), 6) for w in row] for row in self.weight],
            "bias": [round(float(b), 6) for b in self.bias],
        }

    def write(self, path: Path) -> None:
        """The vocabulary's word-model rows (int32) then the vectors (float16), little-endian."""
        order = np.argsort(self.rows[self.rows > 0])  # vector row 1.. in order
        word_rows = np.flatnonzero(self.rows)[order]
        with path.open("wb") as f:
            f.write(word_rows.astype("<i4").tobytes())
            f.write(self.vectors[1:].astype("<f2").tobytes())

    @classmethod
    def read(cls, section: Mapping[str, Any], path: Path, n_rows: int) -> BagNetwork:
        """The network described by the model file's ``network`` section, with its vocabulary
        and vectors from ``path``. Raises ``OSError`` or ``ValueError`` (the caller names the file)."""
        dim, size = int(section["dim"]), int(section["vocabulary"])
        data = path.read_bytes()
        if len(data) != size * 4 + size * dim * 2:
            raise ValueError(
                f"{path.name} holds {len(data)} bytes, not the {size} words × {dim} numbers it should"
            )
        word_rows = np.frombuffer(data, dtype="<i4", count=size)
        vectors = np.frombuffer(data, dtype="<f2", offset=size * 4).reshape(size, dim)
        return cls.of(
            n_rows, word_rows.tolist(), vectors, section["weight"], section["bias"], float(section["blend"])
        )


def network_file(model_path: Path) -> Path:
    """The network's vocabulary and vectors, stored beside the model file."""
    stem = model_path.with_suffix("")
    return stem.with_name(stem.name + ".network.bin")
