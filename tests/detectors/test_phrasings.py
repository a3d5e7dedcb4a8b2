"""New phrasings found on fresh probe posts (misconduct told as a story, damaging claims without
a keyword, veiled threats, group-based judgements, remarks about bodies), each mechanism
tested with positives and hard negatives written for these tests (not any set's sentences)."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, labels, run


def found(text: str) -> set[str]:
    assert_spans_original(text, run(text))
    return labels(text) - {"employee_named"}


CASES = [
    # Japanese misconduct verbs (lemmas, every conjugation) and money taken by someone.
    ("ミナト通信の佐藤健太、客のポイントをちょろまかしてたよ。", {"defamation"}),
    ("ミナト通信の店長、拾った財布ネコババしたらしい。", {"defamation"}),
    ("ミナト通信はクレームを全部もみ消してる。", {"defamation"}),
    ("ミナト通信の高橋由美、部の積立金を懐に入れてた。", {"defamation"}),
    ("ミナト通信の高橋由美さん、積立金の管理をきっちりしてくれる。", set()),
    ("ミナト通信の窓口でネコババされた財布が届いたって、警察から連絡があった。", set()),
    ("ミナト通信がネコババしてるなんて根拠のない書き込み、通報した。", set()),
    # Harm or records concealed or rigged; billing for what was not done; deliberate harm.
    ("ミナト通信、工事のミスを隠して報告書を書き換えたらしい。", {"defamation"}),
    ("ミナト通信の工事の人、ミスを隠さず正直に説明してくれた。", set()),
    ("ミナト通信、使ってない月の分まで請求してきた。", {"defamation"}),
    ("ミナト通信の請求書、使った月の分が分かりにくい。", set()),
    ("ミナト通信はわざと解約手続きを遅らせてる。", {"defamation"}),
    ("ミナト通信の点検、わざわざ夜に来てくれた。", set()),
    ("ミナト通信、パワハラを黙認してるって元社員が言ってた。", {"defamation"}),
    ("ミナト通信はパワハラを防ぐ研修をしている。", set()),
    # English misconduct verb classes with objects.
    ("Minato Tsushin quietly pockets the deposit money of every customer who cancels.", {"defamation"}),
    ("I keep my phone in my pocket when I visit the Minato Tsushin store.", set()),
    ("Kenta Sato at Minato Tsushin skimmed cash from the register for months.", {"defamation"}),
    ("Minato Tsushin covered up the outage that took down 911 calls.", {"defamation"}),
    ("The Minato Tsushin installer covered up the cable with a neat plastic strip.", set()),
    ("Minato Tsushin rips off elderly customers with fake upgrade fees.", {"defamation"}),
    ("Minato Tsushin billed us for repairs that never happened.", {"defamation"}),
    ("Minato Tsushin billed us twice by mistake and refunded it the same day.", set()),
    ("Minato Tsushin fudged the numbers in its coverage report.", {"defamation"}),
    ("Minato Tsushin altered my plan after I asked them to.", set()),
    ("I thought Minato Tsushin was a scam at first, but the refund came in a day.", set()),
    ("Someone online claimed Minato Tsushin sells your data; the regulator found that false.", set()),
    # Veiled threats: warnings about the way home, conditions, knowing cars and shifts.
    ("ミナト通信の佐藤健太、夜道は一人で歩かない方がいいぞ。", {"threat"}),
    ("ミナト通信の佐藤さんが「夜道は気をつけてくださいね」と言ってくれた。", set()),
    ("ミナト通信、また料金上げたら本社ぶっ壊す。", {"threat"}),
    ("ミナト通信、また料金上げたら解約する。", set()),
    ("ミナト通信の田中美咲、このままで済むと思うなよ。", {"threat"}),
    ("ミナト通信の田中美咲、お前のシフトもう把握してるから。", {"threat"}),
    ("ミナト通信の店のシフト表、見やすくなった。", set()),
    ("Keep ignoring my calls, Minato Tsushin, and see what happens to your store.", {"threat"}),
    ("Keep an eye on the Minato Tsushin app and see what happens to your bill this month.", set()),
    ("Misaki Tanaka at Minato Tsushin won't always have security around her.", {"threat"}),
    ("Minato Tsushin's head office deserves to be burned down.", {"threat"}),
    ("Someone at Minato Tsushin is going to get hurt, trust me.", {"threat"}),
    ("I've got your address, Kenta Sato from Minato Tsushin.", {"threat"}),
    # Fiction and play frame a violent verb.
    ("ゲームでミナト通信っぽい会社のビルを燃やしてやったｗ", set()),
    ("In the game my character torches a Minato Tsushin store, lol.", set()),
    # Insults as judgements of the whole person.
    ("ミナト通信の佐藤健太って人として終わってる。", {"insult"}),
    ("ミナト通信の佐藤健太、この曲は人として大事なことを教えてくれる。", set()),
    ("ミナト通信のオペ、チンパンジーの方がまだ話が通じる。", {"insult"}),
    ("ミナト通信の新CM、チンパンジーが出てきてかわいい。", set()),
    ("Kenta Sato from Minato Tsushin is a pathetic excuse for a manager.", {"insult"}),
    ("The Minato Tsushin app is pathetic.", set()),
    ("Misaki Tanaka at Minato Tsushin is a waste of a good salary.", {"insult"}),
    # Discrimination: group as cause or inability; place of origin; age.
    ("ミナト通信の新人、外国人に日本のお客の対応なんてできるわけない。", {"discrimination"}),
    ("ミナト通信の外国人スタッフ、日本語の敬語まで完璧で驚いた。", set()),
    ("ミナト通信の店長、女だから感情的で話にならない。", {"discrimination"}),
    ("ミナト通信の佐藤健太、50近いんだからさっさと引退しろ。", {"discrimination"}),
    ("ミナト通信の佐藤健太さん、50近いのにマラソン完走したらしい。", set()),
    ("Kenta Sato at Minato Tsushin should go back to Manila.", {"discrimination"}),
    ("Kenta Sato at Minato Tsushin should go back to training.", set()),
    ("Typical Minato Tsushin manager, hysterical again, of course she's a woman.", {"discrimination"}),
    # Sexual remarks: arousal, showing, intimacy wished, clothes off.
    ("ミナト通信の田中美咲、制服の胸元がたまらない。", {"sexual"}),
    ("ミナト通信の田中美咲、膝枕してほしい。", {"sexual"}),
    ("ミナト通信の田中美咲さん、仕事が早くてたまらなく助かる。", set()),
    ("Misaki Tanaka at Minato Tsushin would look better out of that uniform.", {"sexual"}),
    ("Misaki Tanaka at Minato Tsushin changed out of the uniform for the charity run.", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


def test_other_care_company_is_someone_else() -> None:
    # An organisation named with a service suffix (…介護) is another party, not the target.
    assert found("アオイ総合介護の職員が客のお金を盗んだらしい。ミナト通信は大丈夫かな。") == set()


def test_explanation_is_one_line_with_original_span() -> None:
    text = "ミナト通信の佐藤健太、客のポイントをちょろまかしてたよ。"
    finding = next(f for f in run(text) if f.label == "defamation")
    assert "\n" not in finding.explanation
    assert "ちょろまかし" in finding.explanation
    assert finding.employee_id == "E002"


# Classes found on the second blind round (kaede_fudosan, hoshino_hotel, ridgeline_games), each
# with sentences written for these tests.
ROUND2 = [
    # Trade-specific misconduct: bait listings, double contracts, fake reviews, covert filming.
    ("ミナト通信の店舗、おとり物件みたいな格安プランで客を釣ってる。", {"defamation"}),
    ("ミナト通信の口コミの星5、ほとんど社員に書かせてるでしょ。", {"defamation"}),
    ("ミナト通信の口コミ、星5が多くて安心した。", set()),
    ("ミナト通信のショップ、更衣室を盗撮してるって噂がある。", {"defamation"}),
    ("ミナト通信の田中美咲を盗撮した写真、上げとく。", {"personal_info"}),
    ("Minato Tsushin used the relief fund money to rebuild the cell towers.", set()),
    ("Kenta Sato at Minato Tsushin used the team's budget on himself again.", {"defamation"}),
    ("Minato Tsushin is rigging the prize draw so nobody ever wins.", {"defamation"}),
    ("Minato Tsushin's support team rigged up a temporary antenna for us.", set()),
    ("Kenta Sato at Minato Tsushin was let go for harassing interns.", {"defamation"}),
    ("Minato Tsushin makes their installers work weekends unpaid.", {"defamation"}),
    ("Minato Tsushin's predatory pricing is a joke.", set()),
    (
        'PSA: the "Minato Tsushin is stealing your card numbers" mail is fake. It is a phishing site using their logo.',
        set(),
    ),
    # Threats: incitement to wait, conditional beating, family's school, veiled "or else".
    ("ミナト通信の田中美咲、裏口で待ってれば捕まえられるよ。", {"threat"}),
    ("ミナト通信の佐藤健太、痛い目にあいたくなかったら謝れ。", {"threat"}),
    ("ミナト通信の佐藤健太、娘さんの通ってる学校もう知ってるからな。", {"threat", "personal_info"}),
    ("ミナト通信の佐藤健太さん、学校の運動会で会いました。", set()),
    ("ミナト通信の佐藤健太、顔覚えたからな。逃げんなよ。", {"threat"}),
    ("ミナト通信の本社、燃えろ。", {"threat"}),
    ("ミナト通信の新人さん、燃え尽きないでね。", set()),
    ("Fix my line by Friday, Minato Tsushin, or else.", {"threat"}),
    ("Fix my line by Friday, Minato Tsushin, or else I'm switching providers.", set()),
    ("Minato Tsushin staff should be dragged out and beaten.", {"threat"}),
    ("Minato Tsushin staff should be thanked for working through the storm.", set()),
    ("Kenta Sato at Minato Tsushin: we know where you park and when you clock out.", {"threat"}),
    ("Found your kid's school, Kenta Sato from Minato Tsushin.", {"threat"}),
    # Discrimination: hired for being a woman, group as cause, boomers, staff who can't speak.
    ("ミナト通信の店長、若い女ってだけで採用されたんでしょ。", {"discrimination"}),
    ("ミナト通信の田中美咲、白人だからって調子乗ってる。", {"discrimination"}),
    ("ミナト通信、外国人にお客の個人情報を扱わせるとか正気か。", {"discrimination"}),
    ("The female reps at Minato Tsushin are just there for decoration.", {"discrimination"}),
    ("Minato Tsushin hires foreign workers who can't even speak basic Japanese.", {"discrimination"}),
    # Insults and sexual remarks on a named person's body.
    ("ミナト通信の佐藤健太、社会人失格。", {"insult"}),
    ("Kenta Sato at Minato Tsushin is a talentless hack.", {"insult"}),
    ("Misaki Tanaka's legs in the Minato Tsushin ad... 🤤", {"sexual"}),
    ("ミナト通信の田中美咲のパンツ何色か知りたい。", {"sexual"}),
]


@pytest.mark.parametrize(("text", "expected"), ROUND2)
def test_round2_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("大谷翔平また打った。ミナト通信のCMにも出てる。", set()),  # 大谷翔 would not be 大谷翔平
        ("ドラマの「佐藤部長」、ミナト通信の社員みたいで笑った。", set()),
        ("鈴木製菓の新作、ミナト通信のショップ横で売ってた。", set()),
        ("ﾐﾅﾄ通信のｻﾄｳ、態度悪すぎ。", {"E002"}),
        ("○ナト通信の田中美咲さん、対応が丁寧だった。", {"E001"}),
    ],
)
def test_names_in_longer_names_and_quotes(text: str, expected: set[str]) -> None:
    from tests.detectors.helpers import employees

    assert employees(text) == expected


# Classes found on a second fresh probe (a dental clinic), with sentences written for these tests.
ROUND3 = [
    # An act done in an illegitimate manner (not suffered by the writer, not a favour).
    ("ミナト通信の佐藤健太、客の契約内容を勝手に書き換えてる。", {"defamation"}),
    ("ミナト通信の佐藤健太さんが、勝手に動いてごめんなさいって謝ってくれた。", set()),
    ("ミナト通信に勝手にプランを変えられた。", set()),
    ("ミナト通信、無資格のバイトに工事させてる。", {"defamation"}),
    ("ミナト通信、必要ない部品まで交換して料金取ってる。", {"defamation"}),
    ("Minato Tsushin upgrades routers just to bill for the installation.", {"defamation"}),
    ("Minato Tsushin pays people for five-star reviews.", {"defamation"}),
    ("Minato Tsushin asks people for five-star reviews after every visit.", set()),
    ("Minato Tsushin charged me for a repair they never did.", {"defamation"}),
    (
        "My old dentist billed me for fillings he never did. Minato Tsushin is at least honest on bills.",
        set(),
    ),
    # Threats: violent verbs as intent, weapons, "if I were you", retaliation in kind.
    ("ミナト通信の佐藤健太、今度会ったら腕へし折ってやる。", {"threat"}),
    ("ミナト通信の佐藤健太さんと折り紙を折った。", set()),
    ("I'm coming to the Minato Tsushin store with a hammer.", {"threat"}),
    ("I'm coming to the Minato Tsushin store with a hammer drill to return, it's their rental.", set()),
    ("Minato Tsushin, I'd lock the doors at night if I were you.", {"threat"}),
    ("Minato Tsushin, I'd read the contract carefully if I were you.", set()),
    ("Someone should give that Minato Tsushin manager a taste of his own medicine.", {"threat"}),
    # Group + trade word + ばっか, hiring too many; insults of a doctor's kind.
    ("ミナト通信、おばさん店員ばっかで対応が雑。", {"discrimination"}),
    ("Minato Tsushin hires way too many old ladies.", {"discrimination"}),
    ("Minato Tsushin's repair staff have the IQ of a potato.", {"insult"}),
    ("The potato salad at the Minato Tsushin cafe has the texture of a sponge.", set()),
    ("ミナト通信の佐藤健太、ほんとにヤブ。", {"insult"}),
]


@pytest.mark.parametrize(("text", "expected"), ROUND3)
def test_round3_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kenta Sato at Minato Tsushin should go back to Lagos, nobody wants him.", {"discrimination"}),
        ("ミナト通信の前の店長はクズだったけど、今の佐藤健太店長はまとも。", set()),
        ("ミナト通信のカフェのプリン、脳みそとろける甘さ。", set()),
    ],
)
def test_fresh_probe_classes(text: str, expected: set[str]) -> None:
    assert found(text) == expected


# Classes found on a third fresh probe (a bakery), with sentences written for these tests.
ROUND4 = [
    ("ミナト通信、中古のルーターを「新品」って売ってる。", {"defamation"}),
    ("ミナト通信の「新品同様」って書いてある中古ルーター、安くて良かった。", set()),
    ("ミナト通信、解約金のことわざと書いてない。", {"defamation"}),
    ("ミナト通信の佐藤健太、会社の備品を自分のカバンに入れて持ち帰ってる。", {"defamation"}),
    ("Minato Tsushin sells refurbished phones as 'brand new'.", {"defamation"}),
    ("Minato Tsushin sells refurbished phones as refurbished, which is fair.", set()),
    ("Minato Tsushin makes installers clock out and keep working.", {"defamation"}),
    ("Kenta Sato at Minato Tsushin takes the team's tips for himself.", {"defamation"}),
    ("ミナト通信の田中美咲、一人で帰る時を狙ってるから。", {"threat"}),
    ("ミナト通信の田中美咲さん、一人で帰る時は気をつけてって同僚に言われてた。", set()),
    ("ミナト通信の佐藤健太、お前のバイクのブレーキ緩めといた。", {"threat"}),
    ("ミナト通信の料金プラン、他社を叩き潰す勢いで安い。", set()),
    ("ミナト通信の店、次にまた壊れてたら叩き潰す。", {"threat"}),
    ("Someone should put that Minato Tsushin manager in the hospital.", {"threat"}),
    ("Someone should put that Minato Tsushin manager in the hospital's good books.", set()),
    ("I know you walk home past the river, Misaki Tanaka from Minato Tsushin.", {"threat", "personal_info"}),
    ("Minato Tsushin only hires pretty young women for the shop floor.", {"discrimination"}),
    ("ミナト通信の新人、外人は日本の会社に関わるな。", {"discrimination"}),
    ("ミナト通信の田中美咲、胸元が最高。", {"sexual"}),
    ("I'd do more than fix the router with her, Misaki Tanaka at Minato Tsushin.", {"sexual"}),
]


@pytest.mark.parametrize(("text", "expected"), ROUND4)
def test_round4_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


# Classes found on a fourth fresh probe (a moving company), with sentences written for these tests.
ROUND5 = [
    ("ミナト通信、解約したいなら違約金払えって端末を人質に取ってる。", {"defamation"}),
    ("ミナト通信の佐藤健太、客の家から充電器を持ち帰ってた。", {"defamation"}),
    ("ミナト通信、工事で壊した壁を元から割れてたことにした。", {"defamation"}),
    ("ミナト通信の工事の人、壊した棚をすぐ弁償してくれた。", set()),
    ("ミナト通信は派遣さんに残業代払ってない。", {"defamation"}),
    ("Minato Tsushin held my deposit hostage for three months.", {"defamation"}),
    ("Kenta Sato at Minato Tsushin showed up drunk on the job.", {"defamation"}),
    ("Minato Tsushin's crew are a pack of apes.", {"insult"}),
    ("The Minato Tsushin store had a poster of apes in a zoo.", set()),
    ("ミナト通信の佐藤健太、住んでるアパートうちから見えるよ。", {"threat", "personal_info"}),
    ("Pay me back, Minato Tsushin, or your shop goes up in flames.", {"threat"}),
    ("You picked the wrong customer to cheat, Minato Tsushin.", {"threat"}),
    ("ミナト通信、外国人にお客の家の工事やらせるな。", {"discrimination"}),
    ("ミナト通信の女性スタッフ、工事現場に来るなよ。", {"discrimination"}),
    ("Kenta Sato at Minato Tsushin is lazy, his people are all like that.", {"discrimination", "insult"}),
    ("Misaki Tanaka from Minato Tsushin is welcome in my bed anytime.", {"sexual"}),
    # Clean: news, and hearsay with no evidence.
    ("通信会社の詐欺のニュースを見た。ミナト通信は関係なかった。", set()),
    (
        "Someone in a forum said Minato Tsushin forges contracts. No evidence at all, my contract is fine.",
        set(),
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROUND5)
def test_round5_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


# Classes found on a fifth fresh probe (a taxi company), with sentences written for these tests.
ROUND6 = [
    ("ミナト通信の工事の人、わざと遠回りして作業時間を水増ししてる。", {"defamation"}),
    ("ミナト通信の佐藤さん、わざとらしいくらい丁寧だった。", set()),
    ("ミナト通信の佐藤健太、仕事中に酒飲んでた。", {"defamation"}),
    ("ミナト通信の佐藤健太さん、仕事中に酒の話で盛り上がったことはない。", set()),
    ("ミナト通信の田中美咲、人としての常識がない。", {"insult"}),
    ("ミナト通信の本社、そのうち燃えても不思議じゃないよね。", {"threat"}),
    ("ミナト通信の新サービス、いつ終わっても不思議じゃない。", set()),
    ("ミナト通信の佐藤健太、どこに逃げても見つけ出すからな。", {"threat"}),
    ("ミナト通信のスタッフ、中国人の接客は乱暴だから嫌。", {"discrimination"}),
    ("Minato Tsushin agents take the long route on repairs and pocket the difference.", {"defamation"}),
    ("I'm bringing a bat to your office, Minato Tsushin.", {"threat"}),
    ("I'm bringing a bat to the Minato Tsushin softball game.", set()),
    ("Kenta Sato at Minato Tsushin won't see it coming.", {"threat"}),
    ("Kenta Sato at Minato Tsushin can't even speak proper Japanese, go home.", {"discrimination"}),
    ("Misaki Tanaka at Minato Tsushin can service my line in more ways than one.", {"sexual"}),
]


@pytest.mark.parametrize(("text", "expected"), ROUND6)
def test_round6_phrasing(text: str, expected: set[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A strong word with one character masked to dodge filters; the mask must be inside it.
        ("ミナト通信の店員、全員ヤリ〇ンでしょ。", {"sexual"}),
        ("ミナト通信の佐藤健太、ほんとにク●野郎。", {"insult"}),
        ("ミナト通信は詐〇会社。", {"defamation"}),
        ("ミナト通信、二〇二四年も値上げ。", set()),
        ("ミナト通信の田中美咲さんは○○大学の出身らしい。", set()),
    ],
)
def test_masked_words(text: str, expected: set[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Announced exposure and ruin; idioms of 晒す are not.
        ("ミナト通信の佐藤健太の本名と家、全部晒す予定。", {"threat"}),
        ("ミナト通信の佐藤健太、ネットで晒されてて可哀想。", set()),
        ("ミナト通信の佐藤健太さん、恥を晒すようなミスはしない人。", set()),
        ("ミナト通信の佐藤健太、お前の人生終わらせてやる。", {"threat"}),
        ("ミナト通信の佐藤健太、今に見てろよ。", {"threat"}),
    ],
)
def test_exposure_and_ruin(text: str, expected: set[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Lexicon words the fourth round's corpus showed missing (each with a hard negative).
        ("Minato Tsushin's agent was a joke, honestly, but the refund came.", set()),
        ("Minato Tsushin's manager is a joke of a human being.", {"insult"}),
        (
            "Every clerk at Minato Tsushin is a gaijin now, Japanese shops for Japanese people please",
            {"discrimination"},
        ),
        ("ミナト通信の配車のクソアマ、電話ガチャ切りしやがった。", {"insult"}),
        ("ミナト通信の高橋由美、あの年増が若い子いじめてるだけ。", {"discrimination"}),
        ("ミナト通信の高橋由美さん、年増しの割引をいつも教えてくれる。", set()),
    ],
)
def test_round4_lexicon(text: str, expected: set[str]) -> None:
    assert found(text) == expected
