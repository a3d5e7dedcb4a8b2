"""Personal information about a named employee (``personal_info``).

A post is flagged when it names an employee (an ``employee_named`` finding from the name
detector) and, in the same or a neighbouring sentence, gives an identifying detail:

- phone numbers (Japanese 03-1234-5678, 090 1234 5678, +81 …; international +1 …, (555) …),
- e-mail addresses, also obfuscated (tanaka [at] example [dot] com),
- home addresses (prefecture/city/ward, 丁目, 1-2-3, 〒123-4567, 12 Elm Street, apartment),
- schedule and whereabouts (18時に新橋駅, いつも帰りは, 最寄り駅, leaves work at 6pm, takes
  the 7:15 train),
- social handles and private accounts (@handle, instagram.com/…, 裏アカ, her private insta),
- covert photos (隠し撮り, 盗撮, 写真を晒す, took a picture of her), car plates, children's school.

Details about the company alone (its support line, its head office) are not flagged.
"""

from __future__ import annotations

import re

from crawler.items import Finding, Post, Span
from detectors.base import Detector, DetectorContext
from detectors.context import sentences
from detectors.fields import post_text
from detectors.multiregex import PatternSet
from detectors.normalize import Folded, compact_key, fold, has_japanese

_PREF = (
    "北海道|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|東京都|神奈川県|"
    "新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|京都府|大阪府|兵庫県|"
    "奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|"
    "長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
_TIME = r"(?:\d{1,2}\s*時(?:\s*\d{1,2}\s*分|半)?|\d{1,2}:\d{2}|\d{1,2}(?::\d{2})?\s*(?:am|pm)\b)"
# Japanese forms of schedules never match text without Japanese, and they are the costly
# part of the scan (a run of characters before 駅): latin-only posts use the English forms.
_SCHEDULE_JA = (
    rf"[^\s、。,]{{1,8}}駅[^。！？\n]{{0,20}}?{_TIME}|{_TIME}[^。！？\n]{{0,20}}?[^\s、。,]{{1,8}}駅|"
    rf"最寄り(?:駅)?|(?:いつも|毎日|毎朝|毎晩|毎週)[^。！？\n]{{0,12}}?(?:駅|{_TIME}|帰|通勤|出勤|退勤|電車|ばす|乗)|"
    rf"(?:帰り|通勤|退勤|出勤)(?:は|の時間|時間|ルート)|[^\s、。,]{{1,6}}線(?:で通|に乗って|で帰|を使って通)|"
    rf"(?:月|火|水|木|金|土|日)曜(?:日)?[^。！？\n]{{0,12}}?(?:{_TIME}|朝|夜|夕方)|"
    rf"毎(?:日|朝|晩|週|月)[^。！？\n]{{0,20}}?(?:で|に)[^。！？\n]{{0,12}}?(?:してる|している|してます|通って|走って|いる)|"
    rf"{_TIME}[^。！？\n]{{0,8}}?(?:に|から)?[^。！？\n]{{0,8}}?(?:出てくる|出て来る|帰る|帰って|退勤|出勤|上がる|出る)"
)
_SCHEDULE_EN = (  # every alternative starts with a latin letter or a digit (the lookahead)
    rf"(?=[a-z0-9])(?:\bclocks? (?:out|in|off) at|"
    rf"\b(?:leaves? (?:work|the office|home) at|gets? off (?:work )?at|takes? the (?:[\w:-]+\s){{0,3}}?(?:train|bus|line|subway|ferry)|(?:station|stop)\b[^.!?\n]{{0,30}}{_TIME}|{_TIME}[^.!?\n]{{0,30}}\b(?:station|stop)\b|"
    rf"(?:train|bus) at {_TIME}|every (?:morning|evening|day|night) at|walks? home|parks? (?:her|his) car|"
    rf"commutes?|(?:her|his) (?:schedule|route home|gym)|at {_TIME} (?:every|each)|"
    rf"every (?:mon|tue|wed|thu|fri|sat|sun)[a-z]*(?:\s*(?:/|and|&|,)\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)*\s+at {_TIME})\b)"
)

KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (alternatives that need Japanese text, alternatives for any text, description);
    # the regexes run over folded text: lower case, NFKC, hiragana. Posts without Japanese
    # skip the first part, which is most of the cost of a scan.
    "phone": (
        "",
        r"(?<![\d-])(?:\+81[\s-]?\(?0?\d{1,4}\)?|0\d{1,4})[\s\-ー‐−–—]?\(?\d{1,4}\)?[\s\-ー‐−–—]?\d{3,4}(?![\d-])|"
        r"(?<![\d-])\+\d{1,3}[\s.-]?\(?\d{1,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\d)|"
        r"(?<!\d)\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)",
        "a phone number",
    ),
    "email": (
        "",
        # Starts where a run of address characters starts: no rescan from inside every word.
        r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        "an e-mail address",
    ),
    "email_spelled": (
        "",
        r"[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+\s*[\[(]\s*dot\s*[\])]\s*\w+|"
        r"[\w.+-]+\s+at\s+[\w-]+\s+dot\s+(?:com|net|org|jp|co|io|me)\b",
        "an e-mail address",
    ),
    "address": (
        rf"(?:{_PREF})[^\s、。,]{{0,20}}?(?:市|区|町|村|郡)(?:[^\s、。,\d]{{0,10}}\d+\s*(?:丁目|番地?|-\d+(?:-\d+)?))?|"
        r"[\u4e00-\u9fff\u3041-\u3096]{1,6}(?:市|区)[\u4e00-\u9fff\u3041-\u3096]{1,8}?\d+\s*(?:丁目|-\d+(?:-\d+)?)|"
        r"\d+\s*丁目|\d+\s*番地|\d+\s*号室|"
        r"自宅|じたく|住所|家は|家の場所|(?<!どこに)(?<!どこで)住んで|実家|まんしょん|あぱーと",
        r"(?<![\d:])\d{1,4}-\d{1,4}-\d{1,4}(?![\d-])|〒\s*\d{3}-?\d{4}|"
        r"\b\d{1,5}\s+[a-z]+(?:\s[a-z]+)?\s+(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|blvd|boulevard|"
        r"court|ct|way|place|pl)\b|\b(?:home address|her address|his address|lives (?:at|in|on|near|off|"
        r"right)|apartment \d+|apt\.? \d+|where (?:she|he) lives is)\b",
        "a home address or where they live",
    ),
    "schedule": (_SCHEDULE_JA, _SCHEDULE_EN, "their schedule or whereabouts"),
    "account": (
        r"裏あか|裏垢|鍵あか|鍵垢|本あか|本垢|いんすた|ふぇいすぶっく|らいん(?:の)?id",
        # Every alternative starts with @ or a latin letter: the lookahead skips other positions.
        r"(?=[@a-z])(?:(?<![\w.@])@[a-z0-9_]{3,15}\b|(?:instagram|facebook|twitter|x|tiktok|threads)\.com/[\w.@-]+|"
        r"line\.me/[\w/-]+|line(?:の)?\s?id|"
        r"\b(?:private|secret|personal|alt)\s+(?:account|insta(?:gram)?|twitter|facebook|profile)\b|"
        r"\b(?:her|his)\s+(?:instagram|insta|facebook|twitter|tiktok|snapchat|snap|line)\b|"
        r"\b(?:discord|insta(?:gram)?|twitter|tiktok|twitch|steam|reddit|snap(?:chat)?)(?:'s)?\s+(?:alt|handle|username|user name|"
        r"tag|id)\b)",
        "a private account or social handle",
    ),
    "photo": (
        r"盗撮|隠し撮り|隠し撮|顔写真|顔晒|写真(?:を)?(?:貼|晒|撮っ|撮った|載せ|うp|あっぷ|upし|あげ|上げ)|画像(?:を)?(?:貼|晒|載せ|あげ|上げ)",
        r"\b(?:photos?|pictures?|pics?|video) of (?:her|him)\b|\b(?:took|snapped|got) (?:a |some )?"
        r"(?:photos?|pictures?|pics?|video)\b|\bsecretly (?:filmed|recorded|photographed)\b",
        "a photo of them",
    ),
    "family": (
        r"車のなんばー|なんばーぷれーと|子供の学校|子どもの学校|娘の学校|息子の学校|娘さんの|息子さんの|"
        r"(?:車|愛車)(?:は|が|、)|[一-龥]{1,4}\s?\d{3}\s?[あ-ん]\s?\d{1,2}-?\d{2}",
        r"\b(?:license plate|plate number|(?:her|his) (?:kids?|children|daughter|son)'?s? school|"
        r"(?:her|his) (?:car|husband|wife)|drives? an? \w+|plate:? [a-z0-9-]{4,})\b",
        "details about their car or family",
    ),
}


_BUSINESS_NUMBER = re.compile(r"^\(?(?:0120|0800|0570|0088|\+?1[\s.-]?\(?8(?:00|33|44|55|66|77|88)\))")


# Triggers: a kind's pattern runs only on a text where its trigger occurs (a cheap test, and a
# condition: digits alone are not an address without an address word).
TRIGGERS: dict[str, str] = {
    "phone": r"\d{3}",
    "email": r"@",
    "email_spelled": r"\bdot\b",
    "address": r"[都道府県市区町村郡丁番号〒]|自宅|じたく|住|実家|まんしょん|あぱーと|\d\s+[a-z]|address|lives|apartment|apt",
    "schedule": r"駅|\d|最寄|いつも|毎|帰り|通勤|退勤|出勤|線|曜|leave|gets? off|take|train|bus|every|walk|park|commut|"
    r"schedule|route|gym|clock",
    "account": r"@|\.com/|line|あか|垢|いんすた|ふぇいす|private|secret|personal|alt\b|insta|facebook|twitter|tiktok|snap|discord|"
    r"twitch|steam|reddit",
    "photo": r"撮|写真|画像|顔|photo|picture|pic|video|took|snapped|got|secretly",
    "family": r"なんばー|学校|娘|息子|車|[一-龥]\s?\d{3}|license|plate|kid|child|daughter|son|car|husband|wife|drive",
}


class PersonalInfoDetector(Detector):
    name = "personal_info"
    labels = ("personal_info",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        self.company_keys = {
            k
            for k in (
                compact_key(n).replace(" ", "") for n in (context.company_name, *context.company_aliases)
            )
            if k.isascii() and len(k) >= 4
        } | {k.split()[0].lower() for k in context.company_aliases if k.isascii() and len(k.split()[0]) >= 4}
        # The patterns run on folded (lower-case) text, so no IGNORECASE: it slows every scan.
        self.kinds = [(kind, desc) for kind, (_, _, desc) in KINDS.items()]
        triggers = [re.compile(TRIGGERS[kind]) for kind in KINDS]
        self.patterns = PatternSet(
            [re.compile(f"{ja}|{any_text}" if ja else any_text) for ja, any_text, _ in KINDS.values()],
            triggers,
        )
        self.patterns_latin = PatternSet(
            [re.compile(any_text) for _, any_text, _ in KINDS.values()], triggers
        )

    @staticmethod
    def _only_the_name(folded: Folded, m: re.Match[str], name_spans: list[tuple[int, int]]) -> bool:
        """The matched handle is no more than a name the roster lists (an @ and the alias)."""
        o_start, o_end = folded.span_back(m.start(), m.end())
        return any(
            s <= o_start + 1 and o_end <= e + 1 and e - s >= o_end - o_start - 2 for s, e in name_spans
        )

    def detect(self, post: Post) -> list[Finding]:
        named = [f for f in post.findings if f.label == "employee_named" and f.employee_id]
        if not named:
            return []
        read = post_text(post)
        text = read.text
        if not text:
            return []
        folded = fold(text)
        sents = sentences(text)

        def sent_index(pos: int) -> int:
            return next((i for i, (s, e) in enumerate(sents) if s <= pos < e), len(sents) - 1)

        name_at = [(sent_index(read.position(s)), f.employee_id) for f in named for s in f.spans]
        name_spans = [read.bounds(s) for f in named for s in f.spans]
        by_employee: dict[str, list[tuple[Span, str]]] = {}
        patterns = self.patterns if has_japanese(text) else self.patterns_latin
        for k, m in patterns.finditer(folded.text):
            kind, desc = self.kinds[k]
            if m.end() <= m.start():
                continue
            if kind in ("account", "email", "email_spelled"):
                key = compact_key(m.group(0))
                if any(c in key for c in self.company_keys):
                    continue  # the company's own account or address (@minato_support)
                if kind == "account" and self._only_the_name(folded, m, name_spans):
                    continue  # @MarcusDev: the employee's registered handle used to address them
            if kind == "phone" and (
                sum(c.isdigit() for c in m.group(0)) < 10 or _BUSINESS_NUMBER.match(m.group(0))
            ):
                continue  # too short, or a toll-free business line (0120, 0570, 1-800)
            o_start, o_end = folded.span_back(m.start(), m.end())
            idx = sent_index(o_start)
            close = [(abs(i - idx), i > idx, eid) for i, eid in name_at if abs(i - idx) <= 2]
            if not close:
                continue
            eid = min(close)[2]
            assert eid is not None
            by_employee.setdefault(eid, []).append((read.span(o_start, o_end), desc))
        findings = []
        for eid, items in by_employee.items():
            emp = self.context.roster.get(eid)
            strong = any(d not in ("their schedule or whereabouts",) for _, d in items) or len(items) > 1
            kinds = ", ".join(dict.fromkeys(d for _, d in items))
            spans = tuple(sorted({s for s, _ in items}, key=read.position))
            findings.append(
                Finding(
                    detector=self.name,
                    label="personal_info",
                    severity="high",
                    score=0.9 if strong else 0.75,
                    explanation=(
                        f"Personal information about employee {eid} ({emp.name if emp else eid}): "
                        f"{kinds}: «{'、'.join(s.text for s in spans)}»."
                    ),
                    spans=spans,
                    employee_id=eid,
                )
            )
        return findings
