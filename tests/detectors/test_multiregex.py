"""PatternSet: one Hyperscan pass says which patterns can match; the matches are Python's."""

from __future__ import annotations

import json
import random
import re
import threading
from pathlib import Path

import pytest

from detectors import lexicon_en, multiregex, personal_info
from detectors.multiregex import PatternSet, ascii_view, hyperscan, hyperscan_source, stand_in
from detectors.normalize import fold

DATA = Path(__file__).resolve().parents[1] / "data"

needs_hyperscan = pytest.mark.skipif(hyperscan is None, reason="hyperscan is not installed")


def _python_matches(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int, int, str]]:
    return [(i, m.start(), m.end(), m.group(0)) for i, p in enumerate(patterns) for m in p.finditer(text)]


def _set_matches(ps: PatternSet, text: str) -> list[tuple[int, int, int, str]]:
    return [(i, m.start(), m.end(), m.group(0)) for i, m in ps.finditer(text)]


def _dev_texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*/posts.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.append(fold(json.loads(line)["text"]).text)
    return texts


def _english_patterns() -> list[re.Pattern[str]]:
    return [
        re.compile(r"(?<![a-z0-9_])(?=[a-z])(?:" + "|".join(f"(?:{p})" for p in pats) + ")")
        for pats in lexicon_en.PATTERNS.values()
    ]


def _detector_patterns() -> list[re.Pattern[str]]:
    english = _english_patterns()
    kinds = [
        re.compile(f"{ja}|{any_text}" if ja else any_text) for ja, any_text, _ in personal_info.KINDS.values()
    ]
    return english + kinds


@needs_hyperscan
def test_same_matches_as_python_on_the_dev_sets() -> None:
    patterns = _detector_patterns()
    fast = PatternSet(patterns)
    assert fast.accelerated
    texts = _dev_texts()
    assert len(texts) > 2500
    matched = 0
    for text in texts:
        expected = _python_matches(patterns, text)
        assert _set_matches(fast, text) == expected, text
        matched += bool(expected)
    assert matched > 300  # the comparison covers texts that do match, not only empty results


@needs_hyperscan
def test_patterns_that_cannot_match_do_not_run() -> None:
    patterns = _english_patterns()
    fast = PatternSet(patterns)
    texts = _dev_texts()
    run = sum(len(fast.candidates(t)) for t in texts)
    matching = sum(1 for t in texts for p in patterns if p.search(t))
    assert matching <= run < matching + 0.05 * len(patterns) * len(texts)


# Characters where Python's Unicode classes and an ASCII engine disagree: accented and CJK
# word characters, a non-ASCII digit, Unicode spaces, the separators Python counts as \s,
# punctuation and symbols.
_ALPHABET = list("ab xyz-'.!?\n_09") + list("éß日本ーｱ٣\u3000\u00a0\x1c\x85’“…、。🍑K")
_PATTERNS = [
    r"\bab\b",
    r"\w+\s+z",
    r"a[^.!?\n]{0,3}?b",
    r"\d{2}",
    r"x\W+y",
    r"(?<![a-z])b(?!a)",
    r"z.{2}a",
    r"\s{2}",
    r"[’'“]a",
    r"日本\w",
    r"ー+",
    r"a\Sb",
    r"^x|y$",
    r"\bk",
]


@needs_hyperscan
def test_unicode_classes_agree_on_random_texts() -> None:
    patterns = [re.compile(p) for p in _PATTERNS]
    fast = PatternSet(patterns)
    assert fast.accelerated
    rng = random.Random(20261122)
    hits = 0
    for _ in range(20000):
        text = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 14)))
        expected = _python_matches(patterns, text)
        assert _set_matches(fast, text) == expected, repr(text)
        hits += bool(expected)
    assert hits > 5000


def test_the_view_keeps_length_and_class() -> None:
    text = "日本 ٣é\u3000’x\x1c"
    view = ascii_view(text)
    assert len(view) == len(text)
    assert view == b"xx 0x \x01x "
    assert stand_in("ー") == "x" and stand_in("、") == "\x01" and stand_in("\u00a0") == " "


def test_a_non_ascii_character_that_could_match_less_is_left_to_python() -> None:
    assert hyperscan_source("[^。！？]{0,10}") is None  # negated class
    assert hyperscan_source("[ぁ-ん]+") is None  # range
    assert hyperscan_source(r"\u3042") is None  # an escape the other engine reads differently
    assert hyperscan_source("[’']s") == "[\\x01']s"
    assert hyperscan_source("日本") == "xx"


@needs_hyperscan
def test_unsafe_and_flagged_patterns_always_run() -> None:
    patterns = [
        re.compile("[^。]{2}x"),
        re.compile("kelvin", re.IGNORECASE),
        re.compile("^b", re.MULTILINE),
        re.compile("a.b", re.DOTALL),
        re.compile("abc"),
    ]
    ps = PatternSet(patterns)
    assert ps.candidates("nothing here") == [0, 1, 2, 3]
    # U+212A KELVIN SIGN matches k under Python's Unicode case folding.
    assert [m.group(0) for _, m in ps.finditer("\u212aelvin")] == ["\u212aelvin"]
    assert [i for i, _ in ps.finditer("a\nb")] == [2, 3]


@needs_hyperscan
def test_inline_case_insensitivity_keeps_unicode_case_twins() -> None:
    # Python's (?i) takes the Kelvin sign for k, the long s for s, dotted and dotless I for i.
    patterns = [re.compile("(?i:kelvin)"), re.compile("\\b(?i:six)\\b"), re.compile("(?i:in)")]
    ps = PatternSet(patterns)
    assert ps.accelerated and not ps._always
    for text in ("\u212aelvin", "\u017fix", "\u0130n", "\u0131n", "KELVIN SIX IN"):
        assert _set_matches(ps, text) == _python_matches(patterns, text), repr(text)
        assert _python_matches(patterns, text), repr(text)


def test_a_trigger_is_a_condition_of_its_pattern() -> None:
    patterns = [re.compile(r"\d{3}-\d{4}"), re.compile(r"\d{3}-\d{4}")]
    triggers = [re.compile("address"), None]
    for use in (True, False):
        ps = PatternSet(patterns, triggers, use_hyperscan=use)
        assert [i for i, _ in ps.finditer("call 555-0148")] == [1]
        assert [i for i, _ in ps.finditer("address 555-0148")] == [0, 1]


def test_without_hyperscan_the_matches_are_the_same() -> None:
    patterns = _detector_patterns()
    slow = PatternSet(patterns, use_hyperscan=False)
    assert not slow.accelerated
    for text in _dev_texts()[::7]:
        assert _set_matches(slow, text) == _python_matches(patterns, text)


def test_one_trigger_per_pattern() -> None:
    with pytest.raises(ValueError, match="one trigger"):
        PatternSet([re.compile("a")], [None, None])


@needs_hyperscan
def test_threads_scan_at_once() -> None:
    patterns = _detector_patterns()
    ps = PatternSet(patterns)
    texts = _dev_texts()[:600]
    expected = [_python_matches(patterns, t) for t in texts]
    errors: list[str] = []

    def work() -> None:
        for text, want in zip(texts, expected, strict=True):
            if _set_matches(ps, text) != want:
                errors.append(text)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@needs_hyperscan
def test_compiled_databases_are_cached_between_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAMORI_CACHE_DIR", str(tmp_path))
    patterns = [re.compile(r"\bcache test (?:one|two)\b"), re.compile(r"\d{3}-\d{4}")]
    multiregex._database.cache_clear()
    first = PatternSet(patterns)
    files = list((tmp_path / "hyperscan").glob("*.db"))
    assert len(files) == 1
    # Another process (the in-memory cache cleared) loads the file instead of compiling.
    multiregex._database.cache_clear()

    def no_compile(*args: object) -> None:
        raise AssertionError("compiled again instead of loading the cached database")

    monkeypatch.setattr(multiregex, "_compile", no_compile)
    second = PatternSet(patterns)
    assert second.accelerated
    assert (
        second.candidates("a cache test two, 555-0148")
        == first.candidates("cache test two 555-0148")
        == [0, 1]
    )
    assert second.candidates("nothing") == []


@needs_hyperscan
def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAMORI_CACHE_DIR", str(tmp_path))
    patterns = [re.compile(r"\bdamaged cache\b")]
    multiregex._database.cache_clear()
    PatternSet(patterns)
    (path,) = (tmp_path / "hyperscan").glob("*.db")
    path.write_bytes(b"not a database")
    multiregex._database.cache_clear()
    ps = PatternSet(patterns)
    assert ps.candidates("a damaged cache here") == [0]
    assert path.read_bytes() != b"not a database"  # rewritten


@needs_hyperscan
def test_an_unwritable_cache_still_compiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("MAMORI_CACHE_DIR", str(blocker))
    multiregex._database.cache_clear()
    ps = PatternSet([re.compile(r"\bunwritable\b")])
    assert ps.candidates("unwritable") == [0]


def test_search_finds_the_first_pattern_that_matches() -> None:
    patterns = [re.compile(r"\bzebra\b"), re.compile(r"\d{3}"), re.compile(r"\bcat\b")]
    for use in (True, False):
        ps = PatternSet(patterns, use_hyperscan=use)
        found = ps.search("a cat and 123")
        assert found is not None and found[0] == 1 and found[1].group(0) == "123"
        assert ps.search("nothing here") is None
