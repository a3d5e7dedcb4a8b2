"""Company mentions: any alias of the company, after normalization (``company_mentioned``).

Aliases match through full-/half-width forms, kana folding, variant kanji, inserted spaces
or symbols (ミ ナ ト 通 信) and leet digits (M1nato); a latin alias must be a whole word
(``Minato`` in ``Minatoku`` is not a mention). The title is read as well as the text
(:mod:`detectors.fields`).

Two more forms, because writers shorten and mask names:

- **Masked**: an alias of four or more characters with one character replaced by a symbol
  (ツ○メコミュ, さくら○リニック, Nor*hwind).
- **Short name**: an alias without its generic suffix (さくらクリニック → さくら, Tsubame
  Communications → Tsubame). Short names are often ordinary words (さくら is a cherry tree),
  so they count only when staff are named with them (さくらの看護師, tsubameのやつら, Tsubame
  call centre staff, Lan from Tsubame) or when they are spelled out to evade filters
  (T s u b a m e).
"""

from __future__ import annotations

import re

from crawler.items import Finding, Post
from detectors.base import Detector, DetectorContext
from detectors.fields import post_text
from detectors.lexicon_ja import PERSON_NOUNS as JA_PERSONS
from detectors.matching import MultiMatcher
from detectors.normalize import compact, compact_key, is_separator

GENERIC_SUFFIX = re.compile(
    r"(?:\s+(?:communications?|comms|clinic|clinics|medical|group|goods|holdings|corporation|corp|inc|ltd|co|"
    r"company|telecom|bank|foods|express|logistics|pharmacy|hospital|japan|services?|stores?|shops?|electric|"
    r"industries|denki|tsushin|unyu|ginko|shoji|realty|motors|airlines?|dental|bakery|cafe|hotels?|insurance|"
    r"pharma|pharmaceuticals|transport|taxi|travel|academy|school|gym|salon|consulting|partners|labs?|systems|"
    r"solutions|technologies|tech|care|nursing|welfare)\b\.?)+$|"
    r"(?:コミュニケーションズ|クリニック|病院|医院|薬局|通信|電機|電気|電器|銀行|運輸|物流|急便|フーズ|食品|商事|"
    r"サービス|工業|製作所|建設|不動産|商会|商店|産業|ストア|百貨店|運送|交通|タクシー|観光|旅行|ホテル|旅館|保険|証券|"
    r"生命|損保|製薬|薬品|化学|工務店|歯科|デンタル|整骨院|動物病院|美容室|サロン|学園|塾|スクール|ジム|カフェ|食堂|"
    r"ベーカリー|システムズ|ソリューションズ|テクノロジーズ|ラボ|航空|エアライン|エアラインズ|介護|ケア|福祉|保育園|保育|"
    r"ホールディングス|グループ|会|株式会社|\(株\)|（株）)+$",
    re.IGNORECASE,
)
_COMPANY_PREFIX = re.compile(r"^(?:株式会社|医療法人\S*|\(株\)|（株）)\s*")
MASKS = frozenset("○●◯◎〇*＊×✕☓□■◇◆△▲☆★?？_＿")
_STAFF_WORDS = (
    r"staff|agents?|employees?|workers?|reps?|operators?|team|management|managers?|people|guys?|folks|nurses?|"
    r"doctors?|receptionists?|clerks?|cashiers?|drivers?|supervisors?|ceo|boss|support|call\s+cent(?:re|er)|"
    r"customer\s+service|warehouse|store|shop|branch|desk|front\s+desk|interpreters?|pharmacists?"
)
_PLACE_WORDS = r"(?:ward|city|station|district|prefecture|town|area|port|harbou?r|park|hall|line|village|county|beach|bay)"
_STAFF_AFTER_EN = re.compile(
    r"^(?:'s)?\s+(?!(?:[A-Za-z-]+\s+){0,2}?"
    + _PLACE_WORDS
    + r"\b)(?:[A-Za-z-]+\s+){0,2}?(?:"
    + _STAFF_WORDS
    + r")\b",
    re.IGNORECASE,
)
_FROM_BEFORE_EN = re.compile(r"\b(?:from|at|@|with|of)\s+(?:the\s+)?$", re.IGNORECASE)
_JA_STAFF = "|".join(
    re.escape(w)
    for w in sorted(
        {
            *JA_PERSONS,
            "先生",
            "医師",
            "看護師",
            "ナース",
            "受付",
            "通訳",
            "事務",
            "院長",
            "オペレーター",
            "社員",
            "職員",
            "やつら",
            "奴ら",
            "連中",
            "人たち",
            "SV",
            "QA",
        },
        key=len,
        reverse=True,
    )
)
_STAFF_AFTER_JA = re.compile(
    r"^(?:の|で働く|にいる|に勤める)?(?:[^、。！？\s「」()（）の]{0,2}?)(?:"
    + _JA_STAFF
    + r"|[\u4e00-\u9fff]{1,3}(?:長|員|師|士))|"
    r"^の[\u4e00-\u9fff\u30a0-\u30ff]{1,6}(?:さん|様|氏|くん|ちゃん|先生)"
)


def _short_names(names: tuple[str, ...]) -> set[str]:
    out = set()
    for name in names:
        base = _COMPANY_PREFIX.sub("", name.strip())
        short = GENERIC_SUFFIX.sub("", base).strip()
        if short and short != base and len(compact_key(short)) >= (4 if short.isascii() else 2):
            out.add(short)
        if " " in base and base.isascii():
            first = base.split()[0]
            if len(first) >= 4:
                out.add(first)
    return out


def _masked_forms(names: tuple[str, ...]) -> dict[str, str]:
    """Each alias of four or more characters with one character removed, its words kept apart
    (a symbol stands in its place in the original; checked when matching)."""
    out: dict[str, str] = {}
    keys = {compact_key(n) for n in names}
    for name in names:
        name = name.strip()
        if len(compact_key(name)) < (5 if name.isascii() else 4):
            continue
        for i, ch in enumerate(name):
            if ch.isspace():
                continue
            form = name[:i] + name[i + 1 :]
            if compact_key(form) not in keys and form.strip():
                out.setdefault(form, name)
    return out


class CompanyMentionDetector(Detector):
    name = "company"
    labels = ("company_mentioned",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        names = tuple(n for n in (context.company_name, *context.company_aliases) if n.strip())
        # "Ben & Jerry's" is also written "Ben and Jerry's".
        names += tuple(
            v
            for v in (
                re.sub(r"\s*[&＆]\s*", " and ", n)
                for n in names
                if re.search(r"[A-Za-z]{2,}\s*[&＆]\s*[A-Za-z]{2,}", n)
            )
            if v not in names
        )
        self.matcher: MultiMatcher[str] = MultiMatcher({n: "name" for n in names})
        full = {compact_key(n) for n in names}
        shorts = {s: "short" for s in _short_names(names) if compact_key(s) not in full}
        masked = {k: "masked" for k in _masked_forms(names) if k not in full}
        self.extra: MultiMatcher[str] = MultiMatcher({**masked, **shorts})
        # Handles and hashtags that begin with a latin alias of four or more letters:
        # @RedwoodHotelsTKY, #MinatoTsushinSucks, @minato_support (the company's account, or a
        # tag about it); a longer word is not enough (#Minatoku has no alias boundary inside).
        prefixes = sorted(
            {compact_key(n) for n in names if n.isascii() and len(compact_key(n)) >= 4}, key=len, reverse=True
        )
        self.handle = (
            re.compile(
                r"(?<![\w@#])[@#](" + "|".join(re.escape(p) for p in prefixes) + r")",
                re.IGNORECASE,
            )
            if prefixes
            else None
        )

    def _extra_ok(self, text: str, start: int, end: int, kind: str) -> bool:
        inside = text[start:end]
        if kind == "masked":
            return any(c in MASKS for c in inside)
        if len([c for c in inside if is_separator(c)]) >= 2:
            return True  # T s u b a m e: spelled out to evade filters
        after = text[end : end + 30]
        return bool(
            _STAFF_AFTER_JA.match(after)
            or _STAFF_AFTER_EN.match(after)
            or _FROM_BEFORE_EN.search(text[max(0, start - 12) : start])
        )

    @staticmethod
    def _handle_ok(text: str, m: re.Match[str]) -> bool:
        """The alias ends the handle or a word inside it: RedwoodHotels|TKY, MINATO|TKY (a
        capital; the alias ends with a letter), minato|_support (underscore), minato|2024
        (digits); minatoku is one word."""
        end = m.end()
        if end >= len(text) or not (text[end].isalnum() or text[end] == "_"):
            return True
        nxt = text[end]
        return nxt == "_" or nxt.isdigit() or nxt.isupper()

    def detect(self, post: Post) -> list[Finding]:
        read = post_text(post)
        text = read.text
        folded = compact(text)
        found = [(m.o_start, m.o_end) for m in self.matcher.search(text, folded)]
        if self.handle is not None and ("@" in text or "#" in text):
            for h in self.handle.finditer(text):
                if self._handle_ok(text, h) and not any(s < h.end() and h.start() < e for s, e in found):
                    found.append((h.start(1), h.end(1)))
        for m in self.extra.search(text, folded):
            if any(s < m.o_end and m.o_start < e for s, e in found):
                continue
            start, end = m.o_start, m.o_end
            if m.payload == "masked":  # the mask may be the first or last character (○乃ホテル)
                if start > 0 and text[start - 1] in MASKS:
                    start -= 1
                elif end < len(text) and text[end] in MASKS:
                    end += 1
            if self._extra_ok(text, start, end, m.payload):
                found.append((start, end))
        if not found:
            return []
        spans = [read.span(s, e) for s, e in sorted(found)]
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
