"""Company mentions: any alias of the company, after normalization (``company_mentioned``).

Aliases match through full-/half-width forms, kana folding, variant kanji, inserted spaces
or symbols (ミ ナ ト 通 信) and leet digits (M1nato); a latin alias must be a whole word
(``Minato`` in ``Minatoku`` is not a mention). The title is read as well as the text
(:mod:`detectors.fields`).
"""

from __future__ import annotations

from crawler.items import Finding, Post
from detectors.base import Detector, DetectorContext
from detectors.fields import post_text
from detectors.matching import MultiMatcher


class CompanyMentionDetector(Detector):
    name = "company"
    labels = ("company_mentioned",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        names = (context.company_name, *context.company_aliases)
        self.matcher: MultiMatcher[str] = MultiMatcher({n: context.company_name for n in names if n.strip()})

    def detect(self, post: Post) -> list[Finding]:
        read = post_text(post)
        spans = [read.span(m.o_start, m.o_end) for m in self.matcher.search(read.text)]
        if not spans:
            return []
        words = ", ".join(dict.fromkeys(s.text for s in spans))
        return [
            Finding(
                detector=self.name,
                label="company_mentioned",
                severity="info",
                score=1.0,
                explanation=f"Mentions the company {self.context.company_name} as: {words}.",
                spans=tuple(spans),
            )
        ]
