"""Training the text model's network (:mod:`detectors.bag_network`) with PyTorch.

A post is the sum of its features' vectors (an ``EmbeddingBag``), then a rectifier and one
linear layer give a log-odds per label; the loss is binary cross-entropy per label, each
label's positives weighted by how rare they are (at most :data:`MAX_POS_WEIGHT`). Features seen
in fewer than :data:`MIN_COUNT` training posts have no vector. During training a fifth of a
post's features are dropped at random (posts of more than four), so no single word carries a
label. Sparse gradients (``SparseAdam``) keep a fit of 29,000 posts to about 15 s on one core.

Fixed seeds and one thread make a fit reproducible on one machine; the detector reads only the
numbers it stores (numpy), never PyTorch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DIM = 32
EPOCHS = 6
LEARNING_RATE = 0.01
BATCH = 64
MIN_COUNT = 2
DROPOUT = 0.2
MAX_POS_WEIGHT = 10.0
SEED = 0


@dataclass(frozen=True)
class Fitted:
    vocabulary: list[str]  # feature names, in vector order
    vectors: Any  # numpy float32, vocabulary × DIM
    weight: Any  # numpy float64, DIM × labels
    bias: Any  # numpy float64, labels


def settings(*, dim: int = DIM, epochs: int = EPOCHS, balanced: bool = True) -> dict[str, Any]:
    """The training settings (of a fit with these arguments), recorded in the model file's meta."""
    return {
        "dim": dim,
        "epochs": epochs,
        "balanced": balanced,
        "learning_rate": LEARNING_RATE,
        "batch": BATCH,
        "min_count": MIN_COUNT,
        "feature_dropout": DROPOUT,
        "seed": SEED,
    }


def fit_network(
    posts: Sequence[Mapping[str, float]] | Sequence[Sequence[str]],
    targets: Sequence[frozenset[str]],
    labels: Sequence[str],
    *,
    dim: int = DIM,
    epochs: int = EPOCHS,
    balanced: bool = True,
) -> Fitted:
    """Fit the network on posts given as feature sets (``posts``) with their labels. With
    ``balanced`` every label's positives weigh by how rare they are (at most
    :data:`MAX_POS_WEIGHT`); without, every post weighs the same."""
    import numpy as np
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: reproducible, and the parallel folds share the cores
    try:
        torch.manual_seed(SEED)
        rng = np.random.default_rng(SEED)
        counts = Counter(f for feats in posts for f in feats)
        vocabulary = sorted(f for f, c in counts.items() if c >= MIN_COUNT)
        ids = {f: i for i, f in enumerate(vocabulary, start=1)}  # 0: padding, never learned
        encoded = [[ids[f] for f in sorted(feats) if f in ids] for feats in posts]
        sizes = [len(feats) for feats in posts]
        y = torch.tensor([[label in t for label in labels] for t in targets], dtype=torch.float32)
        embed = torch.nn.EmbeddingBag(len(ids) + 1, dim, mode="sum", sparse=True, padding_idx=0)
        torch.nn.init.normal_(embed.weight, 0.0, 0.1)
        with torch.no_grad():
            embed.weight[0].zero_()  # the stand-in of a post with no known feature
        out = torch.nn.Linear(dim, len(labels))
        sparse_opt = torch.optim.SparseAdam(list(embed.parameters()), lr=LEARNING_RATE)
        dense_opt = torch.optim.Adam(list(out.parameters()), lr=LEARNING_RATE)
        share = y.mean(0).clamp(min=1e-6)
        pos_weight = ((1 - share) / share).clamp(max=MAX_POS_WEIGHT) if balanced else None
        loss_of = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        for _ in range(epochs):
            order = rng.permutation(len(encoded))
            for start in range(0, len(order), BATCH):
                batch = order[start : start + BATCH]
                bags = [_dropped(encoded[i], sizes[i], rng) or [0] for i in batch]
                flat = torch.tensor([i for bag in bags for i in bag], dtype=torch.long)
                offsets = torch.tensor(np.cumsum([0] + [len(b) for b in bags[:-1]]), dtype=torch.long)
                sparse_opt.zero_grad()
                dense_opt.zero_grad()
                loss = loss_of(out(torch.relu(embed(flat, offsets))), y[batch])
                loss.backward()
                sparse_opt.step()
                dense_opt.step()
        return Fitted(
            vocabulary=vocabulary,
            vectors=embed.weight.detach().numpy()[1:].astype(np.float32),
            weight=out.weight.detach().numpy().T.astype(np.float64),
            bias=out.bias.detach().numpy().astype(np.float64),
        )
    finally:
        torch.set_num_threads(threads)


def _dropped(bag: list[int], size: int, rng: Any) -> list[int]:
    """The post's known features after dropout (posts of more than four features)."""
    if size <= 4:
        return bag
    keep = [i for i, r in zip(bag, rng.random(len(bag)), strict=True) if r > DROPOUT]
    return keep or bag
