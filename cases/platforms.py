"""Where and how to report a post on each platform, and the fields the report needs.

Channels change: the legal team should check the current form before sending. Unknown
platforms fall back to the ``default`` entry (the site's own contact or hosting provider).
Each entry cites the pages it was checked against; what could not be checked is marked
"not verified" in the comment and in the text the draft shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportChannel:
    platform: str
    name: str
    channels: tuple[str, ...]
    required: tuple[str, ...]
    notes: str = ""


CHANNELS: dict[str, ReportChannel] = {
    # Sources (checked 2026-11 against stored copies of the pages):
    # - https://reddit.zendesk.com/hc/en-us/articles/205192745-What-does-the-report-button-do-
    #   (the report button goes to the community's moderators; admins are informed when many
    #   people report the same thing).
    # - https://support.reddithelp.com/hc/en-us/articles/12793653507860-guidelines-for-civil-and-non-government-legal-requests-for-account-information
    #   (the address Reddit's moderators give for legal matters, quoted in
    #   https://r.home.koptein.de/r/ModSupport/comments/1oi6d0i/takedown_request_for_defamatory_post;
    #   the page itself is not stored).
    # Not verified: the form address https://www.reddit.com/report and the fields Reddit's own
    # forms require (only third-party how-tos were found); the fields below are what those
    # how-tos and the report flow ask for.
    "reddit": ReportChannel(
        "reddit",
        "Reddit",
        (
            "Report button on the post or comment (goes to the subreddit's moderators first; Reddit "
            "admins are informed when reports accumulate)",
            "Reddit's report form: https://www.reddit.com/report (not verified)",
            "Legal requests: Reddit's guidelines for civil legal requests, "
            "https://support.reddithelp.com/hc/en-us/articles/12793653507860 (moderators cannot act on them)",
        ),
        (
            "Permalink of the post or comment",
            "Username of the author",
            "Rule or law violated",
            "Description of the harm",
        ),
        "Moderators are volunteers, not Reddit employees: legal requests go to Reddit itself.",
    ),
    # Sources:
    # - https://support.google.com/youtube/answer/6154216 (defamation complaint requirements:
    #   country/region of dispute, full legal name, own channel if any, acting for yourself or a
    #   client, contact info; per video its URL and the exact statements — "the whole video" is
    #   invalid; the sentence "I declare that the information in this notice is true and
    #   complete." and a signature; complaints may be sent to the Lumen Database).
    # - https://support.google.com/youtube/answer/2802057?hl=ja (reporting tool for harassment,
    #   privacy complaint process, legal-issues webform preferred over fax or mail).
    # - https://support.google.com/youtube/answer/142443?hl=ja (privacy complaint process).
    # Not verified: https://www.youtube.com/copyright_complaint_form (copyright webform address).
    "youtube": ReportChannel(
        "youtube",
        "YouTube",
        (
            "Report on the video or comment, or the reporting tool for several items "
            "(Harassment and cyberbullying)",
            "Defamation (legal webform, country Japan): https://support.google.com/youtube/answer/6154216",
            "Privacy complaint (name, image or contact details without consent): "
            "https://support.google.com/youtube/answer/142443",
            "Copyright: https://www.youtube.com/copyright_complaint_form (not verified)",
        ),
        (
            "Country/region of dispute (Japan)",
            "Full legal name, and whether you act for yourself or a client",
            "Contact info (email, postal address or telephone)",
            "Video URL (and timestamp) or comment link",
            "The exact statements alleged to be defamatory (not 'the whole video')",
            '"I declare that the information in this notice is true and complete." and a signature '
            "(full legal name)",
        ),
        "Only the person concerned or their authorized representative may file; the uploader is "
        "notified and the complaint may be published in the Lumen Database (personal details redacted).",
    ),
    # Sources:
    # - https://help.twitter.com/en/safety-and-security/report-abusive-behavior (anyone can report
    #   from a post, profile or Direct Message; several posts in one report).
    # - https://support.twitter.com/articles/20169998-reporting-abusive-behavior (abuse, threats
    #   and privacy reports need the person affected or their authorized representative).
    # - https://www.takata-lawoffice.com/ (article on X's Japan form https://help.x.com/ja/forms/japan-report,
    #   set up under 情報流通プラットフォーム対処法).
    # - https://ascii.jp/elem/000/004/310/4310343 (designated 2025-04-30; a Japanese-speaking
    #   team decides within 7 days and notifies the email address given in the request).
    # - https://news.livedoor.com/topics/detail/29588587/ (the Japan form asks for an X account).
    # - https://help.x.com/en/rules-and-policies/x-legal-faqs (X may tell the account holder).
    # Not verified: the forms hub https://help.x.com/forms and whether a signature is required.
    "x": ReportChannel(
        "x",
        "X (Twitter)",
        (
            "Report post in the app (Abuse and harassment / Private information)",
            "Japan removal requests (情報流通プラットフォーム対処法): https://help.x.com/ja/forms/japan-report",
            "Legal request FAQ: https://help.x.com/en/rules-and-policies/x-legal-faqs",
        ),
        (
            "Post URL",
            "@handle of the author",
            "Violation category",
            "Description",
            "Your X account (the Japan form asks for one)",
            "Email address for X's decision",
        ),
        "X is a designated large platform (2025-04-30): it must decide within 7 days and notifies "
        "the email given. Reports of abuse or private information must come from the person affected "
        "or their authorized representative; X may tell the account holder about a legal request.",
    ),
    # Sources:
    # - https://bsky.social/about/support/regulatory-compliance-report (in-app reporting for
    #   Community Guidelines violations; a separate regulatory process for the UK, EU and
    #   Australia only).
    # - https://bsky.social/about/support/community-guidelines (named by @safety.bsky.app, whose
    #   profile says to use the in-app reporting feature).
    # - https://github.com/bluesky-social/atproto/blob/main/lexicons/com/atproto/moderation/createReport.json
    #   (API: reasonType and subject required — a com.atproto.repo.strongRef with the at:// URI
    #   and CID of the post, or the account's DID; reason optional, at most 2,000 graphemes;
    #   implemented by moderation services).
    # - https://github.com/snarfed/granary/issues/596 (reports go to moderation services, not to
    #   the PDS that hosts the account).
    # Not verified: a legal-request address for Japan.
    "bluesky": ReportChannel(
        "bluesky",
        "Bluesky",
        (
            "Report post in the app (goes to the Bluesky moderation service)",
            "Community Guidelines: https://bsky.social/about/support/community-guidelines",
            "API: com.atproto.moderation.createReport (reasonType, subject = at:// URI and CID of the "
            "post or the author's DID, reason)",
        ),
        (
            "bsky.app post URL or at:// URI",
            "Handle or DID of the author",
            "Reason type",
            "Reason (at most 2,000 characters)",
        ),
        "Reports go to moderation services, not to the server (PDS) that hosts the account; a "
        "self-hosted PDS has its own operator. Bluesky's regulatory form covers the UK, EU and "
        "Australia only.",
    ),
    # Sources:
    # - https://docs.joinmastodon.org/methods/reports/ (stored as mastodon/documentation
    #   content/en/methods/reports.md): POST /api/v1/reports, user token with write:reports;
    #   account_id required; status_ids[], comment (default maximum 1,000 characters),
    #   forward (to the remote admin), category spam / legal (since 4.2.0) / violation (with
    #   rule_ids[]) / other (default).
    # Not verified: the instance contact page (commonly https://<instance>/about).
    "mastodon": ReportChannel(
        "mastodon",
        "Mastodon instance",
        (
            "Report on the post (goes to the moderators of your instance; tick 'forward' for remote posts)",
            "Instance admin contact: https://<instance>/about (not verified)",
            "API: POST /api/v1/reports (account_id, status_ids[], comment, category=legal, forward=true; "
            "category legal needs Mastodon 4.2 or later)",
        ),
        (
            "Status URL(s)",
            "Account (@user@instance)",
            "Category (legal / violation / spam / other)",
            "Comment explaining the law or rule broken (at most 1,000 characters by default)",
        ),
        "Each instance has its own rules and admins; the author's home instance decides removal.",
    ),
    # Sources (third-party guides; 5ch's own pages are not stored):
    # - https://keseru.jp/delete/5ch and https://f-solution.net/5ch/ (e-mail to
    #   meiyokison@5ch.net, subject 削除申し立て, thread URL, レス番号, reason, supporting material,
    #   identity documents).
    # - https://balstokyo.com/5ch/sakujo-2 (three routes: e-mail, not public, for the person
    #   concerned; 削除要請板 and 削除整理板, public).
    # - https://ace.5ch.net/test/read.cgi/saku2ch/1118052860/276 (a request on the board itself:
    #   削除対象アドレス / 削除理由・詳細・その他, citing the guideline item).
    # Not verified: the address of the 削除ガイドライン page, and whether a company name or the
    # post's date is required.
    "5ch": ReportChannel(
        "5ch",
        "5ちゃんねる",
        (
            "メール（非公開・当事者）: meiyokison@5ch.net 件名「削除申し立て」",
            "削除要請板・削除整理板（公開）",
            "削除ガイドライン: https://info.5ch.net/index.php/削除ガイドライン (not verified)",
        ),
        (
            "削除対象アドレス（スレッドのURL）とレス番号",
            "削除理由・詳細（削除ガイドラインの該当項目）",
            "本人確認資料（メールの場合）",
        ),
        "削除要請板・削除整理板への依頼は公開されます。個人情報を書かないでください。"
        "法的手続き（仮処分）は弁護士経由で。",
    ),
    # Not verified: generic advice, no platform to check against.
    "default": ReportChannel(
        "default",
        "Other site",
        ("The site's report or contact form", "Its hosting provider's abuse contact (whois / IP lookup)"),
        ("URL", "The exact content", "Why it is unlawful", "Your contact details"),
    ),
}

ALIASES = {"twitter": "x", "5channel": "5ch", "jp_board": "5ch", "2ch": "5ch"}


def channel_for(platform: str) -> ReportChannel:
    key = ALIASES.get(platform.lower(), platform.lower())
    return CHANNELS.get(key, CHANNELS["default"])
