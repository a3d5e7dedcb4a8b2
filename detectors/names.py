"""Employee names from the roster (``employee_named``).

Strong forms match on their own: the full name in kanji, the kana reading, the romaji in
either order (with long-vowel spellings Sato/Satou/Satoh), kanji family name with kana given
name and the reverse, and registered aliases (nicknames). All are compared after
normalization (NFKC, half-width kana, kana folding, variant kanji, inserted spaces and
symbols, leet digits).

Weak forms — the family name alone (田中, たなか, Tanaka) or the given name alone (美咲さん) —
count only with context: a role word right next to it (オペの田中, operator Tanaka), or the
company mentioned in the post. Kana-only and given-name forms additionally need an honorific
(さん, 様, 氏, -san …) or a role word, because さとう is also "sugar". A family name shared by
two employees never names one of them alone, and a name right after a marker of someone
else (近所の田中さん, my neighbour Tanaka, ヤマト物流の田中) is not an employee.
"""

from __future__ import annotations

import re

from crawler.items import Finding, Post, Span
from detectors.base import Detector, DetectorContext
from detectors.fields import post_text
from detectors.matching import Match, MultiMatcher
from detectors.mentions import other_person_after, other_person_before
from detectors.morph import is_short_kana, on_token_boundaries, starts_a_verb
from detectors.name_keys import (
    HONORIFICS,
    ROLE_AFTER,
    ROLE_BEFORE,
    SENTENCE_BREAK,
    WeakKey,
    is_foreign,
    is_kana,
    is_kanji,
    is_katakana,
    is_role_alias,
    strong_keys,
    weak_keys,
)
from detectors.namesakes import Namesakes, company_follows, inside_katakana_word, name_as_thing
from detectors.normalize import compact, compact_key

_CALLED = re.compile(r"^(?:とかいう|っていう|という|って人|ってやつ|とかいうやつ)")
_AT_COMPANY = re.compile(
    r"(?:さん|様|氏|くん|ちゃん)?\s*(?:from|at|of|with|@|\(|（)?\s*(?:the\s+)?", re.IGNORECASE
)  # Lan from Tsubame, 渡辺さん(こがねの料理長)
# A title straight after a family name that is also the company's name: 丸山社長 is its head.
_TITLE_AFTER = re.compile(
    r"^(?:代表|社長|会長|副社長|専務|常務|店長|副店長|部長|課長|係長|院長|所長|支配人|オーナー|"
    r"\s?(?:president|ceo|owner|the owner|the boss)\b)",
    re.IGNORECASE,
)
_KANJI_TITLE = re.compile(r"[\u4e00-\u9fff]{0,3}(?:員|師|士|医)(?![\u4e00-\u9fff])")  # 山﨑検定員, 中村技師


class EmployeeNameDetector(Detector):
    name = "names"
    labels = ("employee_named",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        strong: dict[str, str] = {}
        weak_all: dict[str, list[WeakKey]] = {}
        for emp in context.roster:
            for key in strong_keys(emp):
                strong.setdefault(key, emp.employee_id)
            foreign = is_foreign(emp)
            for key, kind in weak_keys(emp).items():
                ck = compact_key(key)
                if foreign:
                    needs = len(ck) <= 2 and not ck.isascii()
                elif kind == "given" and ck.isascii() and len(ck) >= 4:
                    needs = False  # Meiling (李 美玲's romaji given name): context, like a family name
                else:
                    needs = kind == "given" or is_kana(ck) or len(ck) <= 1
                katakana = foreign and is_katakana(key)
                weak_all.setdefault(ck, []).append(WeakKey(emp.employee_id, kind, needs, katakana))
        strong_norm = {compact_key(k) for k in strong}
        weak: dict[str, WeakKey] = {}
        for key, entries in weak_all.items():
            ids = {e.employee_id for e in entries}
            if len(ids) == 1 and key not in strong_norm and (len(key) >= 2 or is_kanji(key)):
                weak[key] = entries[0]
        self.strong: MultiMatcher[str] = MultiMatcher(strong)
        # One-word aliases (Lihua, メイちゃん) are given names or nicknames: "my friend Lihua" is
        # someone else, as for a given name.
        self.one_word_aliases = {
            compact_key(a)
            for emp in context.roster
            for a in emp.aliases
            if len(a.split()) == 1 and not is_role_alias(a)
        }
        # Roles registered as aliases (院長 for the only director): one employee per role.
        role_owner: dict[str, set[str]] = {}
        for emp in context.roster:
            for alias in emp.aliases:
                if is_role_alias(alias):
                    role_owner.setdefault(alias, set()).add(emp.employee_id)
        self.roles: MultiMatcher[str] = MultiMatcher(
            {alias: next(iter(ids)) for alias, ids in role_owner.items() if len(ids) == 1}
        )
        self.weak: MultiMatcher[WeakKey] = MultiMatcher(weak)
        hon = "|".join(re.escape(compact_key(h)) for h in sorted(HONORIFICS, key=len, reverse=True))
        self.honorific_after = re.compile(f"^(?:{hon})")
        self.honorific_before = re.compile(r"(?:mr|mrs|ms|miss|dr|doctor|nurse)$")
        self.namesakes = Namesakes(context)
        self.company: MultiMatcher[str] = MultiMatcher(
            {n: "company" for n in (context.company_name, *context.company_aliases)}
        )

    def _context(self, text: str, start: int, end: int) -> tuple[bool, bool]:
        """(role word adjacent, honorific adjacent) around compact ``text[start:end]``."""
        before = text[max(0, start - 12) : start]
        after = text[end : end + 16]
        role = bool(ROLE_BEFORE.search(before) or ROLE_AFTER.match(after))
        honorific = bool(
            self.honorific_after.match(after)
            or self.honorific_before.search(before)
            or _CALLED.match(after)  # パクとかいう…: "someone called Park"
        )
        return role, honorific

    def _name_continues(self, original: str, o_end: int, text: str, end: int) -> bool:
        """True when a kanji name runs on into more kanji that are not a title or honorific
        (大谷翔平 is not 大谷翔, 小林製薬 is not 小林): part of a longer name."""
        if not (0 < o_end < len(original) and is_kanji(original[o_end - 1]) and is_kanji(original[o_end])):
            return False
        after = text[end : end + 16]
        return not (
            ROLE_AFTER.match(after)
            or self.honorific_after.match(after)
            or _KANJI_TITLE.match(original, o_end, o_end + 8)
            or starts_a_verb(original, o_end)  # 髙橋見てると, 田中来てた: the name, then a verb
        )

    def _attached(self, original: str, text: str, m: Match[str], own: tuple[tuple[int, int], ...]) -> bool:
        """A role word or the company right beside the name found by ``m`` (``text`` is the
        compact form of ``original``)."""
        return (
            any(
                ROLE_AFTER.match(m.key[i:]) for i in range(1, len(m.key))
            )  # the alias holds the title: 高橋先生
            or self._context(text, m.start, m.end)[0]
            or self._at_company(original, m.o_start, m.o_end, own)
        )

    def _at_company(self, original: str, start: int, end: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name ``original[start:end]`` is placed at the company: followed by it (Lan from
        Tsubame) or right after it (ミナトの田中)."""
        return self._with_company(original, end, own) or self._after_company(original, start, own)

    @staticmethod
    def _after_company(text: str, start: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name right after the company and の or 's (ｶｴﾃﾞ不動産のﾀｶﾊｼ, Minato's Tanaka): one of
        its people."""
        return any(0 <= start - e <= 3 and text[e:start].strip() in ("の", "'s", "’s") for _, e in own)

    @staticmethod
    def _with_company(text: str, end: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name is placed at the company right after it (Lan from Tsubame, グエン(ツバメのオペ),
        Rena from the Northwind store)."""
        return company_follows(text, end, own, _AT_COMPANY)

    def candidates(self, post: Post) -> dict[str, tuple[bool, list[tuple[int, int]]]]:
        """Every match of an employee's name keys in ``post``, before any context check:
        employee id → (whether a strong key matched, its ranges in the text the detectors read).
        The name model learns from these (``training/train_name_model.py``): the namesakes the
        rules refuse are most of what it knows about names that are someone else's."""
        read = post_text(post)
        original = read.text
        folded = compact(original)
        out: dict[str, tuple[bool, list[tuple[int, int]]]] = {}
        for m in self.strong.search(original, folded):
            out.setdefault(m.payload, (True, []))[1].append((m.o_start, m.o_end))
        for w in self.weak.search(original, folded):
            out.setdefault(w.payload.employee_id, (False, []))[1].append((w.o_start, w.o_end))
        return out

    def detect(self, post: Post) -> list[Finding]:
        if not self.strong.payload and not self.weak.payload:
            return []
        read = post_text(post)
        original = read.text
        folded = compact(original)
        text = folded.text
        hits: dict[str, list[Span]] = {}
        taken: list[tuple[int, int]] = []
        # The company detector's mentions when it ran and found some (they include its short
        # and masked forms); else this detector's own search of the aliases.
        own = tuple(
            sorted(read.bounds(s) for f in post.findings if f.label == "company_mentioned" for s in f.spans)
        ) or tuple((c.o_start, c.o_end) for c in self.company.search(original, folded))
        company_context = bool(own)
        others: set[str] = set()  # names that are part of someone else's name in this post
        one_word: list[Match[str]] = []  # one-word aliases (Marcus, 山崎): others' names too
        elsewhere: list[tuple[int, int]] = []  # full names found to be someone else's
        for m in self.strong.search(original, folded):
            single = m.key in self.one_word_aliases
            if self._name_continues(original, m.o_end, text, m.end):
                others.add(m.key)
                continue  # 大谷翔 inside 大谷翔平 (the family name inside is judged on its own)
            if (
                other_person_after(original, m.o_end, staff_titles=True)  # John Smith the actor, 田中美咲選手
                or (
                    single and self.namesakes.someone_elses(original, m.o_start, m.o_end, own)
                )  # my friend Lihua
                or (single and self.namesakes.another_persons_name(original, m.o_start, m.o_end, m.payload))
            ):  # Marcus Rashford (the alias Marcus), 山崎リオ (the alias 山崎)
                others.add(m.key)
                elsewhere.append((m.start, m.end))
                continue
            if inside_katakana_word(original, m.o_start, m.o_end):
                continue  # リー inside グリーンウェイ
            if is_short_kana(original[m.o_start : m.o_end], longest=2) and not on_token_boundaries(
                original, m.o_start, m.o_end
            ):
                continue  # the alias らん inside つまらん, みん inside みんな
            if not company_context and name_as_thing(original, m.o_start, m.o_end):
                continue  # my Tom Baker scarf
            if (
                single
                and self.namesakes.in_a_scene(original, m.o_start, own)
                and not self._attached(original, text, m, own)
            ):
                others.add(m.key)
                elsewhere.append((m.start, m.end))
                continue  # the alias 山崎 in 山崎がまた完封, Marcus in "Marcus murdered that free kick"
            if single:
                one_word.append(m)
            hits.setdefault(m.payload, []).append(read.span(m.o_start, m.o_end))
            taken.append((m.start, m.end))
        weak_only: set[str] = set()
        if company_context:
            for r in self.roles.search(original, folded):
                if any(s < r.end and r.start < e for s, e in taken):
                    continue
                if other_person_before(original, r.o_start, own) or self._name_continues(
                    original, r.o_end, text, r.end
                ):
                    continue  # 近所の病院の院長, 院長室
                near = any(
                    0 <= r.o_start - e <= 8 and not SENTENCE_BREAK.search(original[e : r.o_start])
                    for _, e in own
                ) or self._with_company(original, r.o_end, own)
                if not near:
                    continue  # the role must be the company's: あさひ歯科の院長, lead producer at Ridgeline
                if r.payload not in hits:
                    weak_only.add(r.payload)
                hits.setdefault(r.payload, []).append(read.span(r.o_start, r.o_end))
                taken.append((r.start, r.end))
        capitalised = any(c.isupper() for c in original)
        accepted: list[tuple[Match[WeakKey], bool]] = []
        for w in self.weak.search(original, folded):
            if any(s < w.end and w.start < e for s, e in (*taken, *elsewhere)):
                continue  # part of a name found, or of one that is someone else's (Liam Gallagher's new album)
            if any(s < w.o_end and w.o_start < e for s, e in own) and not _TITLE_AFTER.match(
                original[w.o_end : w.o_end + 12]
            ):
                continue  # まるやま in まるやまストア: the company that bears the family name (丸山社長 is its head)
            if capitalised and w.key.isascii() and not original[w.o_start].isupper():
                continue  # "post more selfies": a lower-case word, not Moore
            if inside_katakana_word(original, w.o_start, w.o_end):
                continue  # ミン in ミント
            if (
                self._name_continues(original, w.o_end, text, w.end)
                or self.namesakes.another_persons_name(original, w.o_start, w.o_end, w.payload.employee_id)
                or self.namesakes.someone_elses(original, w.o_start, w.o_end, own)
                or other_person_after(original, w.o_end, staff_titles=company_context)
            ):
                others.add(w.key)
                continue  # 大谷 in 大谷翔平, Boris Becker, 芸人の渡辺ケンタ, 渡辺さん（うちの課長）
            role, honorific = self._context(text, w.start, w.end)
            role = role or self._at_company(original, w.o_start, w.o_end, own)
            if not role and self.namesakes.in_a_scene(original, w.o_start, own):
                others.add(w.key)
                continue  # 巨人の山崎また打たれてる, Takahashi gave up 4 runs: a player
            entry = w.payload
            if entry.katakana and any("\u3041" <= c <= "\u309f" for c in original[w.o_start : w.o_end]):
                continue  # ちゃんと is not チャン: a katakana name written in hiragana is a word
            if entry.needs_honorific:
                ok = role or (honorific and (company_context or bool(hits) or bool(accepted)))
            else:
                ok = role or company_context
            if ok:
                accepted.append((w, role))
        for w, role in accepted:
            if w.key in others and not role:
                continue  # 渡辺謙の新作映画…渡辺さん渋すぎる: the same someone else again
            eid = w.payload.employee_id
            if eid not in hits:
                weak_only.add(eid)
            hits.setdefault(eid, []).append(read.span(w.o_start, w.o_end))
        for m in one_word:
            if m.key in others and not self._context(text, m.start, m.end)[0]:
                span = read.span(m.o_start, m.o_end)
                hits[m.payload] = [s for s in hits[m.payload] if s != span]
                if not hits[m.payload]:
                    del hits[m.payload]
        findings = []
        for eid, spans in hits.items():
            emp = self.context.roster.get(eid)
            shown = ", ".join(dict.fromkeys(s.text for s in spans))
            how = "a partial name with company or role context" if eid in weak_only else "name"
            findings.append(
                Finding(
                    detector=self.name,
                    label="employee_named",
                    severity="low",
                    score=0.75 if eid in weak_only else 1.0,
                    explanation=f"Names employee {eid} ({emp.name if emp else eid}) by {how}: {shown}.",
                    spans=tuple(sorted(spans, key=read.position)),
                    employee_id=eid,
                )
            )
        return findings
