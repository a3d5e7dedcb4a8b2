"""Employee names from the roster (``employee_named``).

Full names (kanji, kana reading, romaji in either order) and registered aliases match on
their own. A family name alone (田中, Tanaka) counts only with context: the company is
mentioned in the post, or a role word (オペレーター, 店員, operator …) stands right next to it.
"""

from __future__ import annotations

import re

from crawler.items import Finding, Post, Span
from detectors.base import Detector, DetectorContext
from detectors.matching import MultiMatcher, is_ascii_word_boundary
from detectors.normalize import compact, compact_key

ROLE_WORDS = (
    "オペレーター", "オペレータ", "オペ", "担当", "担当者", "店員", "社員", "スタッフ", "職員",
    "受付", "窓口", "店長", "課長", "部長", "係長", "主任", "マネージャー", "サポート", "コールセンター",
    "operator", "agent", "staff", "clerk", "employee", "manager", "rep", "representative",
    "support", "supervisor",
)
HONORIFICS = ("さん", "様", "さま", "氏", "ちゃん", "くん", "君", "san", "sama", "shi", "chan", "kun")


def _romaji_variants(romaji: str) -> set[str]:
    parts = romaji.split()
    out = {romaji}
    if len(parts) == 2:
        out.add(f"{parts[1]} {parts[0]}")
    return out


class EmployeeNameDetector(Detector):
    name = "names"
    labels = ("employee_named",)
    context_window = 12

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        strong: dict[str, str] = {}
        weak: dict[str, str] = {}
        family_count: dict[str, int] = {}
        for emp in context.roster:
            family_count[compact_key(emp.family_name)] = family_count.get(compact_key(emp.family_name), 0) + 1
        for emp in context.roster:
            eid = emp.employee_id
            strong[emp.name] = eid
            if emp.reading and len(emp.reading.split()) == 2:
                strong[emp.reading] = eid
            for variant in _romaji_variants(emp.romaji) if emp.romaji else ():
                if len(variant.split()) == 2:
                    strong[variant] = eid
            for alias in emp.aliases:
                strong[alias] = eid
            # A family name shared by two employees cannot name one of them on its own.
            if family_count[compact_key(emp.family_name)] == 1:
                weak[emp.family_name] = eid
                if emp.reading:
                    weak[emp.reading.split()[0]] = eid
                if emp.romaji:
                    weak[emp.romaji.split()[0]] = eid
        self.strong = MultiMatcher(strong)
        self.weak = MultiMatcher({k: v for k, v in weak.items() if compact_key(k) not in {compact_key(s) for s in strong}})
        roles = "|".join(re.escape(compact_key(w)) for w in sorted(ROLE_WORDS, key=len, reverse=True))
        self.role_re = re.compile(f"(?:{roles})")
        self.company = MultiMatcher({n: "company" for n in (context.company_name, *context.company_aliases)})

    def _has_role_near(self, text: str, start: int, end: int) -> bool:
        window = self.context_window
        before = text[max(0, start - window) : start]
        after = text[end : end + window]
        return bool(self.role_re.search(before[-8:]) or self.role_re.match(after))

    def detect(self, post: Post) -> list[Finding]:
        folded = compact(post.text)
        text = folded.text
        hits: dict[str, list[Span]] = {}
        taken: list[tuple[int, int]] = []
        for start, end, eid in self.strong.find(text):
            o_start, o_end = folded.span_back(start, end)
            if not is_ascii_word_boundary(post.text, o_start, o_end):
                continue
            hits.setdefault(eid, []).append(Span(o_start, o_end, post.text[o_start:o_end]))
            taken.append((start, end))
        company_context = any(True for _ in self.company.find(text)) or any(
            f.label == "company_mentioned" for f in post.findings
        )
        weak_only: set[str] = set()
        for start, end, eid in self.weak.find(text):
            if any(s <= start < e for s, e in taken):
                continue
            o_start, o_end = folded.span_back(start, end)
            if not is_ascii_word_boundary(post.text, o_start, o_end):
                continue
            if not (company_context or self._has_role_near(text, start, end)):
                continue
            if eid not in hits:
                weak_only.add(eid)
            hits.setdefault(eid, []).append(Span(o_start, o_end, post.text[o_start:o_end]))
        findings = []
        for eid, spans in hits.items():
            emp = self.context.roster.get(eid)
            shown = ", ".join(sorted({s.text for s in spans}))
            how = "family name with company or role context" if eid in weak_only else "name"
            findings.append(
                Finding(
                    detector=self.name,
                    label="employee_named",
                    severity="low",
                    score=0.7 if eid in weak_only else 1.0,
                    explanation=f"Names employee {eid} ({emp.name if emp else eid}) by {how}: {shown}.",
                    spans=tuple(spans),
                    employee_id=eid,
                )
            )
        return findings
