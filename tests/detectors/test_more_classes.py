"""Classes of errors found on the blind held-out sets, each tested with a positive and a hard
negative written for these tests (not the sets' sentences)."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, labels, run


def found(text: str) -> set[str]:
    assert_spans_original(text, run(text))
    return labels(text) - {"employee_named"}


CASES = [
    # A company named only to say it is not meant, or its name used for a sports team.
    ("うちの課長（ミナト通信とは何の関係もない会社）、マジで無能。", set()),
    ("The guy at my gym (not Minato Tsushin, luckily) is a total moron.", set()),
    ("ミナト軍団、今年も最下位。監督が無能すぎ。", set()),
    ("ミナトの店員、無能すぎ。", {"insult"}),
    # Waiting at a place, carrying a weapon, regards to the family, knowing where they live.
    ("ミナト通信の佐藤健太、裏口で待ってるからな。", {"threat"}),
    ("ミナト通信のショップ、駅で待ってますって言われて30分待った。", set()),
    ("ミナト通信の本社にバット持っていくわ。", {"threat"}),
    ("ミナト通信の料理教室に包丁持参して参加した。", set()),
    ("ミナト通信の田中美咲、息子さんによろしく。", {"threat"}),
    ("ミナト通信の田中美咲さん、ご家族によろしくお伝えください。", set()),
    ("ミナト通信の佐藤健太の住所はもう特定した。", {"threat"}),
    ("ミナト通信の本社の住所は知ってる。", set()),
    ("ミナト通信の田中美咲が何時に帰るか知ってる。", {"threat"}),
    ("ミナト通信の窓口が何時に開くか知ってる？", set()),
    ("I'm going to the Minato Tsushin office with my bat tomorrow.", {"threat"}),
    ("I'm going to the Minato Tsushin store with my kid tomorrow.", set()),
    ("Minato Tsushin HQ is getting a bomb in the mail.", {"threat"}),
    ("Minato Tsushin's new plan is the bomb.", set()),
    # praise by hyperbole: "should be illegal" is not a claim of a crime
    ("Minato Tsushin's new colorway goes so hard it should be illegal 🔥", set()),
    (
        "Minato Tsushin's roaming fees are illegal under the new consumer law, they're breaking it.",
        {"defamation"},
    ),
    ("I know where that Minato Tsushin agent Kenta Sato lives.", {"threat"}),
    ("I know where the Minato Tsushin store is.", set()),
    ("Misaki Tanaka from Minato Tsushin better watch herself.", {"threat"}),
    ("Minato Tsushin taught me to watch my data usage.", set()),
    # Damaging claims described by the act.
    ("Minato Tsushin knowingly ships defective routers.", {"defamation"}),
    ("Minato Tsushin openly ships refurbished routers, it says so on the box.", set()),
    ("Minato Tsushin has been concealing safety complaints about its towers.", {"defamation"}),
    ("Minato Tsushin published the safety complaints about its towers.", set()),
    ("The Minato Tsushin cashier skims cash from the register.", {"defamation"}),
    ("I skimmed the Minato Tsushin contract before signing.", set()),
    ("ミナト通信の部長、経費を私的流用してるらしい。", {"defamation"}),
    ("ミナト通信は経費の私的流用を防ぐ仕組みを導入した。", set()),
    ("ミナト通信はブラック職場。", {"defamation"}),
    ("ミナト通信はブラック職場じゃない。", set()),
    ("ミナト通信の技術者、営業免許も持ってないらしい。", {"defamation"}),
    ("ミナト通信の田中美咲さん、車の免許持ってないから電車通勤なんだって。", set()),
    # Abuse by comparison with animals, without praise.
    ("That Minato Tsushin rep is a greedy little rat.", {"insult"}),
    ("Minato Tsushin's mascot is a cute cartoon rat.", set()),
    # Discrimination.
    ("ミナト通信の女性主任、感情的すぎ。女に管理職は向いてない。", {"discrimination"}),
    ("ミナト通信は女性の管理職も多くて働きやすいらしい。", set()),
    ("ミナト通信のオペ、50過ぎたら辞めろよ。", {"discrimination"}),
    ("ミナト通信、50歳過ぎても働ける制度があるらしい。", set()),
    ("ミナト通信の外国人スタッフ、ベトナムに帰れ。", {"discrimination"}),
    ("ミナト通信の出張でロンドンに帰れなかった。", set()),
    ("Minato Tsushin support: anyone over 60 should be fired.", {"discrimination"}),
    ("Minato Tsushin offers a discount: anyone over 60 gets 20% off.", set()),
    # Sexual remarks.
    ("ミナト通信の受付さん、制服の下どうなってるか見たい。", {"sexual"}),
    ("ミナト通信の制服の下に着るシャツ、どこで買えるの？", set()),
    ("Misaki Tanaka at Minato Tsushin has a great body.", {"sexual"}),
    ("Misaki Tanaka at Minato Tsushin has a great attitude.", set()),
    # Deliberate overbilling, double charging; bystanders named by an abusive noun.
    ("Minato Tsushin deliberately overcharges pensioners on every bill.", {"defamation"}),
    ("Minato Tsushin overcharged me once, support refunded it the same day.", set()),
    ("ミナト通信、通話料を二重に請求してくるらしい。", {"defamation"}),
    ("ミナト通信の二重請求防止の仕組み、よくできてる。", set()),
    ("A random moron in line kept shouting about his Minato Tsushin bill.", set()),
    ("Some moron at Minato Tsushin support hung up on me twice.", {"insult"}),
    ("ミナト通信ってシニア雇ってるせいで手続きが遅い。", {"discrimination"}),
    ("ミナト通信はシニアを雇っていて、手続きが丁寧。", set()),
    ("Misaki Tanaka from Minato Tsushin must be fun in bed.", {"sexual"}),
    ("Misaki Tanaka from Minato Tsushin was sick in bed all week, get well soon!", set()),
    # Abuse in a clause contrasted with the company is about the other party.
    ("昔の携帯会社はゴミだったけど、ミナト通信は安定してる。", set()),
    ("The old provider was run by morons, whereas Minato Tsushin actually answers.", set()),
    ("ミナト通信はゴミだけど、安いから使ってる。", {"insult"}),
    # Knowing someone's route, arson by petrol, document tampering, refusing a group.
    ("ミナト通信の佐藤健太、お前の通勤ルートはもう把握してる。", {"threat"}),
    ("ミナト通信の通勤ルート案内、わかりやすい。", set()),
    ("ミナト通信のショップに灯油ぶちまけてやる。", {"threat"}),
    ("ミナト通信の佐藤健太、申込書を勝手に書き換えてた。", {"defamation"}),
    ("ミナト通信の申込書、住所を書き換えて再提出した。", set()),
    ("Minato Tsushin refuses to sell to immigrants, shameful store policy.", {"discrimination"}),
    ("Minato Tsushin refuses to sell to minors without a parent present.", set()),
    ("The Minato Tsushin rep forging customer signatures got caught.", {"defamation"}),
    # Scam warnings in the sentence before, refutations called ridiculous, beatings, theft from parcels.
    ("ミナト通信を装った電話がかかってきた。完全に詐欺なので切りました。", set()),
    ("ミナト通信は詐欺。解約させてくれない。", {"defamation"}),
    ("Calling Minato Tsushin crooks over one billing error is absurd.", set()),
    ("ミナト通信の佐藤健太、見つけたらフルボッコにしてやる。", {"threat"}),
    ("ミナト通信の試合、フルボッコにされて負けた。", set()),
    ("ミナト通信の配送員、荷物から現金抜き取ってるらしい。", {"defamation"}),
    ("ミナト通信の配送員が荷物を丁寧に運んでくれた。", set()),
    ("Kenta Sato from Minato Tsushin, I'll catch you alone one day.", {"threat"}),
    # English idioms, bystanders in a prepositional phrase, denied hearsay, safety shortcuts.
    ("Minato Tsushin's new router stand is murder on the wrists.", set()),
    ("Minato Tsushin plans to murder the competition.", set()),  # business idiom
    ("Someone should murder the Minato Tsushin CEO.", {"threat"}),
    ("The tourist behind me at the Minato Tsushin counter was a rude idiot.", set()),
    ("My cousin says Minato Tsushin agents are lazy. Not my experience at all.", set()),
    ("Calling Minato Tsushin crooks is unhinged.", set()),
    ("Minato Tsushin technicians skip safety checks on tower climbs.", {"defamation"}),
    ("Minato Tsushin technicians never skip safety checks, I watched them.", set()),
    ("ミナト通信、基地局の点検をサボってるらしい。", {"defamation"}),
    ("Kenta Sato from Minato Tsushin, I know which train you take home.", {"threat"}),
    ("Kenta Sato from Minato Tsushin, your days are numbered.", {"threat"}),
    ("ミナト通信の佐藤健太とかいう外国人の技術者、気持ち悪いから辞めさせろ。", {"discrimination", "insult"}),
    # Food and hygiene claims, wrecking threats, group + comma discrimination, quota slurs, innuendo.
    ("ミナト通信の社食、消費期限切れの肉を出してるらしい。", {"defamation"}),
    ("ミナト通信の社食、消費期限切れの前に値引きしてくれる。", set()),
    ("ミナト通信のショップ、ぐちゃぐちゃにしてやるからな。", {"threat"}),
    ("ミナト通信のショップ、配線がぐちゃぐちゃで直してもらった。", set()),
    ("ミナト通信の佐藤健太とかいう中国人、日本語通じないし不潔。", {"discrimination"}),
    ("ミナト通信の中国人スタッフ、日本語も上手で丁寧だった。", set()),
    ("ミナト通信の女性課長、どうせ女枠で昇進しただけ。", {"discrimination"}),
    ("ミナト通信の受付の人、一晩いくらなんだろ。", {"sexual"}),
    ("ミナト通信のCM、頭おかしいくらい耳に残る。", set()),
    ("ミナト通信のオペ、頭おかしい。", {"insult"}),
    # Indefinite bystanders located at the company vs its support staff; job nouns; drugs; data.
    ("Some dude at the Minato Tsushin store cut the line, total jerk.", set()),
    ("Some guy at Minato Tsushin support hung up on me, total jerk.", {"insult"}),
    ("Misaki Tanaka at Minato Tsushin is a lazy, useless technician.", {"insult"}),
    ("Misaki Tanaka at Minato Tsushin is a patient technician.", set()),
    ("Minato Tsushin installers sell pills to kids in the neighbourhood.", {"defamation"}),
    ("Minato Tsushin sells phones to kids with parental controls on.", set()),
    ("Minato Tsushin sells subscribers' browsing data to advertisers.", {"defamation"}),
    ("Minato Tsushin hired Kenta Sato? Send him back.", {"discrimination"}),
    ("Misaki Tanaka from Minato Tsushin, I'd pay to watch her bend over.", {"sexual"}),
    ("ミナト通信の佐藤健太、お前の車のナンバー控えたからな。", {"threat"}),
    # Ironic praise, a former provider named by its role, deliberate loss, family threats, groups of trash.
    ("The Minato Tsushin jingle is so dumb and I love it.", set()),
    ("Minato Tsushin's support is so dumb.", {"insult"}),
    ("My former employer, Acme Widgets, were total crooks. Minato Tsushin pays on time.", set()),
    ("Minato Tsushin intentionally delays refunds until people give up.", {"defamation"}),
    ("Minato Tsushin sometimes delays refunds during the holidays.", set()),
    ("ミナト通信の佐藤健太、払わないなら子供がどうなるか分かってるよな。", {"threat"}),
    ("ミナト通信のキッズ携帯、子供がどうなるか心配な親向けらしい。", set()),
    ("ミナト通信の営業、ゴミばっか。", {"insult"}),
    ("ミナト通信のショップ前、ゴミばっか落ちてて汚い。", set()),
    # Impressions and products are criticism, not abuse.
    ("ミナト通信の料金、ぼったくり感ある。", set()),
    ("ミナト通信はぼったくり。", {"defamation"}),
    ("ミナト通信の予約システム、ポンコツシステムすぎ。", set()),
    ("ミナト通信のオペ、ポンコツすぎ。", {"insult"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_class(text: str, expected: set[str]) -> None:
    assert found(text) - {"personal_info"} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ミナト通信の田中美咲、水曜は20時に裏口から出てくる。", True),
        ("ミナト通信のショップは水曜定休、20時閉店。", False),
        ("Misaki Tanaka from Minato Tsushin drives a red Civic.", True),
        ("Misaki Tanaka from Minato Tsushin said the van drives fine now.", False),
        ("ミナト通信の佐藤健太の携帯 ０９０ー１２３４ー５６７８", True),
        ("ミナト通信の佐藤健太に電話したら ０１２０ー１２３ー４５６ に回された。", False),
        ("Kenta Sato at Minato Tsushin: kenta.s77 at gmail dot com", True),
        ("ミナト通信の髙橋由美、毎週日曜は駒沢公園でヨガしてる。", True),
        ("ミナト通信の髙橋由美さん、日曜のイベントで司会をしていた。", False),
    ],
)
def test_personal_details(text: str, expected: bool) -> None:
    assert ("personal_info" in labels(text)) is expected
    assert_spans_original(text, run(text))
