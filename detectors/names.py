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
from dataclasses import dataclass

from crawler.items import Finding, Post, Span
from crawler.roster import Employee
from detectors.base import Detector, DetectorContext
from detectors.context import other_person_after, other_person_before, sentence_of
from detectors.fields import post_text
from detectors.lexicon_util import terms
from detectors.matching import Match, MultiMatcher
from detectors.morph import is_short_kana, morphemes, on_token_boundaries
from detectors.multiregex import PatternSet
from detectors.normalize import compact, compact_key, fold

ROLE_WORDS = terms("""
    オペレーター, オペレータ, オペ, バーテン, 担当者, 担当, 店員, 社員, スタッフ, 職員, 受付, 窓口, 店長, 課長, 部長, 係長, 主任,
    マネージャー, サポート, コールセンター, 営業, 係, 技術者, 作業員, 配達員, 工事, 広報, 人事, 社長, 代表, 役員, 行員,
    ドライバー, 運転手, 販売員, 相談員, 支店長, 所長, 薬剤師, 看護師, 医師, 係員, 店主,
    operator, agent, staff, clerk, employee, manager, rep, representative, support, supervisor, technician, engineer,
    salesman, saleswoman, ceo, director, spokesperson, receptionist, cashier, worker, installer, teller, banker, advisor,
    adviser, consultant, driver, courier, associate, specialist, officer, coordinator, trainer, instructor, guard,
    pharmacist, nurse, SV, QA, センター長, 院長, 事務長, 看護師長, 通訳,
    フロント, 支配人, コンシェルジュ, ベルボーイ, 仲居, 清掃, バーテンダー, 施設長, 介護士, ヘルパー, ケアマネ, 管理人, 不動産屋,
    プランナー, デザイナー, プロデューサー, ディレクター, エンジニア, 開発, プログラマー, 店員さん,
    concierge, bartender, bellhop, housekeeper, housekeeping, caregiver, aide, developer, dev, designer, producer,
    programmer, artist, animator, moderator, mod, realtor, broker, landlord, leasing, front desk, hygienist, dentist,
    doctor, assistant, 衛生士, 歯科衛生士, 助手, 歯科医, 歯医者,
    講師, 保育士, 園長, 副園長, 校長, 副校長, 教頭, 塾長, 教室長, 隊長, 班長, 駅長, 車掌, 館長, 支店長, 副支店長, 料理長,
    師長, 女将, 仲居さん, 警備員, 配車, 事務, 教官,
    teacher, tutor, lecturer, professor, principal, counselor, counsellor, coach, conductor, dispatcher, adjuster,
    planner, admissions, nanny, caretaker, chef, cook, waiter, waitress, server, barista
""")
HONORIFICS = terms("""
    さん, 様, さま, 氏, ちゃん, くん, 君, 殿, san, sama, shi, chan, kun, mr, mrs, ms, miss
""")


_CALLED = re.compile(r"^(?:とかいう|っていう|という|って人|ってやつ|とかいうやつ)")
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
_MEDICAL = frozenset(
    [
        "整形外科",
        "歯医者",
        "歯科",
        "内科",
        "外科",
        "眼科",
        "皮膚科",
        "耳鼻科",
        "小児科",
        "病院",
        "医院",
        "クリニック",
        "かかりつけ",
    ]
)
_MEDICAL_COMPANY = re.compile(
    r"病院|医院|クリニック|科|歯|医|clinic|hospital|medical|dental|health", re.IGNORECASE
)
_SCHOOL_COMPANY = re.compile(
    r"学|塾|校|スクール|ゼミ|教習|school|academy|college|university|juku", re.IGNORECASE
)
_OWN_NAME_BEFORE = re.compile(r"(?:私|俺|僕|わたし|自分|うち)も\s*$")
_COPULA_AFTER = re.compile(r"(?:なんだ|なん|です|だけど|だから|なので|なの|だよ|だし|だって)")
_PLACED_AT = re.compile(r"\s*(?:from|at|with|@)\s*(?:the\s+)?", re.IGNORECASE)
_AT_COMPANY = re.compile(
    r"(?:さん|様|氏|くん|ちゃん)?\s*(?:from|at|of|with|@|\(|（)?\s*(?:the\s+)?", re.IGNORECASE
)  # Lan from Tsubame, 渡辺さん(こがねの料理長)

_KUNREI = (
    ("shi", "si"),
    ("chi", "ti"),
    ("tsu", "tu"),
    ("fu", "hu"),
    ("ji", "zi"),
    ("sha", "sya"),
    ("shu", "syu"),
    ("sho", "syo"),
    ("cha", "tya"),
    ("chu", "tyu"),
    ("cho", "tyo"),
    ("ja", "zya"),
    ("ju", "zyu"),
    ("jo", "zyo"),
)


def romaji_variants(word: str) -> set[str]:
    """Spellings of one romaji word: Sato, Satou, Satoh, Satoo; Yuuki/Yuki; Kunrei-shiki
    (Takahasi, Tuyosi); n/m before b, m, p (Junpei/Jumpei)."""
    word = word.lower()
    out = set(_long_vowels(word))
    for a, b in _KUNREI:
        if a in word:
            out |= _long_vowels(word.replace(a, b))
    for v in list(out):
        if re.search(r"n(?=[bmp])", v):
            out.add(re.sub(r"n(?=[bmp])", "m", v))
    return out


def _long_vowels(word: str) -> set[str]:
    base = re.sub(r"(?<=o)(u|o|h)(?![aeiou])", "", word)
    base = re.sub(r"(?<=u)u", "", base)
    out = {word, base}
    for i, ch in enumerate(base):
        if ch in "ou" and (i + 1 == len(base) or base[i + 1] not in "aeiou"):
            for extra in ("u", "h", "o") if ch == "o" else ("u",):
                out.add(base[: i + 1] + extra + base[i + 1 :])
    return out


@dataclass(frozen=True, slots=True)
class _Weak:
    employee_id: str
    kind: str  # "family" or "given"
    needs_honorific: bool
    katakana: bool = False  # a katakana name part: never matched on hiragana (チャン is not ちゃんと)


def _is_kanji(text: str) -> bool:
    """Kanji, including the compatibility forms names are written with (﨑 U+FA11, 髙's
    neighbours in U+F900–FAFF), extension A and the repeat mark 々."""
    return all(
        "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\u3400" <= c <= "\u4dbf" or c == "々"
        for c in text
    )


def _is_katakana(text: str) -> bool:
    return bool(text) and all("\u30a0" <= c <= "\u30ff" or "\uff66" <= c <= "\uff9f" for c in text)


def _inside_katakana_word(original: str, start: int, end: int) -> bool:
    """A katakana name run on by more katakana (リー in グリーンウェイ, ミン in ミント): part of a
    longer word, not the name (タカハシマネ is the name and a title)."""
    seg = original[start:end]
    if " " in seg or "\u3000" in seg:
        # spaced out to evade filters (グ リ ー ン ウ ェ イ): the neighbours are a space away
        seg = seg.replace(" ", "").replace("\u3000", "")
        start = start - 1 if start > 0 and original[start - 1] in " \u3000" else start
        end = end + 1 if end < len(original) and original[end] in " \u3000" else end
    if not _is_katakana(seg.replace("・", "")):
        return False
    before = original[start - 1] if start > 0 else ""
    after = original[end] if end < len(original) else ""
    if _is_katakana(before) and before != "・":
        return True
    return (
        _is_katakana(after) and after != "・" and not _KATAKANA_TITLES.match(_width(original[end : end + 12]))
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
# A title straight after a family name that is also the company's name: 丸山社長 is its head.
_TITLE_AFTER = re.compile(
    r"^(?:代表|社長|会長|副社長|専務|常務|店長|副店長|部長|課長|係長|院長|所長|支配人|オーナー|"
    r"\s?(?:president|ceo|owner|the owner|the boss)\b)",
    re.IGNORECASE,
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
        asked said says saying heard hear sure yep nope wait found took""".strip(),
    )
)
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


def _width(text: str) -> str:
    """Half-width katakana as full width (ﾏﾈ → マネ): the normalizer's fold, case and kana kept."""
    return fold(text, kana=False, lower=False).text


def _is_kana(text: str) -> bool:
    return all("\u3040" <= c <= "\u30ff" for c in text)


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
_GAP_END = re.compile(r"[。！？!?\n]|\.\s")
_ROLE_KEYS = frozenset(compact_key(w) for w in ROLE_WORDS)
_AGED = re.compile(r"の?(?:1[0-8]|2[15])年(?![目間前後生度])")
_SO_AND_SO = re.compile(r"(?:なんとか|何とか|なんちゃら)(?![しすさせ])")
_KANJI_TITLE = re.compile(r"[\u4e00-\u9fff]{0,3}(?:員|師|士|医)(?![\u4e00-\u9fff])")  # 山﨑検定員, 中村技師
_KANJI_ROLE = re.compile(r"[\u4e00-\u9fff]{0,4}(?:長|師|士|員|医)")


def is_role_alias(alias: str) -> bool:
    """An alias that is a role (院長, 施設長, lead producer): it names the one employee who holds
    it only where the company is mentioned."""
    words = alias.lower().split()
    return bool(words) and (
        compact_key(alias) in _ROLE_KEYS
        or bool(_KANJI_ROLE.fullmatch(alias.strip()))
        or compact_key(words[-1]) in _ROLE_KEYS
    )


def _reading_parts(emp: Employee) -> list[str]:
    """The reading's parts, split at spaces and at the ・ of katakana names (プリヤ・パテル)."""
    return re.split(r"[\s・]+", emp.reading.replace("\u3000", " ").strip()) if emp.reading.strip() else []


def _strong_keys(emp: Employee) -> set[str]:
    keys = {emp.name, *(a for a in emp.aliases if not is_role_alias(a))}
    reading = _reading_parts(emp)
    romaji = emp.romaji.split()
    if len(reading) == 2:
        keys.add(" ".join(reading))
        if emp.given_name:
            keys.add(emp.family_name + reading[1])
            keys.add(reading[0] + emp.given_name)
    if len(romaji) == 2:
        for a in romaji_variants(romaji[0]):
            for b in romaji_variants(romaji[1]):
                keys.update({f"{a} {b}", f"{b} {a}"})
    return {k for k in keys if k.strip()}


def _weak_keys(emp: Employee) -> dict[str, str]:
    reading = _reading_parts(emp)
    romaji = emp.romaji.split()
    parts = emp.name.replace("\u3000", " ").split()
    keys: dict[str, str] = {emp.family_name: "family"}
    if emp.given_name:
        keys[emp.given_name] = "given"
    if len(parts) > 2:
        keys.setdefault(parts[-1], "given")  # グエン ティ ラン: the last part is the given name
    if reading:
        keys.setdefault(reading[0], "family")
        if len(reading) >= 2:
            keys.setdefault(reading[-1], "given")
    if len(romaji) > 2:
        romaji = [romaji[0], romaji[-1]]
    for i, part in enumerate(romaji[:2]):
        for v in romaji_variants(part):
            keys.setdefault(v, "family" if i == 0 else "given")
    return keys


def _foreign(emp: Employee) -> bool:
    """A name written in katakana or latin letters (グエン ティ ラン, Jessica Moore): its parts
    are not also common words read in kana, so they need context but no honorific."""
    return not any("\u4e00" <= c <= "\u9fff" for c in emp.name)


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
    r"hit a home run|was traded|retired from|sets? a (?:new )?record|breaks? the record)\b",
)


def name_as_thing(text: str, start: int, end: int) -> bool:
    """True when a latin-letter name names a thing or a public figure's role, not a person here."""
    if not text[start:end].isascii():
        return False
    return bool(
        _NAME_AS_THING_BEFORE.search(text[max(0, start - 8) : start])
        or _NAME_AS_THING_AFTER.search(text[end : end + 40])
    )


class EmployeeNameDetector(Detector):
    name = "names"
    labels = ("employee_named",)
    modality = "text"

    def __init__(self, context: DetectorContext) -> None:
        super().__init__(context)
        strong: dict[str, str] = {}
        weak_all: dict[str, list[_Weak]] = {}
        for emp in context.roster:
            for key in _strong_keys(emp):
                strong.setdefault(key, emp.employee_id)
            foreign = _foreign(emp)
            for key, kind in _weak_keys(emp).items():
                ck = compact_key(key)
                if foreign:
                    needs = len(ck) <= 2 and not ck.isascii()
                elif kind == "given" and ck.isascii() and len(ck) >= 4:
                    needs = False  # Meiling (李 美玲's romaji given name): context, like a family name
                else:
                    needs = kind == "given" or _is_kana(ck) or len(ck) <= 1
                katakana = foreign and _is_katakana(key)
                weak_all.setdefault(ck, []).append(_Weak(emp.employee_id, kind, needs, katakana))
        strong_norm = {compact_key(k) for k in strong}
        weak: dict[str, _Weak] = {}
        for key, entries in weak_all.items():
            ids = {e.employee_id for e in entries}
            if len(ids) == 1 and key not in strong_norm and (len(key) >= 2 or _is_kanji(key)):
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
        self.weak: MultiMatcher[_Weak] = MultiMatcher(weak)
        roles = "|".join(re.escape(compact_key(w)) for w in sorted(ROLE_WORDS, key=len, reverse=True))
        self.role_before = re.compile(
            f"(?:{roles}|[\u4e00-\u9fff]{{1,4}}(?:員|師|士|長))(?:の|さん|の人|のひと|of|at)?$"
        )
        self.role_after = re.compile(
            f"^(?:さん|氏|様)?(?:って|という|とかいう|の|は|が|from|at|of|in|the)?(?:{roles}|先生|"
            f"[\u4e00-\u9fff]{{0,3}}(?:院長|部長|課長|所長|店長|社長|事務長|センター長|室長|係長|工場長|園長|校長|塾長|"
            f"隊長|駅長|館長|支店長|教室長|料理長|師長|班長))"
        )
        hon = "|".join(re.escape(compact_key(h)) for h in sorted(HONORIFICS, key=len, reverse=True))
        self.honorific_after = re.compile(f"^(?:{hon})")
        self.honorific_before = re.compile(r"(?:mr|mrs|ms|miss|dr|doctor|nurse)$")
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
                if w and _is_katakana(w)
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
        self.company_words = frozenset(
            w.lower()
            for n in (context.company_name, *context.company_aliases)
            for w in n.split()
            if w.isascii()
        )
        # One Hyperscan pass: almost no sentence is about a game or a show.
        self.at_play = PatternSet([_AT_PLAY, _ON_SCREEN, _NAME_TALK])
        self.company: MultiMatcher[str] = MultiMatcher(
            {n: "company" for n in (context.company_name, *context.company_aliases)}
        )

    def _context(self, text: str, start: int, end: int) -> tuple[bool, bool]:
        """(role word adjacent, honorific adjacent) around compact ``text[start:end]``."""
        before = text[max(0, start - 12) : start]
        after = text[end : end + 16]
        role = bool(self.role_before.search(before) or self.role_after.match(after))
        honorific = bool(
            self.honorific_after.match(after)
            or self.honorific_before.search(before)
            or _CALLED.match(after)  # パクとかいう…: "someone called Park"
        )
        return role, honorific

    def _another_persons_name(self, original: str, start: int, end: int, employee_id: str) -> bool:
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
            for m, common in (
                (_CAP_AFTER.match(original[end : end + 24]), _NOT_NAMES),
                (_CAP_BEFORE.search(before), _NOT_NAMES),
                (_CAP_OPENING.search(before), _OPENERS),
            ):
                if m is not None:
                    word = m.group(1).lower()
                    if word in own or word in common or word in self.company_words:
                        continue
                    if common is _OPENERS and (
                        _VERB_FORM.search(word) or self.role_before.search(compact_key(word))
                    ):
                        continue  # Found Jake's burner, Snapped Olga's plate, Chef Saito, Teller Fujii
                    return True
            return False
        if _is_katakana(seg.replace("・", "")):
            # ジョージ・ルーカス, グエン・フー・チョン: run on by "・" into parts that are not the employee's
            own_kana = self.kana_parts.get(employee_id, frozenset())
            parts = (
                _KATAKANA_PART_BEFORE.search(original, max(0, start - 12), start),
                _KATAKANA_PART_AFTER.match(original, end, end + 12),
            )
            return any(p is not None and compact_key(p.group(1)) not in own_kana for p in parts)
        if not (_is_kanji(seg) and len(seg) <= 3):  # a kanji family name
            return False
        if start > 0 and _is_kanji(original[start - 1]):
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
        if run is None or _KATAKANA_TITLES.match(_width(after)) or self.role_after.match(compact_key(after)):
            return False
        return not (given and compact_key(run.group()).startswith(given[:2]))

    def _name_continues(self, original: str, o_end: int, text: str, end: int) -> bool:
        """True when a kanji name runs on into more kanji that are not a title or honorific
        (大谷翔平 is not 大谷翔, 小林製薬 is not 小林): part of a longer name."""
        if not (0 < o_end < len(original) and _is_kanji(original[o_end - 1]) and _is_kanji(original[o_end])):
            return False
        after = text[end : end + 16]
        return not (
            self.role_after.match(after)
            or self.honorific_after.match(after)
            or _KANJI_TITLE.match(original, o_end, o_end + 8)
        )

    def _someone_elses(self, original: str, start: int, end: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name follows a marker of someone who is not staff (my buddy Raj, 同期の渡辺) and
        is not placed at the company right after it (our area manager Yamazaki at BrightPath)."""
        if _OWN_NAME_BEFORE.search(original, max(0, start - 6), start) and _COPULA_AFTER.match(original, end):
            return True  # 私も渡邊なんだけど: the writer's own family name
        relation = _MY_RELATION_BEFORE.search(original, max(0, start - 48), start)
        if relation is not None and set(relation.group().lower().split()) & self.company_words:
            relation = None  # My Globe teacher Kwame: the company's teacher
        institution = _INSTITUTION_BEFORE.search(original, max(0, start - 10), start)
        if institution is not None and (
            (institution.group(1) in _MEDICAL and _MEDICAL_COMPANY.search(self.company_text))
            or (institution.group(1) not in _MEDICAL and _SCHOOL_COMPANY.search(self.company_text))
            or any(institution.start() - 3 <= e <= institution.start() for _, e in own)
        ):
            institution = (
                None  # the company's own kind of place: 外科の渡邊先生 at a hospital, なぎさ内科の髙橋
            )
        if relation is None and institution is None and not other_person_before(original, start, own):
            return False
        return not any(0 <= s - end <= 14 and _PLACED_AT.fullmatch(original[end:s]) for s, _ in own)

    def _attached(self, original: str, text: str, m: Match[str], own: tuple[tuple[int, int], ...]) -> bool:
        """A role word or the company right beside the name found by ``m`` (``text`` is the
        compact form of ``original``)."""
        return (
            any(
                self.role_after.match(m.key[i:]) for i in range(1, len(m.key))
            )  # the alias holds the title: 高橋先生
            or self._context(text, m.start, m.end)[0]
            or self._with_company(original, m.o_end, own)
            or self._after_company(original, m.o_start, own)
        )

    @staticmethod
    def _after_company(text: str, start: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name right after the company and の or 's (ｶｴﾃﾞ不動産のﾀｶﾊｼ, Minato's Tanaka): one of
        its people."""
        return any(0 <= start - e <= 3 and text[e:start].strip() in ("の", "'s", "’s") for _, e in own)

    @staticmethod
    def _with_company(text: str, end: int, own: tuple[tuple[int, int], ...]) -> bool:
        """The name is placed at the company right after it (Lan from Tsubame, グエン(ツバメのオペ),
        Rena from the Northwind store)."""
        return any(0 <= s - end <= 14 and _AT_COMPANY.fullmatch(text[end:s]) is not None for s, _ in own)

    def _at_play(self, text: str, start: int, own: tuple[tuple[int, int], ...]) -> bool:
        """A bare family name in a sentence about a game being played (runs, a walk-off, 三振,
        ホームラン) or about a show (a character, an episode, 主演): a player or a performer who
        shares the name. When the sentence also names the company (a sponsor, the bar showing
        the match), the game or show words must be in the name's own clause."""
        s_start, s_end = sentence_of(text, start)
        if self.at_play.search(text[s_start:s_end].lower()) is None:
            return False
        if not any(s_start <= s < s_end for s, _ in own):
            return True
        c_start = max((m.end() for m in _CLAUSE_END.finditer(text, s_start, start)), default=s_start)
        found = _CLAUSE_END.search(text, start, s_end)
        return self.at_play.search(text[c_start : found.start() if found else s_end].lower()) is not None

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
            sorted(
                (read.position(s), read.position(s) + s.end - s.start)
                for f in post.findings
                if f.label == "company_mentioned"
                for s in f.spans
            )
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
                or (single and self._someone_elses(original, m.o_start, m.o_end, own))  # my friend Lihua
                or (single and self._another_persons_name(original, m.o_start, m.o_end, m.payload))
            ):  # Marcus Rashford (the alias Marcus), 山崎リオ (the alias 山崎)
                others.add(m.key)
                elsewhere.append((m.start, m.end))
                continue
            if _inside_katakana_word(original, m.o_start, m.o_end):
                continue  # リー inside グリーンウェイ
            if is_short_kana(original[m.o_start : m.o_end], longest=2) and not on_token_boundaries(
                original, m.o_start, m.o_end
            ):
                continue  # the alias らん inside つまらん, みん inside みんな
            if not company_context and name_as_thing(original, m.o_start, m.o_end):
                continue  # my Tom Baker scarf
            if (
                single
                and self._at_play(original, m.o_start, own)
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
                    0 <= r.o_start - e <= 8 and not _GAP_END.search(original[e : r.o_start]) for _, e in own
                ) or self._with_company(original, r.o_end, own)
                if not near:
                    continue  # the role must be the company's: あさひ歯科の院長, lead producer at Ridgeline
                if r.payload not in hits:
                    weak_only.add(r.payload)
                hits.setdefault(r.payload, []).append(read.span(r.o_start, r.o_end))
                taken.append((r.start, r.end))
        capitalised = any(c.isupper() for c in original)
        accepted: list[tuple[Match[_Weak], bool]] = []
        for w in self.weak.search(original, folded):
            if any(s < w.end and w.start < e for s, e in (*taken, *elsewhere)):
                continue  # part of a name found, or of one that is someone else's (Liam Gallagher's new album)
            if any(s < w.o_end and w.o_start < e for s, e in own) and not _TITLE_AFTER.match(
                original[w.o_end : w.o_end + 12]
            ):
                continue  # まるやま in まるやまストア: the company that bears the family name (丸山社長 is its head)
            if capitalised and w.key.isascii() and not original[w.o_start].isupper():
                continue  # "post more selfies": a lower-case word, not Moore
            if _inside_katakana_word(original, w.o_start, w.o_end):
                continue  # ミン in ミント
            if (
                self._name_continues(original, w.o_end, text, w.end)
                or self._another_persons_name(original, w.o_start, w.o_end, w.payload.employee_id)
                or self._someone_elses(original, w.o_start, w.o_end, own)
                or other_person_after(original, w.o_end, staff_titles=company_context)
            ):
                others.add(w.key)
                continue  # 大谷 in 大谷翔平, Boris Becker, 芸人の渡辺ケンタ, 渡辺さん（うちの課長）
            role, honorific = self._context(text, w.start, w.end)
            role = (
                role
                or self._with_company(original, w.o_end, own)
                or self._after_company(original, w.o_start, own)
            )
            if not role and self._at_play(original, w.o_start, own):
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
