"""Harassment by lexicon: abusive, threatening and defamatory words aimed at the company or
an employee (``defamation``, ``insult``, ``threat``).

A word counts only when the post has a target (a company mention or a named employee found
by the detectors that ran before). This is the walking skeleton's detector; the full
category detectors live beside it.
"""

from __future__ import annotations

from crawler.items import Finding, Post, Span
from detectors.base import Detector, DetectorContext
from detectors.matching import MultiMatcher, is_ascii_word_boundary
from detectors.normalize import compact

LEXICON: dict[str, tuple[str, ...]] = {
    "threat": (
        "殺す", "ころす", "殺してやる", "燃やす", "放火", "爆破", "待ち伏せ", "覚えとけ", "覚えてろ",
        "kill you", "burn it down", "bomb", "i know where you live", "wait outside",
    ),
    "defamation": (
        "詐欺", "犯罪", "違法", "ブラック企業", "横領", "脱税", "改ざん", "サギ",
        "scam", "fraud", "scammers", "illegal", "crooks", "embezzle",
    ),
    "insult": (
        "クズ", "くず", "無能", "バカ", "馬鹿", "ゴミ", "死ね", "きもい", "キモい",
        "idiot", "useless", "moron", "trash", "stupid", "garbage",
    ),
}
SEVERITY = {"threat": "critical", "defamation": "high", "insult": "medium"}
TARGET_LABELS = ("company_mentioned", "employee_named")


class LexiconDetector(Detector):
    name = "lexicon"
    labels = tuple(LEXICON)

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        self.matcher = MultiMatcher(
            {word: label for label, words in LEXICON.items() for word in words}, leet=False
        )

    def detect(self, post: Post) -> list[Finding]:
        targets = [f for f in post.findings if f.label in TARGET_LABELS]
        if not targets:
            return []
        folded = compact(post.text, leet=False)
        by_label: dict[str, list[Span]] = {}
        for start, end, label in self.matcher.find(folded.text):
            o_start, o_end = folded.span_back(start, end)
            if not is_ascii_word_boundary(post.text, o_start, o_end):
                continue
            by_label.setdefault(label, []).append(Span(o_start, o_end, post.text[o_start:o_end]))
        employee = next((f.employee_id for f in targets if f.employee_id), None)
        target = f"employee {employee}" if employee else self.context.company_name
        findings = []
        for label, spans in by_label.items():
            words = ", ".join(sorted({s.text for s in spans}))
            findings.append(
                Finding(
                    detector=self.name,
                    label=label,
                    severity=SEVERITY[label],
                    score=0.8,
                    explanation=f"{label.capitalize()} aimed at {target}: {words}.",
                    spans=tuple(spans),
                    employee_id=employee,
                )
            )
        return findings
