"""A family name that belongs to someone else in the post: a celebrity's full name, a shop
named after a person, the writer's own colleague in brackets, or the company that bears the
name. The employee is still found when the post is about them."""

from __future__ import annotations

import pytest

from crawler.items import Post
from crawler.roster import Employee, Roster
from tests.detectors.helpers import detector_set


def _found(text: str, company: tuple[str, tuple[str, ...]], roster: Roster) -> set[str]:
    post = Post(platform="test", source="test", id="t", url="", text=text)
    detector_set(model=True, company=company, roster=roster).run(post)
    return {f.employee_id or "" for f in post.findings if f.label == "employee_named"}


BRIGHT = ("Brightwave Energy", ("Brightwave Energy", "Brightwave"))
BRIGHT_ROSTER = Roster(
    (
        Employee("E01", "Gavin Mercer", "ギャビン マーサー", "Gavin Mercer", ("Gav",)),
        Employee("E03", "渡邊 浩", "わたなべ ひろし", "Watanabe Hiroshi", ("渡辺", "Watanabe")),
        Employee("E04", "Linh Nguyen", "リン グエン", "Linh Nguyen"),
    )
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # another person's full name at the start of the post
        ("Ken Watanabe narrating a Brightwave advert would go so hard.", set()),
        # a shop named after a person
        ("Mercer's Bakery does the best sausage rolls. Ate two on hold with Brightwave.", set()),
        ("Nguyen's Pho on London Road is 10/10. Brightwave please fix your app.", set()),
        # the employee after a sentence-opening verb, a title or a past tense
        ("Tell Watanabe at Brightwave his back-bills are a scam.", {"E03"}),
        ("Found Mercer's dating profile, he works at Brightwave.", {"E01"}),
        ("Inspector Watanabe from Brightwave came round today.", {"E03"}),
        # the employee's own things stay theirs
        ("Mercer's Instagram is public, Brightwave should tell him.", {"E01"}),
        ("Mercer's Saturday shift at Brightwave is chaos.", {"E01"}),
    ],
)
def test_latin_names_of_someone_else(text: str, expected: set[str]) -> None:
    assert _found(text, BRIGHT, BRIGHT_ROSTER) == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the family name reappears after a celebrity's full name: the same celebrity
        ("渡辺謙の新作映画観てきた。渡辺さん渋すぎる。Brightwaveの広告にも出てほしい", set()),
        # the writer's own colleague, marked in brackets after the honorific
        ("渡辺さん（会社の先輩）にBrightwaveを勧められた", set()),
        ("渡辺さん（うちの課長）の話。Brightwaveは関係ない", set()),
        # the company's own staff in brackets is still the employee
        ("渡辺さん（Brightwaveの請求担当の方）、丁寧に説明してくれた", {"E03"}),
        # a role makes the employee explicit even after a namesake
        ("渡辺謙の映画見た。Brightwaveの渡辺課長とは別人", {"E03"}),
    ],
)
def test_japanese_names_of_someone_else(text: str, expected: set[str]) -> None:
    assert _found(text, BRIGHT, BRIGHT_ROSTER) == expected, text


MARU = ("株式会社まるやまストア", ("まるやま", "マルヤマ", "丸山ストア", "Maruyama Store"))
MARU_ROSTER = Roster(
    (
        Employee("E08", "丸山 修", "まるやま おさむ", "Maruyama Osamu"),
        Employee("E01", "髙橋 誠", "たかはし まこと", "Takahashi Makoto"),
    )
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Went to Maruyama Store for the first time. The bento section is the bomb.", set()),
        ("まるやまの店員、全員やる気ない", set()),  # the company that bears the family name
        ("まるやまの髙橋店長、夏祭りで焼きそば焼いてた", {"E01"}),
        ("丸山社長、今朝も店の前の掃除してた。まるやまは好感しかない", {"E08"}),  # its head, by title
    ],
)
def test_company_that_bears_a_family_name(text: str, expected: set[str]) -> None:
    assert _found(text, MARU, MARU_ROSTER) == expected, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sen. Watanabe's care bill could help customers of Brightwave.", set()),  # a politician
        (
            "Gavin Mercer's new album slaps. Blasting it while on hold with Brightwave.",
            set(),
        ),  # a namesake's work
        ("Watanabe from my son's soccer team broke his wrist. Brightwave sent flowers, oddly.", set()),
        ("インフルエンサーの渡辺がBrightwaveの広告に出てた", set()),
        ("うちの大家さん、渡辺さんっていうんだけど優しい。Brightwaveとは関係ない", set()),
        ("うちの娘、Brightwaveの渡辺さんの窓口にしか並びたがらない", {"E03"}),  # the child is not a marker
        ("Brightwave's Gavin Mercer read my meter.", {"E01"}),
    ],
)
def test_markers_of_someone_else(text: str, expected: set[str]) -> None:
    assert _found(text, BRIGHT, BRIGHT_ROSTER) == expected, text
