"""Where and how to report a post on each platform, and the fields the report needs.

Channels change: the legal team should check the current form before sending. Unknown
platforms fall back to the ``default`` entry (the site's own contact or hosting provider).
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
    "reddit": ReportChannel(
        "reddit",
        "Reddit",
        (
            "Report button on the post or comment (harassment, personal information, threat of violence)",
            "https://www.reddit.com/report",
            "Legal removal requests: https://support.reddithelp.com/hc/en-us/requests/new",
        ),
        (
            "Permalink of the post or comment",
            "Username of the author",
            "Rule or law violated",
            "Description of the harm",
            "Your name and email (legal requests)",
        ),
        "Moderators of the subreddit can also remove content; legal requests go to Reddit itself.",
    ),
    "youtube": ReportChannel(
        "youtube",
        "YouTube",
        (
            "Report on the video or comment (Harassment and cyberbullying)",
            "Legal removal (defamation, Japan law): https://support.google.com/legal/answer/3110420",
            "Copyright: https://www.youtube.com/copyright_complaint_form",
        ),
        (
            "Video URL (and timestamp) or comment link",
            "Channel URL",
            "Country whose law applies (Japan)",
            "The exact words and why they are unlawful",
            "Full legal name and signature (legal forms)",
        ),
    ),
    "x": ReportChannel(
        "x",
        "X (Twitter)",
        (
            "Report post in the app (Abuse and harassment / Private information)",
            "Forms hub: https://help.x.com/forms",
            "Japan: the removal-request window designated under 情報流通プラットフォーム対処法",
        ),
        (
            "Post URL",
            "@handle of the author",
            "Violation category",
            "Description",
            "Full legal name, email and signature (legal requests)",
        ),
        "A designated large platform must answer within 7 days of the request.",
    ),
    "bluesky": ReportChannel(
        "bluesky",
        "Bluesky",
        (
            "Report post in the app (goes to the Bluesky moderation service)",
            "Support and legal contacts: https://bsky.social/about/support",
        ),
        ("bsky.app post URL or at:// URI", "Handle or DID of the author", "Reason", "Description"),
        "Posts on self-hosted PDSes are also labelled by the moderation service; the host may be separate.",
    ),
    "mastodon": ReportChannel(
        "mastodon",
        "Mastodon instance",
        (
            "Report on the post (goes to the moderators of your instance; tick 'forward' for remote posts)",
            "Instance admin contact: https://<instance>/about",
            "API: POST /api/v1/reports (account_id, status_ids, comment, category=legal, forward=true)",
        ),
        (
            "Status URL(s)",
            "Account (@user@instance)",
            "Category (legal / violation / other)",
            "Comment explaining the law or rule broken",
        ),
        "Each instance has its own rules and admins; the author's home instance decides removal.",
    ),
    "5ch": ReportChannel(
        "5ch",
        "5ちゃんねる",
        (
            "削除依頼板（対象の板に対応する削除依頼スレッド）",
            "削除ガイドライン: https://info.5ch.net/index.php/削除ガイドライン",
        ),
        (
            "対象スレッドのURLとレス番号",
            "削除理由（削除ガイドラインの該当項目）",
            "依頼者名（法人・団体の場合）",
            "投稿の日時",
        ),
        "削除依頼は公開されます。個人情報を書かないでください。法的手続きは弁護士経由で。",
    ),
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
