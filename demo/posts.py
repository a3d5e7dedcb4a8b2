"""Demo posts about the fictional call-center company ミナト通信 (Minato Tsushin) and its
fictional staff. Some harass, some are fair complaints, some are neutral or about others."""

from __future__ import annotations

# (feed, author, title, text). Feed "ja" is a Japanese board digest, "en" an English review blog.
POSTS: list[tuple[str, str, str, str]] = [
    (
        "ja",
        "名無しさん",
        "ミナト通信のサポートについて",
        "ミナト通信のサポートに電話したら40分待たされた。もう少し改善してほしい。",
    ),
    ("ja", "通りすがり", "新サービス", "ミナト通信が新しい料金プランを発表したらしい。ちょっと気になる。"),
    ("ja", "匿名", "ミナト通信って詐欺", "ミナト通信って詐欺らしいね。解約させない手口が犯罪レベル。"),
    (
        "ja",
        "怒れる客",
        "オペレーターの田中",
        "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。",
    ),
    ("ja", "匿名", "天気", "今日は雨なので電車が遅れている。"),
    ("ja", "名無し", "覚えとけよ", "ミナト通信の佐藤健太、覚えとけよ。会社の前で待ち伏せしてやる。"),
    ("ja", "ユーザー", "対応よかった", "ミナト通信の窓口の人、丁寧で助かった。ありがとう。"),
    ("ja", "名無しさん", "田中さん", "近所の田中さんがケーキをくれた。おいしかった。"),
    ("ja", "匿名", "ﾐﾅﾄ通信", "ﾐﾅﾄ通信はブラック企業。社員を使い捨てにしている。"),
    ("ja", "通行人", "他社の話", "ヤマト物流の配達員がバカすぎる。"),
    ("ja", "名無し", "髙橋さん", "ミナト通信の髙橋由美さん、いつも18時に新橋駅から帰ってるよね。"),
    ("ja", "匿名", "ミ ナ ト 通 信", "ミ ナ ト 通 信 の 対応 ゴミ すぎ。全員 クズ。"),
    ("ja", "ニュース", "業界ニュース", "通信業界で新しい規制が始まる。各社が対応を検討している。"),
    ("ja", "名無しさん", "解約", "ミナト通信の解約手続きが分かりにくい。ウェブでできるようにしてほしい。"),
    ("ja", "匿名", "燃やす", "ミナト通信の本社、燃やすぞ。"),
    (
        "en",
        "angry_customer",
        "Minato Tsushin support is a scam",
        "Minato Tsushin is a scam. They charged me twice and the agents are useless idiots.",
    ),
    (
        "en",
        "reviewer42",
        "Long wait times",
        "Called Minato Tsushin support and waited 40 minutes. Fair enough, it was a busy day, but please add more staff.",
    ),
    ("en", "traveler", "Great trip", "Had a great trip to Kyoto last week. The food was amazing."),
    (
        "en",
        "throwaway",
        "operator Tanaka",
        "That operator Tanaka at Minato Tsushin is a moron. I know where you live, Misaki Tanaka.",
    ),
    ("en", "newsbot", "Telecom news", "Several telecom companies announced new roaming plans today."),
    ("en", "m1nato_hater", "M1nato", "M1nato Tsushin are crooks and fraud artists, everyone should know."),
    (
        "en",
        "fan",
        "Thanks",
        "Shout out to the Minato Tsushin team, Kenta Sato fixed my router in five minutes!",
    ),
    ("en", "critic", "Other company", "Acme Corp's support staff are idiots, avoid them."),
    ("en", "angry", "burn it down", "Somebody should burn it down, Minato Tsushin HQ I mean."),
    ("en", "reviewer", "Billing", "Minato Tsushin billing page is confusing. Not terrible, just confusing."),
]
