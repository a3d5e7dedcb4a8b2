"""Titles are read as well as the text, and every span says which field it points into."""

from __future__ import annotations

from crawler.items import Finding, Post, Span
from detectors.fields import post_text, repeats_body
from tests.detectors.helpers import detector_set


def run(title: str, text: str) -> Post:
    post = Post(platform="test", source="test", id="t", url="", text=text, title=title)
    detector_set().run(post)
    for finding in post.findings:
        assert finding.spans, finding
        for span in finding.spans:
            assert post.field_text(span.field)[span.start : span.end] == span.text, (finding.label, span)
    return post


def found(post: Post, label: str) -> list[Finding]:
    return [f for f in post.findings if f.label == label]


def test_harassing_title_over_a_neutral_body_is_found_in_the_title() -> None:
    post = run("ミナト通信の窓口の佐藤健太はほんと無能", "昨日、料金プランの変更で電話しました。")
    (insult,) = found(post, "insult")
    assert insult.employee_id == "E002"
    assert [(s.field, s.text) for s in insult.spans] == [("title", "無能")]
    assert "In the title." in insult.explanation
    (named,) = found(post, "employee_named")
    assert {s.field for s in named.spans} == {"title"}


def test_english_title_threat_with_body_mention() -> None:
    post = run("I know where you live", "Saw Kenta Sato from Minato Tsushin at the station again.")
    (threat,) = found(post, "threat")
    assert threat.employee_id == "E002"
    assert threat.spans[0].field == "title"


def test_body_without_subject_refers_back_to_the_company_in_the_title() -> None:
    post = run("みなと通信について", "あそこは完全に詐欺会社。金返せ。")
    (defamation,) = found(post, "defamation")
    assert [s.field for s in defamation.spans] == ["text"]
    assert defamation.spans[0].text == "詐欺会社"


def test_neutral_title_and_fair_complaint_stay_unflagged() -> None:
    post = run(
        "Minato Tsushin billing", "The invoice page is slow and confusing; support fixed it after a day."
    )
    assert not post.is_hit


def test_title_abuse_aimed_at_someone_else_is_not_a_hit() -> None:
    post = run("ライバル電気の営業はバカばっか", "その点ミナト通信の担当さんは親切だった。")
    assert found(post, "insult") == []


def test_title_cut_from_the_body_is_not_read_twice() -> None:
    body = "ミナト通信が詐欺だという書き込みはデマです。解約もすぐできました。"
    assert repeats_body("ミナト通信が詐欺…", body)
    assert repeats_body("ミナト通信が詐欺 ...", body)
    assert not repeats_body("詐欺会社ミナト通信", body)
    post = run("ミナト通信が詐欺…", body)
    assert found(post, "defamation") == []
    assert post_text(post).body_start == 0


def test_personal_info_name_in_title_detail_in_body() -> None:
    post = run("ミナト通信の髙橋由美さんの件", "毎朝8時に川崎駅から出勤してる。")
    (info,) = found(post, "personal_info")
    assert info.employee_id == "E003"
    assert {s.field for s in info.spans} == {"text"}


def test_span_field_round_trips_and_old_findings_default_to_text() -> None:
    finding = Finding("harassment", "insult", "medium", 0.9, "x", spans=(Span(0, 2, "バカ", "title"),))
    assert Finding.from_dict(finding.to_dict()) == finding
    old = {
        "detector": "h",
        "label": "insult",
        "severity": "medium",
        "score": 0.9,
        "spans": [{"start": 1, "end": 3}],
    }
    assert Finding.from_dict(old).spans[0].field == "text"


def test_post_without_title_keeps_text_offsets() -> None:
    post = run("", "ミナト通信のオペの田中美咲、マジで無能。")
    assert all(s.field == "text" for f in post.findings for s in f.spans)
    (insult,) = found(post, "insult")
    assert insult.spans[0].start == 17


def test_reply_title_is_the_threads_words() -> None:
    post = run("Re: ミナト通信の窓口はクズ？", "そんなことない、いつも丁寧に対応してくれる。")
    assert found(post, "insult") == []
    assert found(post, "company_mentioned")  # still names the company for the body
    post = run("Re: ミナト通信の窓口", "あそこのオペ、マジでクズ。")
    (insult,) = found(post, "insult")
    assert insult.spans[0].field == "text"


def test_question_in_title_answered_no_in_body() -> None:
    post = run("ミナト通信って犯罪企業？", "いや普通にまともな会社。")
    assert found(post, "defamation") == []
