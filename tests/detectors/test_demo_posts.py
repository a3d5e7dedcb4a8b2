"""The demo's posts (demo/posts.py): harassment is flagged; fair complaints, neutral posts and
posts about other companies or people are not."""

from __future__ import annotations

import pytest

from demo.posts import POSTS
from tests.detectors.helpers import assert_spans_original, run

EXPECTED: dict[str, set[str]] = {
    "ミナト通信って詐欺らしいね。解約させない手口が犯罪レベル。": {"defamation"},
    "ミナト通信のオペの田中美咲、マジで無能。クズ対応しかできない。": {"insult", "employee_named"},
    "ミナト通信の佐藤健太、覚えとけよ。会社の前で待ち伏せしてやる。": {"threat", "employee_named"},
    "ﾐﾅﾄ通信はブラック企業。社員を使い捨てにしている。": {"defamation"},
    "ミナト通信の髙橋由美さん、いつも18時に新橋駅から帰ってるよね。": {"personal_info", "employee_named"},
    "ミ ナ ト 通 信 の 対応 ゴミ すぎ。全員 クズ。": {"insult"},
    "ミナト通信の本社、燃やすぞ。": {"threat"},
    "Minato Tsushin is a scam. They charged me twice and the agents are useless idiots.": {
        "defamation",
        "insult",
    },
    "That operator Tanaka at Minato Tsushin is a moron. I know where you live, Misaki Tanaka.": {
        "insult",
        "threat",
        "employee_named",
    },
    "M1nato Tsushin are crooks and fraud artists, everyone should know.": {"defamation"},
    "Shout out to the Minato Tsushin team, Kenta Sato fixed my router in five minutes!": {"employee_named"},
    "Somebody should burn it down, Minato Tsushin HQ I mean.": {"threat"},
}


@pytest.mark.parametrize("text", [p[3] for p in POSTS], ids=[str(i) for i in range(len(POSTS))])
def test_demo_post(text: str) -> None:
    found = run(text)
    assert {f.label for f in found} - {"company_mentioned"} == EXPECTED.get(text, set())
    assert_spans_original(text, found)
