"""Company mentions: any alias of the company, after normalization (``company_mentioned``)."""

from __future__ import annotations

from crawler.items import Finding, Post, Span
from detectors.base import Detector, DetectorContext
from detectors.matching import MultiMatcher, is_ascii_word_boundary
from detectors.normalize import compact


class CompanyMentionDetector(Detector):
    name = "company"
    labels = ("company_mentioned",)

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        names = (context.company_name, *context.company_aliases)
        self.matcher = MultiMatcher({n: context.company_name for n in names if n.strip()})

    def detect(self, post: Post) -> list[Finding]:
        folded = compact(post.text)
        spans: list[Span] = []
        for start, end, _alias in self.matcher.find(folded.text):
            o_start, o_end = folded.span_back(start, end)
            if not is_ascii_word_boundary(post.text, o_start, o_end):
                continue
            spans.append(Span(o_start, o_end, post.text[o_start:o_end]))
        if not spans:
            return []
        words = ", ".join(sorted({s.text for s in spans}))
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
