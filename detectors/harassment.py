"""Harassment categories in Japanese and English: ``defamation``, ``insult``, ``threat``,
``discrimination`` and ``sexual``, each aimed at the company or a named employee.

How a finding is made (every step is visible in the finding's explanation and spans):

1. **Cues**: lexicon words on compact normalized text (:mod:`detectors.lexicon_ja`,
   :mod:`detectors.lexicon_en`), phrase patterns on folded text, and Japanese verb lemmas
   from sudachipy (every conjugation of 殺す, 燃やす …).
2. **Context**: a cue is dropped when it is denied (詐欺ではない, not a scam), quoted or
   reported only to condemn it («「クズ」呼ばわりはやめよう», calling them idiots is not okay),
   or a defamation word in a news report (逮捕, according to). Weak cues (useless, 使えない)
   need a person noun nearby or a second cue. Rumour and question forms (らしい, allegedly,
   ？) still count, with a lower score.
3. **Target**: a cue counts only when :func:`detectors.attribution.attribute` aims it at the
   company or an employee found by the name detectors that ran before.

Option (``[detectors.options.harassment]``): ``require_target = false`` measures the abuse
lexicons on data without a company (the eval's ``--any-target``); never use it in production.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from crawler.items import Finding, Post
from detectors import lexicon_en, lexicon_ja
from detectors.attribution import Attribution, Target, attribute, targets_of
from detectors.base import Detector, DetectorContext
from detectors.context import (
    IMPRESSION_AFTER,
    aimed_at_writer,
    answered_no,
    condemned,
    fictional,
    hedged,
    impersonation,
    is_news,
    negated,
    not_about_target,
    sentence_of,
)
from detectors.fields import post_text
from detectors.matching import MultiMatcher
from detectors.morph import is_short_kana, morphemes, on_token_boundaries
from detectors.multiregex import PatternSet
from detectors.normalize import _kata_to_hira, compact, compact_key, fold, has_japanese

logger = logging.getLogger(__name__)

LABELS = ("defamation", "insult", "threat", "discrimination", "sexual")
SEVERITY = {
    "threat": "critical",
    "defamation": "high",
    "insult": "medium",
    "discrimination": "medium",
    "sexual": "medium",
    "personal_info": "high",
}
DESCRIPTION = {
    "defamation": "Damaging factual claim",
    "insult": "Abusive language",
    "threat": "Threat or intimidation",
    "discrimination": "Discriminatory remark",
    "sexual": "Sexual remark",
}
STRONG, WEAK, PATTERN, VERB = 0.85, 0.45, 0.8, 0.85
THRESHOLD = 0.5
_VERB_NEG = re.compile(
    r"^(?:たり|て|なんて|とか|なんか)?(?:は|も)?(?:し|する|やら|やり|い|お)?(?:ない|ません|ねえ|ねー|ず|ぬ)"
    r"(?!か|の[?？]|んじゃ|だろ|でしょ)|^(?:気|つもり|予定)(?:は|も|など)?(?:ない|ありません|ねえ|無い)"
)


@dataclass(frozen=True, slots=True)
class Cue:
    label: str
    start: int
    end: int
    weight: float
    how: str  # "word", "weak", "pattern", "verb"


IGNORE = "_ignore"
_IDIOM_OBJECT = re.compile(
    r"(?:時間|暇|ひま|ヒマ|息|気配|声|感情|カロリー|脂肪|ストレス|才能|個性|味|エネルギー|闘志|情熱|やる気|"
    r"炎|ゴミ|落ち葉|書類|データ|虫|バグ|ウイルス|菌|雑草|恥|醜態|生き恥|肌|素肌|身|危険|日光|風雨)(?:を|は|も|に)?$"
)
_EN_WORD_START = r"(?<![a-z0-9_])(?=[a-z])"
_CONDITION = re.compile(r"(?:たら|だら|なら|れば|ようなら|ようものなら)[、,\s]?[^。！？\n]{0,14}$")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]{2}")
_INDEFINITE_BEFORE = re.compile(r"\b(?:some|another|a random|some random|one)\s+$", re.IGNORECASE)
_NOUN_END = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffA-Za-z]")
_PREDICATE_END = re.compile(
    r"^(?:だ|です|すぎ|過ぎ|じゃん|でしょ|やろ|だろ|だな|だわ|かよ|だよ|やん|やな|だね|ばっか|ばかり|しかいない|"
    r"[。！!？?…wｗ草\n]|$)"
)
_TOPIC_GAP = re.compile(r"は|が|って|を|の(?:方|ほう)")
_PARTICLES = re.compile(
    r"(?:は|が|って|も|の|、|,|\s|マジで|まじで|マジ|まじ|ほんとに|ほんと|本当に|全員|みんな)*"
)


# Symbols that stand in for a letter to dodge filters (ヤリ〇ン, ク○ズ野郎): 〇 is kept by the
# normalizer (a numeral), the others are dropped as inserted symbols.
MASKS = frozenset("○●◯◎〇*＊×✕☓□■◇◆△▲☆★_＿")
# English words abusive only when masked: hiding a letter of a neutral group word (g*y) marks
# it as a slur.
_MASKED_ONLY_EN = {"gay": "discrimination", "lesbo": "discrimination", "homo": "discrimination"}


def _masked_terms(terms: dict[str, tuple[str, float]]) -> dict[str, tuple[str, float]]:
    """Each strong Japanese word of four or more characters with one character left out (the
    mask stands there in the original; checked when matching)."""
    full = {compact_key(w) for w in terms}
    out: dict[str, tuple[str, float]] = {}
    items = [*terms.items(), *((w, (label, STRONG)) for w, label in _MASKED_ONLY_EN.items())]
    for word, (label, weight) in items:
        key = compact_key(word)
        if label == IGNORE or weight < STRONG:
            continue
        if key.isascii():
            # English: one-word insults and slurs of three or more letters (g*y, b*tch, f*g).
            if label not in ("insult", "discrimination") or not key.isalpha() or len(key) < 3 or " " in word:
                continue
        elif len(key) < 4:
            continue
        for i in range(1, len(key) - 1):  # not the first or last character: too ambiguous
            form = key[:i] + key[i + 1 :]
            if form not in full:
                out.setdefault(form, (label, weight))
    return out


def _terms() -> dict[str, tuple[str, float]]:
    out: dict[str, tuple[str, float]] = {w: (IGNORE, 0.0) for w in (*lexicon_ja.IGNORE, *lexicon_en.IGNORE)}
    for table, weight in (
        (lexicon_ja.TERMS, STRONG),
        (lexicon_en.TERMS, STRONG),
        (lexicon_ja.WEAK, WEAK),
        (lexicon_en.WEAK, WEAK),
    ):
        for label, words in table.items():
            for word in words:
                for form in lexicon_en.expand(word):
                    out.setdefault(form, (label, weight))
    return out


_EN_PERSON = (
    r"(?:they|you|u|he|she|him|her|them|staff|agents?|employees?|people|workers|reps?|operators?|team|"
    r"management|ceo|managers?|guys?|woman|women|man|men|lady|ladies|y'?all|clerks?|technicians?|folks|trainers?|"
    r"coach(?:es)?|instructors?|teachers?|doctors?|nurses?|drivers?|pilots?|cashiers?|receptionists?|tellers?|bankers?|"
    r"pharmacists?|guards?|officers?|supervisors?|mechanics?|couriers?)"
)
_EN_WEAK_BEFORE = re.compile(
    r"(?<![\w'])" + _EN_PERSON + r"(?:'re|(?<=he|it)'s| are| is| r| was| were| be| look| looks| seem| seems)?"
    r"(?:\s+(?:so|such|totally|completely|absolutely|utterly|just|really|a|an|bunch of|all|fucking|freaking|"
    r"literally|pure|total|complete|the most|most|very|too))*\s*$"
)
# A named target as the subject of the weak word: "Ryo Ishikawa from Minato is a pathetic …".
_EN_TARGET_COPULA = re.compile(
    r"['’]s\s+(?:[a-z]+\s+)?|"  # Priya's thighs, Tanaka's whole body
    r"(?:'s)?(?:\s+(?:from|at|of|in|with)\s+[\w'&-]+(?:\s+[\w'&-]+)?)?\s+(?:is|are|was|were|'s|'re)\s+"
    r"(?:(?:so|such|a|an|just|really|totally|completely|absolutely|utterly|the most|most|very|too|little|fucking|"
    r"freaking|literally|pure|complete|total)\s+)*",
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(r"\b(?:the|my|your|our|their|his|its|this|that|some|of|in|into)\s*$")
_EN_WEAK_AFTER = re.compile(r"^\s*(?:ass\s+)?" + _EN_PERSON + r"\b")


def lowered_before(text: str, index: int) -> str:
    return text[max(0, index - 60) : index].lower()


class HarassmentDetector(Detector):
    name = "harassment"
    labels = LABELS
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        opts = context.options_for(self.name)
        self.require_target = bool(opts.get("require_target", True))
        terms = _terms()
        self.terms: MultiMatcher[tuple[str, float]] = MultiMatcher(terms)
        self.masked: MultiMatcher[tuple[str, float]] = MultiMatcher(_masked_terms(terms))
        # One alternation per label: a single scan of the text instead of one per pattern.
        self.ja_patterns = [
            (label, re.compile("|".join(f"(?:{_kata_to_hira(p)})" for p in pats)))
            for label, pats in lexicon_ja.PATTERNS.items()
        ]
        # Every English pattern starts at a word (``\b`` + letter): the leading guard lets the
        # engine skip other positions at once (about a third faster on long posts).
        self.en_patterns = [
            (label, re.compile(_EN_WORD_START + "(?:" + "|".join(f"(?:{p})" for p in pats) + ")"))
            for label, pats in lexicon_en.PATTERNS.items()
        ]
        # One Hyperscan pass tells which labels' English patterns can match (usually none).
        self.en_set = PatternSet([pattern for _, pattern in self.en_patterns])
        self.katakana_patterns = [
            (label, re.compile(p)) for label, pats in lexicon_ja.PATTERNS_KATAKANA.items() for p in pats
        ]
        self.verbs = {v: label for label, verbs in lexicon_ja.VERBS.items() for v in verbs}
        persons = [compact_key(p) for p in (*lexicon_ja.PERSON_NOUNS, *lexicon_en.PERSON_NOUNS)]
        self.person_re = re.compile(
            "|".join(re.escape(p) for p in sorted(set(persons), key=len, reverse=True))
        )
        ja_persons = "|".join(re.escape(p) for p in sorted(lexicon_ja.PERSON_NOUNS, key=len, reverse=True))
        self.person_topic_re = re.compile(
            f"(?:{ja_persons}|[\u4e00-\u9fff]{{0,3}}(?:長|員|師|士|医))(?:さん|ども|たち|ら|共)?(?:、|は|が|って|も|,)"
        )

    # -- cues ---------------------------------------------------------------------------
    def _cues(self, text: str, target_ends: tuple[int, ...] = ()) -> list[Cue]:
        folded = compact(text)
        cues: list[Cue] = []
        weak: list[tuple[Cue, int, int, bool]] = []
        for m in self.terms.search(text, folded):
            label, weight = m.payload
            if label == IGNORE:
                continue
            latin = m.key.isascii()
            if not latin and is_short_kana(m.key) and not on_token_boundaries(text, m.o_start, m.o_end):
                continue  # げす in 下げすぎ, ばか in そばから, ゴミ in ゴミ箱
            cue = Cue(label, m.o_start, m.o_end, weight, "word" if weight >= STRONG else "weak")
            if weight >= STRONG:
                cues.append(cue)
            else:
                weak.append((cue, m.start, m.end, latin))
        masks = MASKS.intersection(text)
        if masks and (masks != {"_"} or has_japanese(text)):  # user_names are not masked words
            cues.extend(self._masked_cues(text, cues))
        lowered = fold(text)
        japanese = has_japanese(text)
        patterns = self.ja_patterns if japanese else []
        if _LATIN.search(text):
            patterns = patterns + [self.en_patterns[i] for i in self.en_set.candidates(lowered.text)]
        for label, pattern in patterns:
            for pm in pattern.finditer(lowered.text):
                if pm.end() > pm.start():
                    s, e = lowered.span_back(pm.start(), pm.end())
                    cues.append(Cue(label, s, e, PATTERN, "pattern"))
        if japanese:
            cues.extend(self._verb_cues(text))
            kata = fold(text, kana=False)
            for label, pattern in self.katakana_patterns:
                for pm in pattern.finditer(kata.text):
                    s, e = kata.span_back(pm.start(), pm.end())
                    cues.append(Cue(label, s, e, PATTERN, "pattern"))
        for cue, c_start, c_end, latin in weak:
            s_start, s_end = sentence_of(text, cue.start)
            if any(c.label == cue.label and c.start < cue.end and cue.start < c.end for c in cues):
                continue  # part of a longer cue (ブラック in ブラック職場): that one decides
            second = any(s_start <= c.start < s_end and c.label == cue.label for c in cues)
            if latin and _DETERMINER_BEFORE.search(lowered_before(text, cue.start)):
                aimed = False  # take out the trash, one man's trash
            elif latin:
                aimed = bool(
                    _EN_WEAK_BEFORE.search(lowered_before(text, cue.start))
                    or _EN_WEAK_AFTER.match(text[cue.end : cue.end + 30].lower())
                    or any(
                        0 <= cue.start - t_end <= 60 and _EN_TARGET_COPULA.fullmatch(text[t_end : cue.start])
                        for t_end in target_ends
                    )
                )
            else:
                near = folded.text[max(0, c_start - 6) : c_end + 6]
                aimed = (
                    bool(self.person_re.search(near))
                    or any(
                        0 <= cue.start - t_end <= 6 and _PARTICLES.fullmatch(text[t_end : cue.start])
                        for t_end in target_ends
                    )
                    or self._person_topic(text, cue)
                )
            if aimed or second:
                cues.append(Cue(cue.label, cue.start, cue.end, 0.6, "weak"))
        return cues

    def _masked_cues(self, text: str, found: list[Cue]) -> list[Cue]:
        """Strong words with one character replaced by a mask symbol (ヤリ〇ン): the mask must sit
        inside the match, and the match must not overlap a word already found."""
        masked = text.replace("〇", "○")  # same length: offsets stay those of the original
        out = []
        for m in self.masked.search(masked):
            if not any(c in MASKS for c in text[m.o_start : m.o_end]):
                continue
            if any(c.start < m.o_end and m.o_start < c.end for c in found):
                continue
            label, weight = m.payload
            out.append(Cue(label, m.o_start, m.o_end, weight, "word"))
        return out

    @staticmethod
    def _bystander(text: str, cue: Cue, targets: list[Target]) -> bool:
        """An abusive noun after an indefinite determiner (some idiot, a random moron) names an
        unknown person, unless a target follows at once (some idiot at Minato support)."""
        if not _INDEFINITE_BEFORE.search(text[max(0, cue.start - 16) : cue.start]):
            return False
        return not any(0 <= t.start - cue.end <= 24 for t in targets)

    def _person_topic(self, text: str, cue: Cue) -> bool:
        """A weak word that is the predicate of a clause whose topic is a person (窓口の女、態度
        悪いしマジでゴミ): no other topic or object comes between the person and the word."""
        if not _PREDICATE_END.match(text[cue.end : cue.end + 6]):
            return False
        s_start, _ = sentence_of(text, cue.start)
        window = text[max(s_start, cue.start - 24) : cue.start]
        ends = [m.end() for m in self.person_topic_re.finditer(window)]
        return bool(ends) and not _TOPIC_GAP.search(window[ends[-1] :])

    @staticmethod
    def _after_condition(text: str, start: int) -> bool:
        """A plain-form act after a condition in the same sentence is a conditional threat
        (今度何かあったら施設ごとぶっ壊す), not a description."""
        s_start, _ = sentence_of(text, start)
        return bool(_CONDITION.search(text[max(s_start, start - 30) : start]))

    def _verb_cues(self, text: str) -> list[Cue]:
        toks = morphemes(text)
        out: list[Cue] = []
        for i, tok in enumerate(toks):
            label = self.verbs.get(tok.lemma)
            if label is None:
                continue
            if _IDIOM_OBJECT.search(text[max(0, tok.start - 8) : tok.start]):
                continue  # 暇を潰す, 息を殺す, 闘志を燃やす
            rest = toks[i + 1 : i + 4]
            follow = "".join(t.surface for t in rest)
            # A noun verb (ネコババ, 横領) conjugates through する: look past it for the voice.
            voice = rest[1:2] if rest[:1] and rest[0].lemma == "する" and tok.pos[0] == "名詞" else rest[:1]
            if any(t.lemma in ("れる", "られる", "せる", "させる") for t in voice):
                continue  # passive or causative: 殺される (I'll be worked to death) is not a threat
            if _VERB_NEG.match(text[tok.end : tok.end + 16]):
                continue  # 殺さない, 殺したりしない, 燃やす気はない
            if tok.lemma in lexicon_ja.INTENT_VERBS:
                form = tok.pos[5] if len(tok.pos) > 5 else ""
                if tok.lemma in lexicon_ja.ANNOUNCE_VERBS and re.match(
                    r"^(?:ます|ますね|からな?|予定|つもり|わ|ね|ぞ|よ)", follow
                ):
                    pass  # 晒します, 明日晒すから: an announced exposure
                elif tok.lemma in lexicon_ja.ORDER_ONLY_VERBS:
                    if not form.startswith("命令形"):
                        continue
                elif not (
                    form.startswith(("意志推量形", "命令形"))
                    or (form.startswith("終止形") and self._after_condition(text, tok.start))
                    or re.match(
                        r"^(?:てやる|てやろ|てや|たる|たろ|ぞ|ぜ|から[なね]|ちゃう|ちまう|てまう|よう(?!な|に|だ|です)|ぞ)",
                        follow,
                    )
                ):
                    continue
            out.append(Cue(label, tok.start, tok.end, VERB, "verb"))
        return out

    # -- findings -----------------------------------------------------------------------
    def detect(self, post: Post) -> list[Finding]:
        read = post_text(post)
        text = read.text
        if not text:
            return []
        targets = targets_of(post, read)
        if self.require_target and not targets:
            return []
        grouped: dict[tuple[str, str | None], list[tuple[Cue, Attribution | None, bool]]] = {}
        for cue in self._cues(text, tuple(t.end for t in targets)):
            if read.in_quoted_title(cue.start):
                continue  # Re: …: the thread's title, quoted by a reply
            # A phrase pattern carries its own predicate; one that ends in a noun (ブラック病院) can
            # still be denied after it (ブラック病院じゃない).
            after_too = cue.how != "pattern" or bool(_NOUN_END.match(text[cue.end - 1 : cue.end]))
            denied = negated(text, cue.start, cue.end, verb=cue.how == "verb", after_too=after_too)
            if denied or condemned(text, cue.start, cue.end) or aimed_at_writer(text, cue.start, cue.end):
                continue
            if not_about_target(text, cue.start, cue.end, modifies=after_too) or answered_no(text, cue.start):
                continue
            if cue.label == "defamation" and IMPRESSION_AFTER.match(text[cue.end : cue.end + 6]):
                continue  # ぼったくり感ある: an impression of the price, not a factual claim
            if cue.label == "insult" and self._bystander(text, cue, targets):
                continue  # "some idiot on the bus …": the word names a bystander
            if cue.label == "defamation" and impersonation(text, cue.start):
                continue  # 「ミナト通信を名乗る詐欺メール」: the company is the victim
            if cue.label in ("defamation", "threat") and is_news(text, cue.start):
                continue
            if cue.label == "threat" and fictional(text, cue.start):
                continue  # ゲームで敵のアジトを燃やした, a murder mystery game: fiction or play
            if self.require_target:
                attr = attribute(text, targets, cue.start, cue.end, cue.label)
                if attr is None:
                    continue
            else:
                attr = attribute(text, targets, cue.start, cue.end, cue.label) if targets else None
            key = (cue.label, attr.employee_id if attr else None)
            grouped.setdefault(key, []).append((cue, attr, hedged(text, cue.start)))
        findings = []
        for (label, employee_id), items in grouped.items():
            score = max(
                c.weight * (0.9 if attr is not None and not attr.same_sentence else 1.0)
                for c, attr, _ in items
            )
            score = min(0.99, score + 0.05 * (len(items) - 1))
            rumour = label == "defamation" and all(h for _, _, h in items)
            if rumour:
                score *= 0.9
            if score < THRESHOLD:
                continue
            spans = read.spans([(c.start, c.end) for c, _, _ in items])
            words = "、".join(dict.fromkeys(s.text for s in spans))
            attr = items[0][1]
            if employee_id or attr is not None:
                whom = self.context.target_phrase(employee_id, attr.target_text if attr else "")
            else:
                whom = "no identified target (target requirement relaxed)"
            note = " Phrased as rumour or question." if rumour else ""
            if any(s.field == "title" for s in spans):
                note += (
                    " In the title." if all(s.field == "title" for s in spans) else " Partly in the title."
                )
            findings.append(
                Finding(
                    detector=self.name,
                    label=label,
                    severity=SEVERITY[label],
                    score=round(score, 3),
                    explanation=f"{DESCRIPTION[label]} aimed at {whom}: «{words}».{note}",
                    spans=spans,
                    employee_id=employee_id,
                )
            )
        return findings
