"""Third probe round: threats by insinuation, stereotypes without a pejorative, insults without
an abusive word and masked English slurs. Every case is written here (not taken from a test
set): positives and hard negatives."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, labels, run


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Threats by insinuation: fire, accidents, the family with the home or school known.
        ("ミナト通信の営業所、プレハブだから派手に燃えそうだな。", "threat"),
        ("ミナト通信の倉庫、段ボールだらけで火がついたら一瞬だろうな。", "threat"),
        ("ミナト通信の田中さん、お子さんはお元気？通ってる学校はもう調べてあるからね。", "threat"),
        ("ミナト通信の佐藤、一人で帰る夜道は暗いし、何か起きないといいけど。", "threat"),
        ("Nice office, Minato Tsushin. Be a real shame if something happened to it.", "threat"),
        ("Lovely storefront, Minato Tsushin. Pity if someone smashed those windows.", "threat"),
        ("Tanaka at Minato Tsushin walks home alone through the park, accidents happen.", "threat"),
        # Stereotypes without a pejorative.
        ("ミナト通信の窓口の女なんか黙って座ってろ", "discrimination"),
        ("ミナト通信の女は家事でもしてればいいのに", "discrimination"),
        ("ミナト通信の高齢者スタッフには営業の仕事なんて無理", "discrimination"),
        ("ミナト通信の外国人スタッフは全員辞めろ", "discrimination"),
        ("Minato Tsushin put a woman in charge of IT, no wonder nothing works.", "discrimination"),
        ("Tanaka at Minato Tsushin should go back to the kitchen.", "discrimination"),
        ("The deaf guy at Minato Tsushin support messed up my order, what did you expect.", "discrimination"),
        # Insults without an abusive word.
        ("ミナト通信の受付のやつ、生きてる価値ないわ", "insult"),
        ("ミナト通信の田中さんには何も期待するだけ無駄", "insult"),
        ("Sato from Minato Tsushin is a walking waste of oxygen.", "insult"),
        ("A five-year-old could do Tanaka's job at Minato Tsushin.", "insult"),
        # Masked English slurs and insults (a mask inside a known word).
        ("Minato Tsushin's male reps are all g*y lol", "discrimination"),
        ("the Minato Tsushin agent is a b*tch", "insult"),
        ("Minato Tsushin support is run by m*rons", "insult"),
        ("Minato Tsushin staff are total r*tards", "discrimination"),
    ],
)
def test_positives(text: str, label: str) -> None:
    assert label in labels(text), text
    assert_spans_original(text, run(text))


@pytest.mark.parametrize(
    "text",
    [
        # Fire safety, sincere questions, fiction, plain wishes.
        "ミナト通信の営業所は木造で燃えやすそうなので、防火対策をお願いしたい。",
        "ミナト通信の倉庫、段ボールだらけで火がついたら一瞬。消防の点検ちゃんと受けてるの？",
        "ミナト通信の田中さん、ご家族はお元気ですか？また相談に伺います。",
        "It would be a shame if Minato Tsushin closed this branch.",
        "Minato Tsushin's roadside assistance saved me: accidents happen at night on that road.",
        "In the novel, the villain burns down a Minato Tsushin-like shop; a shame if the sequel drops it.",
        # Demographic facts, diversity praise, quoting to condemn.
        "ミナト通信は女性の管理職が多い。",
        "ミナト通信の外国人スタッフは仕事が丁寧だった。",
        "ミナト通信の高齢者向けプラン、高齢者には無理のない料金でよかった。",
        "「女は黙ってろ」とミナト通信の客に言われたらしい。ひどい差別だ。",
        "A customer said Minato Tsushin's agent belongs in the kitchen, which is plain sexism.",
        "Minato Tsushin's chef should stick to cooking, the canteen food is great.",
        "Minato Tsushin hired a woman as CTO and the app has never been better.",
        # Complaints about a process or product, self-deprecation.
        "ミナト通信の新プランに何も期待するだけ無駄だった。",
        "この書類、存在価値がよくわからない。ミナト通信さん簡素化して。",
        "I'm such a waste of space before coffee, but Minato Tsushin support was great.",
        "Minato Tsushin's loyalty app is a waste of space on my phone.",
        "My dog could do tricks better than Minato Tsushin's app loads.",
        # Masks that are not slurs, and words that only look like one.
        "Minato Tsushin's new ad: the b*st deal in town",
        "Minato Tsushin guys at the desk, g*t it sorted fast, thanks",
        "Minato Tsushin's s*x appeal in their ads is weird lol",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert labels(text) - {"employee_named"} == set(), text
