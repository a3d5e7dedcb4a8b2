"""Posts that name the company in passing while the abuse is aimed at someone else: a
politician, a player, an actress in the company's advert, the writer's brother, the poster a
board reply answers, a stranger met at the shop. The same words aimed at the company or its
staff are still found."""

from __future__ import annotations

import pytest

from crawler.items import Post
from crawler.roster import Employee, Roster
from tests.detectors.helpers import detector_set

MINATO = ("ミナト通信", ("ミナト通信", "みなと通信", "Minato Tsushin", "Minato", "ミナト"))
ROSTER = Roster(
    (
        Employee("E001", "田中 美咲", "たなか みさき", "Tanaka Misaki", ("みさきち",)),
        Employee("E002", "佐藤 健太", "さとう けんた", "Sato Kenta"),
        Employee("E003", "グエン・ティ・ラン", "グエン ラン", "Nguyen Lan", ("ラン", "みん")),
    )
)
HARASSMENT = {"defamation", "insult", "threat", "discrimination", "sexual", "personal_info"}


def _rules(
    text: str, roster: Roster = ROSTER, company: tuple[str, tuple[str, ...]] = MINATO
) -> tuple[set[str], set[str]]:
    """Harassment labels and employees found by the rule detectors (the learned model aside)."""
    post = Post(platform="test", source="test", id="t", url="", text=text)
    detector_set(company=company, roster=roster).run(post)
    labels = {f.label for f in post.findings} & HARASSMENT
    employees = {f.employee_id or "" for f in post.findings if f.label == "employee_named"}
    return labels, employees


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # crowds and public figures the writer rails at
        ("政治家どもマジで全員税金泥棒。今年の希望はミナトの新プランだけ", set()),
        ("与党も野党も全員クズ。とりあえずミナト通信の店行ってくるわ", set()),
        ("politicians are all crooks, every last one of them. anyway Minato added a new plan, nice", set()),
        ("Minato sponsors the Blue Hawks and their striker is a diving fraud who should be banned", set()),
        # performers in the company's advert
        ("ミナトのCMの女優、脚きれいすぎん？", set()),
        ("the voice actress in the new Minato ad is hot as hell", set()),
        # the writer's family, when the writer rails or threatens
        ("I'm gonna kill my little brother if he unplugs my Minato router one more time", set()),
        ("ミナトの店の駐車場で嫁と大喧嘩　マジでぶっ殺したろか思ったわ", set()),
        # the poster a board reply answers
        (">>45 お前ほんとバカだな、ミナトの返金は普通に来たって書いてあるだろ", set()),
        # a stranger named by the abusive word itself
        ("ミナトの店の常連のジジイ、毎日同じ席で独り言　キモすぎ", set()),
        ("ミナト通信の前で信号待ってたら横のジジイが歩きタバコ。ああいうジジイは家から出てくんな", set()),
        # whoever says something about the company
        ("「ミナトは詐欺」って言ってるやつ、証拠出してから言えよバカ", set()),
        # the same words aimed at the company or its staff
        ("@minato_official お前ら客なめてんのか？クソ企業が", {"insult"}),
        ("ミナト通信の田中、お前の顔覚えたからな。駅で見かけたらただじゃおかない", {"threat"}),
        ("Minato overcharged my aunt by 400 dollars and forged her signature. Stay away.", {"defamation"}),
        ("ミナトの窓口のジジイ、客をゴミみたいな目で見る", {"discrimination"}),
        ("ミナト通信の政治献金の話、あいつら詐欺集団だろ", {"defamation"}),
    ],
)
def test_abuse_aimed_elsewhere_is_not_the_companys(text: str, expected: set[str]) -> None:
    assert _rules(text)[0] == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a player of a team, a comedian, a position in brackets: not the employee
        ("巨人の田中また三振ｗｗｗ 二軍で一生バット振ってろ。ミナトで酒買って帰る", set()),
        ("ドルフィンズの新人捕手の佐藤くん頑張れ、ミナト通信スタジアムから応援してる", set()),
        ("9回の佐藤（ショート）のエラーは一生許さん　ミナトの店のテレビで見てた", set()),
        (
            "that comedian Sato on Friday night TV is unfunny, switched him off and called Minato instead",
            set(),
        ),
        # a family name in a sentence about a game being played, the company elsewhere
        ("Tanaka gave up 4 runs in the 1st. Watching at the Minato shop on Sunset, fans were furious", set()),
        ("田中また打たれてて草。ミナトの速報で知ったわ", set()),
        ("Sato from accounting at my job took credit for my spreadsheet. Minato's new plan is nice", set()),
        # a two-kana alias inside another word
        ("ミナトのCMクソつまらんしキモい", set()),
        ("ミナトってみんな言ってるけど普通だよ", set()),
        ("ミナトのランさん、いつも丁寧", {"E003"}),
        ("ミナトの店、みんが辞めてから最悪", {"E003"}),
        ("Minato's Tanaka hit a home run at the company softball game", {"E001"}),
        # the employee, with the company
        ("ミナト通信の田中、また電話切りやがった", {"E001"}),
        ("Sato at Minato hung up on me twice.", {"E002"}),
    ],
)
def test_players_and_performers_are_not_employees(text: str, expected: set[str]) -> None:
    assert _rules(text)[1] == expected, text


NAMESAKE_ROSTER = Roster(
    (
        Employee("E001", "田中 美咲", "たなか みさき", "Tanaka Misaki"),
        Employee("E002", "佐藤 健太", "さとう けんた", "Sato Kenta"),
        Employee("E004", "山﨑 蒼", "やまざき あおい", "Yamazaki Aoi", ("山崎",)),
        Employee("E005", "石田 早苗", "いしだ さなえ", "Ishida Sanae"),
        Employee("E006", "渡邊 拓海", "わたなべ たくみ", "Watanabe Takumi"),
        Employee("E007", "マーカス・ベル", "マーカス ベル", "Marcus Bell", ("Marcus",)),
        Employee("E008", "陳 美玲", "ちん めいりん", "Chen Meiling"),
        Employee("E009", "Emily Carter", "エミリー カーター", "Emily Carter", ("Emily",)),
        Employee("E010", "李 華", "り か", "Li Hua", ("リー",)),
        Employee("E011", "髙橋 亜希子", "たかはし あきこ", "Takahashi Akiko", ("高橋先生",)),
        Employee("E012", "Priya Patel", "プリヤ・パテル", "Priya Patel"),
        Employee("E013", "Liam Kelly", "リアム・ケリー", "Liam Kelly"),
        Employee("E014", "Chris Wilson", "クリス・ウィルソン", "Chris Wilson"),
        Employee("E015", "ルーカス・オリベイラ", "ルーカス オリベイラ", "Lucas Oliveira", ("ルーカス",)),
        Employee("E016", "Megan Hughes", "メーガン・ヒューズ", "Megan Hughes"),
        Employee("E017", "Kevin Wong", "ケビン・ウォン", "Kevin Wong"),
        Employee("E018", "グエン・ヴァン・ミン", "グエン ヴァン ミン", "Nguyen Van Minh"),
    )
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # another person's full name: a kanji given name after 﨑 (a compatibility kanji), a
        # hiragana given name that is not the employee's, "X なんとか", the whisky
        ("山﨑賢人が新郎役のドラマのロケ、ミナト通信の本社らしいよ", set()),
        ("石田ゆり子のインスタ見たくてスマホ買い替えた。ミナトの人、根気よく教えてくれてありがとう", set()),
        ("主演の田中なんとかの演技ひどすぎ。ミナトの待合室のテレビで見た", set()),
        ("山崎18年もう定価で買えないの？ 今夜はミナトのポイントで安いの買う", set()),
        ("Had a Yamazaki 12 at the bar last night. Apparently the Minato party had the 18-year.", set()),
        # players, also when the company is in the sentence but not in the name's clause
        ("Watanabe's pitching tonight was filthy, watched it on the Minato app", set()),
        ("ミナトの店で見てた試合、渡辺が3安打の猛打賞！", set()),
        ("Yamazaki from the Tigers hit a homer and the whole Minato shop lost it", set()),
        # the writer's own people: a colleague of the same year, a friend who bears the name
        ("大学の同期の佐藤とばったり。ミナト通信の説明会の帰り", set()),
        ("うちの部長、田中って苗字なんだけど無能。※ミナト通信とは一切関係ありません", set()),
        ("田中って苗字の友達が誕生日でケーキ買った。ミナトで注文したやつ", set()),
        ("Sato-kun from my office is a brown-noser. booked the team trip on Minato without asking", set()),
        # a character or a performer: the sentence is about a show
        ("Sato in Inception is the most overrated character. also Minato wifi calling is goated", set()),
        ("ミナトの待合室で流れてたバラエティ、渡邊ってツッコミの芸人が面白すぎた", set()),
        ("Watching United in my Minato flat and Marcus absolutely murdered that free kick", set()),
        # a shop named after its owner, a stranger named so, the evasion-spaced company name,
        # a given name run on by someone else's family name with an accent
        ("ミナトの帰りに寄る陳さんの中華屋、麻婆豆腐が神", set()),
        ("My bunkmate at the Minato hostel was a Brazilian guy named Marcus. Legend", set()),
        ("ミ ナ ト の営業所 グ リ ー ン に行った", set()),
        ("The Emily Brontë reissue is better value than the Minato one, fwiw.", set()),
        # the name as a name, the writer's own name, someone else's initial or katakana full
        # name, the author of a book, a thing called so
        ("グエンってベトナムで一番多い苗字なんだね。ミナトの広告で知った", set()),
        ("私も渡邊なんだけど、ミナトの契約書で『邊』が『辺』にされてた", set()),
        (
            "Hughes is my maiden name and the Minato form would not let me keep it next to my married one",
            set(),
        ),
        ("R. Kelly belongs in a cell forever. Unrelated: Minato on Main St has the kindest staff", set()),
        ("ジョージ・ルーカスの新作の噂、ミナトの常連と朝まで語った", set()),
        ("佐藤健太の『国家の罠』読みながらミナトのカウンターで一人飲み", set()),
        ("Cast Away rewatch: I cried harder for Wilson the volleyball than at Minato", set()),
        ("me carrying caulk out of Minato like Kevin from The Office carrying the chili", set()),
        ("Apparently Wilson tennis balls wear down dogs' teeth, says the leaflet at Minato", set()),
        ("Our white husky is called Megan. Minato said she's the fluffiest customer of the week", set()),
        ("『田中くんとLv999の恋をする』、ミナトの漫画アプリで一気読みした", set()),
        # another place's teacher or doctor, names as names, a household, a player, a full name
        ("My Year 10 teacher Mr Tanaka took our whole class to the Minato store. Legend", set()),
        ("整形外科の佐藤先生に「ラーメンは週1」って言われた帰りにミナト寄った", set()),
        ("佐藤・田中・高橋が日本の苗字トップ3らしい。ミナトの行列なんて半分この3つ", set()),
        ("As a Tanaka myself, I'm offended the Minato app autocorrects my surname", set()),
        ("佐藤さんちの朝採り唐辛子使用ってミナトの社食のメニューに書いてあった", set()),
        ("The Kelly family next door borrowed my Minato card and spent 40 quid", set()),
        ("Sato scored in stoppage time and the Minato bar went absolutely mental", set()),
        ("松井美咲ちゃんがラジオでミナトの新プランが好きって言ってて嬉しい", set()),
        # the employee: a title in kanji, the given name is the employee's, attached to the company
        ("山﨑検定員、耳遠いんじゃない？（ミナト）", {"E004"}),
        ("ミナト通信の石田さなえさん、対応が丁寧だった", {"E005"}),
        ("ミナトの渡邊、また打たれたって言い訳して電話切りやがった", {"E006"}),
        ("Our area manager Yamazaki at Minato had us wipe the overtime records", {"E004"}),
        ("うちの娘、ミナトの石田さんのレジにしか並びたがらない", {"E005"}),
        ("高橋先生の英語、海外ドラマのワンシーン使うから楽しい。ミナト塾入ってよかった", {"E011"}),
        ("渡邊さん(ミナトの料理長)がローカル番組に出てた！", {"E006"}),
        ("Marcus at Minato scored two goals for the staff team and then fixed my router", {"E007"}),
        # a katakana reading written with ・ gives its parts; a bartender is a role
        ("ミナトのパテルとかいう店員、態度悪すぎ", {"E012"}),
        ("ルーカス・パケタのゴールで、ミナトのバーテンのルーカスが泣いてた", {"E015"}),
        ("私も渡邊さんに怒られた。ミナトの窓口で", {"E006"}),
        ("My Minato tutor Marcus told me to watch cooking videos for practice", {"E007"}),
        # roles a bank, a gym or a branch gives its people
        ("ミナト通信の田中頭取、地元紙のインタビューで店舗統廃合について語ってた", {"E001"}),
        ("港町支店の石田さん、今日も丁寧だった", {"E005"}),
        ("渡辺謙の方じゃなくて、渡邊コーチの話ね。スクワット指導が神", {"E006"}),
        # ninth round: a verb, a title or a sentence opener beside the name is not more of a name
        ("薬剤師は男がいい。ミナトの田中見てると確信する", {"E001"}),
        ("テレビで山崎アナが言ってたけど、ミナトの新プランお得らしい", set()),  # a TV announcer
        ("Caught Marcus from Minato asleep on the Hibiya line this morning, mouth wide open", {"E007"}),
        (
            "Critical but fair: Principal Yamazaki promised a new dorm two years in a row. Still waiting, Minato.",
            {"E004"},
        ),
        ("Emily Carter won't look so clever when she can't see out of either eye", {"E009"}),
        ("Rewatching Slumdog Millionaire on the Minato app and Dev Patel was robbed of every award", set()),
    ],
)
def test_namesakes_are_not_employees(text: str, expected: set[str]) -> None:
    assert _rules(text, NAMESAKE_ROSTER)[1] == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("朝凪テレビの山崎アナ、原稿まともに読めねえのかよ", {"E004"}),
        ("ナギテレの山崎アナ、今日も噛みまくり", {"E004"}),
        ("朝凪テレビの前で山崎アナスタシアって人に道を聞かれた", set()),  # a name, not アナ
    ],
)
def test_an_announcer_is_a_broadcasters_own(text: str, expected: set[str]) -> None:
    """アナ after a family name: the company's announcer when the company broadcasts (anywhere
    else a TV announcer who shares the name, as the previous test's case shows)."""
    assert _rules(text, NAMESAKE_ROSTER, ("朝凪テレビ", ("朝凪テレビ", "ナギテレ")))[1] == expected
