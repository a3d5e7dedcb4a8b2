"""Whether a name found in a post is someone else's: a namesake of an employee.

A player in a sentence about a game, a character in one about a show, another person's full
name (山崎まさよし, Marcus Rashford, R. Kelly, ジョージ・ルーカス), the name as a name (グエンって
ベトナムで一番多い苗字), the writer's own people (my Year 10 teacher Mr Morgan, 同期の渡辺),
products and shops named after someone (Yamazaki 12, 陳さんの中華屋). Used by
:mod:`detectors.names`; plain functions and one class over the roster, no Scrapy.
"""

from __future__ import annotations

import re

from detectors.base import DetectorContext
from detectors.context import sentence_of
from detectors.mentions import other_person_before
from detectors.morph import morphemes
from detectors.multiregex import PatternSet
from detectors.name_keys import ROLE_AFTER, ROLE_BEFORE, full_width, is_kanji, is_katakana
from detectors.normalize import compact_key

# The writer's own people, with room for what kind (my Year 10 teacher Mr Morgan, my daughter's
# teacher Mrs. Chen, my stats professor Dr. Watanabe, My Japanese teacher Nakamura-sensei).
_MY_RELATION_BEFORE = re.compile(
    r"\b(?:my|our)\s+(?:[\w'’-]+\s+){0,3}(?:teacher|professor|lecturer|tutor|physio|physiotherapist|doctor|gp|"
    r"dentist|neighbou?r|landlord|landlady|coach|friend|mate|classmate|roommate|"
    r"flatmate|cousin|uncle|aunt|therapist|vet|surgeon|pastor|priest)\s+(?:(?:mr|mrs|ms|miss|dr|prof|coach)\.?\s+)?$",
    re.IGNORECASE,
)
# Another place's doctor or teacher: 整形外科の山本先生, ゼミの齋藤先生, かかりつけの木村先生 (unless the
# company is that kind of place).
_INSTITUTION_BEFORE = re.compile(
    r"(整形外科|歯医者|歯科|内科|外科|眼科|皮膚科|耳鼻科|小児科|病院|医院|クリニック|ゼミ|かかりつけ|大学|高校|中学|小学校|塾|"
    r"予備校|教習所)の\s*$"
)
_MEDICAL = re.compile(
    "整形外科|歯医者|歯科|内科|外科|眼科|皮膚科|耳鼻科|小児科|病院|医院|クリニック|かかりつけ"
)  # the kinds of place above that are medical
_MEDICAL_COMPANY = re.compile(
    r"病院|医院|クリニック|科|歯|医|clinic|hospital|medical|dental|health", re.IGNORECASE
)
_SCHOOL_COMPANY = re.compile(
    r"学|塾|校|スクール|ゼミ|教習|school|academy|college|university|juku", re.IGNORECASE
)
_OWN_NAME_BEFORE = re.compile(r"(?:私|俺|僕|わたし|自分|うち)も\s*$")
_COPULA_AFTER = re.compile(r"(?:なんだ|なん|です|だけど|だから|なので|なの|だよ|だし|だって)")
_PLACED_AT = re.compile(r"\s*(?:from|at|with|@)\s*(?:the\s+)?", re.IGNORECASE)


def inside_katakana_word(original: str, start: int, end: int) -> bool:
    """A katakana name run on by more katakana (リー in グリーンウェイ, ミン in ミント): part of a
    longer word, not the name (タカハシマネ is the name and a title)."""
    seg = original[start:end]
    if " " in seg or "\u3000" in seg:
        # spaced out to evade filters (グ リ ー ン ウ ェ イ): the neighbours are a space away
        seg = seg.replace(" ", "").replace("\u3000", "")
        start = start - 1 if start > 0 and original[start - 1] in " \u3000" else start
        end = end + 1 if end < len(original) and original[end] in " \u3000" else end
    if not is_katakana(seg.replace("・", "")):
        return False
    before = original[start - 1] if start > 0 else ""
    after = original[end] if end < len(original) else ""
    if is_katakana(before) and before != "・":
        return True
    return (
        is_katakana(after)
        and after != "・"
        and not _KATAKANA_TITLES.match(full_width(original[end : end + 12]))
    )


_CAP_AFTER = re.compile(r"^ ([A-Z][a-zà-ÿ]+)\b")  # Emily Brontë, Janelle Monáe
_CAP_BEFORE = re.compile(r"(?<=[\w,;:] )([A-Z][a-zà-ÿ]+) $")  # not the first word of a sentence
# The first word of the post or of a sentence: a given name (Ken Watanabe narrating …) unless
# it is one of the words that open sentences before a name (Tell Ortiz …, Fire Tanaka).
_INITIALS_BEFORE = re.compile(r"(?:^|[\s(\"'“])((?:[A-Z]\.\s?){0,2}[A-Z])\.\s?$")
_CAP_OPENING = re.compile(r"(?:^|[.!?]\s+|\n\s*)([A-Z][a-z]+) $")
# A shop named after someone: Mercer's Bakery, Nguyen's Pho, Walsh's Hardware, Chen's Dumpling
# House (but Priya's Saturday class and Tanaka's Instagram are the employee's).
_POSSESSIVE_BUSINESS = re.compile(
    r"^['’]s (?:Bakery|Bakehouse|Pho|Hardware|Dumpling|Dumplings|Diner|Deli|Cafe|Café|Coffee|Pizza|Pizzeria|Pub|Bar|"
    r"Grill|Kitchen|Restaurant|Tavern|Garage|Autos?|Motors|Store|Shop|Market|Books|Bookshop|Bookstore|Pharmacy|Salon|"
    r"Barbers?|Tailors?|Ramen|Noodles?|Sushi|Tacos?|Burgers?|Bagels?|Donuts?|Doughnuts?|Chippy|Takeaway|Bistro|"
    r"Brewery|Wines?|Liquors?|Florist|Flowers|Laundry|Cleaners|Plumbing|Removals|Funeral|Cycles|Bikes|Records|"
    r"Hotel|Inn|Motel|Lodge|Gym|Dojo|Farm|Bakeries|Creamery|Chicken|Fish)\b"
)
# A player of a team (Yamazaki from the Tigers, on the Jets), a family (the Okafor brothers)
# or the whisky (Yamazaki 12). Places are not in it ("Priya from the Harbor Blvd Coastline",
# "Dee on Line 2" are staff), nor "that Becker guy", which posts use for staff.
_FROM_ELSEWHERE = re.compile(
    r"\s+(?:on|from|of|for)\s+the\s+[A-Z][a-z]+s\b(?!['’]| [A-Z])|\s+(?:sisters|brothers)\b| (?:1[0-8]|2[15])\b(?! ?%)|"
    r"\s+(?:from|in)\s+The\s+[A-Z]|['’]s\s+law\b|"  # Kevin from The Office (a title), Murphy's law
    # a product named after someone: Wilson tennis balls, a Murphy bed, Jordan 4s, Miller's Ale House
    r"(?:['’]s)?\s+(?:tennis|bed|beds|bread|noodles|hoodies?|jeans|crisps|4s|1s|11s|sneakers|ale|ale house|machine|"
    r"family|twins|clan)\b"
)
# Capitalised words that stand next to a name without being part of another person's name.
_NOT_NAMES: frozenset[str] = frozenset(
    re.split(
        r"\s+",
        """i i'm hey hi hello thanks thank dear ask tell poor yes no ok okay lol lmao omg god why so and but or if when
        the a an mr mrs ms miss dr sir coach teacher nurse officer captain agent manager sensei also then just only even
        because like told saw met called where what who how is was did does has had with from at to for of in on by about
        after before ugh wow oh ah yeah nah hmm pls please guys anyway btw imo tbh ngl fyi rip shoutout congrats cheers it
        we they he she you this that those these my our your his her their its every some any all big old little young
        new senior junior head lead chief director ceo cto hr pr cm gm streamer producer designer support staff team
        monday tuesday wednesday thursday friday saturday sunday today tonight tomorrow yesterday""".strip(),
    )
)
_VERB_FORM = re.compile(r"^[a-z]{3,}(?:ed|ing)$")
# Words that open a sentence before a name: verbs in the imperative, titles, interjections.
_OPENERS = _NOT_NAMES | frozenset(
    re.split(
        r"\s+",
        """fire sack blame ban report avoid watch ignore trust let make send keep stop look see meet call ring
        email text find beat hit kill shoot punch slap kick hang burn tag ping dm msg message follow unfollow block
        remember forget imagine picture guess bet honestly apparently seriously literally basically sadly luckily
        hopefully funny weird shame props kudos bravo welcome goodbye bye yo oi hiya mate bro dude sis girl boys
        inspector professor prof doctor driver detective sergeant councillor councilor mister madam
        not never always maybe perhaps still now here there once whoever whatever somebody someone nobody
        everyone everybody apologies sorry congratulations happy merry good great nice lucky pretty ugly
        fat stupid dumb creepy lazy rude useless fake shady sleazy greasy filthy dirty sick crazy mad angry
        asked said says saying heard hear sure yep nope wait found took
        caught got gave left lost paid sent brought bought kept ran sat stood taught thought threw went wrote
        rode drove""".strip(),
    )
)
# アナ after a name: an announcer, the company's own when it broadcasts (not アナスタシア).
_ANNOUNCER = re.compile(r"^アナ(?![\u30a1-\u30fa\u30fc])")
_BROADCASTER = re.compile(r"テレビ|放送|ラジオ|\bTV\b|\bFM\b|Radio|Broadcast", re.IGNORECASE)
_KATAKANA_PART_BEFORE = re.compile(r"([\u30a1-\u30fa\u30fc]{2,})・$")
_KATAKANA_PART_AFTER = re.compile(r"・([\u30a1-\u30fa\u30fc]{2,})")
_KATAKANA_RUN = re.compile(r"^[\u30a1-\u30fa\u30fc\uff66-\uff9f]{2,}")
# Katakana after a name that is a title, a role or an epithet, not more of a name (山崎マネ,
# タカハシマネ, 斉藤ババア, 小野寺トレーナー, 小野寺センター長).
_KATAKANA_TITLES = re.compile(
    r"^(?:サン|チャン|クン|センセ|サマ|マネ|マネージャー|マネジャー|リーダー|チーフ|トレーナー|コーチ|インストラクター|"
    r"ガイド|クルー|キャスト|バイト|パート|スタッフ|センター|オペ|ドライバー|ババア|ババァ|ジジイ|ジジィ|ブス|デブ|ハゲ|"
    r"ゴミ|クズ|カス|チビ|ブタ|オバサン|オッサン|オヤジ|ママ|パパ|シェフ|ナース|ドクター|ディレクター|プロデューサー|"
    # and slang that follows a name as an adverb or a curse (齋藤マジで無能)
    r"マジ|ガチ|ホント|ホンマ|ウザ|キモ|クソ|ムカ|メチャ|チョー|ダメ|ヤバ|スゴ|エロ|ボケ|アホ|バカ|イライラ|ムカつ)"
)


# Words of a game being played: a bare family name in such a sentence is a player.
_AT_PLAY = re.compile(
    r"\b(?:inning|innings|homers?|homered|home runs?|walk-off|walkoff|strikeouts?|struck out|bullpen|at the plate|"
    r"no[- ]hitter|curveball|fastball|slider|hat[- ]trick|missed sitter|free kick|touchdowns?|interceptions?|"
    r"gave up \d+ runs?|threw (?:a|like)|pitched|pitching|two goals|scored (?:a|the|twice)|penalty kick|"
    r"goalie|glove side|knocked out|knockout|in round \d+|in the \d+(?:st|nd|rd|th)(?: minute)?|"
    r"goals?|assists?|ippon|doubles final|rbis?|hits? a homer|dropped passes|go(?:es)? yard|went yard|"
    r"scored in|stoppage time|\d+ ks|strikeouts)\b|先発|失点|リリーフ|"
    r"三振|ホームラン|本塁打|打たれ|打席|登板|完封|併殺|四球|二軍|一軍|打率|防御率|盗塁|猛打賞|安打|打点|"
    r"(?:決勝|同点|先制)ゴール|ゴール決め|フリーキック|ハットトリック|ヒーローインタビュー|引退試合|降板|(?<![a-z])pk(?![a-z])",
)
# Words of a screen or a stage: a bare name in such a sentence is a character or a performer
# (Saito in Inception is the most overrated character, からかい上手の高木さん実写化).
_ON_SCREEN = re.compile(
    r"\b(?:movies?|(?:the|a|that|this) film|actors?|actress|characters?|episodes?|anime|manga|rewatch(?:ed|ing)?|soundtracks?|"
    r"sitcom|netflix|starring|trailer|premiere|season finale|love island|bake off|on tv|tv show|cooking show|"
    r"competition show|reality show|comic|album|documentary|villains?|heroine|protagonist|fandom|"
    r"garbage tv|peak cinema)\b|"
    r"ドラマ|映画|主演|出演|アニメ|漫画|マンガ|新刊|俳優|女優|芸人|バラエティ|番組|実写|新曲|アルバム|"
    r"ドキュメンタリー|朗読|詩集|写真集"
)
# Words of a sentence about names themselves: "Suzuki is the 2nd most common surname", 佐藤・鈴木・
# 高橋が日本の苗字トップ3.
_NAME_TALK = re.compile(r"\b(?:common|popular|frequent)\s+(?:sur|last\s+|family\s+)?names?\b|苗字|名字")
_CLAUSE_END = re.compile(r"[、，,;；:：]\s*|\s+(?:and|but|while|then)\s+|(?:のに|けど|けれど|が、)")
_AGED = re.compile(r"の?(?:1[0-8]|2[15])年(?![目間前後生度])")
_SO_AND_SO = re.compile(r"(?:なんとか|何とか|なんちゃら)(?![しすさせ])")


# A latin name used as a thing, not a person: my Tom Baker scarf, Big Marc's burger joint,
# Tom Baker was the best Doctor (a public figure ranked in a role).
_NAME_AS_THING_BEFORE = re.compile(r"\b(?:my|a|an|our|your|this|that|these|those)\s+$", re.IGNORECASE)
_NAME_AS_THING_AFTER = re.compile(
    r"^(?:'s|’s)\s+(?:\w+\s+)?(?:burger|pizza|restaurant|bar|pub|diner|cafe|café|joint|shop|store|salon|garage|"
    r"bakery|grill|kitchen|tacos?|bbq|barbershop|gym|band|album|show|podcast|channel|novel|book|song|single|film|"
    r"movie|record|tour|match|game|concert|exhibition|paintings|goal|debut|career)\b|"
    r"^\s+(?:\w+\s+)?(?:scarf|replica|costume|poster|figure|album|novel|movie|film|episode|era|fan|fans|cosplay|"
    r"biography|documentary|special|interview)\b|"
    r"^(?:'s|’s)\s+(?:\w+\s+)?(?:pitching|free kick|hat-trick|hat trick|penalty|batting|serve|stand-up|special|"
    r"documentary|biography|memoir|new single|new album|new song|new show|new movie|new film)\b|"
    r"^\s+(?:is|was)\s+(?:the|my)\s+(?:best|greatest|worst|favou?rite|definitive|only real)\s+[A-Z]|"
    r"^\s+(?:scored|played|pitched|sang|starred|directed|won the|wins|won|takes gold|took gold|signed with|homered|"
    r"hit a home run|was traded|retired from|sets? a (?:new )?record|breaks? the record)\b(?!['’]t\b)",  # not "won't"
)


def name_as_thing(text: str, start: int, end: int) -> bool:
    """True when a latin-letter name names a thing or a public figure's role, not a person here."""
    if not text[start:end].isascii():
        return False
    return bool(
        _NAME_AS_THING_BEFORE.search(text[max(0, start - 8) : start])
        or _NAME_AS_THING_AFTER.search(text[end : end + 40])
    )


def company_follows(text: str, end: int, own: tuple[tuple[int, int], ...], joiner: re.Pattern[str]) -> bool:
    """One of the company's mentions ``own`` starts within 14 characters after ``end``, joined to
    it by nothing but ``joiner`` (Lan from Tsubame, Yamazaki at BrightPath)."""
    return any(0 <= s - end <= 14 and joiner.fullmatch(text[end:s]) is not None for s, _ in own)


class Namesakes:
    """The roster's and the company's facts the namesake checks need, built once per detector."""

    def __init__(self, context: DetectorContext) -> None:
        self.latin_parts = {
            emp.employee_id: frozenset(
                w.lower()
                for w in (
                    *emp.romaji.split(),
                    *emp.name.split(),
                    *(x for a in emp.aliases for x in a.split()),
                )
                if w.isascii()
            )
            for emp in context.roster
        }
        self.kana_parts = {
            emp.employee_id: frozenset(
                compact_key(w)
                for w in re.split(r"[\s・=＝]+", f"{emp.name} {emp.reading} {' '.join(emp.aliases)}")
                if w and is_katakana(w)
            )
            for emp in context.roster
        }
        self.family_of = {emp.employee_id: emp.family_name for emp in context.roster}
        self.given_kana = {
            emp.employee_id: compact_key(emp.reading.replace("\u3000", " ").split()[-1])
            for emp in context.roster
            if len(emp.reading.split()) >= 2
        }
        self.company_text = " ".join((context.company_name, *context.company_aliases))
        self.broadcaster = _BROADCASTER.search(self.company_text) is not None
        self.company_words = frozenset(
            w.lower()
            for n in (context.company_name, *context.company_aliases)
            for w in n.split()
            if w.isascii()
        )
        # One Hyperscan pass: almost no sentence is about a game or a show.
        self.scenes = PatternSet([_AT_PLAY, _ON_SCREEN, _NAME_TALK])

    def another_persons_name(self, original: str, start: int, end: int, employee_id: str) -> bool:
        """A one-word name that is part of someone else's full name: Marcus Rashford, Boris
        Becker (a latin name with another capitalised name beside it), 高木ブー, 山崎リオ (a kanji
        family name run on by a katakana given name that is not the employee's, or by a hiragana one:
        山崎まさよし)."""
        seg = original[start:end]
        opened = original.rfind("『", max(0, start - 40), start)
        if opened != -1 and "』" not in original[opened:start] and "』" in original[end : end + 40]:
            return True  # 『山田くんとLv999の恋をする』: inside the title of a work
        if seg.isascii():
            if " " in seg.strip():
                return False
            own = self.latin_parts.get(employee_id, frozenset())
            if _POSSESSIVE_BUSINESS.match(original[end : end + 16]):
                return True
            if _FROM_ELSEWHERE.match(original, end, end + 40):
                return True
            before = original[max(0, start - 24) : start]
            initials = _INITIALS_BEFORE.search(before)
            if initials is not None and not any(w.startswith(initials.group(1).lower()) for w in own):
                return True  # R. Kelly, A.R. Rahman, J. Cole: someone else's initial
            # (the match, the words that are no name, the shortest role word read as a title)
            for m, common, title in (
                (_CAP_AFTER.match(original[end : end + 24]), _NOT_NAMES, 99),
                (_CAP_BEFORE.search(before), _NOT_NAMES, 5),  # not Dev Patel mid-sentence
                (_CAP_OPENING.search(before), _OPENERS, 1),
            ):
                if m is not None:
                    word = m.group(1).lower()
                    if word in own or word in common or word in self.company_words:
                        continue
                    if len(word) >= title and ROLE_BEFORE.search(compact_key(word)):
                        continue  # Chef Saito, Teller Fujii, "Critical but fair: Principal Nakamura"
                    if common is _OPENERS and _VERB_FORM.search(word):
                        continue  # Found Jake's burner, Snapped Olga's plate
                    return True
            return False
        if is_katakana(seg.replace("・", "")):
            # ジョージ・ルーカス, グエン・フー・チョン: run on by "・" into parts that are not the employee's
            own_kana = self.kana_parts.get(employee_id, frozenset())
            parts = (
                _KATAKANA_PART_BEFORE.search(original, max(0, start - 12), start),
                _KATAKANA_PART_AFTER.match(original, end, end + 12),
            )
            return any(p is not None and compact_key(p.group(1)) not in own_kana for p in parts)
        if not (is_kanji(seg) and len(seg) <= 3):  # a kanji family name
            return False
        if start > 0 and is_kanji(original[start - 1]):
            # 松井玲奈, 福原愛: the name follows another family name (the dictionary's 人名・姓)
            family = next((t for t in morphemes(original) if t.end == start), None)
            if family is not None and family.pos[2:4] == ("人名", "姓"):
                return compact_key(family.surface) != compact_key(self.family_of.get(employee_id, ""))
        after = original[end : end + 12]
        given = self.given_kana.get(employee_id, "")
        if _SO_AND_SO.match(after):
            return True  # 主演の中村なんとか: a celebrity whose given name the writer forgot
        if _AGED.match(after):
            return True  # 山崎18年, 山崎の12年: the whisky
        if after[:1] and "\u3041" <= after[0] <= "\u309f":
            # 山崎まさよし, 石田ゆり子: a given name in hiragana (the dictionary's 人名・名), not the
            # employee's, makes a full name; particles (山崎が, 山崎しか) are not names.
            token = next((t for t in morphemes(original) if t.start == end), None)
            if token is None or token.pos[2:4] != ("人名", "名"):
                return False
            return not (given and compact_key(token.surface).startswith(given[:2]))
        run = _KATAKANA_RUN.match(after)
        if run is None or _KATAKANA_TITLES.match(full_width(after)) or ROLE_AFTER.match(compact_key(after)):
            return False
        if self.broadcaster and _ANNOUNCER.match(full_width(after)):
            return False  # 朝凪テレビの髙木アナ: a broadcaster's announcer (elsewhere, a TV announcer)
        return not (given and compact_key(run.group()).startswith(given[:2]))

    def someone_elses(self, original: str, start: int, end: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name follows a marker of someone who is not staff (my buddy Raj, 同期の渡辺) and
        is not placed at the company right after it (our area manager Yamazaki at BrightPath)."""
        if _OWN_NAME_BEFORE.search(original, max(0, start - 6), start) and _COPULA_AFTER.match(original, end):
            return True  # 私も渡邊なんだけど: the writer's own family name
        relation = _MY_RELATION_BEFORE.search(original, max(0, start - 48), start)
        if relation is not None and set(relation.group().lower().split()) & self.company_words:
            relation = None  # My Globe teacher Kwame: the company's teacher
        institution = _INSTITUTION_BEFORE.search(original, max(0, start - 10), start)
        if institution is not None and (
            (_MEDICAL.fullmatch(institution.group(1)) and _MEDICAL_COMPANY.search(self.company_text))
            or (not _MEDICAL.fullmatch(institution.group(1)) and _SCHOOL_COMPANY.search(self.company_text))
            or any(institution.start() - 3 <= e <= institution.start() for _, e in own)
        ):
            institution = (
                None  # the company's own kind of place: 外科の渡邊先生 at a hospital, なぎさ内科の髙橋
            )
        if relation is None and institution is None and not other_person_before(original, start, own):
            return False
        return not company_follows(original, end, own, _PLACED_AT)

    def in_a_scene(self, text: str, start: int, own: tuple[tuple[int, int], ...]) -> bool:
        """A bare family name in a sentence about a game being played (runs, a walk-off, 三振,
        ホームラン) or about a show (a character, an episode, 主演): a player or a performer who
        shares the name. When the sentence also names the company (a sponsor, the bar showing
        the match), the game or show words must be in the name's own clause."""
        s_start, s_end = sentence_of(text, start)
        if self.scenes.search(text[s_start:s_end].lower()) is None:
            return False
        if not any(s_start <= s < s_end for s, _ in own):
            return True
        c_start = max((m.end() for m in _CLAUSE_END.finditer(text, s_start, start)), default=s_start)
        found = _CLAUSE_END.search(text, start, s_end)
        return self.scenes.search(text[c_start : found.start() if found else s_end].lower()) is not None
