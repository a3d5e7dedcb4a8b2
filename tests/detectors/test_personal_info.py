"""personal_info: identifying details tied to a named employee."""

from __future__ import annotations

import pytest

from tests.detectors.helpers import assert_spans_original, run

POSITIVE = [
    ("ミナト通信の髙橋由美さん、いつも18時に新橋駅から帰ってるよね。", "E003", "18時"),
    ("田中美咲の携帯、０８０-９８７６-５４３２。みんなで電話しよう。", "E001", "０８０-９８７６-５４３２"),
    ("佐藤健太の住所は埼玉県さいたま市浦和区高砂1-2-3。", "E002", "1-2-3"),
    ("Misaki Tanaka's home address is 10 Oak Avenue, apt 5.", "E001", "10 Oak Avenue"),
    ("Takahashi Yumi's personal email: yumi.t.home@example.com", "E003", "yumi.t.home@example.com"),
    ("ミナト通信の佐藤健太、鍵垢 @kenta_sato_priv で愚痴ってる。", "E002", "@kenta_sato_priv"),
    ("ミナト通信の田中美咲を隠し撮りした画像、うpしとく。", "E001", "隠し撮り"),
    ("Sato Kenta takes the 7:15 train every morning.", "E002", "takes the 7:15 train"),
    ("Call Misaki Tanaka at +81 90 1234 5678 and tell her.", "E001", "+81 90 1234 5678"),
    (
        "Kenta Sato from Minato Tsushin takes the Yamanote line home at 6pm.",
        "E002",
        "takes the Yamanote line",
    ),
    ("Sato Kenta gets off at Shinagawa station around 7:30 pm.", "E002", "station around 7:30 pm"),
]


@pytest.mark.parametrize(("text", "employee", "detail"), POSITIVE)
def test_personal_info(text: str, employee: str, detail: str) -> None:
    found = [f for f in run(text) if f.label == "personal_info"]
    assert [f.employee_id for f in found] == [employee]
    assert found[0].severity == "high"
    assert any(detail in s.text for s in found[0].spans), found[0].spans
    assert_spans_original(text, found)


@pytest.mark.parametrize(
    "text",
    [
        "ミナト通信のサポートは0120-123-456、平日9時から。",  # the company's own line
        "ミナト通信の本社は東京都港区芝浦1-2-3にある。",  # no employee
        "近所の田中さんの家は横浜市青葉区だって。",  # not an employee
        "ミナト通信の田中美咲さん、丁寧に対応してくれた。",  # named, no detail
        "Tanaka Misaki from @minato_support answered me.",  # the company's own account
        "ミナト通信の佐藤健太、帰り道に気をつけろよ。",  # a threat, not whereabouts
    ],
)
def test_no_personal_info(text: str) -> None:
    assert "personal_info" not in {f.label for f in run(text)}


def test_weekday_abbreviations_and_platform_alts() -> None:
    # Written for this test: weekday lists with a time, and a named platform's alt account.
    from tests.detectors.helpers import labels

    assert "personal_info" in labels("Misaki Tanaka from Minato Tsushin swims every Mon/Wed at 6pm.")
    assert "personal_info" in labels("Minato Tsushin's Kenta Sato has a twitch alt called kenta_plays.")
    assert "personal_info" not in labels("Minato Tsushin's shop is open every Mon/Wed at 6pm.")
