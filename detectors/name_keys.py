"""How roster names are matched: the strong and weak keys of each employee, the role words and
honorifics around a name, and the character classes the names detector reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.roster import Employee
from detectors.lexicon_util import terms
from detectors.normalize import compact_key, fold

ROLE_WORDS = terms("""
    オペレーター, オペレータ, オペ, バーテン, コーチ, トレーナー, インストラクター, 頭取, 副頭取, 会長, 専務, 常務, 取締役,
    支店, 本店, 営業所, 支社, 担当者, 担当, 店員, 社員, スタッフ, 職員, 受付, 窓口, 店長, 課長, 部長, 係長, 主任,
    マネージャー, サポート, コールセンター, 営業, 係, 技術者, 作業員, 配達員, 工事, 広報, 人事, 社長, 代表, 役員, 行員,
    ドライバー, 運転手, 販売員, 相談員, 支店長, 所長, 薬剤師, 看護師, 医師, 係員, 店主,
    operator, agent, staff, clerk, employee, manager, rep, representative, support, supervisor, technician, engineer,
    salesman, saleswoman, ceo, director, spokesperson, receptionist, cashier, worker, installer, teller, banker, advisor,
    adviser, consultant, driver, courier, associate, specialist, officer, coordinator, trainer, instructor, guard,
    pharmacist, nurse, SV, QA, センター長, 院長, 事務長, 看護師長, 通訳,
    フロント, 支配人, コンシェルジュ, ベルボーイ, 仲居, 清掃, バーテンダー, 施設長, 介護士, ヘルパー, ケアマネ, 管理人, 不動産屋,
    プランナー, デザイナー, プロデューサー, ディレクター, エンジニア, 開発, プログラマー, 店員さん,
    concierge, bartender, bellhop, housekeeper, housekeeping, caregiver, aide, developer, dev, designer, producer,
    programmer, artist, animator, moderator, mod, realtor, broker, landlord, leasing, front desk, hygienist, dentist,
    doctor, assistant, 衛生士, 歯科衛生士, 助手, 歯科医, 歯医者,
    講師, 保育士, 園長, 副園長, 校長, 副校長, 教頭, 塾長, 教室長, 隊長, 班長, 駅長, 車掌, 館長, 支店長, 副支店長, 料理長,
    師長, 女将, 仲居さん, 警備員, 配車, 事務, 教官,
    teacher, tutor, lecturer, professor, principal, counselor, counsellor, coach, conductor, dispatcher, adjuster,
    planner, admissions, nanny, caretaker, chef, cook, waiter, waitress, server, barista
""")
HONORIFICS = terms("""
    さん, 様, さま, 氏, ちゃん, くん, 君, 殿, san, sama, shi, chan, kun, mr, mrs, ms, miss
""")

_KUNREI = (
    ("shi", "si"),
    ("chi", "ti"),
    ("tsu", "tu"),
    ("fu", "hu"),
    ("ji", "zi"),
    ("sha", "sya"),
    ("shu", "syu"),
    ("sho", "syo"),
    ("cha", "tya"),
    ("chu", "tyu"),
    ("cho", "tyo"),
    ("ja", "zya"),
    ("ju", "zyu"),
    ("jo", "zyo"),
)


def romaji_variants(word: str) -> set[str]:
    """Spellings of one romaji word: Sato, Satou, Satoh, Satoo; Yuuki/Yuki; Kunrei-shiki
    (Takahasi, Tuyosi); n/m before b, m, p (Junpei/Jumpei)."""
    word = word.lower()
    out = set(_long_vowels(word))
    for a, b in _KUNREI:
        if a in word:
            out |= _long_vowels(word.replace(a, b))
    for v in list(out):
        if re.search(r"n(?=[bmp])", v):
            out.add(re.sub(r"n(?=[bmp])", "m", v))
    return out


def _long_vowels(word: str) -> set[str]:
    base = re.sub(r"(?<=o)(u|o|h)(?![aeiou])", "", word)
    base = re.sub(r"(?<=u)u", "", base)
    out = {word, base}
    for i, ch in enumerate(base):
        if ch in "ou" and (i + 1 == len(base) or base[i + 1] not in "aeiou"):
            for extra in ("u", "h", "o") if ch == "o" else ("u",):
                out.add(base[: i + 1] + extra + base[i + 1 :])
    return out


@dataclass(frozen=True, slots=True)
class WeakKey:
    employee_id: str
    kind: str  # "family" or "given"
    needs_honorific: bool
    katakana: bool = False  # a katakana name part: never matched on hiragana (チャン is not ちゃんと)


def is_kanji(text: str) -> bool:
    """Kanji, including the compatibility forms names are written with (﨑 U+FA11, 髙's
    neighbours in U+F900–FAFF), extension A and the repeat mark 々."""
    return all(
        "\u4e00" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\u3400" <= c <= "\u4dbf" or c == "々"
        for c in text
    )


def is_katakana(text: str) -> bool:
    return bool(text) and all("\u30a0" <= c <= "\u30ff" or "\uff66" <= c <= "\uff9f" for c in text)


def full_width(text: str) -> str:
    """Half-width katakana as full width (ﾏﾈ → マネ): the normalizer's fold, case and kana kept."""
    return fold(text, kana=False, lower=False).text


def is_kana(text: str) -> bool:
    return all("\u3040" <= c <= "\u30ff" for c in text)


_ROLE_KEYS = frozenset(compact_key(w) for w in ROLE_WORDS)
_KANJI_ROLE = re.compile(r"[\u4e00-\u9fff]{0,4}(?:長|師|士|員|医)")


def is_role_alias(alias: str) -> bool:
    """An alias that is a role (院長, 施設長, lead producer): it names the one employee who holds
    it only where the company is mentioned."""
    words = alias.lower().split()
    return bool(words) and (
        compact_key(alias) in _ROLE_KEYS
        or bool(_KANJI_ROLE.fullmatch(alias.strip()))
        or compact_key(words[-1]) in _ROLE_KEYS
    )


def reading_parts(emp: Employee) -> list[str]:
    """The reading's parts, split at spaces and at the ・ of katakana names (プリヤ・パテル)."""
    return re.split(r"[\s・]+", emp.reading.replace("\u3000", " ").strip()) if emp.reading.strip() else []


def strong_keys(emp: Employee) -> set[str]:
    keys = {emp.name, *(a for a in emp.aliases if not is_role_alias(a))}
    reading = reading_parts(emp)
    romaji = emp.romaji.split()
    if len(reading) == 2:
        keys.add(" ".join(reading))
        if emp.given_name:
            keys.add(emp.family_name + reading[1])
            keys.add(reading[0] + emp.given_name)
    if len(romaji) == 2:
        for a in romaji_variants(romaji[0]):
            for b in romaji_variants(romaji[1]):
                keys.update({f"{a} {b}", f"{b} {a}"})
    return {k for k in keys if k.strip()}


def weak_keys(emp: Employee) -> dict[str, str]:
    reading = reading_parts(emp)
    romaji = emp.romaji.split()
    parts = emp.name.replace("\u3000", " ").split()
    keys: dict[str, str] = {emp.family_name: "family"}
    if emp.given_name:
        keys[emp.given_name] = "given"
    if len(parts) > 2:
        keys.setdefault(parts[-1], "given")  # グエン ティ ラン: the last part is the given name
    if reading:
        keys.setdefault(reading[0], "family")
        if len(reading) >= 2:
            keys.setdefault(reading[-1], "given")
    if len(romaji) > 2:
        romaji = [romaji[0], romaji[-1]]
    for i, part in enumerate(romaji[:2]):
        for v in romaji_variants(part):
            keys.setdefault(v, "family" if i == 0 else "given")
    return keys


def is_foreign(emp: Employee) -> bool:
    """A name written in katakana or latin letters (グエン ティ ラン, Jessica Moore): its parts
    are not also common words read in kana, so they need context but no honorific."""
    return not any("\u4e00" <= c <= "\u9fff" for c in emp.name)


_ROLES = "|".join(re.escape(compact_key(w)) for w in sorted(ROLE_WORDS, key=len, reverse=True))
# A sentence break anywhere in a stretch of text (a terminator, or a full stop before a space):
# a name and a company with one between them are not "the company's person".
SENTENCE_BREAK = re.compile(r"[。！？!?\n]|\.\s")

# A role word right before a name (オペの田中, operator Tanaka) or right after it (田中店長), over
# compact text.
ROLE_BEFORE = re.compile(f"(?:{_ROLES}|[\u4e00-\u9fff]{{1,4}}(?:員|師|士|長))(?:の|さん|の人|のひと|of|at)?$")
ROLE_AFTER = re.compile(
    f"^(?:さん|氏|様)?(?:って|という|とかいう|の|は|が|from|at|of|in|the)?(?:{_ROLES}|先生|"
    f"[\u4e00-\u9fff]{{0,3}}(?:院長|部長|課長|所長|店長|社長|事務長|センター長|室長|係長|工場長|園長|校長|塾長|"
    f"隊長|駅長|館長|支店長|教室長|料理長|師長|班長))"
)
