"""Real clean posts as negatives for the text model's network (thirteenth round).

The corpus of ``training/text/`` is written; real posts are not. A network trained on written
posts alone is sure of itself on real ones it has never seen the like of ("Minato Tsushin: Oreos
And Milk" read as an insult, docs/detectors.md "Twelfth round"). The public toxicity data of
``../shared/data/toxicity`` (the stress test's, ``benchmarks/text_realdata.py``) holds tens of
thousands of real posts that are not abusive. Half of them, chosen by a hash of their id, are put
behind a company mention and given to the network as posts with no label; the other half is
the stress test's **measured half**, which no model ever trains on.

- Which half: :func:`trained_on` (SHA-256 of the post's id, even = trained on).
- The datasets' own marks are removed first (:func:`scrub`): OLID writes every handle as
  ``@USER`` and Davidson keeps ``RT @name:`` and HTML entities; left in, the network learns them
  as words of clean posts (a shortcut that read 0.2% on OLID's measured half).
- The company is put in by :data:`TEMPLATES`, none of them the stress test's own prefix, so
  the measured half is read through a form the network never saw.

The product never reads this data: it shapes the shipped network's numbers, and
``train_text_model.py --check`` records its digest (:func:`digest`).
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = Path(os.environ.get("MAMORI_SHARED_DATA", REPO.parent / "shared" / "data")) / "toxicity"
COMPANY = ("ミナト通信", ("Minato Tsushin",))
TEMPLATES = {
    "en": (
        "{t} #MinatoTsushin",
        "Re Minato Tsushin, {t}",
        "{t} (sent from my Minato Tsushin phone)",
        "Waiting at the Minato Tsushin shop. {t}",
    ),
    "ja": (
        "{t} #ミナト通信",
        "ミナト通信のスレで見たけど、{t}",
        "{t}（ミナト通信の待合室にて）",
        "ミナト通信で機種変待ち。{t}",
    ),
}
SEED = 5
_HANDLE = re.compile(r"@\w+:?")
_MARKS = re.compile(r"\bRT\b|https?://\S+|\bURL\b")
_DAVIDSON = {"0": ("discrimination",), "1": ("insult",)}


@dataclass(frozen=True)
class RealPost:
    id: str
    text: str
    lang: str
    labels: frozenset[str]  # mapped to mamori's labels as benchmarks/text_realdata.py says

    @property
    def clean(self) -> bool:
        return not self.labels


def scrub(text: str) -> str:
    """``text`` without the datasets' marks: handles, "RT", links, ``URL`` and HTML entities."""
    text = _MARKS.sub("", _HANDLE.sub("", html.unescape(html.unescape(text))))
    return " ".join(text.split())


def trained_on(post_id: str) -> bool:
    """Whether the post is in the half the network trains on (else the measured half)."""
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 2 == 0


def inspection_ai(source: Path = SOURCE) -> tuple[list[RealPost], int]:
    """The Japanese inspection-ai subset, and how many posts were left out as ambiguous: a
    majority voting Toxic or Very Toxic is abusive (``discrimination`` if half the annotators
    tagged 差別, ``sexual`` if 猥褻, else ``insult``), no toxic vote is clean, anything between is
    left out."""
    posts, ambiguous = [], 0
    with (source / "ja" / "inspection-ai__subset.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            n, toxic = int(row["annotation_num"]), int(row["Toxic"]) + int(row["Very Toxic"])
            if 0 < toxic * 2 <= n:
                ambiguous += 1
                continue
            labels: frozenset[str] = frozenset()
            if toxic * 2 > n:
                if int(row["category_差別"]) * 2 >= n:
                    labels = frozenset({"discrimination"})
                elif int(row["category_猥褻"]) * 2 >= n:
                    labels = frozenset({"sexual"})
                else:
                    labels = frozenset({"insult"})
            posts.append(RealPost(f"ja{row['id']}", row["text"], "ja", labels))
    return posts, ambiguous


def davidson(source: Path = SOURCE) -> list[RealPost]:
    """Davidson et al.: class 0 (hate speech) is ``discrimination``, 1 (offensive) ``insult``,
    2 clean."""
    with (source / "en" / "davidson__labeled_data.csv").open(encoding="utf-8") as fh:
        return [
            RealPost(f"dv{row['']}", row["tweet"], "en", frozenset(_DAVIDSON.get(row["class"], ())))
            for row in csv.DictReader(fh)
        ]


def olid(source: Path = SOURCE) -> list[RealPost]:
    """OLID (OffensEval 2019), training set and level-A test set: OFF is ``insult``, NOT clean."""
    base = source / "en" / "OLIDv1.0"
    off = frozenset({"insult"})
    with (base / "olid-training-v1.0.tsv").open(encoding="utf-8") as fh:
        out = [
            RealPost(f"ol{row['id']}", row["tweet"], "en", off if row["subtask_a"] == "OFF" else frozenset())
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        ]
    gold: dict[str, str] = {}
    with (base / "labels-levela.csv").open(encoding="utf-8") as fh:
        for pair in csv.reader(fh):
            if len(pair) == 2:
                gold[pair[0]] = pair[1]
    with (base / "testset-levela.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["id"] in gold:
                labels = off if gold[row["id"]] == "OFF" else frozenset()
                out.append(RealPost(f"olt{row['id']}", row["tweet"], "en", labels))
    return out


def files(source: Path = SOURCE) -> list[Path]:
    """The data files read; a missing one is an error that says where the data should be."""
    paths = [
        source / "ja" / "inspection-ai__subset.csv",
        source / "en" / "davidson__labeled_data.csv",
        source / "en" / "OLIDv1.0" / "olid-training-v1.0.tsv",
        source / "en" / "OLIDv1.0" / "labels-levela.csv",
        source / "en" / "OLIDv1.0" / "testset-levela.tsv",
    ]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(
                f"The real clean posts the text model's network trains on are read from {path}, which "
                "does not exist; put the shared data beside the repository (../shared/data) or set "
                "MAMORI_SHARED_DATA to its folder."
            )
    return paths


def negatives(source: Path = SOURCE) -> list[tuple[str, str, str]]:
    """The training half's clean posts, scrubbed and put behind a company mention: (id, text, lang)."""
    files(source)
    rng = random.Random(SEED)
    out = []
    for post in (*inspection_ai(source)[0], *davidson(source), *olid(source)):
        if post.clean and trained_on(post.id):
            out.append((post.id, rng.choice(TEMPLATES[post.lang]).format(t=scrub(post.text)), post.lang))
    return out


def digest(source: Path = SOURCE) -> str:
    """The source files and how they are used (templates, seed), for ``--check``."""
    h = hashlib.sha256(repr((sorted(TEMPLATES.items()), SEED, COMPANY)).encode())
    for path in files(source):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def features(source: Path = SOURCE) -> list[dict[str, float]]:
    """The text model's features of :func:`negatives` (posts in which the company is found), as
    ``train_text_model.load_rows`` reads the corpus: the rules run first, the text model is off."""
    from crawler.evaluation.text import text_detector_paths
    from crawler.items import Post
    from crawler.roster import Roster
    from detectors.attribution import targets_of
    from detectors.base import DetectorContext, DetectorSet
    from detectors.fields import post_text
    from detectors.text_features import feature_names

    context = DetectorContext(COMPANY[0], COMPANY[1], Roster(), {})
    detectors = DetectorSet.from_paths(text_detector_paths(), context, disabled=("text_model",))
    out = []
    for post_id, text, lang in negatives(source):
        post = Post(platform="train", source="real", id=post_id, url="", text=text, lang=lang)
        detectors.run(post)
        read = post_text(post)
        targets = targets_of(post, read)
        if targets:
            out.append(dict.fromkeys(feature_names(read.text, targets), 1.0))
    return out
