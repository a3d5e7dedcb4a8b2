"""Mentions of someone else in a post, on the ORIGINAL text (no Scrapy).

- :func:`other_entities` finds mentions of someone else — another organisation (ヤマト物流,
  Acme Corp), another person (隣の客, my neighbour, 政治家ども), the writer's family (my brother,
  嫁) or the writer (私が, I was) — which can be the real target of an abusive word instead of
  the company.
- :func:`other_person_before` and :func:`other_person_after` tell whether a name stands next to a
  marker of someone who is not the company's staff (近所の田中さん, John Smith the actor).
"""

from __future__ import annotations

import re
from functools import lru_cache

from detectors.context import at_word_start

_ORG_JA = (
    r"[\u30a0-\u30ff\u4e00-\u9fffA-Za-z]{1,12}(?:物流|運輸|通信|電機|電気|電力|銀行|商事|証券|保険|"
    r"ホールディングス|グループ|株式会社|工業|製作所|建設|不動産|モバイル|ガス|鉄道|航空|交通)|"
    r"(?:他社|別の会社|よその会社|前の会社|競合|ライバル会社)"
)
_PERSON_JA = (
    r"(?:隣|となり|前|後ろ|うしろ|他|ほか|横|向かい)の(?:席の|家の|部屋の|列の|台の|窓口の)?"
    r"(?:客|人|おっさん|おばさん|おじさん|じいさん|ばあさん|男|女|兄ちゃん|姉ちゃん|ジジイ|ジジィ|ババア|ババァ|じじい|ばばあ|ガキ)|"
    # strangers met there: 常連のジジイ, チャリのババア, 客のおっさん
    r"(?:常連|客|通行人|自転車|チャリ|歩きタバコ)の(?:ジジイ|ジジィ|ババア|ババァ|じじい|ばばあ|おっさん|おばさん|"
    r"じいさん|ばあさん|爺さん|婆さん|ガキ|男|女)|"
    # public figures and crowds the writer rails at: 政治家ども, 与党も野党も, 転売ヤーは
    r"(?:政治家|与党|野党|政府|官僚|国会議員|転売ヤー|転売屋|ユーチューバー|YouTuber|配信者|審判)"
    r"(?:ども|共|たち|連中|は|が|も|って|なんか|の連中)|"
    # whoever says or believes something (「遠隔してる」って言ってるやつ, 信じる奴がバカ)
    r"(?:って|とか|と)?(?:言って(?:る|た)|書いて(?:る|た)|ほざいて(?:る|た)|騒いで(?:る|た)|叩いて(?:る|た)|"
    r"信じて(?:る|た)|信じる)(?:やつ|奴|ヤツ|連中|人たち|人ら)|"
    # performers and players: CMの女優、解説者は, 外野手、
    r"(?:CM|ＣＭ|広告|ポスター)(?:に出てる|の)(?:女優|俳優|タレント|モデル|子|女|男|アイドル)|"
    r"(?:女優|俳優|声優|芸人|タレント|解説者|審判|外野手|内野手|投手|捕手|ストライカー|Vtuber|VTuber)"
    r"(?:さん)?(?:、|は|が|って|も)|"
    r"(?:ライバル|競合|他社|よそ|別の店|他の店)の[^、。\s]{1,10}|"
    r"(?:前の|元の|前任の|先代の|昔の)(?:店長|社長|院長|部長|課長|所長|支配人|担当|担当者|オーナー|マネージャー|施設長|工場長)|"
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の)(?:上司|部下)|"
    r"(?:客|お客|クレーマー|荒らし|ネット民|アンチ|あいつら|あの人たち|書き込んだ奴|犯人)(?:が|は|ども|たち)|"
    r"(?:近所|友達|友人|知り合い|親戚|彼氏|彼女|夫|妻|旦那|嫁|母|父|兄|姉|弟|妹|息子|娘|先生|担任|"
    r"上司|同級生|クラス|俳優|女優|選手|歌手|芸人|議員|首相|大臣|総理|大統領)の|"
    r"(?:[ァ-ヴー]{3,}|[A-Za-z][A-Za-z&-]{2,})の(?:店員|社員|スタッフ|オペ|オペレーター|担当|人|営業|配達員|ドライバー|窓口)"
)
# The writer's household and family (うちの娘, 嫁と大喧嘩, my little brother, my roommate): someone
# else when the writer rails or threatens, but often the victim of a damaging claim (Minato
# overcharged my aunt), so attribution reads them per label (detectors.attribution).
_KIN_JA = (
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の)(?:猫|ねこ|ネコ|犬|いぬ|イヌ|子|子供|息子|娘|旦那|嫁|母|父|ペット)|"
    r"(?<!の)(?:嫁|旦那|親父|おやじ|オヤジ|おふくろ|母親|父親|兄貴|姉貴|元カレ|元カノ)(?:と|が|は|も)"
)
_KIN_EN = (
    r"\b(?i:my|our)\s+(?:(?i:old|former|previous|last|new|current|usual|little|big|younger|older|baby|"
    r"step|twin)\s+)?(?i:cat|dog|pet|puppy|kitten|baby|toddler|parrot|hamster|cousin|husband|wife|boyfriend|"
    r"girlfriend|brother|sister|son|daughter|mom|dad|mother|father|ex|roommate|flatmate|housemate|partner|"
    r"fianc[eé]e?|uncle|aunt|grandma|grandpa|in-laws)\b"
)
_ORG_EN = (
    r"\b[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)*\s+(?:Corp|Corporation|Inc|Ltd|LLC|Co|Company|Bank|"
    r"Telecom|Airlines|Group|Holdings|Mobile|Logistics|Motors|Electric)\b\.?|"
    r"\b(?i:another|other|a different|my old|my previous|my last|my former|the other|competitor's?|rival)\s+"
    r"(?i:company|provider|carrier|firm|shop|store|insurer|bank|gym|airline|hospital|clinic|pharmacy|landlord|agency|"
    r"retailer|brand|employer|isp|dealer|dealership)\b"
)
_PERSON_EN = (
    r"\b(?i:my|our)\s+(?:(?i:old|former|previous|last|new|current|usual)\s+)?(?:friend|neighbou?r|teacher|doctor|"
    r"dentist|boss|landlord|vet|hairdresser|barber|mechanic|therapist|physio)\b|"
    r"\b(?i:his|her)\s+(?:(?i:old|former|previous|last|new|current|usual)\s+)?(?:cat|dog|pet|puppy|kitten|baby|"
    r"toddler|parrot|hamster|friend|neighbou?r|cousin|teacher|doctor|dentist|husband|wife|boyfriend|girlfriend|"
    r"brother|sister|son|daughter|mom|dad|mother|father|boss|landlord|ex|vet|hairdresser|barber|mechanic|"
    r"therapist|physio)\b|"
    # public figures and crowds the writer rails at
    r"\b(?i:politicians|senators?|congress(?:man|woman|men|women)?|the government|refs|referees?|umpires?|"
    r"the ref|scalpers?|activists|influencers|tiktokers|youtubers|billionaires)\b|"
    r"\b(?i:the|that|this|their|an?)\s+(?:[\w-]+\s+)?(?i:actress|actor|voice actress|voice actor|singer|rapper|"
    r"comedian|striker|goalie|goalkeeper|pitcher|quarterback|commentator|announcer|pundit|judge|anchor|"
    r"commissioner)\b|"
    r"\b(?i:the|that|this)\s+(?:customer|guy|woman|man|lady|dude|troll|trolls|person|people|passenger|passengers|"
    r"kid|couple|family|tourist|tourists|guest|guests|driver|neighbou?r)\s+"
    r"(?:before|behind|next to|in front of|who)\b|"
    r"\b(?:trolls?|haters?|commenters?)\b|(?<![\w@])@\w{2,}|"
    r"\b(?i:some|another|one)\s+(?:random\s+)?(?:guy|dude|woman|man|lady|kid|member|customer|person|girl|boy|couple|"
    r"passenger|tourist)\b|"
    r"\b(?!(?:The|This|That|Their|Our|Your|His|Her|Its|All|Some|Most|Every|Those|These|My|Any|No|Why|How|"
    r"What|When|And|But|So|Customer|Support|Tech|Sales|Store|Shop|Call|Their|Its)\b)(?<!their )(?<!Their )(?<!its )(?<!our )"
    r"(?<!the )(?<!The )[A-Z][\w&-]+(?:'s)?\s+(?:staff|support|agents?|employees?|reps?|people|team|"
    r"customer service|drivers?|workers|cashiers?|clerks?)\b|"
    r"\b(?!(?:The|This|That|Their|Our|Your|His|Her|Its|All|Some|Most|Every|Everyone|Those|These|My|Any|No|"
    r"Why|How|What|When|And|But|So|People|They|We|You|He|She|It|I|Customers|Honestly|Seriously|Also|Then|"
    r"Today|Yesterday|Staff|Support|Management)\b)[A-Z][\w&'-]+(?:\s+[A-Z][\w&'-]+)*"
    r"(?=\s+(?:are|is|was|were|have been|has been|tellers|bankers|drivers|employees|staff|agents)\b)|"
    r"\b(?i:the|that|this|a|some)\s+[A-Z][\w&-]+\s+(?:guy|driver|man|woman|lady|agent|rep|staff|employee|courier|"
    r"clerk|cashier|delivery\s+\w+|support)\b"
)
_ORG_SUFFIX = re.compile(
    r"物流|運輸|通信|電機|電気|電力|銀行|商事|証券|保険|ホールディングス|グループ|株式会社|工業|製作所|建設|"
    r"不動産|モバイル|ガス|鉄道|航空|交通|薬局|病院|医院|クリニック|食品|フーズ|商店|書店|電器|家電|マート|ストア|"
    r"スーパー|ホテル|旅館|生命|損保|自動車|モーターズ|タクシー|信金|信用金庫|学園|事務所|ドラッグ"
)
_ORG_NAME_CHAR = re.compile(r"[\u30a0-\u30ff\u4e00-\u9fffA-Za-z]")
# Service words that also end ordinary compounds (在宅介護, 訪問看護): an organisation only when
# the name before them has katakana or latin letters (ヤマト総合介護, Aoi Care).
_ORG_SUFFIX_NAMED = re.compile(r"介護|ケア|福祉|看護|保育園|こども園")
_NAME_SCRIPT = re.compile(r"[\u30a1-\u30faA-Za-z]")
# The same as _ORG_JA without its costly leading character class (found from the suffix back).
# Split by script: the Japanese forms (all need kana or kanji) run only on Japanese text.
OTHER_JA_RE = re.compile(f"(?:他社|別の会社|よその会社|前の会社|競合|ライバル会社)|{_PERSON_JA}")


OTHER_EN_RE = at_word_start(f"{_ORG_EN}|{_PERSON_EN}", first="[A-Za-z@]")
KIN_EN_RE = at_word_start(_KIN_EN, first="[mMoO]")
KIN_JA_RE = re.compile(_KIN_JA)
# The poster a board reply talks to (>>56 お前みたいな粘着が一番キモい): someone else, unless the
# post calls the company or an employee so (ミナトの店員、お前ら…), see detectors.attribution.
# Without a reply anchor "お前" is as often the employee or the company addressed (髙橋へ。お前の…).
_REPLY_TO_POSTER = re.compile(r"(?:>>|＞＞|>|＞)\d{1,4}")
YOU_JA_RE = re.compile(
    r"(?:お前|おまえ|オマエ|てめえ|テメエ|てめー|テメー|貴様)(?:ら|たち|みたいな|の|が|は|も)?"
)
_HAS_JA = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
# The writer's own workplace (うちの課長, 俺の職場の先輩, 前職の店長, my manager at work): someone
# else, unless the writer says they work for the company (then うちの課長 is its staff).
_OWN_SIDE_RE = re.compile(
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の|弊社の|職場の|前の職場の|前職の|バイト先の|勤め先の|(?<![\u30a0-\u30ff\u4e00-\u9fffA-Za-z])会社の)"
    r"(?:[^、。\s]{1,5}?の)?(?:課長|部長|係長|社長|店長|所長|上司|部下|先輩|後輩|同僚|主任|リーダー|マネージャー|"
    r"工場長|院長|専務|常務|経営陣)|"
    r"\b(?i:my|our)\s+(?:\w+\s+)?(?:boss|manager|supervisor|coworkers?|co-workers?|colleagues?|team lead|"
    r"director|ceo|landlord)\b"
)
_INSIDER_RE = re.compile(
    r"(?:で|に)(?:働いて|勤めて|勤務して|勤務してる)|勤務(?:だけど|ですが|の者|歴)|中の人|社員だけど|社員ですが|"
    r"\b(?:i|we)\s+(?:work|worked|have worked)\s+(?:at|for)\b|\bas an? (?:employee|insider)\b",
    re.IGNORECASE,
)
SELF_RE = re.compile(
    r"(?:私|俺|僕|自分|わたし|あたし|おれ|ぼく)(?:が|は|も|って)|"
    r"\b(?:I|I'm|I am|I was|I feel|I felt|I felt like|we were|we are|we're|I'm such)\b"
)
_OTHER_PERSON_BEFORE = re.compile(
    r"(?:近所|隣|友達|友人|知り合い|親戚|彼氏|彼女|夫|妻|旦那|嫁|母|父|兄|姉|弟|妹|先生|担任|同級生|"
    r"クラス|俳優|女優|選手|歌手|芸人|議員|首相|大臣|総理|大統領|漫画|アニメ|ドラマ|上司|大家|同僚|先輩|後輩|"
    r"バイト先|職場|声優|アイドル|作家|芸能人|アナウンサー|元カレ|元カノ|息子|娘|インフルエンサー|ユーチューバー|"
    r"配信者|タレント|モデル|同期|コーチ|部キャプテン|主将|教室|推し)"
    r"(?:の[^、。！？\s]{1,4})?の?\s*$|"  # バイト先の店長の山崎, 隣の部屋の斎藤さん
    # 大家さん、森さん / うちの上司、浜田: the writer's own people introduced before a comma (but
    # うちの娘、齋藤さんの… is a child talking about the employee)
    r"(?:近所の人|友達|友人|知り合い|親戚|上司|大家|同僚|先輩|後輩|担任|同級生)(?:さん|ちゃん)?[、,]\s*$|"
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の)(?:部長|課長|係長|社長|店長|主任|上司|先輩|後輩|同僚)[、,]\s*$|"
    # うちの部長、丸山って苗字なんだけど (but うちの娘、齋藤さんのレジ is a child talking about the employee)
    r"(?:my|our)\s+(?:[\w'’]+\s+)?(?:friend|buddy|pal|ex|neighbou?r|cousin|teacher|doctor|dentist|husband|wife|"
    r"boyfriend|girlfriend|brother|sister|son|daughter|mom|dad|boss|landlord|classmate|grandad|granddad|grandpa|"
    r"grandma|grandmother|grandfather|nan|nana|uncle|aunt|niece|nephew|roommate|flatmate|housemate|abuelo|abuela|"
    r"(?:sister|brother|mother|father)-in-law)"
    r"(?:\s+(?:mr|mrs|ms|miss|dr)\.?)?\s*$|"
    r"\b(?:is|am|are|was|were|i'm|i’m|as)\s+an?\s*$|"  # my sister-in-law is a Saito: the family, not the employee
    r"\b(?:dog|cat|puppy|kitten|husky|pet|hamster|parrot|rabbit|bunny|horse)\s+(?:is\s+)?(?:called|named)\s*$|"
    r"(?:actor|actress|player|singer|politician|senator|author|character|comedian|wrestler|pitcher|striker|"
    r"catcher|rookie|quarterback|goalie|goalkeeper|anchor)\s*$|"
    # players of a team and performers: 巨人の鈴木, ドルフィンズの新人捕手の齋藤, お笑いの山崎
    r"(?:巨人|阪神|ヤクルト|中日|楽天|ロッテ|日ハム|オリックス|ソフトバンク|[ァ-ヴー]{2,}ズ)の"
    r"(?:\d+番の?|新人の?|エースの?)?(?:[一-龥]{0,2}手の?)?\s*$|"
    r"(?:捕手|投手|野手|選手|芸人|お笑い|力士|アナ)の?\s*$|"
    r"\b(?:sen|rep|gov)\.\s*$|\b(?:senator|congressman|congresswoman|councillor|councilor|mayor|governor)\s*$|"
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の|弊社の|前の会社の)[^、。\s]{0,6}$|"
    r"(?:my|our)\s+(?:[\w'’]+\s+)?(?:boss|manager|supervisor|coworker|co-worker|colleague|team lead)\s*$|"
    r"\b(?:guy|girl|man|woman|dude|kid|lady|bloke|boy)\s+named\s*$|\bat\s+my\s+\w+\s+named\s*$|"  # a guy named Lucas
    rf"(?:{_ORG_JA})の\s*$",
    re.IGNORECASE,
)


def other_person_before(text: str, index: int, own: tuple[tuple[int, int], ...] = ()) -> bool:
    """True when the name at ``index`` follows a marker of someone who is not staff;
    ``own`` are spans of the company's own names (ミナト通信の田中 is staff)."""
    base = max(0, index - 16)
    window = text[base:index].rstrip(
        "「『\"“'‘ "
    )  # ドラマの「山崎課長」: the quote mark does not hide the marker
    m = _OTHER_PERSON_BEFORE.search(window)
    if m is None:
        return False
    start, end = base + m.start(), base + m.end()
    return not any(s < end and start < e for s, e in own)


_OTHER_PERSON_AFTER = re.compile(
    r"^(?:,\s*|\s+)(?:the|a|an)\s+(?:famous\s+|former\s+)?(?:actor|actress|singer|footballer|player|author|"
    r"politician|comedian|character|rapper|youtuber|streamer|novelist|artist|volleyball|dog|cat|horse|band|song|"
    r"movie|film|show|brand|bread|whisky|whiskey)\b|"
    r"^(?:さん)?(?:選手|監督|議員|先生|容疑者|被告|氏（|\(俳優|（俳優)|"
    r"^(?:さん|氏|先生)?の『|"  # 佐藤優の『国家の罠』: the author of a work
    r"^(?:さん|ちゃん)?の(?:新曲|新作|ライブ|ドラマ|映画|写真集|出演|試合|ゴール|cd|CD|アルバム|コンサート|番組|小説|ファン)|"
    r"^さん(?:ち|家|んち)の?|"  # 鈴木さんちの朝採り唐辛子, 斎藤さん家の奥さん: someone's household
    r"^さん(?:の|とこの)(?:中華|ラーメン屋|パン屋|八百屋|蕎麦屋|そば屋|寿司屋|居酒屋|定食屋|喫茶店|魚屋|肉屋|お店)|"  # 陳さんの中華屋
    r"^['’]s\s+(?:new|latest|last|upcoming)\s+(?:album|song|single|movie|film|show|series|book|novel|special|tour)\b|"
    r"^(?:-(?:san|kun|chan|sensei))?\s+(?:from|at|in)\s+(?:\w+\s+(?:at|in)\s+)?my\s+(?:[\w']+\s+){0,2}"
    r"(?:office|work|job|class|school|gym|club|team|church|dorm|building|company|department|floor|lab|band|"
    r"flat|apartment|uni|university|college|group|street|neighbou?rhood|hometown|gp|gp surgery|surgery|practice|"
    r"clinic|hospital|dentist)\b|"  # Sato from my office, Dr Singh at my GP surgery
    # 森田って苗字の友達, グエンってベトナムで一番多い苗字: the name as a name (but ビシャールって名前の時点で
    # is about the employee)
    r"^(?:って|という|っていう)(?:苗字|名字)|^って(?:[^。！？\n]{0,12})(?:多い|珍しい|よくある)(?:苗字|名字)|"
    r"^\s+is\s+(?:my|her|his|our|a)\s+(?:maiden\s+|last\s+|family\s+|middle\s+|common\s+)?(?:name|surname)\b|"
    r"^\s*[(（](?:the\s+)?(?:country|city|town|place|brand|band|song|dog|cat|horse|whisky|whiskey|bread)\b|"
    r"^\s+from\s+(?:the|that)\s+(?:\w+\s+)?(?:drama|show|series|movie|film|band|anime|game|ad|commercial)\b|"
    # a player of a team: 髙木（ショート）, 髙橋（ベアーズの4番）
    r"^\s*[(（][^)）]{0,10}(?:\d番|ショート|セカンド|サード|ファースト|レフト|ライト|キャッチャー|ピッチャー|"
    r"投手|捕手)[)）]",
    re.IGNORECASE,
)


_OTHER_IN_BRACKETS = re.compile(
    r"^(?:さん|くん|君|ちゃん|氏|様)?\s*[(（](?:"
    r"(?:うちの|ウチの|俺の|私の|僕の|自分の)|"  # 渡辺課長（うちの会社の）
    r"[^)）]{0,12}(?:アイドル|俳優|女優|歌手|声優|芸人|選手|youtuber|配信者|vtuber|推し|キャラ|actor|actress|singer|"
    r"player|idol|character|streamer)|"
    # 高木さん（会社の先輩）, 佐々木さん（ほかの店の人）: the writer's own people, someone else's staff
    r"[^)）]{0,12}(?:先輩|後輩|同僚|友達|友人|同級生|知り合い|幼なじみ|幼馴染|親戚|(?:会社|職場|うち|ウチ)の上司|"
    r"(?:ほか|他|別|よそ)の[^)）]{0,6}(?:人|方))(?:です|ね|ｗ|w)?[)）])",
    re.IGNORECASE,
)


def other_person_after(text: str, end: int, *, staff_titles: bool = False) -> bool:
    """True when the name ending at ``end`` is followed by a marker of a public figure or
    someone else (John Smith the actor, 田中選手, ゆかりん(推しのアイドル)). With
    ``staff_titles`` (the company is mentioned) 先生 is a title of its staff, not a marker."""
    after = text[end : end + 30]
    m = _OTHER_PERSON_AFTER.search(after)
    if m and staff_titles and "先生" in m.group(0):
        m = None
    return bool(m or _OTHER_IN_BRACKETS.search(after))


_KIN_SUBJECT_AFTER = re.compile(r"^(?:って|['’]s\b|\s+(?:is|was|are|were|has|had|just|also|then)\b)")
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?。！？\n]|\b(?:and|but|so|lol|ok|anyway),?)\s*$", re.IGNORECASE)


def _kin_kind(text: str, start: int, end: int) -> str:
    """``kin``, or ``other`` when the writer's family member is the subject (my ex is a crook,
    うちの猫が泥棒) or owns what follows (my cousin's ex): then it is not a victim."""
    if (
        text[end - 1] in "がはも"
        or text[end : end + 1] in ("が", "は", "も")
        or _KIN_SUBJECT_AFTER.match(text[end : end + 10])
        or _SENTENCE_OPENING.search(text[max(0, start - 12) : start])
    ):
        return "other"
    return "kin"


@lru_cache(maxsize=256)
def other_entities(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, kind)`` of mentions of someone else: kind ``other`` (another
    organisation or person), ``kin`` (the writer's family or household), ``you`` (the person
    a Japanese post talks to) or ``self`` (the writer)."""
    found = [(m.start(), m.end(), "other") for m in OTHER_EN_RE.finditer(text)]
    found += [(m.start(), m.end(), _kin_kind(text, m.start(), m.end())) for m in KIN_EN_RE.finditer(text)]
    if _HAS_JA.search(text):
        found += [(m.start(), m.end(), "other") for m in OTHER_JA_RE.finditer(text)]
        found += [(m.start(), m.end(), _kin_kind(text, m.start(), m.end())) for m in KIN_JA_RE.finditer(text)]
        if _REPLY_TO_POSTER.search(text):
            found += [(m.start(), m.end(), "you") for m in YOU_JA_RE.finditer(text)]
    if not _INSIDER_RE.search(text):
        found += [(m.start(), m.end(), "other") for m in _OWN_SIDE_RE.finditer(text)]
    for m in _ORG_SUFFIX.finditer(text):
        start = m.start()
        while start > 0 and m.start() - start < 12 and _ORG_NAME_CHAR.match(text[start - 1]):
            start -= 1
        if start < m.start():
            found.append((start, m.end(), "other"))
    for m in _ORG_SUFFIX_NAMED.finditer(text) if _HAS_JA.search(text) else ():
        start = m.start()
        while start > 0 and m.start() - start < 12 and _ORG_NAME_CHAR.match(text[start - 1]):
            start -= 1
        if start < m.start() and _NAME_SCRIPT.search(text[start : m.start()]):
            found.append((start, m.end(), "other"))
    found += [(m.start(), m.end(), "self") for m in SELF_RE.finditer(text)]
    return tuple(sorted(found))
