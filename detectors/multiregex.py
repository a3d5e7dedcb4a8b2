"""Many regular expressions over one text: which of them can match, found in one pass.

Python's :mod:`re` scans a text once per pattern, and the detectors hold dozens of large
alternations (harassment phrases, personal-information forms) that usually match nothing. A
:class:`PatternSet` asks `Hyperscan <https://www.hyperscan.io>`_ (Intel's multi-pattern
engine, the ``hyperscan`` package) in a single pass which patterns *can* match, and runs only
those with :mod:`re`. The matches are therefore exactly Python's: Hyperscan compiles the
patterns in prefilter mode (a superset of their matches, so look-arounds and back-references
are allowed) and never decides a match itself.

Hyperscan reads bytes with ASCII classes, Python reads characters with Unicode classes. The
two agree because Hyperscan scans an ASCII *view* of the text in which every non-ASCII
character is replaced by one ASCII character of the same class (``x`` for a word character,
``0`` for a digit, a space for a space, ``\\x01`` for anything else), and non-ASCII characters in
the patterns by the same stand-ins: ``\\w``, ``\\d``, ``\\s``, ``\\b`` and ``.`` then answer for a
stand-in what Python answers for the character. A stand-in matches more than its character
(any word character for ``ー``), which keeps the superset. A pattern where a stand-in could
match *less* (a non-ASCII character in a negated class or a range) is not given to
Hyperscan and always runs.

Without Hyperscan (not installed, or a CPU it does not support) every pattern runs, or the
ones whose cheap ``trigger`` pattern is found: the same matches, slower.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from detectors.normalize import LazyTable

logger = logging.getLogger(__name__)

try:  # optional: the pure-Python path gives the same matches
    import hyperscan
except ImportError:  # pragma: no cover - exercised where the wheel is missing
    hyperscan = None  # type: ignore[assignment]

_WORD = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s")
# ASCII characters Python's ``\s`` knows and PCRE's does not (file, group, record, unit separators).
_PY_ONLY_SPACES = "\x1c\x1d\x1e\x1f"
# A non-ASCII character inside a negated class, or as the end of a range: a stand-in could
# match less than the character there.
_UNSAFE = re.compile(r"\[\^(?:\\.|[^\]\\])*?[^\x00-\x7f]|[^\x00-\x7f]-|-[^\x00-\x7f]")
# Escapes the two engines read differently: Python's \u, \U and \N name characters, and \x80 to
# \xff is a character to Python but a byte to Hyperscan.
_UNSAFE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[uUN]|x[89a-fA-F]|[0-3][0-7]{2})")


# The non-ASCII characters Python's case-insensitive matching takes for ASCII letters (the
# Kelvin sign for k, the long s for s, dotted and dotless I for i): they stand for that letter.
_CASE_TWINS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


def stand_in(ch: str) -> str:
    """The ASCII character that stands for ``ch`` in the view Hyperscan scans."""
    if ch.isascii() and ch not in _PY_ONLY_SPACES:
        return ch
    if ch in _CASE_TWINS:
        return _CASE_TWINS[ch]
    if _DIGIT.match(ch):
        return "0"
    if _WORD.match(ch):
        return "x"
    if _SPACE.match(ch):
        return " "
    return "\x01"


_VIEW: LazyTable[int, str] = LazyTable(lambda code: stand_in(chr(code)))  # a str.translate table


def ascii_view(text: str) -> bytes:
    """``text`` with every non-ASCII character replaced by its stand-in (same length)."""
    if text.isascii() and not any(c in text for c in _PY_ONLY_SPACES):
        return text.encode()
    return text.translate(_VIEW).encode()


def hyperscan_source(pattern: str) -> str | None:
    """``pattern`` with its non-ASCII characters replaced by their stand-ins, or None when a
    stand-in could match less than the character (the pattern then always runs)."""
    if _UNSAFE_ESCAPE.search(pattern):
        return None
    if pattern.isascii():
        return pattern
    if _UNSAFE.search(pattern):
        return None
    out = []
    for ch in pattern:
        if ch.isascii():
            out.append(ch)
        else:
            s = stand_in(ch)
            out.append("\\x01" if s == "\x01" else s)
    return "".join(out)


_FLAGS = 0
if hyperscan is not None:
    _FLAGS = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY


def _compile(sources: tuple[str | None, ...], ids: list[int]) -> Any:
    db = hyperscan.Database()
    db.compile(
        expressions=[str(sources[i]).encode() for i in ids],
        ids=ids,
        elements=len(ids),
        flags=[_FLAGS] * len(ids),
    )
    return db


def cache_dir() -> Path:
    """Where compiled databases are kept between processes (``MAMORI_CACHE_DIR``, else the
    user's cache directory): compiling takes about half a second, loading a millisecond, and
    every scheduled crawl is a new process."""
    base = os.environ.get("MAMORI_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mamori"
    )
    return Path(base) / "hyperscan"


def _cached_compile(sources: tuple[str | None, ...], ids: list[int]) -> Any:
    """:func:`_compile`, through a file cache keyed by the patterns, the flags, the Hyperscan
    version and the machine. A file that cannot be read or loaded is compiled again."""
    key = repr(
        (getattr(hyperscan, "__version__", ""), platform.machine(), _FLAGS, ids, [sources[i] for i in ids])
    )
    path = cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.db"
    try:
        return hyperscan.loadb(path.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a damaged file, or one from another CPU: compile again
        logger.info("Recompiling the pattern database %s: %s", path, exc)
    db = _compile(sources, ids)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(hyperscan.dumpb(db))
        os.replace(tmp, path)
    except OSError as exc:
        logger.info("The compiled pattern database is not cached (%s): %s", path, exc)
    return db


@lru_cache(maxsize=32)
def _database(sources: tuple[str | None, ...]) -> tuple[Any, frozenset[int]]:
    """A compiled Hyperscan database of the given sources (ids: their indexes) and the indexes
    left out of it (they always run); ``(None, all)`` when Hyperscan cannot be used."""
    everything = frozenset(range(len(sources)))
    if hyperscan is None:
        return None, everything
    ids = [i for i, s in enumerate(sources) if s is not None]
    try:
        return (_cached_compile(sources, ids) if ids else None), everything.difference(ids)
    except Exception as exc:  # hyperscan.error: find the patterns it rejects, run them in Python
        logger.debug("Hyperscan rejected a pattern set (%s); compiling its patterns one by one.", exc)
    usable = []
    for i in ids:
        try:
            _compile(sources, [i])
            usable.append(i)
        except Exception as exc:  # an unsupported construct, or no CPU Hyperscan can run on
            logger.debug("Pattern %d runs without Hyperscan: %s", i, exc)
    if not usable:
        return None, everything
    return _compile(sources, usable), everything.difference(usable)


class PatternSet:
    """Compiled patterns that answer, for a text, which of them can match.

    ``triggers`` (optional, one per pattern or None) are cheap patterns a text must contain for
    their pattern to be run on it at all: a condition of the pattern, checked (in Python) only
    when the pattern can match.
    """

    def __init__(
        self,
        patterns: Sequence[re.Pattern[str]],
        triggers: Sequence[re.Pattern[str] | None] | None = None,
        *,
        use_hyperscan: bool = True,
    ) -> None:
        self.patterns = list(patterns)
        self.triggers = list(triggers) if triggers is not None else [None] * len(self.patterns)
        if len(self.triggers) != len(self.patterns):
            raise ValueError("A PatternSet needs one trigger (or None) per pattern.")
        # Patterns compiled with flags (IGNORECASE, MULTILINE, DOTALL, VERBOSE, ASCII) are left to
        # Python: Hyperscan would read them without the flag. Inline flags such as (?i:…) are
        # read alike by both engines.
        sources = tuple(
            hyperscan_source(p.pattern) if use_hyperscan and not p.flags & ~re.UNICODE else None
            for p in self.patterns
        )
        self._db, self._always = _database(sources)
        self._local = threading.local()  # Hyperscan's scratch space is per thread

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        return scratch

    @property
    def accelerated(self) -> bool:
        """True when Hyperscan answers for at least one pattern."""
        return self._db is not None

    def candidates(self, text: str) -> list[int]:
        """Indexes (ascending) of the patterns that can match ``text``; a pattern not listed
        has no match in it."""
        found: set[int] = set()
        if self._db is not None:

            def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
                found.add(pattern_id)

            self._db.scan(ascii_view(text), match_event_handler=on_match, scratch=self._scratch())
        found.update(self._always)
        return [i for i in sorted(found) if (t := self.triggers[i]) is None or t.search(text)]

    def search(self, text: str) -> tuple[int, re.Match[str]] | None:
        """The first match of the first pattern that matches, as ``(pattern index, match)``."""
        for i in self.candidates(text):
            m = self.patterns[i].search(text)
            if m is not None:
                return i, m
        return None

    def finditer(self, text: str) -> list[tuple[int, re.Match[str]]]:
        """Every match of every pattern, as ``(pattern index, match)`` in pattern order."""
        return [(i, m) for i in self.candidates(text) for m in self.patterns[i].finditer(text)]
