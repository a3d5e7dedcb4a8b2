"""Target attribution: is an abusive word aimed at the company or an employee?

The targets are the spans of ``company_mentioned`` and ``employee_named`` findings attached
by the detectors that ran before. For a word at ``[start, end)``:

1. In its sentence, take the nearest mention before the word (the subject usually comes
   first in Japanese and English: ``ミナト通信は詐欺``, ``Minato is a scam``), else the
   nearest after it (``burn it down, Minato HQ``). A mention of someone else (another
   company, 隣の客, my neighbour, 政治家ども, the poster a board reply answers: >>45 お前) nearer
   than any target means the word is aimed elsewhere; the writer's family (my little brother, 嫁と) counts so, except for a damaging
   claim, where it is usually the victim (they overcharged my aunt).
   When a target wins, an employee named in the sentence is preferred to the company
   (``operator Tanaka at Minato is a moron`` is aimed at Tanaka).
2. With no mention in its sentence, the most recent mention in the three sentences before
   (zero anaphora: ``ミナト通信の佐藤、覚えとけ。待ち伏せしてやる。``), else the first after.
3. The writer (私が, I was) blocks only an insult right after it (私がバカだった).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from crawler.items import Post
from detectors.context import sentence_starts, sentences
from detectors.fields import PostText, post_text
from detectors.mentions import other_entities


@dataclass(frozen=True, slots=True)
class Target:
    start: int
    end: int
    employee_id: str | None  # None: the company
    text: str


@dataclass(frozen=True, slots=True)
class Attribution:
    employee_id: str | None
    target_text: str
    same_sentence: bool


def targets_of(post: Post, read: PostText | None = None) -> list[Target]:
    """The company and employee mentions found so far, at their positions in the string the
    detectors read (:func:`detectors.fields.post_text`: the title, then the text)."""
    read = read or post_text(post)
    out: list[Target] = []
    for f in post.findings:
        if f.label == "company_mentioned":
            eid = None
        elif f.label == "employee_named" and f.employee_id:
            eid = f.employee_id
        else:
            continue
        for s in f.spans:
            out.append(Target(*read.bounds(s), eid, s.text))
    return sorted(out, key=lambda t: t.start)


_PREPOSITION_BEFORE = re.compile(
    r"\b(?:at|from|of|in|with|for|on|aboard)\s+(?:my|the|our|a|their)?\s*$", re.IGNORECASE
)
# A target marked as object or topic of talk (ミナト通信の店員に怒鳴る, ミナト通信の話になると) is not
# the subject; an earlier party marked as topic or subject (後ろの男、/ 先輩は) is.
_OBLIQUE_AFTER = re.compile(
    r"^(?:さん|様|氏)?(?:の[^、。！？\s]{1,6}?)?(?:に(?!は)|を|へ|から|について|に関して|で(?!す)|と(?:の|一緒))"
)
# "the guy at Minato support": the company's staff, not a customer located there.
_AFFILIATION_AFTER = re.compile(
    r"^(?:'s)?\s+(?:customer\s+)?(?:support|staff|service|help\s*desk|hotline|call\s+cent(?:re|er)|team)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"けど|けれど|のに|一方|が、|\b(?:but|whereas|while|unlike|however)\b", re.IGNORECASE)
_SUBJECT_AFTER = re.compile(r"^(?:は|が|、|,|って|も|ってさ|ってば)")
_Mention = tuple[int, int, str, "Target | None"]  # start, end, kind ("target"/"other"/"kin"/"self"), target


# The company named only to say it is not meant (うちの部長（ツバメとは関係ない会社）, my manager
# (not Northwind)), or its name used for something else (つばめ軍団: a sports team).
_DISOWNED_AFTER = re.compile(
    r"^(?:さん)?(?:とは|と)(?:全然|全く|まったく|一切|何の|なんの)?関係(?:も|は)?(?:ない|ねえ|ねー|無い|ありません|なし|のない)|"
    r"^(?:じゃなくて|ではなくて|ではなく|じゃない方)|^(?:軍団|球団|打線|投手陣|ナイン|イレブン|ファンクラブ)"
)
_DISOWNED_BEFORE = re.compile(
    r"(?:\(|（|,|—|-)\s*(?:not|definitely not|thankfully not|not at)\s+(?:the\s+)?$", re.IGNORECASE
)


def disowned(text: str, start: int, end: int) -> bool:
    """True when a company mention says the company is not the one meant."""
    return bool(
        _DISOWNED_AFTER.match(text[end : end + 16])
        or _DISOWNED_BEFORE.search(text[max(0, start - 20) : start])
    )


_VOCATIVE = re.compile(r"(?:さん|様|氏|ちゃん|くん|君)?(?:の[^、。！？\s]{1,6})?\s*[、,!！]?\s*")


@lru_cache(maxsize=64)
def _mentions(text: str, targets: tuple[Target, ...]) -> list[_Mention]:
    """Targets and other mentions, sorted; computed once per post (cached)."""
    covered = bytearray(len(text) + 1)
    for t in targets:
        covered[t.start : t.end] = b"\x01" * (t.end - t.start)
    mentions: list[_Mention] = [
        (t.start, t.end, "other" if t.employee_id is None and disowned(text, t.start, t.end) else "target", t)
        for t in targets
    ]
    ends = [t.end for t in targets]
    for s, e, kind in other_entities(text):
        if any(covered[s:e]):
            continue
        if kind == "you":
            if any(0 <= s - end <= 12 and _VOCATIVE.fullmatch(text[end:s]) for end in ends):
                continue  # ミナトの店員、お前ら…: the company's people, called "you"
            kind = "other"
        mentions.append((s, e, kind, None))
    return sorted(mentions, key=lambda m: m[0])


def attribute(text: str, targets: list[Target], start: int, end: int, label: str) -> Attribution | None:
    """Which target the word ``text[start:end]`` is aimed at, or None if it is aimed elsewhere."""
    if not targets:
        return None
    # The writer's family is someone else when the writer rails or threatens (I'm gonna kill my
    # brother), and the victim in a damaging claim about the company (they overcharged my aunt).
    mentions = [
        m if m[2] != "kin" else (m[0], m[1], "other", None)
        for m in _mentions(text, tuple(targets))
        if m[2] != "kin" or label != "defamation"
    ]
    sents = sentences(text)
    idx = min(bisect_right(sentence_starts(text), start) - 1, len(sents) - 1)
    s_start, s_end = sents[idx]

    def relevant(m: _Mention, before_word: bool) -> bool:
        if m[2] != "self":
            return True
        # The writer blocks only an insult that follows closely (私がバカだった, I was stupid).
        return label == "insult" and before_word and 0 <= start - m[1] <= 12

    if any(m[2] == "other" and m[0] < start and end == m[1] and text[start - 1] == "の" for m in mentions):
        return None  # the word ends a mention of someone else: it names them (隣の台のジジイ)
    inside = [
        m[3] for m in mentions if m[2] == "target" and m[3] is not None and start <= m[0] and m[1] <= end
    ]
    if inside:  # a phrase that names its own target: teach that Minato manager a lesson
        named = next((t for t in inside if t.employee_id), inside[0])
        return Attribution(named.employee_id, named.text, True)
    in_sent = [m for m in mentions if s_start <= m[0] < s_end and not (m[0] < end and start < m[1])]
    before = [m for m in in_sent if m[1] <= start and relevant(m, True)]
    after = [m for m in in_sent if m[0] >= end and relevant(m, False)]
    chosen = before[-1] if before else (after[0] if after else None)
    if not before and chosen is not None and _CONTRAST.search(text[end : chosen[0]]):
        return None  # 前の管理会社はクズだったけど、ミナトは早い: the word belongs to the other clause
    if (
        chosen is not None
        and chosen[2] == "target"
        and chosen[3] is not None
        and chosen[3].employee_id is None
        and len(before) > 1
        and before[-2][2] == "other"
        and _PREPOSITION_BEFORE.search(text[max(0, chosen[0] - 8) : chosen[0]])
        and not _AFFILIATION_AFTER.match(text[chosen[1] : chosen[1] + 24])
    ):
        return None  # "the guy before me at Minato was an idiot": the company only locates the other

    if (
        chosen is not None
        and chosen[2] == "target"
        and len(before) > 1
        and _OBLIQUE_AFTER.match(text[chosen[1] : chosen[1] + 12])
        and any(m[2] == "other" and _SUBJECT_AFTER.match(text[m[1] : m[1] + 4]) for m in before[:-1])
    ):
        return None  # 後ろの男、ミナト通信の店員に怒鳴っててクズ: aimed at the subject, not the object
    if chosen is not None:
        if chosen[2] != "target":
            return None
        employees = [m[3] for m in in_sent if m[2] == "target" and m[3] and m[3].employee_id]
        target = chosen[3]
        assert target is not None
        if target.employee_id is None and employees:
            target = min(employees, key=lambda t: abs(t.start - start))
        return Attribution(target.employee_id, target.text, True)
    prev = [m for m in mentions if sents[max(0, idx - 3)][0] <= m[0] < s_start and m[2] != "self"]
    if prev:
        last = prev[-1]
        if last[2] != "target":
            return None
        # Prefer an employee named in that same sentence.
        p_idx = next(i for i, (s, e) in enumerate(sents) if s <= last[0] < e)
        ps, pe = sents[p_idx]
        emps = [m[3] for m in prev if m[2] == "target" and m[3] and m[3].employee_id and ps <= m[0] < pe]
        target = emps[-1] if emps else last[3]
        assert target is not None
        return Attribution(target.employee_id, target.text, False)
    nxt = [m for m in mentions if m[0] >= s_end and m[2] != "self"]
    if nxt and nxt[0][2] == "target" and nxt[0][3] is not None:
        t = nxt[0][3]
        return Attribution(t.employee_id, t.text, False)
    return None
